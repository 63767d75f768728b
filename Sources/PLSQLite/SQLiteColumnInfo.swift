/// One column of a table as `PRAGMA table_info` describes it.
///
/// Loaders compare a table's columns with the keys of incoming records and choose how to bind
/// each value from the declared type's affinity, so both travel together.
public struct SQLiteColumnInfo: Equatable, Sendable {
  /// The column's name as declared.
  public var name: String
  /// The declared type as written (`INTEGER`, `varchar(20)`, or empty).
  public var declaredType: String
  /// True when the column is declared `NOT NULL`.
  public var notNull: Bool
  /// The 1-based position in the primary key, or 0 when the column is not part of it.
  public var primaryKeyIndex: Int

  public init(name: String, declaredType: String, notNull: Bool = false, primaryKeyIndex: Int = 0) {
    self.name = name
    self.declaredType = declaredType
    self.notNull = notNull
    self.primaryKeyIndex = primaryKeyIndex
  }

  /// The affinity SQLite derives from the declared type (rules of section 3.1 of "Datatypes In
  /// SQLite"): it decides whether a text `"42"` is stored as text or as a number.
  public var affinity: SQLiteAffinity { SQLiteAffinity(declaredType: declaredType) }
}
