import PLCore

/// The type a loader gives a new column, inferred from the values seen in it; each SQL
/// dialect names it in its own words (`SQLDialect.typeName(of:)`): SQLite stores booleans as
/// INTEGER and decimals and JSON as TEXT, PostgreSQL has BOOLEAN, NUMERIC and JSONB.
///
/// Types only ever widen (`widened(with:)`), so that every value seen in the sample keeps its
/// meaning: booleans mixed with numbers are numbers (stored as 0/1), integers mixed with reals
/// are reals, numbers no double keeps make the column DECIMAL, and one string, or nested JSON
/// mixed with anything else, makes it TEXT. Strings that are all ISO dates (`2024-03-04`) or
/// all ISO date-times with a zone (`2024-03-04T10:00:00Z`) ask for DATE or TIMESTAMP, which
/// PostgreSQL has; SQLite has no such types and keeps them as TEXT, whose ISO form sorts and
/// compares as the dates do.
public enum ColumnType: Int, Sendable, CaseIterable {
  case boolean
  case integer
  case real
  /// Numbers kept exactly by their decimal text: integers beyond 64 bits, numbers no double
  /// keeps (`1E400`, `1.0000000000000000001`).
  case decimal
  /// Arrays and objects.
  case json
  case text
  /// Strings `YYYY-MM-DD` (`DateText.isDate`).
  case date
  /// ISO 8601 date-times with `Z` or an offset (`DateText.isZonedDateTime`).
  case timestamp

  /// The type `value` asks for, or nil for null, which asks for nothing.
  ///
  /// A number asks for INTEGER when it fits in 64 bits, REAL when a double holds it exactly,
  /// DECIMAL otherwise. With `detectTypes`, strings that are plain decimal numbers ask for a
  /// number type on the same terms.
  public init?(of value: JSONValue, detectTypes: Bool) {
    switch value {
    case .null: return nil
    case .bool: self = .boolean
    case .number(let text): self = Self.exactType(ofNumber: text)
    case .string(let text):
      if DateText.isDate(text) {
        self = .date
        return
      }
      if DateText.isZonedDateTime(text) {
        self = .timestamp
        return
      }
      guard detectTypes, let plain = NumberText.plainDecimal(text) else {
        self = .text
        return
      }
      self = plain == .integer ? .integer : Self.exactType(ofNumber: text)
    case .array, .object: self = .json
    }
  }

  private static func exactType(ofNumber text: String) -> ColumnType {
    if NumberText.isIntegerLiteral(text) { return NumberText.int64(text) == nil ? .decimal : .integer }
    return NumberText.exactDouble(text) == nil ? .decimal : .real
  }

  /// The narrowest type that holds the values of both types.
  public func widened(with other: ColumnType) -> ColumnType {
    if self == other { return self }
    let numeric: Set<ColumnType> = [.boolean, .integer, .real, .decimal]
    guard numeric.contains(self), numeric.contains(other) else { return .text }
    if self == .decimal || other == .decimal { return .decimal }
    if self == .real || other == .real { return .real }
    return .integer
  }
}
