@testable import PLLoad
import PLSQLite
import Testing

@Suite struct ExactNumberTests {
  @Test(arguments: [
    ("12.30", 12.3), ("1e3", 1000), ("-0", -0.0), ("0.0", 0), ("0e999999", 0), ("0.1", 0.1), ("-2.5e-3", -0.0025),
    ("0.30000000000000004", 0.30000000000000004), ("9007199254740992", 9007199254740992),
    ("123456789012345.6", 123456789012345.6), ("1.7976931348623157e308", 1.7976931348623157e308),
    ("5e-324", 5e-324), ("1E+2", 100), ("100000000000000000000", 1e20), ("4.35", 4.35),
  ])
  func keepsNumbersWhoseDoubleHasTheSameValue(text: String, expected: Double) {
    #expect(NumberText.exactDouble(text)?.bitPattern == expected.bitPattern, "\(text)")
  }

  @Test(arguments: [
    "1E400", "-1e400", "0.1e-400", "1e-400", "1.0000000000000000001", "12345678901234567", "9007199254740993",
    "123456789012345678901234567890", "0.1000000000000000055511151231257827", "2e-324", "", "-", "1e", "abc",
  ])
  func refusesNumbersNoDoubleKeeps(text: String) {
    #expect(NumberText.exactDouble(text) == nil, "\(text)")
  }

  @Test(arguments: [
    ("12.30", "1.23e1"), ("0.05", "5e-2"), ("-0", "0.0"), ("100", "1e2"), ("0012.500", "12.5"), ("1000.0", "1e+3"),
  ])
  func decimalValuesCompareByValue(a: String, b: String) {
    var a = a, b = b
    #expect(a.withUTF8 { DecimalValue($0) } == b.withUTF8 { DecimalValue($0) })
  }

  @Test(arguments: [("12.3", "12.30001"), ("1", "-1"), ("0.1", "0.01"), ("1e400", "1e401")])
  func differentDecimalValuesDiffer(a: String, b: String) {
    var a = a, b = b
    #expect(a.withUTF8 { DecimalValue($0) } != b.withUTF8 { DecimalValue($0) })
  }

  /// 20,000 random decimals: exactDouble accepts exactly those whose double's shortest text
  /// has the same value, which the slow comparison decides for every one of them.
  @Test func fastPathAgreesWithTheDigitComparison() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      let digits = (0..<Int.random(in: 1...20, using: &generator)).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
      let point = Int.random(in: 0...digits.count, using: &generator)
      var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
      if text.hasPrefix(".") { text = "0" + text }
      if text.hasSuffix(".") { text += "0" }
      text += "e\(Int.random(in: -30...30, using: &generator))"
      let number = Double(text)!
      var shortest = number.description
      var copy = text
      let same = shortest.withUTF8 { DecimalValue($0) } == copy.withUTF8 { DecimalValue($0) }
      guard (NumberText.exactDouble(text) != nil) == same else {
        Issue.record("\(text): exactDouble \(String(describing: NumberText.exactDouble(text))), shortest \(shortest)")
        return
      }
    }
  }
}
