import Foundation
import PLCore
import PLLoad
import PLSQLite
@_exported import PLTestSupport


/// Records from NDJSON text, one per line.
func records(_ lines: String...) throws -> [Record] {
  try lines.map { line in try JSONParser.parseRecord(line) }
}

/// Loads `records` with a new sink and finishes; returns the report.
@discardableResult
func load(
  _ records: [Record], into database: String, table: String = "t", options: LoadOptions = LoadOptions()
) throws -> LoadReport {
  let sink = try SQLiteSink(databasePath: database, table: table, options: options)
  for record in records { try sink.write(record) }
  try sink.finish()
  return sink.report
}

/// All rows of a query on `database`.
func query(_ database: String, _ sql: String) throws -> [[SQLiteValue]] {
  try SQLiteConnection(path: database, readOnly: true).rows(sql)
}

/// Column name → declared type of `table`, in table order.
func schema(_ database: String, _ table: String = "t") throws -> [String] {
  try SQLiteConnection(path: database, readOnly: true).columns(of: table).map { "\($0.name) \($0.declaredType)" }
}
