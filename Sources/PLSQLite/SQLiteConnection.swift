// PLSQLite: a thin Swift wrapper over SQLite's C API.
//
// `SQLiteConnection` owns a database handle; `SQLiteStatement` owns a prepared statement and
// binds, steps and reads it; `SQLiteError` classifies SQLite's result codes. No C pointer or
// raw status code leaves this module except as the documented fields of `SQLiteError`.

import CPLSQLite3

/// An open SQLite database, owning its handle.
///
/// The wrapper exists so that loaders work at the speed of the C API (prepare once, bind, step,
/// reset) without touching C pointers. It is not thread-safe, and opens the handle without
/// SQLite's own mutexes: as a non-`Sendable` class it cannot be shared between threads.
public final class SQLiteConnection {
  @usableFromInline let handle: OpaquePointer
  /// The path the connection was opened with.
  public let path: String

  /// Opens (and, unless `readOnly`, creates) the database at `path`.
  ///
  /// A name starting with `file:` is a URI (`file:lab.db?mode=ro`), whether or not the SQLite
  /// library was built to read URIs by default, so that a name means the same here as to the
  /// `sqlite3` shell.
  ///
  /// A locked database is waited for up to `busyTimeout` before an operation fails with
  /// `SQLiteError.Kind.busy`.
  ///
  /// - Throws: `SQLiteError` (`.cannotOpen` for a missing directory or unreadable file).
  public init(path: String, readOnly: Bool = false, busyTimeout: Duration = .seconds(5)) throws(SQLiteError) {
    // A C string ends at the first NUL: "a.db\0x" would silently open "a.db".
    guard !path.utf8.contains(0) else {
      throw SQLiteError(code: SQLITE_CANTOPEN, message: "the database path contains a NUL character")
    }
    var db: OpaquePointer?
    let access = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
    let rc = sqlite3_open_v2(path, &db, access | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nil)
    guard rc == SQLITE_OK, let db else {
      // The handle is closed here and never stored, so deinit cannot close it twice.
      defer { sqlite3_close_v2(db) }
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      throw SQLiteError(code: rc, extendedCode: db.map { sqlite3_extended_errcode($0) }, message: message)
    }
    handle = db
    self.path = path
    let (seconds, attoseconds) = busyTimeout.components
    let milliseconds = max(0, min(Int64(Int32.max), min(seconds, 1 << 32) * 1000 + attoseconds / 1_000_000_000_000_000))
    sqlite3_busy_timeout(db, Int32(milliseconds))
  }

  deinit {
    // close_v2 defers the close until statements still alive are finalized; an open
    // transaction is rolled back.
    if !isClosed { sqlite3_close_v2(handle) }
  }

  private var isClosed = false

  /// Closes the database now rather than when the connection is released, so that its file can
  /// be renamed or removed; an open transaction is rolled back.
  ///
  /// Release every statement first. Afterwards `execute` and `prepare` throw, and the
  /// connection is good for nothing else. Calling it twice is harmless.
  public func close() {
    guard !isClosed else { return }
    isClosed = true
    sqlite3_close_v2(handle)
  }

  /// The most columns a table may have (`SQLITE_LIMIT_COLUMN`, 2000 unless SQLite was built
  /// otherwise).
  public var columnLimit: Int { Int(sqlite3_limit(handle, SQLITE_LIMIT_COLUMN, -1)) }

  /// Runs one or more SQL statements that return no rows of interest.
  ///
  /// - Throws: `SQLiteError` from the first statement that fails.
  public func execute(_ sql: String) throws(SQLiteError) {
    if isClosed { throw Self.closedError }
    var message: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &message)
    guard rc == SQLITE_OK else {
      let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
      sqlite3_free(message)
      throw SQLiteError(code: rc, extendedCode: sqlite3_extended_errcode(handle), message: text)
    }
  }

  /// Compiles one SQL statement for repeated binding and stepping.
  ///
  /// - Throws: `SQLiteError` when the SQL is invalid or names something that does not exist.
  public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
    if isClosed { throw Self.closedError }
    var statement: OpaquePointer?
    var text = sql
    let rc = text.withUTF8 { sqlite3_prepare_v2(handle, $0.baseAddress, Int32(clamping: $0.count), &statement, nil) }
    guard rc == SQLITE_OK, let statement else {
      sqlite3_finalize(statement)
      throw rc == SQLITE_OK
        ? SQLiteError(code: SQLITE_MISUSE, message: "no SQL statement in \"\(sql)\"") : error(rc)
    }
    return SQLiteStatement(connection: self, handle: statement)
  }

  /// All rows of a query, for small results (schema checks, tests).
  ///
  /// - Throws: `SQLiteError` when the query fails.
  public func rows(_ sql: String) throws(SQLiteError) -> [[SQLiteValue]] {
    let statement = try prepare(sql)
    var rows: [[SQLiteValue]] = []
    while try statement.step() {
      rows.append((0..<statement.columnCount).map { statement.value(at: $0) })
    }
    return rows
  }

  /// The columns of `table` in declaration order; empty when there is no such table.
  ///
  /// Table names compare case-insensitively (ASCII), as everywhere in SQL.
  ///
  /// - Throws: `SQLiteError` when the schema cannot be read (e.g. the file is not a database).
  public func columns(of table: String) throws(SQLiteError) -> [SQLiteColumnInfo] {
    let statement = try prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)")
    try statement.bind(text: table, at: 1)
    var columns: [SQLiteColumnInfo] = []
    while try statement.step() {
      columns.append(
        SQLiteColumnInfo(
          name: statement.text(at: 0) ?? "", declaredType: statement.text(at: 1) ?? "",
          notNull: statement.int64(at: 2) != 0, primaryKeyIndex: Int(statement.int64(at: 3))))
    }
    return columns
  }

  /// True when a table (not a view) named `table` exists in the main database.
  ///
  /// - Throws: `SQLiteError` when the schema cannot be read.
  public func tableExists(_ table: String) throws(SQLiteError) -> Bool {
    let statement = try prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE")
    try statement.bind(text: table, at: 1)
    return try statement.step()
  }

  /// True when the connection cannot write (opened read-only, or the file is write-protected).
  public var isReadOnly: Bool { !isClosed && sqlite3_db_readonly(handle, "main") == 1 }

  /// True between `BEGIN` and `COMMIT`/`ROLLBACK` (SQLite may end a transaction itself after
  /// some errors, such as a full disk).
  public var isInTransaction: Bool { !isClosed && sqlite3_get_autocommit(handle) == 0 }

  /// Rows changed by the most recent INSERT, UPDATE or DELETE.
  public var changes: Int { Int(sqlite3_changes(handle)) }

  /// `name` as an SQL identifier: in double quotes, with quotes inside doubled.
  ///
  /// Any text becomes a valid identifier this way (spaces, quotes, keywords, Unicode), so names
  /// from data can be used as table and column names.
  public static func quoteIdentifier(_ name: String) -> String {
    var quoted = "\""
    quoted.reserveCapacity(name.utf8.count + 2)
    for character in name.unicodeScalars {
      if character == "\"" { quoted.unicodeScalars.append("\"") }
      quoted.unicodeScalars.append(character)
    }
    quoted.unicodeScalars.append("\"")
    return quoted
  }

  private static let closedError = SQLiteError(code: SQLITE_MISUSE, message: "the database connection is closed")

  /// The error SQLite recorded for the failed call that returned `rc`.
  @usableFromInline
  func error(_ rc: Int32) -> SQLiteError {
    SQLiteError(code: rc, extendedCode: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
  }
}
