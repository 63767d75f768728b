import PLCore

/// The formats pl-extract reads.
public enum InputFormat: String, CaseIterable, Sendable {
  case auto, ndjson, json, csv, tsv

  /// The format a file name suggests, or nil when only its content can tell.
  public static func fromName(_ name: String) -> InputFormat? {
    guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return nil }
    switch name[name.index(after: dot)...].lowercased() {
    case "csv", "txt": return .csv
    case "tsv", "tab": return .tsv
    case "ndjson", "jsonl", "ldjson": return .ndjson
    case "json": return .json
    default: return nil
    }
  }

  /// The format the first bytes suggest: JSON when they start with `[` or `{` (NDJSON when the
  /// first line is one whole object), otherwise delimited text.
  public static func sniff(_ head: UnsafeBufferPointer<UInt8>) -> InputFormat {
    var i = 0
    while i < head.count, head[i] == 0x20 || head[i] == 0x09 || head[i] == 0x0A || head[i] == 0x0D { i += 1 }
    guard i < head.count else { return .ndjson }
    if head[i] == UInt8(ascii: "[") { return .json }
    guard head[i] == UInt8(ascii: "{") else { return .csv }
    var j = i
    while j < head.count && head[j] != 0x0A { j += 1 }
    var k = j - 1
    while k > i && (head[k] == 0x20 || head[k] == 0x09 || head[k] == 0x0D) { k -= 1 }
    return head[k] == UInt8(ascii: "}") ? .ndjson : .json
  }
}
