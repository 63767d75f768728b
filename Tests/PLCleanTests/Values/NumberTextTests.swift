import PLClean
import Testing

@Suite struct NumberTextTests {
  /// (text, decimal mark, canonical text, value)
  static let good: [(String, DecimalMark, String, Double)] = [
    ("12.3", .point, "12.3", 12.3),
    ("12,3", .comma, "12.3", 12.3),
    ("12.30", .point, "12.30", 12.3),
    ("1,80", .comma, "1.80", 1.8),
    ("0", .point, "0", 0),
    ("-0.05", .point, "-0.05", -0.05),
    ("−0,05", .comma, "-0.05", -0.05),
    ("+2.5", .point, "2.5", 2.5),
    ("-0", .point, "0", 0),
    (".5", .point, "0.5", 0.5),
    ("007", .point, "7", 7),
    ("1.133,5", .comma, "1133.5", 1133.5),
    ("1,133.5", .point, "1133.5", 1133.5),
    ("1 133,5", .comma, "1133.5", 1133.5),
    ("1\u{A0}133,5", .comma, "1133.5", 1133.5),
    ("1\u{202F}133,5", .comma, "1133.5", 1133.5),
    ("1\u{2009}133.5", .point, "1133.5", 1133.5),
    ("1'133.5", .point, "1133.5", 1133.5),
    ("1’133.5", .point, "1133.5", 1133.5),
    ("1,133,500", .point, "1133500", 1_133_500),
    ("12.345.678,9", .comma, "12345678.9", 12_345_678.9),
    ("1.133", .comma, "1133", 1133),
    ("1.133", .point, "1.133", 1.133),
    ("1,133", .point, "1133", 1133),
    ("1,133", .comma, "1.133", 1.133),
    ("1.1E+04", .point, "1.1e4", 11000),
    ("1.1e4", .point, "1.1e4", 11000),
    ("1,1E-3", .comma, "1.1e-3", 0.0011),
    ("4.7E+03", .point, "4.7e3", 4700),
    ("1,1 x 10^4", .comma, "1.1e4", 11000),
    ("2,5 x 10^4", .comma, "2.5e4", 25000),
    ("1.1·10⁴", .point, "1.1e4", 11000),
    ("1.1×10^-4", .point, "1.1e-4", 0.00011),
    ("1.1 × 10⁻⁴", .point, "1.1e-4", 0.00011),
    ("1.1 x 10E4", .point, "1.1e4", 11000),
    ("3 x 10²", .point, "3e2", 300),
    ("1.5*10^3", .point, "1.5e3", 1500),
    ("12.5 %", .point, "12.5", 12.5),
    ("12,5%", .comma, "12.5", 12.5),
    ("  42  ", .point, "42", 42),
    ("\u{A0}42\t", .point, "42", 42),
    ("0.000123", .point, "0.000123", 0.000123),
    ("123456789012345678", .point, "123456789012345678", 1.2345678901234568e17),
    ("0.1234567890123456789", .point, "0.1234567890123456789", 0.1234567890123456789),
  ]

  @Test(arguments: good)
  func parses(text: String, decimal: DecimalMark, canonical: String, value: Double) throws {
    let number = try #require(NumberText.parse(text, decimal: decimal))
    #expect(number.text == canonical)
    #expect(number.value == value)
    #expect(number.percent == text.contains("%"))
  }

  static let bad: [(String, DecimalMark)] = [
    ("", .point), ("  ", .point), ("abc", .point), ("12a", .point), ("1.2.3", .point), ("12.", .point),
    ("12,", .comma), ("1,2", .point), ("1.13", .comma), ("1,13,5", .point), ("0,133", .point), ("1,1334", .point),
    ("1.1E+04", .comma), ("1,133.5", .comma), ("1.133,5", .point), ("1 133.5 2", .point), ("- 5", .point),
    ("--5", .point), ("5-", .point), ("e4", .point), ("1e", .point), ("1 x 10", .point), ("1 x 10^", .point),
    ("1,133 .5", .point), ("1 13", .point), ("%", .point), ("12 %%", .point), ("1'133,5'", .comma),
    ("1.133 133", .comma), ("1.133'133", .comma), ("<5", .point), ("n.d.", .point), ("0x1F", .point),
    ("1e99999", .point), ("NaN", .point), ("inf", .point),
  ]

  @Test(arguments: bad)
  func refuses(text: String, decimal: DecimalMark) {
    #expect(NumberText.parse(text, decimal: decimal) == nil)
  }

  @Test func keepsPrecisionOfLongNumbers() throws {
    let n = try #require(NumberText.parse("12345678901234567890.5", decimal: .point))
    #expect(n.text == "12345678901234567890.5")
    #expect(n.value == 12345678901234567890.5)
  }

  @Test func jsonTextRoundTrips() throws {
    for text in ["0", "-1.5", "1.1e4", "0.000123", "1e-7", "12.30"] {
      #expect(LabNumber(json: text)?.text == text)
    }
    for text in ["01", "1.", "+1", ".5", "1e", "--1", ""] {
      #expect(LabNumber(json: text) == nil)
    }
  }

  @Test(arguments: [
    (1372.3519999999999, "1372.352"), (100.00000000000001, "100"), (0.1 + 0.2, "0.3"), (-17.77777777777778, "-17.7777777777778"),
    (1e-5, "1e-5"), (1e16, "1e16"), (0, "0"), (-0.0, "0"), (123456.789, "123456.789"),
  ])
  func roundsTo15SignificantDigits(value: Double, text: String) {
    #expect(LabNumber(rounding: value)?.text == text)
  }
}

@Suite struct NumberColumnStyleTests {
  static let cases: [([String], DecimalMark?, NumberColumnStyle)] = [
    (["1.133"], nil, .ambiguous),
    (["1.133", "2,5"], nil, .decided(.comma)),
    (["1.133", "12.345,6"], nil, .decided(.comma)),
    (["1.133", "2.5"], nil, .decided(.point)),
    (["1,133", "2,250"], nil, .ambiguous),
    (["1,133", "2,250"], .point, .decided(.point)),
    (["1,133", "2,250"], .comma, .decided(.comma)),
    (["1,133", "0,250"], nil, .decided(.comma)),
    (["1,133", "1,133,500"], nil, .decided(.point)),
    (["2,5", "2.5"], nil, .conflicting),
    (["2,5", "2.5"], .point, .conflicting),
    (["12", "7", ""], nil, .decided(.point)),
    (["12", "7"], .comma, .decided(.comma)),
    (["<0,05", "1.133", "n.d."], nil, .decided(.comma)),
    (["12,3 mg/kg", "1.954"], nil, .decided(.comma)),
    (["1,1E-3", "1.133"], nil, .decided(.comma)),
    (["10,180", "13,36"], nil, .decided(.comma)),
    (["1,400", "16,000", "4.7E+03"], nil, .decided(.point)),
    (["2.5 %", "1,133"], nil, .decided(.point)),
    (["1 133", "2"], nil, .decided(.point)),
  ]

  @Test(arguments: cases)
  func decides(values: [String], hint: DecimalMark?, expected: NumberColumnStyle) {
    #expect(NumberColumnStyle.decide(values: values.map { $0[...] }, hint: hint) == expected)
  }

  @Test func markOfAnAmbiguousColumnIsNil() {
    #expect(NumberColumnStyle.ambiguous.mark == nil)
    #expect(NumberColumnStyle.decided(.comma).mark == .comma)
  }
}
