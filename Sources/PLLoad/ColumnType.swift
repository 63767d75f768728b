import PLCore

/// The type a loader gives a new column, inferred from the values seen in it; each SQL
/// dialect names it in its own words (`SQLDialect.typeName(of:)`).
///
/// Types only ever widen (INTEGER → REAL → TEXT), so that every value seen in the sample keeps
/// its meaning: integers mixed with reals are numbers, and one string makes a column TEXT.
public enum ColumnType: Int, Comparable, Sendable, CaseIterable {
  case integer
  case real
  case text

  /// The type `value` asks for, or nil for null, which asks for nothing.
  ///
  /// Booleans are stored as 0/1 and count as integers; arrays and objects are stored as
  /// compact JSON text. A number asks for a number type only when that type holds it exactly:
  /// an integer too large for 64 bits, or a number no double keeps (`1E400`, `0.1e-400`,
  /// `1.0000000000000000001`), asks for TEXT, where its text is kept as it came. With
  /// `detectTypes`, strings that are plain decimal numbers ask for a number type on the same
  /// terms.
  public init?(of value: JSONValue, detectTypes: Bool) {
    switch value {
    case .null: return nil
    case .bool: self = .integer
    case .number(let text): self = Self.exactType(ofNumber: text)
    case .string(let text):
      guard detectTypes, let plain = NumberText.plainDecimal(text) else {
        self = .text
        return
      }
      self = plain == .integer ? .integer : Self.exactType(ofNumber: text)
    case .array, .object: self = .text
    }
  }

  private static func exactType(ofNumber text: String) -> ColumnType {
    if NumberText.isIntegerLiteral(text) { return NumberText.int64(text) == nil ? .text : .integer }
    return NumberText.exactDouble(text) == nil ? .text : .real
  }

  public static func < (a: ColumnType, b: ColumnType) -> Bool { a.rawValue < b.rawValue }
}
