import PLCore
import PLSQLite

/// The SQL type `SQLiteSink` gives a new column, inferred from the values seen in it.
///
/// Types only ever widen (INTEGER → REAL → TEXT), so that every value seen in the sample keeps
/// its meaning: integers mixed with reals are numbers, and one string makes a column TEXT.
enum ColumnType: Int, Comparable, Sendable {
  case integer
  case real
  case text

  /// The declared type in `CREATE TABLE` and `ALTER TABLE`.
  var declaration: String {
    switch self {
    case .integer: "INTEGER"
    case .real: "REAL"
    case .text: "TEXT"
    }
  }

  /// The type `value` asks for, or nil for null, which asks for nothing.
  ///
  /// Booleans are stored as 0/1 and count as integers; arrays and objects are stored as
  /// compact JSON text. A JSON integer too large for 64 bits asks for TEXT, because REAL would
  /// round it. With `detectTypes`, strings that are plain decimal numbers ask for a number type.
  init?(of value: JSONValue, detectTypes: Bool) {
    switch value {
    case .null: return nil
    case .bool: self = .integer
    case .number(let text):
      if NumberText.isIntegerLiteral(text) {
        self = NumberText.int64(text) == nil ? .text : .integer
      } else {
        self = .real
      }
    case .string(let text): self = detectTypes ? NumberText.plainDecimal(text) ?? .text : .text
    case .array, .object: self = .text
    }
  }

  static func < (a: ColumnType, b: ColumnType) -> Bool { a.rawValue < b.rawValue }

  /// The affinity SQLite gives a column declared with this type.
  var affinity: SQLiteAffinity {
    switch self {
    case .integer: .integer
    case .real: .real
    case .text: .text
    }
  }
}
