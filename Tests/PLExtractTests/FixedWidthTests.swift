import PLExtract
import Testing

/// Fixed-width tables: finding the table and its columns in instrument reports, and splitting lines.
@Suite struct FixedWidthTests {
  static func lines(_ text: String) -> [[UInt8]] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
  }

  static func ranges(_ layout: FixedWidthLayout, _ line: String) -> [Range<Int>] {
    var fields: [Range<Int>] = []
    Array(line.utf8).withUnsafeBufferPointer { layout.split($0, into: &fields) }
    return fields
  }

  static func fields(_ layout: FixedWidthLayout, _ line: String) -> [String] {
    let bytes = Array(line.utf8)
    return ranges(layout, line).map { String(decoding: bytes[$0], as: UTF8.self) }
  }

  struct Table: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var starts: [Int]
    var firstLine: Int
    var lastLine: Int
    /// The fields of the table's non-blank lines, in order.
    var rows: [[String]]
    var testDescription: String { name }
  }

  static let report = """
    Moisture Analyzer MA-30      Report
    Operator: J. Smith
    Date: 12.03.2024

    Sample ID    Weight g   Result %   Time
    S-001          4.896       6.37   04:49
    S-002         12.611       3.21   03:15
    S-003          4.630      11.25   06:59
    ------------------------------------
    End of report
    """

  static let reportRows = [
    ["Sample ID", "Weight g", "Result %", "Time"],
    ["S-001", "4.896", "6.37", "04:49"],
    ["S-002", "12.611", "3.21", "03:15"],
    ["S-003", "4.630", "11.25", "06:59"],
  ]

  static let tables: [Table] = [
    // The header's inner space ("Sample ID") is no gap; numbers of 5 and 6 characters are
    // right-aligned, so their fields start where the gap before them starts (or in its middle,
    // after left-aligned text).
    Table(name: "report with preamble and footer", text: report, starts: [0, 11, 21, 32], firstLine: 4, lastLine: 7,
          rows: reportRows),
    Table(name: "table alone", text: """
      Sample ID    Weight g   Result %   Time
      S-001          4.896       6.37   04:49
      S-002         12.611       3.21   03:15
      S-003          4.630      11.25   06:59
      """, starts: [0, 11, 21, 32], firstLine: 0, lastLine: 3, rows: reportRows),
    // Key: value lines right above the header, no blank line between.
    Table(name: "preamble right above the header", text: """
      Operator: J. Smith
      Balance: XS205
      Sample ID    Weight g   Result %   Time
      S-001          4.896       6.37   04:49
      S-002         12.611       3.21   03:15
      S-003          4.630      11.25   06:59
      """, starts: [0, 11, 21, 32], firstLine: 2, lastLine: 5, rows: reportRows),
    // A header wider than its numbers ("Protein g/100g") and narrower ("Fat", "Ash"); in one row
    // two numbers are a single space apart, elsewhere they are not.
    Table(name: "right-aligned numbers under wider and narrower headers", text: """
      Sample   Protein g/100g  Fat   Ash
      A-1               21.40  3.1  0.85
      A-22               9.05 12.7  1.20
      A-333            102.10  0.4 10.05
      """, starts: [0, 7, 23, 28], firstLine: 0, lastLine: 3, rows: [
        ["Sample", "Protein g/100g", "Fat", "Ash"],
        ["A-1", "21.40", "3.1", "0.85"],
        ["A-22", "9.05", "12.7", "1.20"],
        ["A-333", "102.10", "0.4", "10.05"],
      ]),
    Table(name: "empty cells", text: """
      Sample ID    Weight g   Result %   Time
      S-001          4.896       6.37   04:49
      S-002                      3.21
      S-003         12.611              06:59
      S-004          4.630      11.25   05:01
      """, starts: [0, 11, 21, 32], firstLine: 0, lastLine: 4, rows: [
        ["Sample ID", "Weight g", "Result %", "Time"],
        ["S-001", "4.896", "6.37", "04:49"],
        ["S-002", "", "3.21", ""],
        ["S-003", "12.611", "", "06:59"],
        ["S-004", "4.630", "11.25", "05:01"],
      ]),
    // ° and µ take two bytes and one column.
    Table(name: "°C and µg before columns", text: """
      Run  Temp °C  Mass µg  Operator
      1       21.5    120.4  Müller
      2       22.0     98.1  Åström
      3      105.0    101.0  Øre
      """, starts: [0, 3, 12, 23], firstLine: 0, lastLine: 3, rows: [
        ["Run", "Temp °C", "Mass µg", "Operator"],
        ["1", "21.5", "120.4", "Müller"],
        ["2", "22.0", "98.1", "Åström"],
        ["3", "105.0", "101.0", "Øre"],
      ]),
    // Every column one space from the next: a densely printed log.
    Table(name: "single-space gaps", text: """
      No Time  Temp Weight
       1 00:00 25.0 10.000
       2 00:30 25.1  9.998
       3 01:00 25.3  9.995
      """, starts: [0, 2, 8, 13], firstLine: 0, lastLine: 3, rows: [
        ["No", "Time", "Temp", "Weight"],
        ["1", "00:00", "25.0", "10.000"],
        ["2", "00:30", "25.1", "9.998"],
        ["3", "01:00", "25.3", "9.995"],
      ]),
    // Date and time one space apart in the rows, parted in the header.
    Table(name: "date and time a single space apart", text: """
      Sample  Date       Time     Result
      S-1     2024-03-12 08:15:00    4.8
      S-2     2024-03-12 08:20:30   12.1
      S-3     2024-03-13 09:01:00    0.9
      """, starts: [0, 7, 18, 27], firstLine: 0, lastLine: 3, rows: [
        ["Sample", "Date", "Time", "Result"],
        ["S-1", "2024-03-12", "08:15:00", "4.8"],
        ["S-2", "2024-03-12", "08:20:30", "12.1"],
        ["S-3", "2024-03-13", "09:01:00", "0.9"],
      ]),
    // Inner spaces of text values that line up (after "Pea", "Oat", "Soy") under a short header
    // do not part columns.
    Table(name: "text values with inner spaces that line up", text: """
      Mix               Protein   Fat
      Pea protein 85       80.1   2.0
      Oat bran 12          17.3   7.0
      Soy isolate 90       90.2   0.5
      """, starts: [0, 16, 25], firstLine: 0, lastLine: 3, rows: [
        ["Mix", "Protein", "Fat"],
        ["Pea protein 85", "80.1", "2.0"],
        ["Oat bran 12", "17.3", "7.0"],
        ["Soy isolate 90", "90.2", "0.5"],
      ]),
    // A rule ends the table: the total under it is a footer.
    Table(name: "total under a rule", text: """
      Sample    Mass g
      A            1.5
      B           2.25
      C           0.75
      ----------------
      Total       4.50
      """, starts: [0, 8], firstLine: 0, lastLine: 3, rows: [
        ["Sample", "Mass g"], ["A", "1.5"], ["B", "2.25"], ["C", "0.75"],
      ]),
    // A blank line between header and rows, and blank lines around the table.
    Table(name: "blank lines inside and around", text: """

      Titration report

      Sample    Volume ml   pH
      
      T-01          12.40   7.01
      T-02           9.85   6.98
      T-03          10.10   7.00

      """, starts: [0, 8, 19], firstLine: 3, lastLine: 7, rows: [
        ["Sample", "Volume ml", "pH"],
        ["T-01", "12.40", "7.01"],
        ["T-02", "9.85", "6.98"],
        ["T-03", "10.10", "7.00"],
      ]),
    // Key:  value lines set off by a blank line line up with the first columns by chance.
    Table(name: "aligned key-value preamble", text: """
      Operator:    J. Smith
      Date:        12.03.2024
      Instrument:  MA-30

      Sample ID    Weight g   Result %   Time
      S-001          4.896       6.37   04:49
      S-002         12.611       3.21   03:15
      S-003          4.630      11.25   06:59
      """, starts: [0, 11, 21, 32], firstLine: 4, lastLine: 7, rows: reportRows),
    // Two tables a blank line apart: the larger one; the other's rows do not make "Sample ID" two
    // columns.
    Table(name: "two tables", text: """
      Calibration
      Std   Nominal   Found
      C1       10.0    10.1
      C2       20.0    19.8

      Sample ID    Weight g   Result %   Time
      S-001          4.896       6.37   04:49
      S-002         12.611       3.21   03:15
      S-003          4.630      11.25   06:59
      """, starts: [0, 11, 21, 32], firstLine: 5, lastLine: 8, rows: reportRows),
    // Tabs pad to the next multiple of 8; one or two per gap, so no count of tabs is the same in
    // every line.
    Table(name: "tab-padded columns", text: "Sample ID\tWeight\tResult\nS-1\t\t4.896\t6.37\nS-22\t\t12.611\t3.21\nS-333\t\t4.63\t11.25",
          starts: [0, 16, 24], firstLine: 0, lastLine: 3, rows: [
            ["Sample ID", "Weight", "Result"],
            ["S-1", "4.896", "6.37"],
            ["S-22", "12.611", "3.21"],
            ["S-333", "4.63", "11.25"],
          ]),
  ]

  @Test(arguments: tables)
  func detectsTable(table: Table) throws {
    let lines = Self.lines(table.text)
    let detection = try #require(FixedWidthLayout.detect(lines: lines))
    #expect(detection.layout.starts == table.starts)
    #expect(detection.firstLine == table.firstLine)
    #expect(detection.lastLine == table.lastLine)
    #expect(detection.confidence > 0 && detection.confidence <= 1)
    let rows = lines[detection.firstLine...detection.lastLine]
      .filter { !$0.allSatisfy { $0 == 0x20 } }
      .map { Self.fields(detection.layout, String(decoding: $0, as: UTF8.self)) }
    #expect(rows == table.rows)
  }

  @Test(arguments: [
    // Words parted by single spaces that do not line up.
    ("space-separated, not aligned", """
      Sample Weight Result Time
      S-001 4.896 6.37 04:49
      S-002 12.611 3.21 03:15
      S-003 4.630 11.25 06:59
      """),
    ("CSV", """
      Sample,Weight g,Result %
      S-001,4.896,6.37
      S-002,12.611,3.21
      """),
    // Commas followed by padding line up like columns, but every line has two.
    ("CSV padded to line up", """
      Sample ID, Weight, Result
      S-001,      4.896,   6.37
      S-002,     12.611,   3.21
      S-003,      4.630,  11.25
      """),
    ("semicolons and decimal commas", """
      Probe;Gewicht g;Ergebnis %
      S-001;  4,896; 6,37
      S-002; 12,611; 3,21
      S-003;  4,630;11,25
      """),
    ("tab-separated", "Sample\tWeight\tResult\nS-001\t4.896\t6.37\nS-002\t12.611\t3.21\nS-003\t4.63\t11.25"),
    ("pipe table", """
      | Sample | Weight |
      |--------|--------|
      | S-001  |  4.896 |
      | S-002  | 12.611 |
      """),
    ("prose", """
      The samples were dried at 105 °C for four hours and weighed
      again after cooling in a desiccator. Results below the limit
      of quantification are reported as such and were not used for
      the mean of the batch. Two samples were repeated because the
      balance drifted during the first run of the afternoon.
      """),
    ("one-column list", """
      Ingredients
      Pea protein
      Sugar
      Salt
      Sunflower oil
      """),
    ("header and one row", """
      Sample ID    Weight g
      S-001          4.896
      """),
    ("no lines", ""),
  ])
  func refuses(name: String, text: String) {
    #expect(FixedWidthLayout.detect(lines: Self.lines(text)) == nil)
  }

  /// The reason names the lines, the columns and the gaps; lines are counted from 1.
  @Test func reason() throws {
    let detection = try #require(FixedWidthLayout.detect(lines: Self.lines(Self.report)))
    #expect(detection.reason == "4 lines (5–8) agree on 4 columns starting at 0, 11, 21, 32; "
      + "every line has 2 or more spaces at each gap; 3 lines before it; 2 lines after it")
  }

  /// Many agreeing lines with wide gaps are surer than a few lines one space apart.
  @Test func confidence() throws {
    let rows = (1...12).map { "S-\($0 < 10 ? "0" : "")\($0)          4.896       6.37   04:49" }
    let long = try #require(FixedWidthLayout.detect(lines: Self.lines((["Sample ID    Weight g   Result %   Time"] + rows).joined(separator: "\n"))))
    let short = try #require(FixedWidthLayout.detect(lines: Self.lines(Self.report)))
    let dense = try #require(FixedWidthLayout.detect(lines: Self.lines(Self.tables[6].text)))
    #expect(long.layout.starts == [0, 11, 21, 32])
    #expect(long.confidence == 1)
    #expect(short.confidence == 0.7)
    #expect(dense.confidence == 0.42)
  }

  @Test func widths() {
    #expect(FixedWidthLayout(widths: [10, 8, 6]).starts == [0, 10, 18])
    #expect(FixedWidthLayout(widths: [10, 8], lastRunsToEnd: true).starts == [0, 10, 18])
    #expect(FixedWidthLayout(widths: [5]).starts == [0])
    #expect(FixedWidthLayout(widths: []).starts == [0])
    #expect(FixedWidthLayout(starts: []).starts == [0])
    #expect(FixedWidthLayout(widths: [4, 3, 2]) == FixedWidthLayout(starts: [0, 4, 7]))
  }

  @Test(arguments: [
    // Text past the last start belongs to the last field.
    ("ab   cd   efg  trailing text", [0..<2, 5..<7, 10..<28]),
    // A line shorter than a column gives empty fields where it ends.
    ("ab", [0..<2, 2..<2, 2..<2]),
    ("ab   c", [0..<2, 5..<6, 6..<6]),
    // A blank field is empty where its blanks end.
    ("ab        x", [0..<2, 10..<10, 10..<11]),
    ("", [0..<0, 0..<0, 0..<0]),
    ("  a  \t b   c  ", [2..<3, 7..<8, 11..<12]),
    // Columns are scalars: ° and µ are two bytes each.
    ("°C   µg   x", [0..<3, 6..<9, 12..<13]),
  ] as [(String, [Range<Int>])])
  func splits(line: String, expected: [Range<Int>]) {
    #expect(Self.ranges(FixedWidthLayout(starts: [0, 5, 10]), line) == expected)
  }

  @Test func splitsByWidths() {
    let layout = FixedWidthLayout(widths: [6, 8, 5])
    #expect(Self.fields(layout, "S-001  12.611 6.37") == ["S-001", "12.611", "6.37"])
    #expect(Self.fields(layout, "S-002   4.8") == ["S-002", "4.8", ""])
    #expect(Self.fields(layout, "S-003   4.896 6.37 retest") == ["S-003", "4.896", "6.37 retest"])
    #expect(Self.fields(FixedWidthLayout(widths: [6, 8], lastRunsToEnd: true), "S-003   4.896 6.37") == ["S-003", "4.896", "6.37"])
  }

  /// Text before the first start belongs to the first field; a start not past the one before
  /// gives an empty field; a tab reaches the next multiple of 8.
  @Test func oddLayouts() {
    #expect(Self.fields(FixedWidthLayout(starts: [2, 6]), "abcdefgh") == ["abcdef", "gh"])
    #expect(Self.fields(FixedWidthLayout(starts: [0, 6, 4]), "abcdefgh") == ["abcdef", "", "gh"])
    #expect(Self.fields(FixedWidthLayout(starts: [0, -3]), "abc") == ["", "abc"])
    #expect(Self.fields(FixedWidthLayout(starts: [0, 8, 12]), "ab\tcd  ef") == ["ab", "cd", "ef"])
  }

  /// Detection and splitting keep each multi-byte scalar whole, so fields are valid UTF-8.
  @Test func multiByteRanges() throws {
    let detection = try #require(FixedWidthLayout.detect(lines: Self.lines(Self.tables[5].text)))
    #expect(Self.ranges(detection.layout, "Run  Temp °C  Mass µg  Operator") == [0..<3, 5..<13, 15..<23, 25..<33])
  }
}
