import Foundation
import PLCore
@testable import PLExtract
import Testing

/// The spreadsheet fixtures (see Tests/Fixtures/spreadsheets/generate.py).
let spreadsheetFixtures = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Fixtures/spreadsheets")

/// All records of the workbook at `path`, read with `options`, and the reader's details.
func readWorkbook(_ path: String, options: ReaderOptions = ReaderOptions(), blockSize: Int = 1 << 16) throws -> ([Record], [Field]) {
  let stream = try FileStream(path: path)
  let input = BlockBuffer(source: stream, blockSize: blockSize)
  while !input.eof && input.end - input.start < 1 << 16 { try input.fill() }
  let reader = try SpreadsheetReader(input: input, options: options)
  var records: [Record] = []
  while let record = try reader.next() { records.append(record) }
  return (records, reader.details)
}

func fixture(_ name: String) -> String { spreadsheetFixtures.appendingPathComponent(name).path }

/// The user fields of a record as plain strings.
func strings(_ record: Record) -> [String: String] {
  Dictionary(uniqueKeysWithValues: record.fields.map { ($0.key, $0.value.stringValue ?? "<not a string>") })
}

struct CellTextTests {
  @Test(arguments: [
    ("12.3", "12.3"), ("12.300000000000001", "12.3"), ("45.0", "45"), ("45", "45"), ("-0", "0"), ("0.0", "0"),
    ("1E-3", "0.001"), ("1.5e+20", "150000000000000000000"), ("0.30000000000000004", "0.30000000000000004"),
    ("-2.50", "-2.5"), (".5", "0.5"), ("007", "007"), ("3.14159265358979", "3.14159265358979"), ("n/a", "n/a"),
    ("123456789012345678", "123456789012345680"),
  ])
  func numbersKeepTheirShortestExactText(stored: String, expected: String) {
    #expect(CellText.number(stored) == expected)
  }

  @Test(arguments: [
    // serial, display, 1904?, expected
    ("45384", NumberDisplay.date(time: false), false, "2024-04-02"),
    ("45384.385416666664", .date(time: false), false, "2024-04-02T09:15:00"),
    ("45384.385416666664", .date(time: true), false, "2024-04-02T09:15:00"),
    ("45384", .date(time: true), false, "2024-04-02T00:00:00"),
    ("0.385416666666667", .time, false, "09:15:00"),
    ("45384.5", .time, false, "2024-04-02T12:00:00"),
    ("1.5", .elapsed, false, "36:00:00"),
    ("0.0000115740740740741", .time, false, "00:00:01"),
    ("0.5000005787037037", .time, false, "12:00:00.050"),
    ("1", .date(time: false), false, "1900-01-01"),
    ("59", .date(time: false), false, "1900-02-28"),
    ("60", .date(time: false), false, "1900-02-29"),
    ("61", .date(time: false), false, "1900-03-01"),
    ("0", .date(time: false), false, "00:00:00"),
    ("0", .date(time: false), true, "1904-01-01"),
    ("43922", .date(time: false), true, "2024-04-02"),
    ("2958465", .date(time: false), false, "9999-12-31"),
  ])
  func serialsBecomeISO8601(serial: String, display: NumberDisplay, date1904: Bool, expected: String) {
    #expect(CellText.serial(serial, display: display, date1904: date1904) == expected)
  }

  @Test func serialsThatAreNoDatesAreRefused() {
    #expect(CellText.serial("-1", display: .date(time: false), date1904: false) == nil)
    #expect(CellText.serial("3000000", display: .date(time: false), date1904: false) == nil)
    #expect(CellText.serial("abc", display: .date(time: false), date1904: false) == nil)
  }

  @Test(arguments: [
    ("General", NumberDisplay.number), ("0.00", .number), ("yyyy-mm-dd", .date(time: false)),
    ("dd.mm.yyyy hh:mm", .date(time: true)), ("hh:mm:ss", .time), ("mm:ss", .time), ("[h]:mm:ss", .elapsed),
    ("[$-407]dd. mmmm yyyy", .date(time: false)), ("#,##0.00\" mg/kg\"", .number), ("0.0\\d", .number),
    ("[Red]0.00;[Blue]-0.00", .number), ("mmm-yy", .date(time: false)), ("h:mm AM/PM", .time), ("0.0%", .number),
    ("_(* #,##0_);_(* (#,##0)", .number), ("d/m/yy;@", .date(time: false)),
  ])
  func formatCodesSayWhatTheyShow(code: String, expected: NumberDisplay) {
    #expect(NumberDisplay.of(code: code) == expected)
  }

  @Test(arguments: [(14, NumberDisplay.date(time: false)), (22, .date(time: true)), (20, .time), (46, .elapsed), (45, .time), (2, .number), (10, .number), (49, .number)])
  func builtInFormats(id: Int, expected: NumberDisplay) {
    #expect(NumberDisplay.builtIn(id) == expected)
  }

  @Test func addressesAndRanges() {
    #expect(CellText.reference("B7")! == (1, 7))
    #expect(CellText.reference("$XFD$1048576")! == (16383, 1_048_576))
    #expect(CellText.reference("XFE1") == nil)
    #expect(CellText.reference("A1048577") == nil)
    #expect(CellText.letters(column: 0) == "A" && CellText.letters(column: 25) == "Z" && CellText.letters(column: 26) == "AA")
    #expect(CellRange("C1:A2")?.text == "A1:C2")
    #expect(CellText.isoDuration("PT09H15M00S") == "09:15:00")
    #expect(CellText.isoDuration("PT33H05M01.5S") == "33:05:01.500")
    #expect(CellText.unescapeOOXML("a_x000D__x000A_b_x005F_x0041_") == "a\r\nb_x0041_")
  }
}

struct SpreadsheetReaderTests {
  /// The panel every writer's fixture holds, as records of its first sheet.
  static let panel: [[String: String]] = [
    ["Panelist": "P01", "Sample": "007", "Score": "7", "Weight": "12.3", "Tested": "2024-04-02", "Clock": "09:15:00", "Passed": "true", "Comment": "ok"],
    ["Panelist": "P02", "Sample": "042", "Score": "8", "Weight": "45", "Tested": "2024-04-02T09:15:00", "Clock": "13:05:30", "Passed": "false", "Comment": ""],
    ["Panelist": "P03", "Sample": "118", "Score": "6", "Weight": "0.1", "Tested": "2024-04-03", "Clock": "00:00:01", "Passed": "true", "Comment": "merged sample, 1 of 2"],
    ["Panelist": "P04", "Sample": "118", "Score": "5", "Weight": "-2.5", "Tested": "2024-04-03", "Clock": "23:59:59", "Passed": "false", "Comment": "merged sample, 2 of 2"],
  ]

  @Test(arguments: ["openpyxl.xlsx", "xlsxwriter.xlsx", "xlsxwriter-1904.xlsx", "libreoffice.xlsx", "libreoffice.ods"])
  func everyWriterGivesTheSamePanel(file: String) throws {
    let (records, details) = try readWorkbook(fixture(file))
    let panel = records.filter { $0.meta[key: MetaKey.sheet]?.stringValue == "Panel" }
    #expect(panel.count == 4)
    for (record, expected) in zip(panel, Self.panel) {
      let got = strings(record).filter { expected[$0.key] != nil }
      #expect(got == expected, "\(file) row \(record.meta[key: MetaKey.row]!)")
      #expect(record.meta[key: "meta"] == .object([Field("Study", .string("PD-2024-031 Oat drink")), Field("Scale", .string("1-9"))]))
    }
    #expect(panel.map { $0.meta[key: MetaKey.row] } == [5, 6, 7, 8].map { JSONValue.integer($0) })
    #expect(panel[2].meta[key: "merged"] == .array([.string("B7:B8")]))
    #expect(panel[0].meta[key: "merged"] == nil)
    // The hidden sheet is skipped; the key sheet follows.
    let key = records.filter { $0.meta[key: MetaKey.sheet]?.stringValue == "Key" }
    #expect(key.map(strings) == [["Code": "007", "Product": "Oat drink, 1.5% fat"], ["Code": "118", "Product": "Oat drink, barista"]])
    #expect(!records.contains { $0.meta[key: MetaKey.sheet]?.stringValue == "Calc" })
    #expect(details[key: "hidden_sheets_skipped"] == .array([.string("Calc")]))
  }

  @Test func formulasWithoutCachedValuesAreEmptyWithANote() throws {
    let (records, _) = try readWorkbook(fixture("openpyxl.xlsx"))
    #expect(records[0]["Double"] == .string(""))
    #expect(records[0].meta[key: MetaKey.notes] == .array([.string("I5: formula without a cached value (=C5*2)"), .string("J5: formula without a cached value (=C5/0)")]))
    let (cached, _) = try readWorkbook(fixture("xlsxwriter.xlsx"))
    #expect(cached[0]["Double"] == .string("14") && cached[0]["Ratio"] == .string("#DIV/0!"))
    #expect(cached[0].meta[key: MetaKey.notes] == nil)
  }

  @Test func sheetsAreChosenByNameOrNumber() throws {
    var options = ReaderOptions()
    options.sheets = ["Key"]
    for file in ["xlsxwriter.xlsx", "libreoffice.ods"] {
      #expect(try readWorkbook(fixture(file), options: options).0.count == 2)
    }
    options.sheets = ["2"]
    for file in ["xlsxwriter.xlsx", "libreoffice.ods"] {
      let (records, _) = try readWorkbook(fixture(file), options: options)
      #expect(records.map { $0.meta[key: MetaKey.sheet] } == [.string("Calc")], "a hidden sheet asked for by number is read")
    }
    options.sheets = ["Nope"]
    for file in ["xlsxwriter.xlsx", "libreoffice.ods"] {
      let error = plError { _ = try readWorkbook(fixture(file), options: options) }
      #expect(error?.description.contains("no sheet 'Nope'") == true, "\(String(describing: error))")
      #expect(error?.exitStatus == .dataError)
    }
  }

  @Test func hiddenSheetsAreReadWhenAsked() throws {
    var options = ReaderOptions()
    options.includeHiddenSheets = true
    for file in ["openpyxl.xlsx", "libreoffice.ods"] {
      let sheets = try readWorkbook(fixture(file), options: options).0.compactMap { $0.meta[key: MetaKey.sheet]?.stringValue }
      #expect(Array(Set(sheets)).sorted() == ["Calc", "Key", "Panel"])
    }
  }

  @Test func partsInAnyOrderPrefixesAndOddCells() throws {
    let (records, _) = try readWorkbook(fixture("handmade.xlsx"))
    #expect(records.map(strings) == [
      ["Name": " line one\r\nline two ", "Value": "12.3", "Stamp": "2024-04-01T09:15:00", "Run": "36:00:00", "Day": "2024-04-02", "Flag": "true"],
      ["Name": "rich text", "Value": "45", "Stamp": "00:00:00", "Run": "45383", "Day": "#N/A", "Flag": ""],
      ["Name": "007", "Value": "0.001", "Stamp": "1900-02-29T00:00:00", "Run": "61", "Day": "61", "Flag": ""],
      ["Name": "formula text", "Value": "-0.5", "Stamp": "", "Run": "61", "Day": "61", "Flag": "", "H": "3"],
    ])
    #expect(records.map { $0.meta[key: MetaKey.row] } == [2, 4, 5, 6].map { JSONValue.integer($0) })
    #expect(records[2].meta[key: "merged"] == .array([.string("D5:E6")]))
    // Key order: the header's, an extra cell after it.
    #expect(records[3].fields.map(\.key) == ["Name", "Value", "Stamp", "Run", "Day", "Flag", "H"])
  }

  @Test func openDocumentRepeatsSpansAndParagraphs() throws {
    let (records, details) = try readWorkbook(fixture("handmade.ods"))
    #expect(records.map(strings) == [
      ["Sample": "007", "Value": "12.3", "Day": "2024-04-02", "Clock": "09:15:00", "OK": "true", "Note": "two  spaces\nsecond line"],
      ["Sample": "007", "Value": "45", "Day": "2024-04-02T09:15:00", "Clock": "#DIV/0!", "OK": "", "Note": "spans two", "G": "spans two"],
      ["Sample": "rep", "Value": "1", "Day": "", "Clock": "", "OK": "", "Note": ""],
      ["Sample": "rep", "Value": "1", "Day": "", "Clock": "", "OK": "", "Note": ""],
      ["Sample": "rep", "Value": "1", "Day": "", "Clock": "", "OK": "", "Note": ""],
      ["Code": "007", "Product": "Oat drink"],
    ])
    #expect(records.map { $0.meta[key: MetaKey.row] } == [5, 6, 7, 8, 9, 2].map { JSONValue.integer($0) })
    #expect(records[1].meta[key: "merged"] == .array([.string("A5:A6"), .string("F6:G6")]))
    #expect(records[1].meta[key: MetaKey.notes] == .array([.string("E6: formula without a cached value (of:=[.B5]*2)")]))
    #expect(records[0].meta[key: "meta"] == .object([Field("Instrument", .string("NIR-7"))]))
    #expect(details[key: "format"] == .string("ods"))
    #expect(details[key: "hidden_sheets_skipped"] == .array([.string("Hidden")]))
  }

  @Test func aClaimOfAMillionRowsIsStreamed() throws {
    let (records, _) = try readWorkbook(fixture("huge-claim.xlsx"))
    #expect(records.map(strings) == [["Sample": "S1", "Value": "1.5"], ["Sample": "", "Value": "", "XFD": "42"]])
    #expect(records[1].meta[key: MetaKey.row] == .integer(1_048_576))
  }

  @Test func repetitionBeyondTheLimitIsRefused() {
    let error = plError { _ = try readWorkbook(fixture("repeat-bomb.ods")) }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.contains("repeat-bomb.ods!content.xml") == true)
    #expect(error?.description.contains("more than 5000000 filled cells") == true)
  }

  @Test func aDamagedWorkbookGivesNoRecords() throws {
    let directory = try TemporaryDirectory()
    let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture("xlsxwriter.xlsx"))))
    for cut in [40, whole.count / 3, whole.count / 2, whole.count - 30] {
      let path = try directory.write("cut.xlsx", Array(whole[0..<cut]))
      var records = 0
      let error = plError {
        let stream = try FileStream(path: path)
        let input = BlockBuffer(source: stream)
        try input.fill()
        let reader = try SpreadsheetReader(input: input, options: ReaderOptions())
        while try reader.next() != nil { records += 1 }
      }
      #expect(error?.exitStatus == .dataError, "cut at \(cut)")
      #expect(error?.description.contains("cut.xlsx") == true)
      #expect(records == 0, "cut at \(cut): the parts every sheet needs come first")
    }
    let error = plError { _ = try readWorkbook(fixture("bad-shared-string.xlsx")) }
    #expect(error?.description == "\(fixture("bad-shared-string.xlsx"))!xl/worksheets/sheet1.xml: line 2: cell A2: shared string '9' does not exist (the workbook has 1)")
  }

  @Test func theHeadMayArriveInAnyBlockSize() throws {
    let expected = try readWorkbook(fixture("openpyxl.xlsx")).0
    for blockSize in [16, 1000] {
      let stream = try FileStream(path: fixture("openpyxl.xlsx"))
      let input = BlockBuffer(source: stream, blockSize: blockSize)
      try input.fill()
      let reader = try SpreadsheetReader(input: input, options: ReaderOptions())
      var records: [Record] = []
      while let record = try reader.next() { records.append(record) }
      #expect(records == expected)
    }
  }

  @Test func sniffing() throws {
    for (file, kind) in [("openpyxl.xlsx", "xlsx"), ("libreoffice.ods", "ods"), ("handmade.xlsx", "xlsx")] {
      let head = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture(file))))
      head.withUnsafeBufferPointer { h in
        #expect(SpreadsheetReader.sniff(name: "renamed.bin", head: h) == .high, "\(file)")
        #expect(SpreadsheetReader.kind(name: "x", head: h)?.kind.rawValue == kind)
        #expect(InputFormat.unreadableKind(name: "renamed.bin", head: h) == nil)
        #expect(ReaderRegistry.choose(name: "renamed.bin", head: h) == SpreadsheetReader.self)
      }
    }
    // A zip of CSV files is no workbook.
    let directory = try TemporaryDirectory()
    try directory.python("import zipfile\nwith zipfile.ZipFile('a.zip', 'w') as z: z.writestr('data.csv', 'a,b\\n1,2\\n')")
    let zip = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.file("a.zip"))))
    zip.withUnsafeBufferPointer { h in
      #expect(SpreadsheetReader.sniff(name: "a.zip", head: h) == .no)
      #expect(InputFormat.unreadableKind(name: "a.zip", head: h) == "a ZIP archive (or an XLSX/ODS workbook)")
    }
    Array("Sample,Value\n".utf8).withUnsafeBufferPointer { #expect(SpreadsheetReader.sniff(name: "a.xlsx", head: $0) == .no) }
  }

  @Test func noMetaLeavesOutPl() throws {
    let (records, _) = try readWorkbook(fixture("xlsxwriter.xlsx"), options: ReaderOptions(includeMeta: false))
    #expect(records.allSatisfy { $0.meta.isEmpty })
  }

  @Test func inheritedMetaComesFirst() throws {
    var options = ReaderOptions()
    options.inheritedMeta = [Field("From", .string("lab@example.org"))]
    let (records, _) = try readWorkbook(fixture("xlsxwriter.xlsx"), options: options)
    #expect(records[0].meta[key: "meta"]?.objectValue?.map(\.key) == ["From", "Study", "Scale"])
  }
}

/// The sensory workbooks of the shared corpus: every panel score of the truth is on a record
/// of its sheet and row, with its panelist and sample, as printed; the truncated one is
/// refused. Skipped when the corpus is not beside the repository (or where PL_CORPUS says).
struct SpreadsheetCorpusTests {
  static var corpus: URL? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = ProcessInfo.processInfo.environment["PL_CORPUS"].map { URL(fileURLWithPath: $0) }
      ?? root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    return FileManager.default.fileExists(atPath: url.appendingPathComponent("truth").path) ? url : nil
  }

  @Test(.enabled(if: corpus != nil, "no corpus"))
  func everyPanelScoreIsFound() throws {
    guard let corpus = Self.corpus else { return }
    let inputs = corpus.appendingPathComponent("inputs")
    let files = try FileManager.default.contentsOfDirectory(atPath: inputs.path).filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".ods") }.sorted()
    #expect(!files.isEmpty)
    var facts = 0
    var found = 0
    for file in files {
      let truthData = try Data(contentsOf: corpus.appendingPathComponent("truth/\(file).json"))
      let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
      let path = inputs.appendingPathComponent(file).path
      if truth["expect_error"] is String {
        let error = plError { _ = try readWorkbook(path) }
        #expect(error?.exitStatus == .dataError, "\(file) must be refused")
        #expect(error?.description.contains(file) == true)
        continue
      }
      let records = try readWorkbook(path).0
      for score in truth["scores"] as? [[String: Any]] ?? [] {
        facts += 1
        let source = score["source"] as? [String: Any] ?? [:]
        let cell = source["cell"] as? String ?? ""
        let row = Int(cell.filter(\.isNumber)) ?? 0
        let sheet = source["sheet"] as? String
        let printed = (score["score"] as? NSNumber).map { "\($0)" } ?? ""
        let attribute = score["attribute"] as? String ?? ""
        let panelist = score["panelist"] as? String ?? ""
        let sample = "\(score["sample"] ?? "")"
        let hit = records.contains { record in
          guard record.meta[key: MetaKey.sheet]?.stringValue == sheet, record.meta[key: MetaKey.row] == .integer(row) else { return false }
          let values = record.fields.compactMap(\.value.stringValue)
          return values.contains(panelist) && values.contains(sample)
            && record.fields.contains { $0.key.hasPrefix(attribute) && $0.value == .string(printed) }
        }
        if hit { found += 1 } else { Issue.record("\(file): \(cell) \(attribute) = \(printed) for \(panelist)/\(sample) not found") }
      }
    }
    #expect(found == facts && facts > 0)
  }
}
