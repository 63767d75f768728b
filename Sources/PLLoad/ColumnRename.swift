/// A record key stored in a column of another name, because the column its own name gives is
/// taken by another key of the same record (`{"A":7,"a":8}` in a database that folds case)
/// or reserved for the `_pl` metadata.
public struct ColumnRename: Equatable, Hashable, Sendable, CustomStringConvertible {
  /// The key as it appears in records.
  public var key: String
  /// The column its values are stored in (`a_2`).
  public var column: String

  public init(key: String, column: String) {
    self.key = key
    self.column = column
  }

  public var description: String { "\(key) → \(column)" }
}
