import PLCore

/// The input formats pl-extract reads, and how one is chosen for an input.
///
/// Content decides: each reader says how sure it is of the first bytes, and the surest wins.
/// The file name only breaks ties, so an NDJSON file named `.txt` is read as NDJSON.
public enum ReaderRegistry {
  /// Every reader, in the order ties are broken when the name says nothing. (A computed
  /// list: metatypes of a protocol are not `Sendable`, so a stored global would not be.)
  public static var readers: [any RecordReader.Type] {
    [NDJSONReader.self, JSONDocumentReader.self, XMLRecordReader.self, CSVRecordReader.self, SpreadsheetReader.self]
  }

  /// The reader of format `name` (`csv`, `ndjson`, `json`, `xml`).
  public static func reader(format name: String) -> (any RecordReader.Type)? {
    readers.first { $0.format == name }
  }

  /// The reader for an input called `name` whose first bytes are `head`.
  public static func choose(name: String, head: UnsafeBufferPointer<UInt8>) -> (any RecordReader.Type)? {
    let suffix = fileExtension(name)
    var best: (any RecordReader.Type)?
    var bestConfidence = Confidence.no
    var bestByName = false
    for reader in readers {
      let confidence = reader.sniff(name: name, head: head)
      guard confidence > .no else { continue }
      let byName = suffix.map { reader.extensions.contains($0) } ?? false
      if confidence > bestConfidence || (confidence == bestConfidence && byName && !bestByName) {
        best = reader
        bestConfidence = confidence
        bestByName = byName
      }
    }
    return best
  }

  /// The lower-case extension of the last path component, if it has one.
  static func fileExtension(_ name: String) -> String? {
    let last = name.split(separator: "/").last.map(String.init) ?? name
    guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return nil }
    return last[last.index(after: dot)...].lowercased()
  }
}

extension NDJSONReader: RecordReader {
  public static var format: String { "ndjson" }
  public static var extensions: [String] { ["ndjson", "jsonl", "ldjson"] }

  /// Sure when the first non-blank line is one whole JSON object (or the input is blank).
  public static func sniff(name: String, head: UnsafeBufferPointer<UInt8>) -> Confidence {
    var i = 0
    while i < head.count, isJSONSpace(head[i]) { i += 1 }
    guard i < head.count else { return .medium }
    guard head[i] == UInt8(ascii: "{") else { return .no }
    var j = i
    while j < head.count && head[j] != 0x0A && head[j] != 0x0D { j += 1 }
    if j == head.count && head.count >= (1 << 16) { return .low }  // a first line longer than the head
    let line = UnsafeBufferPointer(rebasing: head[i..<j])
    if (try? JSONParser.parseRecord(line)) != nil { return .high }
    return .low
  }

  public convenience init(input: BlockBuffer, options: ReaderOptions) throws(PLError) {
    self.init(input: input)
    provenance = options.includeMeta
  }

  public var details: [Field] { [Field("format", .string("ndjson"))] }
}

extension JSONDocumentReader: RecordReader {
  public static var format: String { "json" }
  public static var extensions: [String] { ["json"] }

  /// Sure of a top-level array; likely for an object that spans lines (pretty-printed).
  public static func sniff(name: String, head: UnsafeBufferPointer<UInt8>) -> Confidence {
    var i = 0
    while i < head.count, isJSONSpace(head[i]) { i += 1 }
    guard i < head.count else { return .low }
    // A NUL byte is no JSON text: the NDJSON reader, first among equals, names its place.
    if head.contains(0) { return head[i] == UInt8(ascii: "[") || head[i] == UInt8(ascii: "{") ? .low : .no }
    if head[i] == UInt8(ascii: "[") { return .high }
    return head[i] == UInt8(ascii: "{") ? .medium : .no
  }

  public convenience init(input: BlockBuffer, options: ReaderOptions) throws(PLError) {
    try self.init(input: input, recordPath: options.recordPath)
    provenance = options.includeMeta
  }

  public var details: [Field] { [Field("format", .string("json"))] + shapeDetails }
}

@inline(__always)
func isJSONSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
