import Foundation
import PLSQLite
import Testing

/// `SQLiteAffinity.storedValue(ofText:)` against SQLite itself: each text is inserted into
/// columns of every affinity and read back with `typeof()`.
@Suite struct SQLiteTextConversionTests {
  static let texts: [String] = [
    // Integers, with signs, zeros and spaces around.
    "0", "7", "-7", "+7", "007", "-007", "-0", "+0", " 1", "1 ", " 1 ", "\t12\n", "\u{0B}3\u{0C}", "\r4\r",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
    "123456789012345678901234567890", "00000000000000000000000001",
    // Reals and exponents.
    "12.30", "12.0", "1.", ".5", "-.5", "+.5", "1e3", "1E3", "1e+3", "1e-3", "2.5e2", "1.5e0", "-0.0", "0.0",
    "1e400", "-1e400", "1e-400", "0.1e-400", "1.0000000000000000001", "9.2233720368547758e18", "1e18", "  2.50  ",
    "4.35", "0.1", "1e15", "123456789.123456789",
    // Text that stays text.
    "", " ", "abc", "-", "+", ".", "e3", "1e", "1e+", "1.2.3", "1,5", "1_000", "0x10", "0X1A", "Inf", "-Inf",
    "NaN", "inf", "infinity", "1 2", "- 1", "1e 3", "1e3.5", "١٢", "１２", "\u{A0}1", "1\u{A0}", "12abc", "abc12",
    "1\u{0}", "1e3x", "++1", "--1", "+-1", "1..2", "..1",
  ]

  @Test func matchesSQLiteForEveryAffinity() throws {
    let connection = try SQLiteConnection(path: ":memory:")
    try connection.execute("CREATE TABLE t (i INTEGER, r REAL, n NUMERIC, x TEXT, b)")
    let insert = try connection.prepare("INSERT INTO t VALUES (?1, ?1, ?1, ?1, ?1)")
    let affinities: [SQLiteAffinity] = [.integer, .real, .numeric, .text, .blob]
    for text in Self.texts {
      try connection.execute("DELETE FROM t")
      try insert.bind(text: text, at: 1)
      try insert.step()
      insert.reset()
      let row = try connection.rows("SELECT i, r, n, x, b FROM t")[0]
      for (affinity, stored) in zip(affinities, row) {
        let predicted = affinity.storedValue(ofText: text) ?? .text(text)
        #expect(predicted.typeName == stored.typeName, "\(JSONString(text)) in \(affinity): predicted \(predicted), SQLite \(stored)")
        var copy = text
        #expect(copy.withUTF8 { affinity.convertsText($0) } == (predicted.typeName != "text"))
        switch (predicted, stored) {
        case (.integer(let a), .integer(let b)):
          #expect(a == b, "\(JSONString(text)) in \(affinity)")
        case (.real(let a), .real(let b)):
          // SQLite's own text-to-double conversion may differ in the last bit for long texts.
          #expect(a == b || abs(a - b) <= abs(a) * 1e-15, "\(JSONString(text)) in \(affinity): \(a) vs \(b)")
        case (.text(let a), .text(let b)):
          #expect(a == b)
        default:
          break
        }
      }
    }
  }

  func JSONString(_ text: String) -> String { String(reflecting: text) }
}
