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
