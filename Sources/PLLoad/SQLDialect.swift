/// What a SQL loader needs to know about one database system to plan and fill a table.
///
/// `SchemaPlanner` infers column types, adds columns and resolves record keys to columns in
/// the same way for every database; a dialect supplies the words and the rules that differ:
/// how names are quoted and compared, what the inferred types are called, how many columns a
/// table may have, and how a value must be bound so that the database stores it unchanged.
public protocol SQLDialect: Sendable {
  /// What the database makes of a column's declared type, for deciding how to bind values
  /// into it (SQLite: the type affinity).
  associatedtype ColumnKind: Equatable & Sendable

  /// The database's name in messages (`SQLite`).
  var name: String { get }
  /// The most columns a table may have.
  var maxColumns: Int { get }
  /// True when the database takes two column names that differ only in ASCII letter case for
  /// the same column, even when quoted (SQLite does; PostgreSQL does not for quoted names).
  var foldsCase: Bool { get }

  /// `name` quoted as an identifier, so that any text is a valid column or table name.
  func quoteIdentifier(_ name: String) -> String
  /// The name of the column a new key gets: the key itself, unless the database cannot keep
  /// a name that long (PostgreSQL: 63 bytes), in which case a shorter name that no other key
  /// gets. Must return names it is given that fit unchanged.
  func columnName(forKey key: String) -> String
  /// The declared type of a new column of `type`.
  func typeName(of type: ColumnType) -> String
  /// The kind of a column declared as `declaredType` (as the catalog reports it).
  func kind(ofDeclaredType declaredType: String) -> ColumnKind

  /// How a JSON number, given by its text, must be bound into a column of `kind`.
  func binding(ofNumber text: UnsafeBufferPointer<UInt8>, into kind: ColumnKind) -> ExactBinding
  /// How a string must be bound into a column of `kind`; with `detectTypes`, plain decimal
  /// text may become the number it spells when that number is exact.
  func binding(ofString text: UnsafeBufferPointer<UInt8>, into kind: ColumnKind, detectTypes: Bool) -> ExactBinding
}

extension SQLDialect {
  public func columnName(forKey key: String) -> String { key }

  /// The form of `name` under which the database compares column names: ASCII letters lowered
  /// when it folds case, `name` itself otherwise (shortened as `columnName(forKey:)` does). No
  /// copy when there is nothing to lower.
  public func comparisonName(_ name: String) -> String {
    guard foldsCase else { return columnName(forKey: name) }
    guard name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return name }
    return String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
  }
}
