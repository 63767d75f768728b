import CPLSQLite3

/// A prepared SQL statement: bind parameters, step, reset, and read result columns.
///
/// Bulk loads prepare one INSERT and run it once per row, which is the fastest way through
/// SQLite's C API; this type adds nothing on that path but Swift types. Parameter and column
/// indexes are those of SQL: parameters from 1, result columns from 0. The statement keeps its
/// connection alive.
public final class SQLiteStatement {
  @usableFromInline let handle: OpaquePointer
  @usableFromInline let connection: SQLiteConnection

  init(connection: SQLiteConnection, handle: OpaquePointer) {
    self.connection = connection
    self.handle = handle
  }

  deinit { sqlite3_finalize(handle) }

  /// The number of `?` parameters.
  public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

  // MARK: Binding

  /// Binds an integer to parameter `index` (from 1).
  ///
  /// - Throws: `SQLiteError` (`.tooBig`) when there is no such parameter.
  @inlinable
  public func bind(_ value: Int64, at index: Int) throws(SQLiteError) {
    try check(sqlite3_bind_int64(handle, Int32(truncatingIfNeeded: index), value))
  }

  /// Binds a floating-point number to parameter `index` (from 1).
  @inlinable
  public func bind(_ value: Double, at index: Int) throws(SQLiteError) {
    try check(sqlite3_bind_double(handle, Int32(truncatingIfNeeded: index), value))
  }

  /// Binds SQL NULL to parameter `index` (from 1).
  @inlinable
  public func bindNull(at index: Int) throws(SQLiteError) {
    try check(sqlite3_bind_null(handle, Int32(truncatingIfNeeded: index)))
  }

  /// Binds `text` as UTF-8 text to parameter `index` (from 1).
  ///
  /// The bytes are read in place and copied once by SQLite (`SQLITE_TRANSIENT`), because the
  /// string's storage is only guaranteed alive during this call.
  @inlinable
  public func bind(text: String, at index: Int) throws(SQLiteError) {
    var text = text
    // withUTF8 does not copy a native string; a rethrowing closure cannot carry a typed error.
    let rc = text.withUTF8 { bytes in bindTextRC(bytes, at: index) }
    try check(rc)
  }

  /// Binds UTF-8 bytes as text to parameter `index` (from 1); SQLite copies them.
  ///
  /// The bytes must be valid UTF-8. An empty buffer binds the empty text, not NULL.
  @inlinable
  public func bind(utf8 bytes: UnsafeBufferPointer<UInt8>, at index: Int) throws(SQLiteError) {
    try check(bindTextRC(bytes, at: index))
  }

  /// Binds UTF-8 bytes as text to parameter `index` (from 1) without copying them.
  ///
  /// For bulk loads, where SQLite's copy of every text value (a malloc and a free each) is a
  /// measurable share of the time. The caller must keep `bytes` valid and unchanged until the
  /// statement has been stepped and the parameter rebound, cleared, or the statement released.
  @inlinable
  public func bind(unsafeUTF8 bytes: UnsafeBufferPointer<UInt8>, at index: Int) throws(SQLiteError) {
    guard let base = bytes.baseAddress, bytes.count > 0 else {
      try check(bindTextRC(bytes, at: index))
      return
    }
    let rc = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
      sqlite3_bind_text64(
        handle, Int32(truncatingIfNeeded: index), $0, UInt64(bytes.count), cpl_sqlite_static(), UInt8(SQLITE_UTF8))
    }
    try check(rc)
  }

  @inlinable
  func bindTextRC(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int32 {
    // A nil pointer would bind NULL; the empty text needs a real (empty) address.
    guard let base = bytes.baseAddress, bytes.count > 0 else {
      return sqlite3_bind_text(handle, Int32(truncatingIfNeeded: index), "", 0, cpl_sqlite_transient())
    }
    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
      sqlite3_bind_text64(
        handle, Int32(truncatingIfNeeded: index), $0, UInt64(bytes.count), cpl_sqlite_transient(),
        UInt8(SQLITE_UTF8))
    }
  }

  /// Sets every parameter back to NULL.
  public func clearBindings() {
    sqlite3_clear_bindings(handle)
  }

  // MARK: Running

  /// Runs the statement to its next row.
  ///
  /// - Returns: true when a row is available to read, false when the statement is done.
  /// - Throws: `SQLiteError` (`.busy`, `.constraint`, `.full`, …). The statement must be reset
  ///   before it is run again.
  @inlinable @discardableResult
  public func step() throws(SQLiteError) -> Bool {
    let rc = sqlite3_step(handle)
    if rc == SQLITE_ROW { return true }
    if rc == SQLITE_DONE { return false }
    // After a failed step, the details are in the connection (sqlite3_prepare_v2 semantics).
    throw connection.error(rc)
  }

  /// Makes the statement ready to run again; bindings are kept.
  ///
  /// Errors of the last step were already thrown by `step`, so reset's repeat of them is ignored.
  @inlinable
  public func reset() {
    sqlite3_reset(handle)
  }

  // MARK: Reading columns

  /// The number of result columns.
  public var columnCount: Int { Int(sqlite3_column_count(handle)) }

  /// The name of result column `index` (from 0).
  public func columnName(at index: Int) -> String {
    sqlite3_column_name(handle, Int32(truncatingIfNeeded: index)).map { String(cString: $0) } ?? ""
  }

  /// Result column `index` (from 0) as an integer (0 for NULL; text converted as by CAST).
  public func int64(at index: Int) -> Int64 {
    sqlite3_column_int64(handle, Int32(truncatingIfNeeded: index))
  }

  /// Result column `index` (from 0) as a double (0 for NULL).
  public func double(at index: Int) -> Double {
    sqlite3_column_double(handle, Int32(truncatingIfNeeded: index))
  }

  /// Result column `index` (from 0) as text, or nil for NULL.
  public func text(at index: Int) -> String? {
    let column = Int32(truncatingIfNeeded: index)
    guard let bytes = sqlite3_column_text(handle, column) else { return nil }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  /// Result column `index` (from 0) in the storage class SQLite holds it in.
  public func value(at index: Int) -> SQLiteValue {
    let column = Int32(truncatingIfNeeded: index)
    switch sqlite3_column_type(handle, column) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
    case SQLITE_TEXT: return text(at: index).map(SQLiteValue.text) ?? .null
    case SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(handle, column))
      guard let base = sqlite3_column_blob(handle, column), count > 0 else { return .blob([]) }
      return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
    default: return .null
    }
  }

  @inlinable
  func check(_ rc: Int32) throws(SQLiteError) {
    if rc != SQLITE_OK { throw connection.error(rc) }
  }
}
