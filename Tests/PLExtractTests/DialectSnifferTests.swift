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
