import PLCore

/// The formats pl-extract reads.
public enum InputFormat: String, CaseIterable, Sendable {
  case auto, ndjson, json, csv, tsv, xml, pdf

  /// The reader `ReaderRegistry` knows this format by; nil for `auto`.
  public var readerFormat: String? {
    switch self {
    case .auto: nil
    case .ndjson: "ndjson"
    case .json: "json"
    case .csv, .tsv: "csv"
    case .xml: "xml"
    case .pdf: "pdf"
    }
  }

  /// What a file is when it is something this version cannot read, judged by its name and
  /// first bytes; nil when it may be text records. Reading such a file as CSV would turn its
  /// bytes into nonsense records, so the extractor refuses it instead (or, for a member of an
  /// archive, reports and passes over it). Compressed files and archives never get here: the
  /// input walker opens them (`ContainerKind`); a zip that does is a workbook or document.
  public static func unreadableKind(name: String, head: UnsafeBufferPointer<UInt8>) -> String? {
    func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && zip(head, magic).allSatisfy { $0 == $1 } }
    if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
      // An XLSX or ODS workbook is read; another zip is not yet.
      return SpreadsheetReader.sniff(name: name, head: head) > .no ? nil : "a ZIP archive (or an XLSX/ODS workbook)"
    }
    if starts([0x1F, 0x8B]) { return "gzip-compressed data" }
    if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "xz-compressed data" }
    if starts([0x28, 0xB5, 0x2F, 0xFD]) { return "zstd-compressed data" }
    if starts([0x42, 0x5A, 0x68]) { return "bzip2-compressed data" }
    if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return "a 7-Zip archive" }
    if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return "an old Excel (XLS) workbook" }
    if head.count > 262, head[257..<262].elementsEqual("ustar".utf8) { return "a tar archive" }
    // XML is read (`XMLRecordReader`); HTML is a web page, not an export of records.
    if XMLHead.kind(of: head) == .html { return "an HTML document" }
    if let dot = name.lastIndex(of: "."), !name[dot...].contains("/") {
      switch name[name.index(after: dot)...].lowercased() {
      case "msg": return "an Outlook message (.msg)"
      case "xlsx", "xlsm", "xls", "ods": return "a spreadsheet workbook"
      default: break
      }
    }
    return nil
  }
}
