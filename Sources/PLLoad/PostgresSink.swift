#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore
import PLPostgres

/// Loads records into one PostgreSQL table, all or nothing: `pl-load postgres://… --table T`.
///
/// Why it looks like this: the whole load is one transaction, so a failed, cut or killed run
/// (or a server restart) leaves the table as it was. Rows travel by `COPY … FROM STDIN` in
/// text format, sent in blocks of 1 MiB: the client's memory stays flat, and the server reads
/// rows about as fast as `psql \copy` sends them. Values are checked and escaped here
/// (`PostgresDialect` decides which values a column takes unchanged), so that the server
/// stores each value exactly as it came or the load is refused.
///
/// Two paths, one behaviour:
/// - `.direct` (the default): COPY into the target table itself.
/// - `.staged`: COPY into a temporary staging table with the same column types, then one
///   `INSERT INTO target (…) SELECT … FROM staging` at `finish()`. This is the path keyed loads
///   (`INSERT … ON CONFLICT`) build on; it costs the server a second pass over the rows.
///
/// Contract (as `SQLiteSink`, where the databases allow):
/// - The first `inferenceSample` records are buffered to infer the types of new columns
///   (BIGINT, DOUBLE PRECISION, NUMERIC, BOOLEAN, JSONB, TEXT; `_pl` JSONB and last); the table
///   is created then, or widened with `ALTER TABLE … ADD COLUMN`. Keys first seen later add
///   columns typed by their value (the COPY is ended, the column added, a new COPY started).
/// - A number that an integer or floating-point column cannot hold unchanged (`0.25` or
///   `1e20` into BIGINT, `0.1000000000000000001` into DOUBLE PRECISION) widens the column to
///   NUMERIC the same way (`ALTER TABLE … ALTER COLUMN … TYPE NUMERIC`, the staging table's
///   too), listed in `report.columnsWidened`; not with `--no-alter`, nor for a type a schema
///   file declares. Text never widens a column.
/// - Names are quoted, and compared as PostgreSQL compares quoted names: exactly, so `A` and
///   `a` are two columns. A key longer than 63 bytes gets the column
///   `PostgresDialect.columnName(forKey:)` names (listed in `report.columnsRenamed`).
/// - An existing table is locked against other writers (`SHARE ROW EXCLUSIVE`) for the load;
///   a lock not granted within `options.lockTimeout` fails with 75, as do lock waits on
///   `ALTER TABLE`.
/// - `finish()` commits; `abort()`, or any error thrown by `write` or `finish`, rolls back.
public final class PostgresSink: CompactLineSink, LoadSink {
  /// How rows reach the target table.
  public enum Path: Sendable {
    case direct
    case staged
  }

  public let target: PostgresTarget
  public let table: String
  public let options: LoadOptions
  public let path: Path
  public private(set) var report: LoadReport
  /// Rejects, batches and the ledger (see `LoadControl`); set before the first record.
  public var control = LoadControl()

  private enum State { case loading, finished, aborted }

  let connection: PostgresConnection
  private let dialect = PostgresDialect()
  private var planner: SchemaPlanner<PostgresDialect>
  private var state = State.loading
  /// The target's name in messages (`postgres://u@h/db`), without a password.
  private let display: String
  /// The table's name in messages: `schema.table` or `table`.
  private let tableName: String
  /// The quoted, schema-qualified name of the table rows go into (a new one that takes the
  /// target's place at commit for `--mode replace-table`).
  private var quotedTable: String
  /// The quoted name of the target table.
  private let targetTable: String
  private var tableExists = false
  /// Records held back until the sample is full; nil once the table is set up.
  private var pending: [Record]? = []
  private let sampleSize: Int
  private let detectTypes: Bool

  /// The columns of the COPY, in order (each an index into the planner's columns).
  private var copyColumns: [Int] = []
  /// For each column of the planner, its position in the COPY, or -1.
  private var parameterOfColumn: [Int] = []
  /// The position of `_pl` in the COPY, or -1.
  private var metaParameter = -1
  private var parameterKinds: [PostgresColumnKind] = []
  /// True while a COPY is open; false when columns joined since it ended.
  private var copying = false
  /// The record number of the first row of the COPY now open, to name rows the server refuses.
  private var copyFirstRecord = 1
  /// Records taken so far (stored or refused): the ordinal of the last one.
  private var taken = 0
  /// `lock_timeout` of each transaction, in milliseconds.
  private var lockTimeoutMilliseconds = 1
  /// The rows of the COPY now open (its segment), to name and replay the rows the server refuses.
  private var segmentRows: [SegmentRow] = []
  /// The compact lines of the segment's rows that came as lines, as they came.
  private let segmentLines = ByteBuffer(capacity: 1 << 16)
  /// The records of the segment's rows that came parsed.
  private var segmentRecords: [Record] = []
  /// Bytes of `block` already sent to the server.
  private var sent = 0
  /// True when the COPY now open runs inside the savepoint `pl_segment`.
  private var inSavepoint = false
  /// True when rows are kept until their COPY ends (with a rejects file): then a COPY ends
  /// every `segmentSize` bytes. Without one, a refused row stops the load, its ordinal is all
  /// that is needed to name it, and one COPY streams the whole load, the server working while
  /// the next rows are prepared.
  private var keepsRows = false
  /// Rows written into the staging table so far (staged path).
  private var stagedColumnsCreated = 0

  /// The shape cache, as in `SQLiteSink`: records of the last shape reuse its mapping (each
  /// key's COPY column); invalidated when the COPY gains a column.
  private let shapes = KeyShapes<[Int]>()
  private var cachedParameters: [Int] = []
  /// True when the cached shape's keys are the COPY's columns 0..<n in order, `_pl` at n (or
  /// absent from the COPY) and nothing else: its rows are written straight into the block.
  private var cachedInOrder = false

  /// The COPY data of the open COPY: sent in blocks of `blockSize`, kept until the COPY ends
  /// (at `segmentSize`), so that rows the server refuses can be found and the others sent again.
  private let block = ByteBuffer(capacity: PostgresSink.blockSize + (64 << 10))
  static let blockSize = 1 << 20
  /// One COPY carries at most about this much: a refused row costs at most a segment sent again.
  static let segmentSize = 8 << 20
  /// Values of a row whose keys are not in COPY order, before they are put in order.
  private let slotBytes = ByteBuffer(capacity: 4096)
  private var slotStart: [Int] = []
  private var slotEnd: [Int] = []
  /// Serialises nested values and `_pl` of parsed records.
  private let scratch = ByteBuffer(capacity: 1024)

  private static let stagingTable = "pg_temp._pl_staging"
  /// Staging columns of keyed loads: each row's place in the input, and (upsert) which of the
  /// COPY's columns its record carries, one `0` or `1` each.
  private static let sequenceColumn = PostgresConnection.quoteIdentifier("_pl load seq")
  private static let maskColumn = PostgresConnection.quoteIdentifier("_pl load mask")

  // Keyed loads and modes (`WriteOptions`).
  private let write: WriteOptions
  /// `write.mode` and whether there is a key, read once: the rows' loop checks them.
  private let mode: LoadMode
  private let keyed: Bool
  /// The planner's columns of the key, once the table is set up.
  private var keyColumns: [Int] = []
  /// The positions of the cached shape's key fields, whose values must not be null.
  private var cachedKeyPositions: [Int] = []
  private var keyPositionsOfShape: [[String]: [Int]] = [:]
  /// Upsert: the cached shape's mask, and every mask written, in order.
  private var cachedMask: [UInt8] = []
  private var masks: [[UInt8]] = []
  /// Rows inserted by the merges of committed batches (keyed loads with --batch).
  private var mergedInserted = 0
  private var maskSet: Set<[UInt8]> = []
  /// Replace-table: true when a table of the target's name exists and is replaced at commit.
  private var replacing = false

  /// Connects, starts the load's transaction and reads the table's columns (locking the
  /// table when it exists).
  ///
  /// - Throws: `PLError.usage` (64) for a bad URL or a name PostgreSQL cannot keep;
  ///   `.unavailable` (69) when the server cannot be reached, refuses the login or has no such
  ///   database; `.tempFail` (75) when another session holds the table longer than
  ///   `options.lockTimeout`; `.cannotCreate` (73) for a missing schema or a view.
  public init(target: PostgresTarget, table: String, options: LoadOptions = LoadOptions(), path: Path = .direct) throws(PLError) {
    self.target = target
    self.table = table
    self.options = options
    self.write = try options.write.validated()
    self.mode = write.mode
    self.keyed = !write.key.isEmpty
    // Keyed loads go through the staging table, from which one statement merges.
    self.path = options.write.comparesKeys ? .staged : path
    self.display = target.displayName
    self.tableName = target.schema.map { "\($0).\(table)" } ?? table
    self.report = LoadReport(database: display, table: tableName)
    self.sampleSize = max(1, options.inferenceSample)
    self.detectTypes = options.detectTypes
    for (what, name) in [("table", table), ("schema", target.schema ?? "public")] {
      guard !name.isEmpty, !name.utf8.contains(0) else {
        throw .usage("the \(what) name must not be empty or contain a NUL character")
      }
      guard name.utf8.count <= PostgresConnection.maxIdentifierBytes else {
        throw .usage(
          "the \(what) name \(JSONWriter.string(.string(name))) is \(name.utf8.count) bytes long; PostgreSQL keeps only the first \(PostgresConnection.maxIdentifierBytes), so give a shorter one")
      }
    }
    quotedTable = (target.schema.map { PostgresConnection.quoteIdentifier($0) + "." } ?? "") + PostgresConnection.quoteIdentifier(table)
    targetTable = quotedTable
    let password = try target.readPassword()
    do throws(PostgresError) {
      connection = try PostgresConnection(connectionString: target.connectionString, password: password, applicationName: "pl-load")
    } catch {
      throw Self.plError(error, display: display, table: tableName)
    }
    planner = SchemaPlanner(
      dialect: dialect, database: display, table: tableName, existingColumns: [], includeMeta: options.includeMeta,
      detectTypes: options.detectTypes)
    let (seconds, attoseconds) = options.lockTimeout.components
    let milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    lockTimeoutMilliseconds = Int(milliseconds)
    var schemaMissing = false
    var found: [[String?]] = []
    do throws(PostgresError) {
      try connection.execute("BEGIN; SET LOCAL lock_timeout = \(milliseconds)")
      if let schema = target.schema {
        schemaMissing = try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).isEmpty
      }
      found = try connection.query("SELECT c.oid::text, c.relkind::text FROM pg_class c WHERE c.oid = to_regclass($1)", [quotedTable])
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot start the load")
    }
    if schemaMissing, let schema = target.schema {
      throw .cannotCreate(
        target: display, message: "the schema \(JSONWriter.string(.string(schema))) does not exist; create it first (CREATE SCHEMA)")
    }
    planner.declare(write.schema?.fields.map { (name: $0.name, declaredType: dialect.typeName(of: $0), notNull: $0.required) } ?? [])
    planner.allowsNewColumns = write.alter || write.schema == nil
    guard let row = found.first, let oid = row[0] else { return }
    guard row[1] == "r" || row[1] == "p" else {
      throw .cannotCreate(target: display, message: "\(tableName) is not a table (a view or another kind of relation)")
    }
    if mode == .replaceTable {
      do throws(PostgresError) {
        try connection.execute("LOCK TABLE \(quotedTable) IN SHARE ROW EXCLUSIVE MODE")
        let schema = try connection.query("SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid", [oid])
        replacing = true
        quotedTable = PostgresConnection.quoteIdentifier(schema.first?.first.flatMap { $0 } ?? "public") + "."
          + PostgresConnection.quoteIdentifier(PostgresDialect.shortened("_pl_new_" + table))
      } catch {
        throw Self.plError(error, display: display, table: tableName, action: "cannot read the table")
      }
      return
    }
    do throws(PostgresError) {
      try connection.execute("LOCK TABLE \(quotedTable) IN SHARE ROW EXCLUSIVE MODE")
      let columns = try connection.query(
        "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [oid])
      tableExists = true
      planner = SchemaPlanner(
        dialect: dialect, database: display, table: tableName,
        existingColumns: columns.map { ($0[0] ?? "", $0[1] ?? "") }, includeMeta: options.includeMeta,
        detectTypes: options.detectTypes)
      planner.declare(write.schema?.fields.map { (name: $0.name, declaredType: dialect.typeName(of: $0), notNull: $0.required) } ?? [])
      planner.allowsNewColumns = write.alter
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot read the table")
    }
  }

  /// Adds one record to the load.
  ///
  /// - Throws: `PLError` when a value does not fit its column (65), the table cannot be created
  ///   or widened (73), the server went away (69) or a lock was not granted (75). The load is
  ///   then rolled back.
  public func write(_ record: Record) throws(PLError) {
    guard state == .loading else { throw notLoading() }
    if pending != nil {
      pending?.append(record)
      if let count = pending?.count, count >= sampleSize { try guarded { () throws(PLError) in try setUpTable() } }
      return
    }
    try guarded { () throws(PLError) in try writeRow(record) }
  }

  /// Sends what is still buffered and commits the load.
  ///
  /// - Throws: like `write`. The load is then rolled back, except when the connection broke
  ///   during the commit itself: the message then says that the outcome is unknown.
  public func finish() throws(PLError) {
    switch state {
    case .finished: return
    case .aborted: throw notLoading()
    case .loading: break
    }
    try guarded { () throws(PLError) in
      if pending != nil { try setUpTable() }
      try endCopy()
      if replacing && !tableExists { throw UpsertPlan.nothingToReplaceWith(database: display, table: tableName) }
      if write.comparesKeys && !copyColumns.isEmpty {
        try mergeStaged()
      } else if path == .staged && !copyColumns.isEmpty {
        let names = copyColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }.joined(separator: ", ")
        do throws(PostgresError) {
          report.rowsInserted = try connection.run(
            "INSERT INTO \(quotedTable) (\(names)) SELECT \(names) FROM \(Self.stagingTable)", parameters: []) + control.committedRows
        } catch {
          throw Self.plError(error, display: display, table: tableName, action: "cannot insert the staged rows")
        }
      }
      try control.rejects.checkLimit(recordsRead: control.recordsRead(), database: display, table: tableName)
      if replacing { try swapInNewTable() }
      try writeLedger(status: "committed")
      try commit(batch: nil)
    }
    state = .finished
  }

  /// Rolls the load back: the table is as it was, or does not exist if the load created it.
  /// Harmless after an error and when called twice.
  public func abort() {
    guard state == .loading else { return }
    state = .aborted
    pending = nil
    if copying {
      copying = false
      connection.cancelCopy(reason: "the load was abandoned")
    }
    if !connection.isBroken {
      try? connection.execute("ROLLBACK")
      recordRolledBack()
    }
    report = LoadReport(database: display, table: tableName, rowsInserted: control.committedRows)
  }

  // MARK: Setting up the table

  /// Infers types from the buffered sample, creates or widens the table, and writes the sample.
  private func setUpTable() throws(PLError) {
    let sample = pending ?? []
    pending = nil
    guard !sample.isEmpty else { return }

    planner.startSample()
    planner.addDeclaredColumns()
    var used: [Int] = []
    var seen = Set<Int>()
    for (offset, record) in sample.enumerated() {
      let fields = record.fields
      let detectTypes = detectTypes
      let columns = try planner.map(keys: fields.map(\.key), record: offset + 1) {
        ColumnType(of: fields[$0].value, detectTypes: detectTypes)
      }
      for column in columns where seen.insert(column).inserted { used.append(column) }
    }
    let added = planner.finishSample()

    if !tableExists {
      guard !added.isEmpty else {
        throw .malformed(
          source: display, location: nil,
          message: "cannot create table \(tableName): the records have no fields to make columns of")
      }
      try resolveKey(sample: sample.count)
      var definitions = planner.columns.map { "\(dialect.quoteIdentifier($0.name)) \($0.declaredType)\($0.notNull ? " NOT NULL" : "")" }
      if !keyColumns.isEmpty {
        definitions.append("PRIMARY KEY (\(keyColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }.joined(separator: ", ")))")
      }
      try run("CREATE TABLE \(quotedTable) (\(definitions.joined(separator: ", ")))", action: "cannot create the table")
      planner.allowsNewColumns = write.alter
      tableExists = true
      report.tableCreated = true
      parameterOfColumn = Array(repeating: -1, count: planner.count)
    } else {
      parameterOfColumn = Array(repeating: -1, count: added.lowerBound)
      for column in added { try addColumn(column) }
      try resolveKey(sample: sample.count)
      try ensureKeyIndex()
    }
    // The sample's columns in first-seen order, `_pl` last: most rows then go straight in.
    for column in used { includeInCopy(column: column) }
    if options.includeMeta, let meta = planner.metaColumn {
      includeInCopy(column: meta)
      metaParameter = parameterOfColumn[meta]
    }
    for record in sample { try writeRow(record) }
  }

  /// Adds the planner's column `column` to the table (inside the load's transaction).
  private func addColumn(_ column: Int) throws(PLError) {
    let name = planner.columns[column].name
    try endCopy()
    try run(
      "ALTER TABLE \(quotedTable) ADD COLUMN \(dialect.quoteIdentifier(name)) \(planner.columns[column].declaredType)\(planner.columns[column].notNull ? " NOT NULL" : "")",
      action: "cannot add column \(name)")
    parameterOfColumn.append(-1)
    report.columnsAdded.append(name)
  }

  /// True when the COPY's column `parameter` is widened to NUMERIC for `value`: a number (or,
  /// with `detectTypes`, a plain decimal string) that the column's integer or floating-point
  /// type cannot hold unchanged and NUMERIC can, in a column whose type no schema file declares.
  private func widens(parameter: Int, for value: JSONValue) -> Bool {
    switch value {
    case .number(var text): return text.withUTF8 { widens(parameter: parameter, text: $0, isString: false) }
    case .string(var text): return text.withUTF8 { widens(parameter: parameter, text: $0, isString: true) }
    default: return false
    }
  }

  private func widens(parameter: Int, text: UnsafeBufferPointer<UInt8>, isString: Bool) -> Bool {
    switch parameterKinds[parameter] {
    case .integer, .double, .float: break
    default: return false
    }
    guard !planner.isDeclared(copyColumns[parameter]) else { return false }
    if isString && (!detectTypes || text.contains(0)) { return false }
    let numeric = PostgresColumnKind.numeric(scale: nil)
    let binding =
      isString ? dialect.binding(ofString: text, into: numeric, detectTypes: detectTypes) : dialect.binding(ofNumber: text, into: numeric)
    return binding != .refused
  }

  /// Changes the COPY's column `parameter` to NUMERIC, in the table (and the staging table), in
  /// the load's transaction: the COPY is ended, and the next row starts a new one.
  ///
  /// NUMERIC holds every JSON number exactly, and the values already stored: integers as they
  /// are, doubles by their shortest text (`extra_float_digits` 1), which is the decimal they
  /// were loaded as; the server's own cast from double would keep only 15 digits.
  private func widen(parameter: Int) throws(PLError) {
    let column = copyColumns[parameter]
    let name = planner.columns[column].name
    let quoted = dialect.quoteIdentifier(name)
    let cast: String
    switch planner.columns[column].kind {
    case .double, .float: cast = " USING \(quoted)::text::numeric"
    default: cast = ""
    }
    try endCopy()
    try run(
      "SET LOCAL extra_float_digits = 1; ALTER TABLE \(quotedTable) ALTER COLUMN \(quoted) TYPE NUMERIC\(cast)",
      action: "cannot widen column \(name) to NUMERIC")
    if path == .staged && parameter < stagedColumnsCreated {
      try run(
        "ALTER TABLE \(Self.stagingTable) ALTER COLUMN \(quoted) TYPE NUMERIC\(cast)", action: "cannot widen column \(name) of the staging table")
    }
    planner.retype(column, declaredType: dialect.typeName(of: .decimal))
    parameterKinds[parameter] = planner.columns[column].kind
    if !report.columnsWidened.contains(name) { report.columnsWidened.append(name) }
  }

  /// Makes `column` a column of the COPY; the next row starts a new COPY.
  private func includeInCopy(column: Int) {
    guard parameterOfColumn[column] < 0 else { return }
    parameterOfColumn[column] = copyColumns.count
    copyColumns.append(column)
    parameterKinds.append(planner.columns[column].kind)
    shapes.invalidate()
  }

  /// Ends the open COPY (sending what is buffered); the server checks the rows now.
  private func endCopy() throws(PLError) {
    guard copying else { return }
    try flush()
    copying = false
    do throws(PostgresError) {
      try connection.endCopy()
      if inSavepoint { try connection.execute("RELEASE SAVEPOINT pl_segment") }
    } catch {
      try recover(from: error)
    }
    inSavepoint = false
    clearSegment()
  }

  /// Opens a COPY over the current columns (creating or widening the staging table first).
  private func beginCopy() throws(PLError) {
    let into: String
    switch path {
    case .direct:
      into = quotedTable
    case .staged:
      into = Self.stagingTable
      let definitions = copyColumns[stagedColumnsCreated...].map {
        "\(dialect.quoteIdentifier(planner.columns[$0].name)) \(planner.columns[$0].declaredType)"
      }
      if stagedColumnsCreated == 0 {
        var extra: [String] = []
        if write.comparesKeys { extra.append("\(Self.sequenceColumn) BIGINT GENERATED ALWAYS AS IDENTITY") }
        if mode == .upsert { extra.append("\(Self.maskColumn) TEXT") }
        try run(
          "CREATE TEMPORARY TABLE _pl_staging (\((definitions + extra).joined(separator: ", "))) ON COMMIT DROP",
          action: "cannot create the staging table")
      } else if !definitions.isEmpty {
        try run(
          "ALTER TABLE \(Self.stagingTable) \(definitions.map { "ADD COLUMN \($0)" }.joined(separator: ", "))",
          action: "cannot widen the staging table")
      }
      stagedColumnsCreated = copyColumns.count
    }
    var names = copyColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }.joined(separator: ", ")
    if path == .staged && mode == .upsert { names += ", " + Self.maskColumn }
    do throws(PostgresError) {
      // With rejects allowed, a COPY the server refuses is undone to here and sent again
      // without the rows it refused.
      keepsRows = control.rejects.path != nil
      inSavepoint = control.rejects.allowsAny
      if inSavepoint { try connection.execute("SAVEPOINT pl_segment") }
      try connection.beginCopy("COPY \(into) (\(names)) FROM STDIN (FORMAT text)")
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot start the COPY")
    }
    copying = true
    copyFirstRecord = taken + 1
  }

  /// The COPY statement over the current columns.
  private var copyStatement: String {
    let names = copyColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }.joined(separator: ", ")
    return "COPY \(path == .direct ? quotedTable : Self.stagingTable) (\(names)) FROM STDIN (FORMAT text)"
  }

  private func run(_ sql: String, action: String) throws(PLError) {
    do throws(PostgresError) {
      try connection.execute(sql)
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: action)
    }
  }

  /// Sends the buffered rows.
  private func flush() throws(PLError) {
    guard block.count > sent else { return }
    do throws(PostgresError) {
      try connection.putCopyData(UnsafeBufferPointer(rebasing: block.bytes[sent...]))
    } catch {
      throw Self.plError(error, display: display, table: tableName, firstRecord: copyFirstRecord)
    }
    sent = block.count
    if !keepsRows {
      block.removeAll()
      sent = 0
    }
  }

  // MARK: Keys and modes

  /// Finds the key's columns (after the sample's columns exist).
  private func resolveKey(sample: Int) throws(PLError) {
    keyColumns = []
    for field in write.key {
      guard let column = planner.column(named: field) else {
        throw UpsertPlan.keyWithoutColumn(database: display, table: tableName, field: field, sample: sample)
      }
      keyColumns.append(column)
    }
  }

  /// Makes sure an existing table has a unique index on exactly the key's columns, which
  /// `ON CONFLICT` needs (its primary key, a unique constraint or index, not partial, not
  /// deferred); else adds one, refused when the rows already repeat a key.
  private func ensureKeyIndex() throws(PLError) {
    guard !keyColumns.isEmpty else { return }
    let names = keyColumns.map { planner.columns[$0].name }
    let list = names.map { dialect.quoteIdentifier($0) }.joined(separator: ", ")
    var duplicate: [String?]?
    do throws(PostgresError) {
      let indexes = try connection.query(
        """
        SELECT (SELECT json_agg(a.attname::text) FROM unnest(i.indkey) k JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k)::text
        FROM pg_index i WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indimmediate AND i.indpred IS NULL AND i.indexprs IS NULL
        """, [quotedTable])
      for row in indexes {
        guard let json = row.first ?? nil, case .array(let items)? = try? JSONParser.parseValue(json) else { continue }
        let columns = items.compactMap(\.stringValue)
        if columns.count == names.count && Set(columns) == Set(names) { return }
      }
      let notNull = names.map { "\(dialect.quoteIdentifier($0)) IS NOT NULL" }.joined(separator: " AND ")
      duplicate = try connection.query(
        "SELECT \(names.map { "\(dialect.quoteIdentifier($0))::text" }.joined(separator: ", ")), count(*)::text FROM \(quotedTable) WHERE \(notNull) GROUP BY \(list) HAVING count(*) > 1 LIMIT 1"
      ).first
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot read the table's indexes")
    }
    if let row = duplicate {
      throw UpsertPlan.repeatedKey(
        database: display, table: tableName, columns: names, values: row.dropLast().map { $0.map { JSONWriter.string(.string($0)) } ?? "null" },
        count: (row.last ?? nil) ?? "?")
    }
    let index = PostgresDialect.shortened(UpsertPlan.indexName(table: table, columns: names))
    try run("CREATE UNIQUE INDEX \(dialect.quoteIdentifier(index)) ON \(quotedTable) (\(list))", action: "cannot add a unique index for --key")
    report.keyIndexCreated = index
  }

  /// Moves the staged rows into the table by key, as if the records had been applied one
  /// after another, and counts what happened to them.
  ///
  /// Why it looks like this: PostgreSQL refuses to update one row twice in one statement, and
  /// one statement's SET list is the same for every row, while records carry different
  /// columns. So rows are merged per mask (the set of columns they carry), each mask in one
  /// `INSERT … SELECT … ON CONFLICT` statement; as long as no key is in two staged rows the
  /// statements touch different rows and their order does not matter. When a key repeats
  /// (found by the server refusing the single statement, or by a check when there are several
  /// masks), the staged rows are first folded into one per key: each column takes its value
  /// from the key's last row that carries it, which is what applying the rows in order gives.
  /// Inserted rows are told from updated ones by `xmax = 0`.
  private func mergeStaged() throws(PLError) {
    // Rows of earlier batches were merged (and counted) when those batches were committed.
    let sent = report.rowsInserted - mergedInserted
    let key = keyColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }
    let staging = Self.stagingTable
    do throws(PostgresError) {
      switch mode {
      case .ignore:
        let names = copyColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }.joined(separator: ", ")
        let inserted = try connection.run(
          "INSERT INTO \(quotedTable) (\(names)) SELECT \(names) FROM \(staging) ORDER BY \(Self.sequenceColumn)"
            + UpsertPlan.conflictClause(mode: .ignore, key: key, updated: [], meta: nil, target: nil), parameters: [])
        report.rowsInserted = mergedInserted + inserted
        report.rowsIgnored += sent - inserted
      case .upsert:
        var repeats: Bool?
        if masks.count > 1 {
          let found = try connection.query(
            "SELECT EXISTS (SELECT 1 FROM \(staging) GROUP BY \(key.joined(separator: ", ")) HAVING count(*) > 1)::text")
          repeats = found.first?.first == "true"
        }
        var inserted = 0
        if repeats != true {
          if repeats == nil { try connection.execute("SAVEPOINT _pl_merge") }
          do throws(PostgresError) {
            inserted = try upsert(from: staging, masks: masks, key: key)
            if repeats == nil { try connection.execute("RELEASE SAVEPOINT _pl_merge") }
          } catch {
            // 21000: a key in two staged rows ("cannot affect row a second time").
            guard repeats == nil, error.sqlState == "21000" else { throw error }
            try connection.execute("ROLLBACK TO SAVEPOINT _pl_merge")
            repeats = true
          }
        }
        if repeats == true {
          try foldStagedRowsByKey(key: key)
          let merged = try connection.query("SELECT DISTINCT \(Self.maskColumn) FROM pg_temp._pl_merged").compactMap { $0.first ?? nil }
          inserted = try upsert(from: "pg_temp._pl_merged", masks: merged.map { Array($0.utf8) }, key: key)
        }
        report.rowsInserted = mergedInserted + inserted
        report.rowsUpdated += sent - inserted
      case .insert, .replaceTable:
        break
      }
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot merge the staged rows into the table")
    }
    mergedInserted = report.rowsInserted
  }

  /// One `INSERT … SELECT … ON CONFLICT DO UPDATE` per mask from `source`; returns the rows inserted.
  private func upsert(from source: String, masks: [[UInt8]], key: [String]) throws(PostgresError) -> Int {
    var inserted = 0
    let keySet = Set(keyColumns.map { parameterOfColumn[$0] })
    let meta = metaParameter >= 0 ? dialect.quoteIdentifier(planner.columns[copyColumns[metaParameter]].name) : nil
    for mask in masks {
      let carried = mask.indices.filter { mask[$0] == UInt8(ascii: "1") && $0 < copyColumns.count }
      let name = { (parameter: Int) in self.dialect.quoteIdentifier(self.planner.columns[self.copyColumns[parameter]].name) }
      let columns = (carried.map(name) + (meta.map { [$0] } ?? [])).joined(separator: ", ")
      let updated = carried.filter { !keySet.contains($0) }.map(name)
      let filter = masks.count > 1 ? " WHERE \(Self.maskColumn) = '\(String(decoding: mask, as: UTF8.self))'" : ""
      let conflict = UpsertPlan.conflictClause(mode: .upsert, key: key, updated: updated, meta: meta, target: "_pl_target")
      let rows = try connection.query(
        "WITH written AS (INSERT INTO \(quotedTable) AS _pl_target (\(columns)) SELECT \(columns) FROM \(source)\(filter)\(conflict) RETURNING (xmax = 0) AS inserted) SELECT count(*) FILTER (WHERE inserted)::text FROM written"
      )
      inserted += Int((rows.first?.first ?? nil) ?? "0") ?? 0
    }
    return inserted
  }

  /// Folds the staged rows into one per key (`pg_temp._pl_merged`): each column from the key's
  /// last row that carries it, the mask of all the columns its rows carry, `_pl` from the
  /// last row that has metadata.
  private func foldStagedRowsByKey(key: [String]) throws(PostgresError) {
    let keySet = Set(keyColumns.map { parameterOfColumn[$0] })
    var select = key
    var mask: [String] = []
    for parameter in 0..<copyColumns.count {
      let name = dialect.quoteIdentifier(planner.columns[copyColumns[parameter]].name)
      let carried = "substr(\(Self.maskColumn), \(parameter + 1), 1) = '1'"
      mask.append("CASE WHEN bool_or(\(carried)) THEN '1' ELSE '0' END")
      if keySet.contains(parameter) { continue }
      if parameter == metaParameter {
        select.append("(array_agg(\(name) ORDER BY \(Self.sequenceColumn) DESC) FILTER (WHERE \(name) IS NOT NULL))[1] AS \(name)")
      } else {
        select.append("(array_agg(\(name) ORDER BY \(Self.sequenceColumn) DESC) FILTER (WHERE \(carried)))[1] AS \(name)")
      }
    }
    select.append("concat(\(mask.joined(separator: ", "))) AS \(Self.maskColumn)")
    try connection.execute(
      "CREATE TEMPORARY TABLE _pl_merged ON COMMIT DROP AS SELECT \(select.joined(separator: ", ")) FROM \(Self.stagingTable) GROUP BY \(key.joined(separator: ", "))"
    )
  }

  /// Replace-table: drops the old table and gives the new one its name, then recreates the
  /// old table's constraints and indexes on it, all in the load's transaction. Readers see the
  /// old rows until the commit (waiting for the swap's lock at most), never an empty table.
  private func swapInNewTable() throws(PLError) {
    var constraints: [[String?]] = []
    var indexes: [[String?]] = []
    do throws(PostgresError) {
      constraints = try connection.query(
        "SELECT conname::text, pg_get_constraintdef(oid), contype::text FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY oid",
        [targetTable])
      indexes = try connection.query(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = to_regclass($1) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid) ORDER BY i.indexrelid",
        [targetTable])
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot read the replaced table's indexes")
    }
    let newPrimaryKey: String?
    do throws(PostgresError) {
      newPrimaryKey = try connection.query("SELECT conname::text FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'", [quotedTable])
        .first?.first ?? nil
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot read the new table")
    }
    try run("DROP TABLE \(targetTable)", action: "cannot drop the replaced table")
    try run("ALTER TABLE \(quotedTable) RENAME TO \(dialect.quoteIdentifier(table))", action: "cannot rename the new table")
    quotedTable = targetTable
    for constraint in constraints {
      guard let name = constraint[0], let definition = constraint[1] else { continue }
      if constraint[2] == "p", let newPrimaryKey {
        // The key's primary key is there already: give it the old one's name.
        try run(
          "ALTER TABLE \(targetTable) RENAME CONSTRAINT \(dialect.quoteIdentifier(newPrimaryKey)) TO \(dialect.quoteIdentifier(name))",
          action: "cannot rename the primary key")
        continue
      }
      try run(
        "ALTER TABLE \(targetTable) ADD CONSTRAINT \(dialect.quoteIdentifier(name)) \(definition)",
        action: "cannot recreate constraint \(name) of the replaced table")
    }
    if let newPrimaryKey, !constraints.contains(where: { $0[2] == "p" }) {
      try run(
        "ALTER TABLE \(targetTable) RENAME CONSTRAINT \(dialect.quoteIdentifier(newPrimaryKey)) TO \(dialect.quoteIdentifier(PostgresDialect.shortened(table + "_pkey")))",
        action: "cannot rename the primary key")
    }
    for index in indexes {
      guard let definition = index[0] else { continue }
      try run(definition, action: "cannot recreate an index of the replaced table (\(definition))")
    }
  }

  // MARK: Writing rows

  /// Appends `record` as a COPY row.
  private func writeRow(_ record: Record) throws(PLError) {
    let fields = record.fields
    if !shapes.matches(fields) { try useShape(of: fields) }
    if keyed {
      for i in cachedKeyPositions where fields[i].value == .null {
        throw UpsertPlan.recordWithoutKey(database: display, table: tableName, record: report.rowsInserted + 1, field: fields[i].key, isNull: true)
      }
    }
    if !copying { try beginCopy() }
    let parameters = cachedParameters
    let rowStart = block.count
    let count = copyColumns.count
    slotBytes.removeAll()
    slotStart = Array(repeating: -1, count: count)
    slotEnd = Array(repeating: -1, count: count)
    for i in 0..<fields.count {
      let parameter = parameters[i]
      slotStart[parameter] = slotBytes.count
      guard encode(fields[i].value, kind: parameterKinds[parameter], into: slotBytes) else {
        block.removeLast(block.count - rowStart)
        if write.alter && widens(parameter: parameter, for: fields[i].value) {
          // The row starts again, in a new COPY, with the column NUMERIC.
          try widen(parameter: parameter)
          return try writeRow(record)
        }
        let message = refusal(key: fields[i].key, parameter: parameter, value: fields[i].value)
        try control.rejects.refuse(
          record, ordinal: taken + 1, issue: .typeError(field: fields[i].key, message: message), database: display, table: tableName)
        try tookRecord()
        return
      }
      slotEnd[parameter] = slotBytes.count
    }
    if metaParameter >= 0 && !record.meta.isEmpty {
      slotStart[metaParameter] = slotBytes.count
      scratch.removeAll()
      JSONWriter.writeObject(record.meta, to: scratch)
      Self.escape(scratch.bytes, into: slotBytes)
      slotEnd[metaParameter] = slotBytes.count
    }
    let bytes = slotBytes.bytes
    for parameter in 0..<count {
      if parameter > 0 { block.append(0x09) }
      if slotStart[parameter] < 0 {
        block.append("\\N" as StaticString)
      } else {
        block.append(UnsafeBufferPointer(rebasing: bytes[slotStart[parameter]..<slotEnd[parameter]]))
      }
    }
    if !cachedMask.isEmpty {
      block.append(0x09)
      cachedMask.withUnsafeBufferPointer { block.append($0) }
    }
    block.append(0x0A)
    if keepsRows {
      segmentRows.append(SegmentRow(ordinal: taken + 1, end: block.count, record: segmentRecords.count, line: 0..<0))
      segmentRecords.append(record)
    }
    report.rowsInserted += 1
    try tookRecord()
  }

  /// Writes `value` in COPY text form for a column of `kind`; false when the column cannot
  /// take it unchanged.
  private func encode(_ value: JSONValue, kind: PostgresColumnKind, into out: ByteBuffer) -> Bool {
    switch value {
    case .null:
      out.append("\\N" as StaticString)
    case .bool(let flag):
      Self.appendBoolean(flag, kind: kind, into: out)
    case .string(let text):
      if kind == .json {
        scratch.removeAll()
        JSONWriter.writeString(text, to: scratch)
        Self.escape(scratch.bytes, into: out)
        return true
      }
      // PostgreSQL's text cannot hold the NUL character.
      if text.utf8.contains(0) { return false }
      var text = text
      return text.withUTF8 { bytes in
        append(dialect.binding(ofString: bytes, into: kind, detectTypes: detectTypes), text: bytes, into: out)
      }
    case .number(let text):
      var text = text
      return text.withUTF8 { bytes in append(dialect.binding(ofNumber: bytes, into: kind), text: bytes, into: out) }
    case .array, .object:
      guard Self.takesJSON(kind) else { return false }
      scratch.removeAll()
      JSONWriter.writeValue(value, to: scratch)
      Self.escape(scratch.bytes, into: out)
    }
    return true
  }

  /// Writes a value's text as `binding` says; false for a refusal.
  @inline(__always)
  private func append(_ binding: ExactBinding, text: UnsafeBufferPointer<UInt8>, into out: ByteBuffer) -> Bool {
    switch binding {
    case .text: Self.escape(text, into: out)
    case .integer(let integer): out.append(String(integer))
    case .real(let number): out.append(number.description)
    case .refused: return false
    }
    return true
  }

  @inline(__always)
  private static func appendBoolean(_ flag: Bool, kind: PostgresColumnKind, into out: ByteBuffer) {
    switch kind {
    case .boolean: out.append(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    // Booleans count as the numbers 1 and 0, as in SQLite.
    case .integer, .double, .float, .numeric: out.append(flag ? UInt8(ascii: "1") : UInt8(ascii: "0"))
    // Dates and instants refuse them (the server says so).
    case .text, .json, .other, .date, .timestamptz: out.append(flag ? "true" as StaticString : "false" as StaticString)
    }
  }

  @inline(__always)
  private static func takesJSON(_ kind: PostgresColumnKind) -> Bool {
    kind == .json || kind == .text || kind == .other
  }

  /// Appends `bytes` escaped for COPY's text format: backslash, tab, newline and carriage
  /// return become `\\`, `\t`, `\n`, `\r`; everything else is itself.
  static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into out: ByteBuffer) {
    var start = 0
    for i in 0..<bytes.count {
      let byte = bytes[i]
      guard byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D else { continue }
      if i > start { out.append(UnsafeBufferPointer(rebasing: bytes[start..<i])) }
      out.append(0x5C)
      switch byte {
      case 0x09: out.append(UInt8(ascii: "t"))
      case 0x0A: out.append(UInt8(ascii: "n"))
      case 0x0D: out.append(UInt8(ascii: "r"))
      default: out.append(0x5C)
      }
      start = i + 1
    }
    if start < bytes.count { out.append(UnsafeBufferPointer(rebasing: bytes[start...])) }
  }

  /// Writes a compact NDJSON line straight from its bytes, when that gives the same row as
  /// parsing it would: the table is set up, the line has the keys of the last record in the
  /// same order, in COPY order, and no backslash anywhere (so every string's bytes are its
  /// text, with no character COPY must escape, JSON having no raw control characters in
  /// strings). Returns false, having done nothing, when the line must go through `write(_:)`.
  public func write(line: CompactLine) throws(PLError) -> Bool {
    let line_ = line.bytes
    let members = line.members
    guard state == .loading, pending == nil, cachedInOrder, copying, let base = line_.baseAddress,
      shapes.matches(members, in: base), memchr(base, Int32(UInt8(ascii: "\\")), line_.count) == nil
    else { return false }
    // A null key goes the record way, which refuses it.
    if keyed {
      for i in cachedKeyPositions where members[i].kind == .null { return false }
    }
    let kinds = parameterKinds
    let rowStart = block.count
    for i in 0..<members.count {
      let member = members[i]
      let kind = kinds[i]
      if i > 0 { block.append(0x09) }
      let bytes = UnsafeBufferPointer(rebasing: line_[member.value])
      var refused = false
      switch member.kind {
      case .null: block.append("\\N" as StaticString)
      case .trueValue: Self.appendBoolean(true, kind: kind, into: block)
      case .falseValue: Self.appendBoolean(false, kind: kind, into: block)
      case .object, .array:
        if Self.takesJSON(kind) { block.append(bytes) } else { refused = true }
      case .string:
        if kind == .json {
          // The string with its quotes: a JSON string.
          block.append(UnsafeBufferPointer(rebasing: line_[(member.value.lowerBound - 1)..<(member.value.upperBound + 1)]))
        } else if kind == .text || kind == .other {
          block.append(bytes)
        } else {
          refused = !append(dialect.binding(ofString: bytes, into: kind, detectTypes: detectTypes), text: bytes, into: block)
        }
      case .number:
        refused = !append(dialect.binding(ofNumber: bytes, into: kind), text: bytes, into: block)
      }
      if refused {
        block.removeLast(block.count - rowStart)
        let isString = member.kind == .string
        if (isString || member.kind == .number) && write.alter && widens(parameter: i, text: bytes, isString: isString) {
          // The line goes the record way, into the widened column.
          try guarded { () throws(PLError) in try widen(parameter: i) }
          return false
        }
        let key = shapes.keys[i]
        let message = refusal(key: key, parameter: i, shown: String(decoding: bytes, as: UTF8.self), isString: isString)
        try guarded { () throws(PLError) in
          let record = try SQLiteSink.record(of: line_, source: display)
          try control.rejects.refuse(record, ordinal: taken + 1, issue: .typeError(field: key, message: message), database: display, table: tableName)
          try tookRecord()
        }
        return true
      }
    }
    if metaParameter >= 0 {
      if members.count > 0 { block.append(0x09) }
      if let meta = line.metaMember {
        // `"_pl":` is six bytes; the object follows.
        block.append(UnsafeBufferPointer(rebasing: line_[(meta.lowerBound + 6)..<meta.upperBound]))
      } else {
        block.append("\\N" as StaticString)
      }
    }
    if !cachedMask.isEmpty {
      block.append(0x09)
      cachedMask.withUnsafeBufferPointer { block.append($0) }
    }
    block.append(0x0A)
    if keepsRows {
      let lineStart = segmentLines.count
      segmentLines.append(line_)
      segmentRows.append(SegmentRow(ordinal: taken + 1, end: block.count, record: -1, line: lineStart..<segmentLines.count))
    }
    report.rowsInserted += 1
    try guarded { () throws(PLError) in try tookRecord() }
    return true
  }

  /// Compact lines come with their members found, which the sink writes from.
  public var wantsMembers: Bool { true }

  /// Makes the mapping of `fields`' shape the cached one: from the recent shapes, or found.
  private func useShape(of fields: [Field]) throws(PLError) {
    let keys = fields.map(\.key)
    if let parameters = shapes.reuse(keys) {
      cache(parameters, keys: keys)
      return
    }
    let before = planner.count
    let detectTypes = detectTypes
    let columns = try planner.map(keys: keys, record: taken + 1) {
      ColumnType(of: fields[$0].value, detectTypes: detectTypes)
    }
    for column in before..<planner.count { try addColumn(column) }
    report.columnsRenamed = planner.renames
    var joined = false
    for column in columns where parameterOfColumn[column] < 0 {
      if !joined { try endCopy() }
      joined = true
      includeInCopy(column: column)
    }
    let parameters = columns.map { parameterOfColumn[$0] }
    var keyPositions: [Int] = []
    for column in keyColumns {
      guard let position = columns.firstIndex(of: column) else {
        throw UpsertPlan.recordWithoutKey(
          database: display, table: tableName, record: report.rowsInserted + 1, field: planner.columns[column].name, isNull: false)
      }
      keyPositions.append(position)
    }
    keyPositionsOfShape[keys] = keyPositions
    shapes.remember(keys, parameters)
    cache(parameters, keys: keys)
  }

  /// Makes `parameters` the mapping that records and lines of the cached keys use without lookups.
  private func cache(_ parameters: [Int], keys: [String]) {
    cachedParameters = parameters
    cachedKeyPositions = keyPositionsOfShape[keys] ?? []
    if path == .staged && mode == .upsert {
      // The record's columns, `_pl` left out: its metadata is set when the record has any.
      var mask = [UInt8](repeating: UInt8(ascii: "0"), count: copyColumns.count)
      for parameter in parameters { mask[parameter] = UInt8(ascii: "1") }
      if maskSet.insert(mask).inserted { masks.append(mask) }
      cachedMask = mask
    }
    let inOrder = parameters.enumerated().allSatisfy { $0.offset == $0.element }
    let width = parameters.count + (metaParameter >= 0 ? 1 : 0)
    cachedInOrder = inOrder && width == copyColumns.count && (metaParameter < 0 || metaParameter == parameters.count)
  }

  // MARK: Errors

  /// Why the column cannot take a value unchanged, for the record's `_pl.errors`.
  private func refusal(key: String, parameter: Int, value: JSONValue) -> String {
    switch value {
    case .string(let text): refusal(key: key, parameter: parameter, shown: text, isString: true)
    case .number(let text): refusal(key: key, parameter: parameter, shown: text, isString: false)
    default: refusal(key: key, parameter: parameter, shown: JSONWriter.string(value), isString: false)
    }
  }

  private func refusal(key: String, parameter: Int, shown: String, isString: Bool) -> String {
    let column = planner.columns[copyColumns[parameter]]
    let value = isString ? JSONWriter.string(.string(shown)) : shown
    let keyNote = key == column.name ? "" : " (key \(JSONWriter.string(.string(key))))"
    let reason =
      isString && shown.utf8.contains(0)
      ? "PostgreSQL text cannot hold the NUL character"
      : column.kind == .date
        ? "a DATE column takes only ISO dates (YYYY-MM-DD)"
        : column.kind == .timestamptz
          ? "a TIMESTAMPTZ column takes only ISO 8601 date-times with Z or an offset (no instant depends on a time zone setting)"
          : !write.alter && shownWidens(parameter: parameter, shown: shown, isString: isString)
            ? "it cannot be stored there unchanged, and --no-alter forbids widening the column to NUMERIC"
            : "it cannot be stored there unchanged"
    return "\(value)\(keyNote) does not fit column \(column.name) (\(column.declaredType)): \(reason); values are loaded exactly as they come or not at all"
  }

  private func shownWidens(parameter: Int, shown: String, isString: Bool) -> Bool {
    var text = shown
    return text.withUTF8 { widens(parameter: parameter, text: $0, isString: isString) }
  }

  // MARK: Rejects, batches and the ledger

  /// A row of the open COPY: its record's ordinal, where its COPY text ends in `block`, and
  /// where its record is (`segmentRecords[record]`, or the compact line `segmentLines[line]`
  /// when `record` is -1).
  private struct SegmentRow {
    var ordinal: Int
    var end: Int
    var record: Int
    var line: Range<Int>
  }

  /// Counts a record taken; sends a full block, ends a full segment, commits a full batch.
  @inline(__always)
  private func tookRecord() throws(PLError) {
    taken += 1
    if control.taken() {
      try commitBatch()
      return
    }
    if block.count - sent >= Self.blockSize {
      try flush()
      if keepsRows && block.count >= Self.segmentSize { try endCopy() }
    }
  }

  private func clearSegment() {
    block.removeAll()
    sent = 0
    segmentRows.removeAll(keepingCapacity: true)
    segmentRecords.removeAll(keepingCapacity: true)
    segmentLines.removeAll()
  }

  /// The record of the segment's row `index`, as it came.
  private func segmentRecord(_ index: Int) throws(PLError) -> Record {
    let row = segmentRows[index]
    if row.record >= 0 { return segmentRecords[row.record] }
    return try SQLiteSink.record(of: UnsafeBufferPointer(rebasing: segmentLines.bytes[row.line]), source: display)
  }

  /// After the server refused the COPY of the open segment: with rejects allowed, undoes it to
  /// its savepoint and sends its rows again without the ones the server refuses (each set
  /// aside); otherwise names the refused record (which stops the load).
  private func recover(from error: PostgresError) throws(PLError) {
    guard error.kind == .data || error.kind == .constraint else {
      throw Self.plError(error, display: display, table: tableName, firstRecord: copyFirstRecord)
    }
    guard keepsRows else {
      // Every row of the COPY was sent in order (a value refused here stopped the load), so
      // the line the server names is the record's ordinal less the COPY's first.
      guard let line = Self.copyLine(in: error.context) else {
        throw Self.plError(error, display: display, table: tableName, firstRecord: copyFirstRecord)
      }
      report.rowsInserted -= 1
      try control.rejects.refuse(
        Record(), ordinal: copyFirstRecord + line - 1, issue: Self.issue(of: error), database: display, table: tableName)
      throw Self.plError(error, display: display, table: tableName, firstRecord: copyFirstRecord)
    }
    let failed = Self.copyLine(in: error.context).map { $0 - 1 }.flatMap { segmentRows.indices.contains($0) ? $0 : nil }
    guard inSavepoint else {
      guard let failed else { throw Self.plError(error, display: display, table: tableName, firstRecord: copyFirstRecord) }
      try reject(row: failed, error)
      throw Self.plError(error, display: display, table: tableName, firstRecord: copyFirstRecord)
    }
    do throws(PostgresError) {
      try connection.execute("ROLLBACK TO SAVEPOINT pl_segment")
    } catch {
      throw Self.plError(error, display: display, table: tableName, firstRecord: copyFirstRecord)
    }
    if let failed {
      // The rows before the refused one passed; the refused one is set aside.
      if failed > 0 { try replay(0..<failed) }
      try reject(row: failed, error)
      try replay((failed + 1)..<segmentRows.count)
    } else {
      try replay(0..<segmentRows.count)
    }
    do throws(PostgresError) {
      try connection.execute("RELEASE SAVEPOINT pl_segment")
    } catch {
      throw Self.plError(error, display: display, table: tableName)
    }
  }

  /// Sends the segment's rows `range` again, a block at a time, each in a savepoint; a block
  /// the server refuses is undone and sent again without the refused row, and after a second
  /// refusal row by row.
  private func replay(_ range: Range<Int>) throws(PLError) {
    var start = range.lowerBound
    while start < range.upperBound {
      let base = start == 0 ? 0 : segmentRows[start - 1].end
      var end = start + 1
      while end < range.upperBound && segmentRows[end].end - base <= Self.blockSize { end += 1 }
      var failures = 0
      while start < end {
        let stop = failures >= 2 ? start + 1 : end
        guard let (index, error) = try copy(start..<stop) else {
          start = stop
          continue
        }
        failures += 1
        if index > start { try replay(start..<index) }
        try reject(row: index, error)
        start = index + 1
      }
    }
  }

  /// COPYs the segment's rows `range` in a savepoint of their own; on a refusal, undoes them and
  /// returns the refused row (the first of `range` when the server does not say) and the error.
  private func copy(_ range: Range<Int>) throws(PLError) -> (Int, PostgresError)? {
    let from = range.lowerBound == 0 ? 0 : segmentRows[range.lowerBound - 1].end
    let to = segmentRows[range.upperBound - 1].end
    do throws(PostgresError) {
      try connection.execute("SAVEPOINT pl_replay")
      try connection.beginCopy(copyStatement)
      try connection.putCopyData(UnsafeBufferPointer(rebasing: block.bytes[from..<to]))
      try connection.endCopy()
      try connection.execute("RELEASE SAVEPOINT pl_replay")
      return nil
    } catch {
      guard error.kind == .data || error.kind == .constraint else {
        throw Self.plError(error, display: display, table: tableName)
      }
      do throws(PostgresError) {
        try connection.execute("ROLLBACK TO SAVEPOINT pl_replay; RELEASE SAVEPOINT pl_replay")
      } catch {
        throw Self.plError(error, display: display, table: tableName)
      }
      let line = Self.copyLine(in: error.context) ?? 1
      return (min(range.lowerBound + max(line, 1) - 1, range.upperBound - 1), error)
    }
  }

  /// Sets the segment's row `index` aside as refused by the server with `error`.
  private func reject(row index: Int, _ error: PostgresError) throws(PLError) {
    report.rowsInserted -= 1
    try control.rejects.refuse(
      try segmentRecord(index), ordinal: segmentRows[index].ordinal, issue: Self.issue(of: error), database: display,
      table: tableName)
  }

  /// The `_pl.errors` entry of a row the server refused.
  static func issue(of error: PostgresError) -> RecordIssue {
    let state = error.sqlState ?? ""
    let code =
      state == "23505" ? "unique-error"
      : state.hasPrefix("23") ? "constraint-error"
      : state == "22001" ? "length-error"
      : "type-error"
    var message = error.message
    if let detail = error.detail { message += " (\(detail))" }
    // A NOT NULL violation names its column only in the message.
    var field = copyColumn(in: error.context)
    if field == nil, let range = error.message.firstRange(of: "in column \""),
      let end = error.message[range.upperBound...].firstIndex(of: "\"")
    {
      field = String(error.message[range.upperBound..<end])
    }
    return RecordIssue(rule: "load", field: field, code: code, message: message)
  }

  /// Commits the open transaction: the whole load (`batch` nil) or batch `batch`. A connection
  /// lost during the commit leaves its outcome unknown, and the message says so.
  private func commit(batch: Int?) throws(PLError) {
    do throws(PostgresError) {
      try connection.execute("COMMIT")
    } catch {
      if error.kind == .connectionLost {
        let during = batch.map { "committing batch \($0)" } ?? "committing"
        let subject = batch == nil ? "the load" : "it"
        throw PLError.unavailable(
          target: display,
          message: "the connection to the server was lost while \(during) (\(error.message)): \(subject) may or may not have been committed; look at table \(tableName) before loading again")
      }
      throw Self.plError(error, display: display, table: tableName, action: "commit")
    }
  }

  /// Commits the records so far and starts the next batch's transaction.
  private func commitBatch() throws(PLError) {
    try endCopy()
    if write.comparesKeys && !copyColumns.isEmpty {
      try mergeStaged()
      // The staging table goes with the commit.
      stagedColumnsCreated = 0
    } else if path == .staged && !copyColumns.isEmpty {
      let names = copyColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }.joined(separator: ", ")
      try run("INSERT INTO \(quotedTable) (\(names)) SELECT \(names) FROM \(Self.stagingTable)", action: "cannot insert the staged rows")
      // The staging table goes with the commit.
      stagedColumnsCreated = 0
    }
    try commit(batch: control.committedBatches + 1)
    control.committed(rows: report.rowsInserted + report.rowsUpdated + report.rowsIgnored)
    do throws(PostgresError) {
      try connection.execute("BEGIN; SET LOCAL lock_timeout = \(lockTimeoutMilliseconds)")
      if tableExists { try connection.execute("LOCK TABLE \(quotedTable) IN SHARE ROW EXCLUSIVE MODE") }
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot start the next batch")
    }
  }

  /// Writes the ledger row of this run (inside the open transaction), when there is one.
  private func writeLedger(status: String) throws(PLError) {
    // A load that created nothing (no records for a new table) leaves no trace either.
    guard let entry = control.ledger, tableExists else { return }
    do throws(PostgresError) {
      try connection.writeLedger(
        entry.values(
          table: table, status: status, read: control.recordsRead(), inserted: report.rowsInserted,
          rejected: control.rejects.count, skipped: control.recordsSkipped()), schema: target.schema)
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot write the load ledger")
    }
  }

  /// After a rollback: records the rolled-back run in a short transaction of its own, when it
  /// can (best effort).
  private func recordRolledBack() {
    guard let entry = control.ledger else { return }
    do throws(PostgresError) {
      try connection.execute("BEGIN; SET LOCAL lock_timeout = \(lockTimeoutMilliseconds)")
      try connection.writeLedger(
        entry.values(
          table: table, status: "rolled_back", read: control.recordsRead(), inserted: control.committedRows,
          rejected: control.rejects.count, skipped: control.recordsSkipped()), schema: target.schema)
      try connection.execute("COMMIT")
    } catch {
      if !connection.isBroken { try? connection.execute("ROLLBACK") }
    }
  }

  /// The SHA-256 values of the sources of committed loads into the table, from the ledger.
  public func committedSourceHashes() throws(PLError) -> Set<String> {
    do throws(PostgresError) {
      return try connection.committedSourceHashes(table: table, schema: target.schema)
    } catch {
      throw Self.plError(error, display: display, table: tableName, action: "cannot read the load ledger")
    }
  }

  /// Runs `body`; on error rolls the load back before rethrowing.
  private func guarded(_ body: () throws(PLError) -> Void) throws(PLError) {
    do throws(PLError) {
      try body()
    } catch {
      abort()
      throw error
    }
  }

  private func notLoading() -> PLError {
    .internalError("\(display): table \(tableName): the load was already \(state == .finished ? "finished" : "rolled back")")
  }

  /// A PostgreSQL failure as the toolkit's error; the mapping follows what a cron job should do
  /// next: retry later (75), wait for the server (69), fix the target (73), fix the data (65).
  ///
  /// - Parameter firstRecord: the record number of the COPY's first row, to turn the line the
  ///   server names into the record it came from.
  static func plError(
    _ error: PostgresError, display: String, table: String, action: String? = nil, firstRecord: Int? = nil
  ) -> PLError {
    var message = error.description
    if let firstRecord, let line = copyLine(in: error.context) {
      var place = "record \(firstRecord + line - 1)"
      if let column = copyColumn(in: error.context) { place += ", column \(column)" }
      message = "\(place): \(message)"
    }
    switch error.kind {
    case .invalidConnectionString:
      return .usage("\(display): not a PostgreSQL connection URL: \(error.message)")
    case .cannotConnect:
      return .unavailable(target: display, message: "cannot connect: \(error.message)")
    case .connectionLost:
      return .unavailable(
        target: display,
        message: "the connection to the server was lost (\(error.message)); the load was rolled back, table \(table) is as it was")
    case .busy:
      return .tempFail(
        target: display, message: "table \(table) is locked by another session (\(error.message)); try again later")
    case .diskFull:
      return .io(target: display, message: "the server's disk is full (\(error.message)); nothing was loaded")
    case .data, .constraint:
      return .malformed(source: display, location: nil, message: "table \(table): \(message)")
    case .undefinedSchema, .permission:
      return .cannotCreate(target: display, message: "table \(table): \(message)")
    case .other:
      if let action { return .cannotCreate(target: display, message: "table \(table): \(action): \(message)") }
      return .internalError("\(display): table \(table): \(message)")
    }
  }

  /// The line in a COPY error's context (`COPY t, line 3, column x: "…"`).
  static func copyLine(in context: String?) -> Int? {
    guard let context, context.hasPrefix("COPY "), let range = context.firstRange(of: ", line ") else { return nil }
    return Int(context[range.upperBound...].prefix { $0.isASCII && $0.isNumber })
  }

  /// The column in a COPY error's context.
  static func copyColumn(in context: String?) -> String? {
    guard let context, context.hasPrefix("COPY "), let range = context.firstRange(of: ", column ") else { return nil }
    let rest = context[range.upperBound...]
    return String(rest.prefix { $0 != ":" })
  }
}
