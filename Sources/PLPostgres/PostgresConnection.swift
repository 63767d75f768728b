// PLPostgres: a thin Swift wrapper over libpq.
//
// `PostgresConnection` owns a connection and runs statements, queries and `COPY … FROM STDIN`;
// `PostgresError` classifies what the server or libpq reports. No C pointer leaves this module.

import CPLPQ

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An open connection to a PostgreSQL server, owning its libpq handle.
///
/// The connection is made from a libpq connection string: a URL
/// (`postgres://user@host:5432/db?sslmode=require`, `postgresql:///db` for the local socket,
/// `postgres://?service=lab` for a service file entry) or `key=value` words; whatever it does not
/// say comes from the `PG*` environment variables, `~/.pg_service.conf` and `~/.pgpass`, as for
/// `psql`. Not thread-safe; as a non-`Sendable` class it cannot be shared between threads.
public final class PostgresConnection {
  let handle: OpaquePointer

  /// Connects.
  ///
  /// - Parameters:
  ///   - connectionString: a URL or `key=value` words; empty for the environment's defaults.
  ///   - password: used instead of any password the string, the environment or `~/.pgpass`
  ///     give (read from a file by the caller, so it never appears in a command line).
  ///   - applicationName: shown in `pg_stat_activity` unless the string or `PGAPPNAME` says.
  /// - Throws: `PostgresError` of kind `.invalidConnectionString` or `.cannotConnect`.
  public init(connectionString: String, password: String? = nil, applicationName: String = "pl") throws(PostgresError) {
    // A C string ends at the first NUL: the rest would be dropped without a word.
    guard !connectionString.utf8.contains(0), !(password?.utf8.contains(0) ?? false) else {
      throw PostgresError(kind: .invalidConnectionString, message: "the connection string or password contains a NUL character")
    }
    try Self.validate(connectionString)
    // Later words override what the expanded `dbname` (the connection string) says.
    var words: [(String, String)] = [("dbname", connectionString)]
    if let password { words.append(("password", password)) }
    words.append(("client_encoding", "UTF8"))
    words.append(("fallback_application_name", applicationName))
    let keywords = words.map { strdup($0.0) }
    let values = words.map { strdup($0.1) }
    defer {
      for pointer in keywords { free(pointer) }
      for pointer in values { free(pointer) }
    }
    let keywordList: [UnsafePointer<CChar>?] = keywords.map { $0.map { UnsafePointer($0) } } + [nil]
    let valueList: [UnsafePointer<CChar>?] = values.map { $0.map { UnsafePointer($0) } } + [nil]
    guard let connection = PQconnectdbParams(keywordList, valueList, 1) else {
      throw PostgresError(kind: .cannotConnect, message: "out of memory")
    }
    guard PQstatus(connection) == CONNECTION_OK else {
      let message = String(cString: PQerrorMessage(connection))
      PQfinish(connection)
      throw PostgresError(kind: .cannotConnect, message: message)
    }
    handle = connection
    cpl_pq_silence_notices(connection)
  }

  deinit {
    // Closing a connection inside a transaction makes the server roll it back.
    PQfinish(handle)
  }

  /// Throws when `connectionString` is not a connection string libpq can read.
  static func validate(_ connectionString: String) throws(PostgresError) {
    var message: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(connectionString, &message) else {
      let text = message.map { String(cString: $0) } ?? "out of memory"
      PQfreemem(message)
      throw PostgresError(kind: .invalidConnectionString, message: text)
    }
    PQconninfoFree(options)
  }

  /// The connection's settings after reading the string, the environment and service files
  /// (`host`, `port`, `dbname`, `user`, …); the password is never included.
  public var settings: [String: String] {
    var result: [String: String] = [:]
    guard let options = PQconninfo(handle) else { return result }
    defer { PQconninfoFree(options) }
    var option = options
    while let keyword = option.pointee.keyword {
      let name = String(cString: keyword)
      if name != "password", let value = option.pointee.val { result[name] = String(cString: value) }
      option += 1
    }
    return result
  }

  /// True when the connection is gone (the server restarted or closed it).
  public var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

  /// The state of the session's transaction.
  public enum TransactionState: Equatable, Sendable {
    case idle, active, inTransaction, failed, unknown
  }

  public var transactionState: TransactionState {
    switch PQtransactionStatus(handle) {
    case PQTRANS_IDLE: .idle
    case PQTRANS_ACTIVE: .active
    case PQTRANS_INTRANS: .inTransaction
    case PQTRANS_INERROR: .failed
    default: .unknown
    }
  }

  /// The server's version as a number (`150018` for 15.18).
  public var serverVersion: Int { Int(PQserverVersion(handle)) }

  /// Runs one or more SQL statements that return no rows of interest.
  ///
  /// - Throws: `PostgresError` from the first statement that fails.
  public func execute(_ sql: String) throws(PostgresError) {
    let result = PQexec(handle, sql)
    defer { PQclear(result) }
    try check(result, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
  }

  /// The rows of a query with `$1`, `$2`, … bound to `parameters` (text, nil for NULL), each
  /// value as text (nil for NULL). For small results: catalog lookups, tests.
  ///
  /// - Throws: `PostgresError` when the query fails.
  public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
    let result = try run(sql, parameters, expecting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK])
    defer { PQclear(result) }
    var rows: [[String?]] = []
    let columns = PQnfields(result)
    for row in 0..<PQntuples(result) {
      rows.append((0..<columns).map { column in
        PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
      })
    }
    return rows
  }

  /// Runs a statement with parameters; returns the number of rows it affected (`INSERT`,
  /// `UPDATE`, `DELETE`, `COPY`), 0 for others.
  @discardableResult
  public func run(_ sql: String, parameters: [String?]) throws(PostgresError) -> Int {
    let result = try run(sql, parameters, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
    defer { PQclear(result) }
    return Self.affectedRows(result)
  }

  private func run(_ sql: String, _ parameters: [String?], expecting: [ExecStatusType]) throws(PostgresError) -> OpaquePointer? {
    let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
    defer { for pointer in copies { free(pointer) } }
    let values: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    let result = PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
    do throws(PostgresError) {
      try check(result, expecting: expecting)
    } catch {
      PQclear(result)
      throw error
    }
    return result
  }

  // MARK: COPY FROM STDIN

  /// Starts `COPY … FROM STDIN`; send the data with `putCopyData` and end with `endCopy` (or
  /// `cancelCopy`). Nothing else may run on the connection meanwhile.
  ///
  /// - Throws: `PostgresError` when the server refuses the COPY (a missing column, a lock).
  public func beginCopy(_ sql: String) throws(PostgresError) {
    let result = PQexec(handle, sql)
    defer { PQclear(result) }
    try check(result, expecting: [PGRES_COPY_IN])
  }

  /// Sends a block of COPY data (any size; 1 MiB blocks measured fastest).
  ///
  /// - Throws: `PostgresError` when the connection broke. Errors the server finds in the data
  ///   are reported by `endCopy`.
  public func putCopyData(_ bytes: UnsafeBufferPointer<UInt8>) throws(PostgresError) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    let sent = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
      PQputCopyData(handle, $0, Int32(clamping: bytes.count))
    }
    if sent != 1 { throw connectionError() }
  }

  /// Ends the COPY; returns the number of rows the server stored.
  ///
  /// - Throws: `PostgresError` for the first row the server refused (its context names the
  ///   line), or when the connection broke.
  @discardableResult
  public func endCopy() throws(PostgresError) -> Int {
    try finishCopy(PQputCopyEnd(handle, nil))
  }

  /// Abandons the COPY: the server discards it with an error, so the transaction fails.
  public func cancelCopy(reason: String) {
    _ = try? finishCopy(PQputCopyEnd(handle, reason))
  }

  private func finishCopy(_ status: Int32) throws(PostgresError) -> Int {
    var failure: PostgresError? = status == 1 ? nil : connectionError()
    var rows = 0
    // Drain every result, so that the connection is ready for the next statement.
    while let result = PQgetResult(handle) {
      defer { PQclear(result) }
      if failure == nil {
        do throws(PostgresError) {
          try check(result, expecting: [PGRES_COMMAND_OK])
          rows = Self.affectedRows(result)
        } catch {
          failure = error
        }
      }
      if PQstatus(handle) == CONNECTION_BAD { break }
    }
    if let failure { throw failure }
    return rows
  }

  // MARK: Names

  /// `name` as an SQL identifier: in double quotes, with quotes inside doubled.
  ///
  /// Any text without NUL becomes a valid identifier this way (spaces, quotes, keywords,
  /// Unicode); PostgreSQL keeps only its first 63 bytes (`PostgresConnection.maxIdentifierBytes`).
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

  /// The longest identifier PostgreSQL keeps (NAMEDATALEN - 1); longer ones are cut.
  public static let maxIdentifierBytes = 63

  // MARK: Errors

  /// Throws unless `result` has one of the `expecting` statuses.
  private func check(_ result: OpaquePointer?, expecting: [ExecStatusType]) throws(PostgresError) {
    guard let result else { throw connectionError() }
    let status = PQresultStatus(result)
    if expecting.contains(status) { return }
    func field(_ code: Int32) -> String? {
      PQresultErrorField(result, code).map { String(cString: $0) }
    }
    let state = field(cpl_pq_diag_sqlstate())
    let message = field(cpl_pq_diag_message_primary()) ?? String(cString: PQresultErrorMessage(result))
    // A server that went away mid-statement leaves libpq's own message and a broken connection.
    let kind: PostgresError.Kind? = PQstatus(handle) == CONNECTION_BAD ? .connectionLost : nil
    throw PostgresError(
      kind: kind, sqlState: state,
      message: message.isEmpty ? "unexpected result \(String(cString: PQresStatus(status)))" : message,
      detail: field(cpl_pq_diag_message_detail()), hint: field(cpl_pq_diag_message_hint()),
      context: field(cpl_pq_diag_context()))
  }

  /// The error libpq recorded on the connection (no result to read it from).
  private func connectionError() -> PostgresError {
    let message = String(cString: PQerrorMessage(handle))
    return PostgresError(
      kind: PQstatus(handle) == CONNECTION_BAD ? .connectionLost : .other,
      message: message.isEmpty ? "the connection failed" : message)
  }

  private static func affectedRows(_ result: OpaquePointer?) -> Int {
    guard let result, let text = PQcmdTuples(result) else { return 0 }
    return Int(String(cString: text)) ?? 0
  }
}
