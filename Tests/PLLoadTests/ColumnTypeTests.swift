@testable import PLLoad
import PLCore
import Testing

@Suite struct ColumnTypeTests {
  @Test(arguments: [
    ("0", Int64(0)), ("-4", -4), ("9223372036854775807", .max), ("-9223372036854775808", .min),
  ])
  func readsIntegersExactly(text: String, value: Int64) {
    #expect(NumberText.int64(text) == value)
  }

  @Test(arguments: ["9223372036854775808", "-9223372036854775809", "1.0", "1e3", "", "-", "--1", "1-"])
  func refusesWhatIsNotAnExactInt64(text: String) {
    #expect(NumberText.int64(text) == nil)
  }

  @Test(arguments: [
    ("42", ColumnType?.some(.integer)), ("-4", .integer), ("0", .integer), ("12.30", .real), ("-0.5", .real),
    ("007", nil), ("+5", nil), (" 1", nil), ("1 ", nil), ("1e3", nil), ("-0", nil), ("1.", nil), (".5", nil),
    ("", nil), ("-", nil), ("1,5", nil), ("99999999999999999999", nil), ("0x10", nil), ("١٢", nil),
  ])
  func detectsOnlyPlainDecimals(text: String, expected: ColumnType?) {
    #expect(NumberText.plainDecimal(text) == expected)
  }

  @Test(arguments: [
    (JSONValue.number("1"), false, ColumnType?.some(.integer)),
    (.number("-1.5"), false, .real),
    (.number("1e3"), false, .real),
    (.number("12345678901234567890"), false, .decimal),
    (.number("1E400"), false, .decimal),
    (.number("1.0000000000000000001"), false, .decimal),
    (.bool(true), false, .boolean),
    (.string("5"), false, .text),
    (.string("5"), true, .integer),
    (.string("5.5"), true, .real),
    (.string("007"), true, .text),
    (.array([.number("1")]), false, .json),
    (.object([Field("a", .null)]), false, .json),
    (.null, true, nil),
  ])
  func infersTheTypeAValueAsksFor(value: JSONValue, detectTypes: Bool, expected: ColumnType?) {
    #expect(ColumnType(of: value, detectTypes: detectTypes) == expected)
  }

  /// Booleans count as numbers, numbers widen towards DECIMAL, anything else mixed is TEXT; and
  /// SQLite names the result as it did before there were BOOLEAN, DECIMAL and JSON.
  @Test(arguments: [
    (ColumnType.boolean, ColumnType.integer, ColumnType.integer, "INTEGER"),
    (.boolean, .real, .real, "REAL"),
    (.integer, .real, .real, "REAL"),
    (.integer, .decimal, .decimal, "TEXT"),
    (.real, .decimal, .decimal, "TEXT"),
    (.boolean, .boolean, .boolean, "INTEGER"),
    (.json, .json, .json, "TEXT"),
    (.json, .integer, .text, "TEXT"),
    (.boolean, .json, .text, "TEXT"),
    (.text, .integer, .text, "TEXT"),
  ])
  func widens(a: ColumnType, b: ColumnType, expected: ColumnType, sqlite: String) {
    #expect(a.widened(with: b) == expected)
    #expect(b.widened(with: a) == expected)
    #expect(SQLiteDialect().typeName(of: expected) == sqlite)
  }

  @Test(arguments: [
    "0", "-0", "0.0", "12.30", "-4", "1e3", "1E+2", "2.5e-3", "0.05", "0.1", "0.3", "123456789012345678",
    "9007199254740993", "1234567890123456789", "12345678901234567890", "1.7976931348623157e308", "5e-324",
    "1e400", "-1e-400", "3.141592653589793238462643383279", "0.000000000000000000000000001", "100e-22", "1e23",
    "4.35", "0.1e1", "99999999999999999e-3",
  ])
  func readsDoublesAsStrtodDoes(text: String) {
    let expected = Double(text)
    let actual = NumberText.double(text)
    #expect(actual?.bitPattern == expected?.bitPattern, "\(text)")
  }

  @Test func readsRandomDecimalsAsStrtodDoes() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      let integer = UInt64.random(in: 0..<1_000_000_000, using: &generator)
      let fraction = UInt64.random(in: 0..<10_000_000_000, using: &generator)
      let exponent = Int.random(in: -30...30, using: &generator)
      let text = "\(Bool.random() ? "-" : "")\(integer).\(fraction)e\(exponent)"
      guard NumberText.double(text)?.bitPattern == Double(text)?.bitPattern else {
        Issue.record("\(text): \(String(describing: NumberText.double(text))) != \(String(describing: Double(text)))")
        return
      }
    }
  }

  @Test(arguments: ["", "-", ".", "e5", "1e", "1e+", "1.2.3", "abc", "1x"])
  func refusesWhatIsNotANumber(text: String) {
    #expect(NumberText.double(text) == nil)
  }

  @Test func foldsASCIIOnly() {
    #expect(SQLiteDialect().comparisonName("Protein µG") == "protein µg")
    #expect(SQLiteDialect().comparisonName("ÄRGER") == "Ärger")
  }
}
