/// How a load (`SQLiteSink`, `PostgresSink`) maps records to a table.
///
/// Kept apart from the sink so that the command line can validate flags into one value and
/// tests can state a load's configuration in one line.
public struct LoadOptions: Equatable, Sendable {
  /// Store each record's `_pl` metadata as compact JSON in a `_pl` column (TEXT in SQLite,
  /// JSONB in PostgreSQL; NULL for records without metadata). When false, no `_pl` column is created, added or written.
  public var includeMeta: Bool
  /// Give new columns a numeric type when their sampled strings are all plain decimal numbers
  /// (`"42"`, `"-4"`, `"12.30"`), as sqlite-utils' `--detect-types` does. Strings that a person
  /// may mean as text (`"007"`, `"+5"`, `" 1"`, `"1e3"`, `"-0"`) keep a column TEXT. Later
  /// plain decimal strings in numeric columns are stored as their number when it is exact;
  /// other strings that the column would turn into numbers refuse the load.
  public var detectTypes: Bool
  /// How many records are buffered to infer the types of new columns (at least 1). Columns that
  /// first appear later get the type of their first non-null value.
  public var inferenceSample: Int
  /// How long to wait for another writer's lock before failing with exit status 75 (SQLite's
  /// busy timeout; PostgreSQL's `lock_timeout` for the load's transaction).
  public var lockTimeout: Duration
  /// Load into a database that lives only as long as the load (`:memory:`, the empty name,
  /// `file:…?mode=memory`) instead of refusing it; useful only for tests and benchmarks.
  /// SQLite only.
  public var allowMemory: Bool
  /// The mode, key, `--no-alter` and schema file (see `WriteOptions`).
  public var write = WriteOptions()

  public init(
    includeMeta: Bool = true, detectTypes: Bool = false, inferenceSample: Int = 1000,
    lockTimeout: Duration = .seconds(5), allowMemory: Bool = false
  ) {
    self.allowMemory = allowMemory
    self.includeMeta = includeMeta
    self.detectTypes = detectTypes
    self.inferenceSample = inferenceSample
    self.lockTimeout = lockTimeout
  }
}
