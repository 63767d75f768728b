import PLCore
import PLTestSupport
import Testing

@testable import PLExtract

/// The sniffer's decisions on small samples of the kinds instrument exports come in.
@Suite struct DialectSnifferTests {
  static func sniff(_ text: String, overrides: DialectOverrides = DialectOverrides()) -> SniffReport {
    let b = Array(text.utf8)
    return b.withUnsafeBufferPointer { DialectSniffer.sniff($0, complete: true, overrides: overrides) }
  }

  @Test(arguments: [
    ("a;b;c\n1,5;2,25;x\n3,0;4,5;y\n", ";", ","),
    ("a\tb\n1\t2\n3\t4\n", "tab", nil),
    ("id|name|value\n1|oat|2.5\n2|pea|3.5\n", "|", "."),
    ("id~name~value\n1~oat~2.5\n2~pea~3.5\n3~soy~1.5\n", "~", "."),
    ("k:v:w\n1:2:3\n4:5:6\n7:8:9\n", ":", nil),
    ("one\ntwo\nthree\n", ",", nil),
  ] as [(String, String, String?)])
  func delimiterAndDecimal(text: String, delimiter: String, decimal: String?) {
    let r = Self.sniff(text)
    #expect(TextDialect.name(of: r.dialect.delimiter) == delimiter)
    #expect(r.decimal == decimal)
  }

  @Test func spacesAfterDelimitersAndTrailingDelimiters() {
    let spaced = Self.sniff("a, b, c\n1, \"x, y\", 3\n4, \"z\", 6\n")
    #expect(spaced.dialect.skipInitialSpace)
    #expect(spaced.columns == ["a", "b", "c"])
    let trailing = Self.sniff("a;b;\n1;2;\n3;4;\n")
    #expect(trailing.dialect.trailingDelimiter)
    #expect(trailing.columns == ["a", "b"])
  }

  @Test func quotesAndEscapes() {
    let single = Self.sniff("id,note\n1,'a, b'\n2,'c'\n3,'d, e'\n")
    #expect(single.dialect.quote == UInt8(ascii: "'"))
    let backslash = Self.sniff("id,note,x\n1,\"a \\\"b\\\" c\",2\n2,\"d\",3\n3,\"\\\"e\\\"\",4\n")
    #expect(backslash.dialect.escape == .backslash)
    let none = Self.sniff("a,b\n1,2\n")
    #expect(none.dialect.quote == UInt8(ascii: "\""))
  }

  @Test func preambleCommentsAndMeta() {
    let r = Self.sniff("# Logger v2\n# Trial: T7\nts,a,b\n2024-01-01 10:00,1,2\n2024-01-01 10:01,3,4\n")
    #expect(r.dialect.comment == UInt8(ascii: "#"))
    #expect(r.dialect.tableLine == 3)
    #expect(r.meta == [Field("Trial", .string("T7"))])
    #expect(r.preamble == ["Logger v2"])
    let kv = Self.sniff("Instrument,,NIR 7250\nOperator;x\n\nSample,Protein\nS1,12.5\nS2,13.0\n")
    #expect(kv.dialect.tableLine == 4)
    #expect(kv.meta.first == Field("Instrument", .string("NIR 7250")))
  }

  @Test func headerOrNot() {
    #expect(Self.sniff("1,2.5,2024-01-01\n2,3.5,2024-01-02\n3,4.5,2024-01-03\n").dialect.headerRows == 0)
    #expect(Self.sniff("Analyte,2021,2022\nProtein,12.1,12.4\nFat,3.2,3.0\n").dialect.headerRows == 1)
    let units = Self.sniff("Sample,Protein,Fat\n,%,g/100 g\nS1,12.5,3.1\nS2,13.0,2.9\nS3,11.0,3.3\n")
    #expect(units.dialect.headerRows == 2)
    #expect(units.columns == ["Sample", "Protein [%]", "Fat [g/100 g]"])
  }

  @Test func overridesAreKept() {
    var o = DialectOverrides()
    o.delimiter = UInt8(ascii: ";")
    o.headerRows = 0
    o.skip = 1
    let r = Self.sniff("title\na,b\n1,2\n", overrides: o)
    #expect(r.dialect.delimiter == UInt8(ascii: ";"))
    #expect(r.dialect.headerRows == 0)
    #expect(r.dialect.tableLine == 2)
  }

  @Test func excelsSeparatorLine() {
    let r = Self.sniff("sep=;\r\nSample;Protein\r\nS1;12,5\r\nS2;13,0\r\n")
    #expect(r.dialect.delimiter == UInt8(ascii: ";"))
    #expect(r.dialect.tableLine == 2)
    #expect(r.preamble == ["sep=;"])
    // Told otherwise, the flag wins.
    var o = DialectOverrides()
    o.delimiter = UInt8(ascii: ",")
    #expect(Self.sniff("sep=;\na,b\n1,2\n", overrides: o).dialect.delimiter == UInt8(ascii: ","))
    let quotedTab = Array("\"sep=\t\"\n".utf8).withUnsafeBufferPointer { DialectSniffer.excelSeparator($0) }
    #expect(quotedTab == 0x09)
  }

  @Test func aNarrowMarginIsSaid() {
    // As many commas as semicolons, splitting equally well: a coin toss, said on standard error.
    let r = Self.sniff("a,b;c\nx,y;z\nu,v;w\n")
    #expect(!r.warnings.isEmpty)
    #expect(r.runnerUp.first?.key == "delimiter")
  }

  @Test func fixedWidthWhenNoDelimiterSplits() {
    let text = """
      Sample ID    Weight g   Result %   Time
      S-001          4.896       6.37   04:49
      S-002         12.611       3.21   03:15
      S-003          4.630      11.25   06:59

      """
    let r = Self.sniff(text)
    #expect(r.dialect.fixedWidth != nil)
    #expect(r.columns == ["Sample ID", "Weight g", "Result %", "Time"])
  }

  @Test func quotedLineBreaksKeepTheDoubleQuote() {
    let r = Self.sniff("Sample,Protein,Fat\rA,\"1\r1\",2\rB,3,4\r\rC,5\r")
    #expect(r.dialect.quote == UInt8(ascii: "\""))
    #expect(r.dialect.tableLine == 1)
    #expect(r.columns == ["Sample", "Protein", "Fat"])
  }
}

/// The same decisions over rows already split into cells (spreadsheets).
@Suite struct TableAnalysisTests {
  @Test func metadataRowsThenHeader() {
    let a = TableAnalysis.analyze([
      ["Sensory panel", "", ""],
      ["Session", "2024-04-02", ""],
      ["Panel leader", "A. Smit", ""],
      [],
      ["Panelist", "Sample", "Sweetness"],
      ["P01", "007", "6"],
      ["P02", "007", "7"],
      ["P01", "118", "5"],
    ])
    #expect(a.tableStart == 4)
    #expect(a.headerRows == 1)
    #expect(a.columns == ["Panelist", "Sample", "Sweetness"])
    #expect(a.meta == [Field("Session", .string("2024-04-02")), Field("Panel leader", .string("A. Smit"))])
    #expect(a.preamble == ["Sensory panel"])
  }

  @Test func dataWithoutHeader() {
    let a = TableAnalysis.analyze([["1", "2.5"], ["2", "3.5"], ["3", "4.5"]])
    #expect(a.tableStart == 0)
    #expect(a.headerRows == 0)
    #expect(a.columns == ["1", "2"])
  }
}

/// Cell types, preamble lines and header joins: the pieces the sniffer decides with.
@Suite struct SnifferPartsTests {
  @Test(arguments: [
    ("12", CellType.integer), ("-3.5", .decimal), ("1,25", .decimal), ("1.234,5", .decimal), ("1.1E+04", .decimal),
    ("<0.05", .qualified), ("< 10", .qualified), ("n.d.", .qualified), ("12 %", .qualified), ("2024-03-11", .date),
    ("04.03.2024", .date), ("12-Mar-24", .date), ("09:02:01", .time), ("2024-03-06T08:55:08+01:00", .dateTime),
    ("2024-03-11 12:31:00", .dateTime), ("true", .boolean), ("S24-00412", .text), ("Pea protein 85", .text), ("  ", .empty),
    ("1.2.3.4.5", .text), ("1.234.567", .decimal), ("1,234.5", .decimal),
  ] as [(String, CellType)])
  func cellTypes(text: String, type: CellType) {
    #expect(CellType.of(Array(text.utf8)) == type)
  }

  @Test func preambleLines() {
    #expect(PreambleMeta.split("Trial: T2024-017  Pea drink") ?? ("", "") == ("Trial", "T2024-017  Pea drink"))
    #expect(PreambleMeta.split("Export 2024-03-12 16:02:44") == nil)
    #expect(PreambleMeta.split("http://example.org") == nil)
    var m = PreambleMeta()
    m.add(cells: ["Instrument", "SevenExcellence", "SN", "B31"])
    m.add(cells: ["Title only"])
    m.add(cells: ["SN", "again"])
    #expect(m.fields == [Field("Instrument", .string("SevenExcellence")), Field("SN", .string("B31")), Field("SN_2", .string("again"))])
    #expect(m.lines == ["Title only"])
  }

  @Test func headerJoins() {
    #expect(HeaderNames.join([["a", " b ", ""]], trailingDelimiter: true) == ["a", "b"])
    #expect(HeaderNames.join([["T", "P"], ["(°C)", "bar"]], trailingDelimiter: false) == ["T (°C)", "P [bar]"])
    #expect(HeaderNames.join([["", "Fat", "", "Protein"], ["Sample", "mean", "sd", "mean"]], trailingDelimiter: false)
      == ["Sample", "Fat mean", "Fat sd", "Protein mean"])
    #expect(HeaderNames.join([["x", "x"]], trailingDelimiter: false) == ["x", "x_2"])
  }

  @Test func detectObjectsReplay() throws {
    let fields: [Field] = [
      Field("delimiter", .string("tab")), Field("quote", .null), Field("escape", .string("backslash")),
      Field("comment", .string("%")), Field("preamble_lines", .integer(3)), Field("header_rows", .integer(2)),
      Field("skip_initial_space", .bool(true)), Field("trailing_delimiter", .bool(false)),
    ]
    let o = try DialectOverrides(report: fields)
    #expect(o.delimiter == 0x09)
    #expect(o.quote == .some(nil))
    #expect(o.escape == .backslash)
    #expect(o.comment == .some(UInt8(ascii: "%")))
    #expect(o.skip == 3)
    #expect(o.headerRows == 2)
    #expect(throws: PLError.self) { try DialectOverrides(report: [Field("header_rows", .integer(7))]) }
    #expect(throws: PLError.self) { try DialectOverrides(report: [Field("fixed_width", .object([Field("starts", .array([.integer(3)]))]))]) }
  }
}
