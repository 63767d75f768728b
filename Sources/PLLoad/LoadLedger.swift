#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore
import PLDigest
import PLPostgres
import PLSQLite

/// One source of a load as the ledger names it: the file and its SHA-256 (nil when pl-load
/// could not read it).
public struct LedgerSource: Equatable, Sendable {
  public var source: String
  public var sha256: String?

  public init(source: String, sha256: String?) {
    self.source = source
    self.sha256 = sha256
  }

  var json: JSONValue {
    .object([Field("source", .string(source)), Field("sha256", sha256.map { .string($0) } ?? .null)])
  }
}

/// The row a run writes into `_pl_loads`, the load ledger of the target database.
///
/// Why it exists: a nightly job must be able to tell which files a table already holds (so
/// that `--skip-loaded` loads nothing twice) and a person which run put which rows there. A
/// committed run writes its row in its last transaction, so the row exists exactly when the
/// rows do; a rolled-back run writes its row after the rollback, in a short transaction of its
/// own, and only when it can (a lost server or a killed process leaves none).
public struct LoadLedgerEntry: Sendable {
  /// A random UUID, as text.
  public var runID: String
  public var startedAt: String
  public var toolVersion: String
  /// The command line, passwords removed.
  public var commandLine: String
  /// The sources read, in the order first seen.
  public var sources: [LedgerSource] = []

  public init(runID: String = LoadLedgerEntry.newRunID(), startedAt: String = LoadLedgerEntry.now(), toolVersion: String, commandLine: String) {
    self.runID = runID
    self.startedAt = startedAt
    self.toolVersion = toolVersion
    self.commandLine = commandLine
  }

  /// The ledger table's name.
  public static let tableName = "_pl_loads"

  /// A random (version 4) UUID in its usual text form.
  public static func newRunID() -> String {
    var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
    bytes[6] = (bytes[6] & 0x0F) | 0x40
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
    return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
  }

  /// Now, in UTC, as `2026-01-31T23:59:59.123Z`.
  public static func now() -> String {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    var seconds = spec.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    let millis = Int(spec.tv_nsec) / 1_000_000
    let fraction = String(repeating: "0", count: 3 - String(millis).count) + String(millis)
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
  }

  /// The sources as the ledger's JSON text.
  var sourcesJSON: String { JSONWriter.string(.array(sources.map(\.json))) }

  /// The values of one ledger row, in `columns` order.
  func values(table: String, status: String, read: Int, inserted: Int, rejected: Int, skipped: Int) -> [String?] {
    [runID, table, startedAt, Self.now(), status, String(read), String(inserted), String(rejected), String(skipped), sourcesJSON, toolVersion, commandLine]
  }

  static let columns = [
    "run_id", "table_name", "started_at", "finished_at", "status", "records_read", "records_inserted", "records_rejected",
    "records_skipped", "sources", "tool_version", "command_line",
  ]

  /// The command line with the password of a postgres:// URL and the values of
  /// password-bearing options replaced by `***`.
  public static func redacted(_ arguments: [String]) -> String {
    arguments.map { argument in
      var text = argument
      if let scheme = text.firstRange(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
        let userInfo = text[scheme.upperBound..<at]
        if let colon = userInfo.firstIndex(of: ":") { text.replaceSubrange(text.index(after: colon)..<at, with: "***") }
      }
      if let range = text.firstRange(of: "password=") {
        let end = text[range.upperBound...].firstIndex { $0 == "&" || $0 == " " } ?? text.endIndex
        text.replaceSubrange(range.upperBound..<end, with: "***")
      }
      return text.contains(" ") || text.isEmpty ? "'" + text.replacing("'", with: "'\\''") + "'" : text
    }.joined(separator: " ")
  }

  /// The SHA-256 of the file `path` (relative to the working directory), or nil when it cannot
  /// be read (gone, a directory, standard input).
  public static func sha256(ofFile path: String) -> String? {
    guard path != "-", !path.isEmpty else { return nil }
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    guard let stream = try? FileStream(path: path), let digest = try? SHA256Digest() else { return nil }
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { chunk.deallocate() }
    while true {
      guard let n = try? stream.read(into: chunk) else { return nil }
      if n == 0 { break }
      digest.observe(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
    }
    return digest.finalize()
  }

  /// The SHA-256 values of the sources of committed loads into `table`, from the ledger's
  /// `sources` JSON texts.
  static func committedHashes(fromSourceTexts texts: [String?]) -> Set<String> {
    var hashes = Set<String>()
    for text in texts {
      guard let text, case .array(let sources)? = try? JSONParser.parseValue(text) else { continue }
      for case .object(let members) in sources {
        if case .string(let sha)? = members[key: "sha256"] { hashes.insert(sha) }
      }
    }
    return hashes
  }
}

// MARK: SQLite

extension SQLiteConnection {
  private var ledger: String { SQLiteConnection.quoteIdentifier(LoadLedgerEntry.tableName) }

  /// Creates the ledger table when missing (inside the open transaction).
  func createLedger() throws(SQLiteError) {
    try execute(
      "CREATE TABLE IF NOT EXISTS \(ledger) (run_id TEXT PRIMARY KEY, table_name TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, records_read INTEGER, records_inserted INTEGER, records_rejected INTEGER, records_skipped INTEGER, sources TEXT, tool_version TEXT, command_line TEXT)"
    )
  }

  /// Writes one ledger row (inside the open transaction).
  func writeLedger(_ values: [String?]) throws(SQLiteError) {
    try createLedger()
    let names = LoadLedgerEntry.columns.joined(separator: ", ")
    let statement = try prepare("INSERT INTO \(ledger) (\(names)) VALUES (\((1...values.count).map { "?\($0)" }.joined(separator: ", ")))")
    for (i, value) in values.enumerated() {
      if let value {
        if i >= 5 && i <= 8, let number = Int64(value) {
          try statement.bind(number, at: i + 1)
        } else {
          try statement.bind(text: value, at: i + 1)
        }
      } else {
        try statement.bindNull(at: i + 1)
      }
    }
    try statement.step()
  }

  /// The SHA-256 values of sources of committed loads into `table` (none without a ledger).
  func committedSourceHashes(table: String) throws(SQLiteError) -> Set<String> {
    guard try tableExists(LoadLedgerEntry.tableName) else { return [] }
    let rows = try rows("SELECT sources FROM \(ledger) WHERE table_name = '\(table.replacing("'", with: "''"))' AND status = 'committed'")
    return LoadLedgerEntry.committedHashes(fromSourceTexts: rows.map { row in
      if case .text(let text)? = row.first { return text }
      return nil
    })
  }
}

// MARK: PostgreSQL

extension PostgresConnection {
  /// The ledger's quoted name in `schema` (the first of the search path when nil).
  static func ledgerName(schema: String?) -> String {
    (schema.map { quoteIdentifier($0) + "." } ?? "") + quoteIdentifier(LoadLedgerEntry.tableName)
  }

  /// Creates the ledger table when missing (inside the open transaction).
  func createLedger(schema: String?) throws(PostgresError) {
    try execute(
      "CREATE TABLE IF NOT EXISTS \(Self.ledgerName(schema: schema)) (run_id TEXT PRIMARY KEY, table_name TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ, status TEXT NOT NULL, records_read BIGINT, records_inserted BIGINT, records_rejected BIGINT, records_skipped BIGINT, sources JSONB, tool_version TEXT, command_line TEXT)"
    )
  }

  /// Writes one ledger row (inside the open transaction).
  func writeLedger(_ values: [String?], schema: String?) throws(PostgresError) {
    try createLedger(schema: schema)
    let names = LoadLedgerEntry.columns.joined(separator: ", ")
    let casts = ["text", "text", "timestamptz", "timestamptz", "text", "bigint", "bigint", "bigint", "bigint", "jsonb", "text", "text"]
    let parameters = casts.enumerated().map { "$\($0.offset + 1)::\($0.element)" }.joined(separator: ", ")
    try run("INSERT INTO \(Self.ledgerName(schema: schema)) (\(names)) VALUES (\(parameters))", parameters: values)
  }

  /// The SHA-256 values of sources of committed loads into `table` (none without a ledger).
  func committedSourceHashes(table: String, schema: String?) throws(PostgresError) -> Set<String> {
    let name = Self.ledgerName(schema: schema)
    guard try query("SELECT to_regclass($1) IS NOT NULL", [name]).first?.first == "t" else { return [] }
    let rows = try query("SELECT sources::text FROM \(name) WHERE table_name = $1 AND status = 'committed'", [table])
    return LoadLedgerEntry.committedHashes(fromSourceTexts: rows.map { $0.first ?? nil })
  }
}
