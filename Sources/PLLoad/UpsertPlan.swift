import PLCore

/// The SQL and the refusals of keyed loads (`--key`, `--mode upsert|ignore`), the same for
/// SQLite and PostgreSQL: both spell `INSERT … ON CONFLICT (key) DO UPDATE SET …` alike.
///
/// Why only the columns a record carries are set: records are often partial (a result
/// arrives before its fat value), and a record without `fat` must leave the stored `fat` as it
/// is. Deleting and re-inserting the row would lose such values and fire foreign keys, so a
/// stored row is always updated in place. The `_pl` metadata is set to the record's when it has
/// any, and kept otherwise.
enum UpsertPlan {
  /// The conflict clause for `mode`, or "" for the modes without one.
  ///
  /// - Parameters:
  ///   - key: the key columns, quoted.
  ///   - updated: the non-key columns the record carries, quoted (upsert only).
  ///   - meta: the metadata column, quoted, when it is loaded.
  ///   - target: how the SET clause names the stored row (`"t"` or an alias); nil when the
  ///     database reads unqualified names as the stored row's (SQLite).
  static func conflictClause(mode: LoadMode, key: [String], updated: [String], meta: String?, target: String?) -> String {
    let conflict = " ON CONFLICT (\(key.joined(separator: ", ")))"
    switch mode {
    case .insert, .replaceTable:
      return ""
    case .ignore:
      return conflict + " DO NOTHING"
    case .upsert:
      var sets = updated.map { "\($0) = excluded.\($0)" }
      if let meta { sets.append("\(meta) = coalesce(excluded.\(meta), \(target.map { $0 + "." } ?? "")\(meta))") }
      // A record of key fields only: the stored row is matched and left as it is.
      if sets.isEmpty, let first = key.first { sets.append("\(first) = excluded.\(first)") }
      return conflict + " DO UPDATE SET " + sets.joined(separator: ", ")
    }
  }

  /// The name of the unique index a load adds for its key: `table_a_b_key`, as PostgreSQL
  /// names unique constraints, so that the same key gets the same index every run.
  static func indexName(table: String, columns: [String]) -> String {
    ([table] + columns + ["key"]).joined(separator: "_")
  }

  /// The refusal of a key that the table's rows already repeat.
  static func repeatedKey(database: String, table: String, columns: [String], values: [String], count: String) -> PLError {
    let pairs = zip(columns, values).map { "\($0) = \($1)" }.joined(separator: ", ")
    return .malformed(
      source: database, location: nil,
      message: "table \(table): --key \(columns.joined(separator: ",")): the table's rows already repeat the key (\(pairs) is in \(count) rows), so it cannot be made unique; remove the duplicates or choose another key; nothing was loaded")
  }

  /// The refusal of a key field no column holds after the sample.
  static func keyWithoutColumn(database: String, table: String, field: String, sample: Int) -> PLError {
    .malformed(
      source: database, location: nil,
      message: "table \(table): the key field \(JSONWriter.string(.string(field))) is in none of the first \(sample) records nor in the schema file, so the table has no column for it; nothing was loaded")
  }

  /// The refusal of a record without a value for a key field.
  static func recordWithoutKey(database: String, table: String, record: Int, field: String, isNull: Bool) -> PLError {
    .malformed(
      source: database, location: nil,
      message: "table \(table): record \(record): the key field \(JSONWriter.string(.string(field))) is \(isNull ? "null" : "missing"); a keyed load needs a value for every key field; nothing was loaded")
  }

  /// The refusal of `--mode replace-table` with no records to replace the table by.
  static func nothingToReplaceWith(database: String, table: String) -> PLError {
    .malformed(
      source: database, location: nil,
      message: "table \(table): the input has no records, and --mode replace-table does not replace a table by nothing; the table is as it was")
  }
}
