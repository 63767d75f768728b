#if canImport(Glibc)
  import Glibc
#endif
import PLArchive
import PLCore
import PLXML

/// Workbooks, XLSX (Office Open XML) and ODS (OpenDocument), as records: each sheet a table
/// of its own (see `SheetTable`), one record per filled row under the sheet's header.
///
/// Sheets: every visible sheet in the workbook's order, or those `ReaderOptions.sheets`
/// names (by name, or by 1-based number among all sheets); hidden sheets only when
/// `includeHiddenSheets` is set or a hidden sheet is named. A name or number that matches no
/// sheet is an error. Provenance: `_pl.source`, `_pl.sheet`, `_pl.row`.
///
/// Memory: the compressed workbook (at most 1 GiB), an XLSX's shared strings and styles, and
/// `SheetTable.sampleRows` rows of the sheet being read; sheets are streamed. The zip is read
/// through `ArchiveReader`, whose limits refuse zip bombs. A damaged or truncated workbook is
/// `PLError.malformed` naming it and what libarchive or libxml2 found; the parts a sheet
/// needs are all read before its first record, so damage there costs no records.
public final class SpreadsheetReader: RecordReader {
  public static let format = "spreadsheet"
  public static let extensions = ["xlsx", "xlsm", "ods"]

  enum Kind: String {
    case xlsx, ods
  }

  /// Sure of a zip whose first member is an OpenDocument spreadsheet's `mimetype`, or whose
  /// member names in the head are a workbook's (`xl/…`); likely for a zip named `.xlsx`,
  /// `.xlsm` or `.ods`. Anything else is no workbook.
  public static func sniff(name: String, head: UnsafeBufferPointer<UInt8>) -> Confidence {
    kind(name: name, head: head).map { $0.sure ? .high : .medium } ?? .no
  }

  static func kind(name: String, head: UnsafeBufferPointer<UInt8>) -> (kind: Kind, sure: Bool)? {
    guard head.count >= 30, head[0] == 0x50, head[1] == 0x4B, head[2] == 0x03, head[3] == 0x04 else { return nil }
    let raw = UnsafeRawBufferPointer(head)
    func contains(_ text: String) -> Bool {
      findBytes(Array(text.utf8), in: raw) != nil
    }
    // An OpenDocument file starts with its uncompressed `mimetype` member.
    let nameLength = Int(head[26]) | Int(head[27]) << 8
    let extraLength = Int(head[28]) | Int(head[29]) << 8
    if nameLength == 8, head.count >= 30 + nameLength, String(decoding: head[30..<38], as: UTF8.self) == "mimetype" {
      let dataStart = 30 + nameLength + extraLength
      let type = "application/vnd.oasis.opendocument.spreadsheet"
      if head.count >= dataStart + type.utf8.count, head[dataStart..<(dataStart + type.utf8.count)].elementsEqual(type.utf8) {
        return (.ods, true)
      }
      // Another OpenDocument file (a text, a drawing): no workbook, whatever its name.
      if head.count >= dataStart + 35, head[dataStart..<(dataStart + 35)].elementsEqual("application/vnd.oasis.opendocument.".utf8) {
        return nil
      }
    }
    if contains("xl/workbook.xml") || contains("xl/worksheets/") || contains("xl/sharedStrings.xml") || contains("xl/styles.xml") {
      return (.xlsx, true)
    }
    switch ReaderRegistry.fileExtension(name) {
    case "xlsx", "xlsm": return (.xlsx, false)
    case "ods": return (.ods, false)
    default: return nil
    }
  }

  let kind: Kind
  let package: WorkbookPackage
  let options: ReaderOptions
  public let sourceName: String

  // XLSX: the workbook, the sheets to read (indices into its sheets) and the pass reading them.
  var workbook: XLSXWorkbook?
  var context: XLSXWorkbookContext?
  var queue: [Int] = []
  var pass: ArchiveReader?
  var passFromStart = false

  // ODS: the content part, streamed.
  var ods: ODSSheetRows?
  var odsPass: ArchiveReader?
  var odsTableNumber = 0
  var odsMatched: Set<String> = []

  var table: SheetTable?
  var finishedSheets: [JSONValue] = []
  var skippedSheets: [String] = []
  public private(set) var recordCount = 0

  /// - Throws: `PLError.malformed` for a damaged workbook or a sheet asked for that it does
  ///   not have; the input's read errors.
  public init(input: BlockBuffer, options: ReaderOptions) throws(PLError) {
    sourceName = input.source.name
    self.options = options
    let head = input.bytes(input.start, input.end)
    kind = Self.kind(name: sourceName, head: head)?.kind ?? .xlsx
    let stream = PrefixedStream(prefix: Array(head), rest: input.source)
    package = try WorkbookPackage(stream: stream, name: sourceName)
    switch kind {
    case .xlsx:
      let workbook = try XLSXWorkbook(package: package)
      self.workbook = workbook
      context = XLSXWorkbookContext(workbook)
      queue = try select(workbook.sheets.map { ($0.name, $0.hidden) })
    case .ods:
      try openODS()
    }
  }

  /// The indices of the sheets to read, in the workbook's order.
  func select(_ sheets: [(name: String, hidden: Bool)]) throws(PLError) -> [Int] {
    if options.sheets.isEmpty {
      let chosen = sheets.indices.filter { !sheets[$0].hidden || options.includeHiddenSheets }
      skippedSheets = sheets.indices.filter { !chosen.contains($0) }.map { sheets[$0].name }
      return chosen
    }
    var chosen = Set<Int>()
    for wanted in options.sheets {
      if let i = sheets.firstIndex(where: { $0.name == wanted }) {
        chosen.insert(i)
      } else if let n = Int(wanted), n >= 1, n <= sheets.count {
        chosen.insert(n - 1)
      } else {
        throw PLError.malformed(
          source: sourceName, location: nil,
          message: "no sheet '\(wanted)' (the sheets are \(sheets.map { "'\($0.name)'" }.joined(separator: ", ")))")
      }
    }
    return chosen.sorted()
  }

  public var details: [Field] {
    var fields = [Field("format", .string(kind.rawValue)), Field("sheets", .array(finishedSheets))]
    if !skippedSheets.isEmpty { fields.append(Field("hidden_sheets_skipped", .array(skippedSheets.map { .string($0) }))) }
    return fields
  }

  public func next() throws(PLError) -> Record? {
    while true {
      if let table {
        if let record = try table.next() {
          recordCount += 1
          return record
        }
        finishedSheets.append(.object(table.details))
        self.table = nil
      }
      guard try openNextSheet() else { return nil }
    }
  }

  func openNextSheet() throws(PLError) -> Bool {
    switch kind {
    case .xlsx: return try openNextXLSXSheet()
    case .ods: return try openNextODSTable()
    }
  }

  // MARK: XLSX

  /// Moves the pass to the next sheet to read and opens its table; false when none is left.
  ///
  /// The sheets are read in the workbook's order. A pass goes forward through the zip, so a
  /// sheet stored before the one read last is found by a new pass from the start.
  func openNextXLSXSheet() throws(PLError) -> Bool {
    guard let workbook, let context else { return false }
    while let index = queue.first {
      let sheet = workbook.sheets[index]
      guard let part = sheet.part else {
        // A chart sheet, or a sheet whose part is not named: no cells.
        queue.removeFirst()
        finishedSheets.append(.object([Field("name", .string(sheet.name)), Field("records", .integer(0))]))
        continue
      }
      var reader: ArchiveReader
      if let pass {
        reader = pass
      } else {
        reader = try package.open()
        pass = reader
        passFromStart = true
      }
      while true {
        guard let entry = try package.next(reader) else {
          // Not after the last sheet read: from the start again, once.
          guard !passFromStart else {
            throw PLError.malformed(source: sourceName, location: nil, message: "not a readable workbook: the part of sheet '\(sheet.name)' (\(part)) is missing")
          }
          reader = try package.open()
          pass = reader
          passFromStart = true
          continue
        }
        guard entry.partKey == part, let member = reader.memberStream() else { continue }
        queue.removeFirst()
        passFromStart = false
        let xml: XMLReader
        do throws(XMLError) {
          xml = try XMLReader(stream: member)
        } catch {
          throw XLSXWorkbook.xmlError(error)
        }
        let rows = XLSXSheetRows(xml: xml, workbook: context, place: member.name)
        table = SheetTable(
          rows: rows, sheet: sheet.name, source: sourceName, merges: workbook.merges[part] ?? [], includeMeta: options.includeMeta,
          inheritedMeta: options.inheritedMeta)
        return true
      }
    }
    return false
  }

  // MARK: ODS

  func openODS() throws(PLError) {
    let reader = try package.open()
    odsPass = reader
    while let entry = try package.next(reader) {
      guard entry.partKey == "content.xml", let member = reader.memberStream() else { continue }
      do throws(XMLError) {
        ods = ODSSheetRows(xml: try XMLReader(stream: member), place: member.name)
      } catch {
        throw XLSXWorkbook.xmlError(error)
      }
      return
    }
    throw PLError.malformed(source: sourceName, location: nil, message: "not an OpenDocument spreadsheet: the zip has no content.xml")
  }

  func openNextODSTable() throws(PLError) -> Bool {
    guard let ods else { return false }
    while let (name, hidden) = try ods.nextTable() {
      odsTableNumber += 1
      let wanted: Bool
      if options.sheets.isEmpty {
        wanted = !hidden || options.includeHiddenSheets
        if !wanted { skippedSheets.append(name) }
      } else {
        let byName = options.sheets.filter { $0 == name }
        let byNumber = options.sheets.filter { Int($0) == odsTableNumber }
        odsMatched.formUnion(byName + byNumber)
        wanted = !byName.isEmpty || !byNumber.isEmpty
      }
      guard wanted else { continue }
      table = SheetTable(rows: ods, sheet: name, source: sourceName, merges: [], includeMeta: options.includeMeta, inheritedMeta: options.inheritedMeta)
      return true
    }
    if let missing = options.sheets.first(where: { !odsMatched.contains($0) }) {
      throw PLError.malformed(source: sourceName, location: nil, message: "no sheet '\(missing)' (the workbook has \(odsTableNumber) sheets)")
    }
    return false
  }
}
