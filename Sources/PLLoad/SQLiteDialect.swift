import PLSQLite

/// SQLite's words and rules for `SchemaPlanner` and `SQLiteSink`.
///
/// Why binding needs care: SQLite applies a column's affinity to every value stored in it. A
/// text `"007"` in an INTEGER column becomes 7, a 30-digit integer bound as text becomes a
/// rounded REAL, and a double that is not the number written (`1E400` → Inf) is stored as
/// that double. The bindings chosen here store each value exactly or refuse it:
/// - numbers: TEXT columns take their exact text; INTEGER and NUMERIC columns a 64-bit
///   integer or a double that keeps the number's decimal value; REAL columns such a double;
///   untyped (BLOB) columns the integer or double when exact, else the text, which they keep.
/// - strings: kept as text unless SQLite would turn them into a number (`SQLiteAffinity
///   .storedValue(ofText:)`); then refused, except, with `detectTypes`, plain decimal text
///   whose number is exact, which is bound as that number.
public struct SQLiteDialect: SQLDialect {
  public typealias ColumnKind = SQLiteAffinity

  public let maxColumns: Int

  /// - Parameter maxColumns: the connection's limit (`SQLiteConnection.columnLimit`).
  public init(maxColumns: Int = 2000) {
    self.maxColumns = maxColumns
  }

  public var name: String { "SQLite" }
  public var foldsCase: Bool { true }

  public func quoteIdentifier(_ name: String) -> String { SQLiteConnection.quoteIdentifier(name) }

  public func typeName(of type: ColumnType) -> String {
    switch type {
    case .boolean, .integer: "INTEGER"
    case .real: "REAL"
    // No date type: ISO 8601 text sorts and compares as the dates and instants do.
    case .decimal, .json, .text, .date, .timestamp: "TEXT"
    }
  }

  public func kind(ofDeclaredType declaredType: String) -> SQLiteAffinity { SQLiteAffinity(declaredType: declaredType) }

  @inline(__always)
  public func binding(ofNumber text: UnsafeBufferPointer<UInt8>, into kind: SQLiteAffinity) -> ExactBinding {
    switch kind {
    case .text:
      return .text
    case .integer, .numeric:
      if let integer = NumberText.int64(text) { return .integer(integer) }
      if let number = NumberText.exactDouble(text) { return .real(number) }
      return .refused
    case .real:
      if let number = NumberText.exactDouble(text) { return .real(number) }
      return .refused
    case .blob:
      if let integer = NumberText.int64(text) { return .integer(integer) }
      if let number = NumberText.exactDouble(text) { return .real(number) }
      return .text
    }
  }

  @inline(__always)
  public func binding(
    ofString text: UnsafeBufferPointer<UInt8>, into kind: SQLiteAffinity, detectTypes: Bool
  ) -> ExactBinding {
    guard kind.convertsText(text) else { return .text }
    guard detectTypes else { return .refused }
    let string = String(decoding: text, as: UTF8.self)
    guard let plain = NumberText.plainDecimal(string) else { return .refused }
    if plain == .integer, kind != .real, let integer = NumberText.int64(text) { return .integer(integer) }
    if let number = NumberText.exactDouble(text) { return .real(number) }
    return .refused
  }

  public func storedForm(ofNumber text: UnsafeBufferPointer<UInt8>, into kind: SQLiteAffinity) -> String {
    // What binding the number as before (integer, else double, else text) would have stored.
    if kind != .real, let integer = NumberText.int64(text) { return String(integer) }
    let number = NumberText.double(text) ?? .nan
    if kind != .real, let integer = SQLiteAffinity.wholeInt64Value(number) { return String(integer) }
    return Self.describe(number)
  }

  public func storedForm(ofString text: UnsafeBufferPointer<UInt8>, into kind: SQLiteAffinity) -> String {
    switch kind.storedValue(ofText: text) {
    case .integer(let integer): return String(integer)
    case .real(let number): return Self.describe(number)
    default: return String(decoding: text, as: UTF8.self)
    }
  }

  /// A double as `sqlite3` would show it, but with every digit that tells it apart.
  static func describe(_ number: Double) -> String {
    if number.isInfinite { return number < 0 ? "-Inf" : "Inf" }
    return number.description
  }
}
