/// What a load did to its table, for the summary on standard error and for metrics.
///
/// Filled in as the load runs and final after `SQLiteSink.finish()`; after `abort()` it says
/// that nothing was loaded, because the transaction was rolled back.
public struct LoadReport: Equatable, Sendable {
  /// The database file, as given.
  public var database: String
  /// The table, as given.
  public var table: String
  /// Rows inserted into the table.
  public var rowsInserted: Int
  /// Keyed loads: rows that were stored and updated (upsert), and records passed over because
  /// their key was stored (ignore).
  public var rowsUpdated = 0
  public var rowsIgnored = 0
  /// The unique index the load added for `--key` to an existing table, if it added one.
  public var keyIndexCreated: String?
  /// True when the load created the table.
  public var tableCreated: Bool
  /// Columns added to the table with `ALTER TABLE … ADD COLUMN`, in the order they were added.
  /// Columns of a table the load created are not listed, except those added after the
  /// inference sample.
  public var columnsAdded: [String]
  /// Number columns whose type was changed to NUMERIC (PostgreSQL's `ALTER TABLE … ALTER
  /// COLUMN … TYPE NUMERIC`) because a value came that their type cannot hold unchanged
  /// (`0.25` into BIGINT), in the order they were widened.
  public var columnsWidened: [String] = []
  /// Keys stored in a column of another name (`a` → `a_2`) because another key of the same
  /// record, or the `_pl` metadata, has the column of their name; each pair once.
  public var columnsRenamed: [ColumnRename]

  public init(
    database: String, table: String, rowsInserted: Int = 0, tableCreated: Bool = false, columnsAdded: [String] = [],
    columnsRenamed: [ColumnRename] = []
  ) {
    self.database = database
    self.table = table
    self.rowsInserted = rowsInserted
    self.tableCreated = tableCreated
    self.columnsAdded = columnsAdded
    self.columnsRenamed = columnsRenamed
  }
}
