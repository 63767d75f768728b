// PLLoad: records into databases.
//
// `SQLiteSink` loads a record stream into one SQLite table in one transaction;
// `LoadOptions` configures it and `LoadReport` says what it did. What does not depend
// on the database is in `SchemaPlanner` (column types, new columns, which column each key goes
// into), which speaks through an `SQLDialect` (`SQLiteDialect` here). `ColumnType` infers the
// types of new columns, `NumberText` and `DecimalValue` read number text exactly,
// `SQLiteDatabaseName` tells files from in-memory databases, `NewDatabaseFile` builds a new
// database under a temporary name, and `BindArena` holds a row's text while SQLite reads it.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore
import PLSQLite

/// Loads records into one SQLite table, all or nothing: the heart of `pl-load DB --table T`.
///
/// Why it looks like this: a nightly load must either land completely or leave the table as it
/// was, so the whole load is one `BEGIN IMMEDIATE` transaction in SQLite's rollback journal (a
/// killed process leaves a hot journal that the next opener rolls back). A database that does
/// not exist yet is built under a temporary name and linked into place on commit, so a failed
/// or killed load leaves no database file behind. Speed comes from one prepared INSERT run per
/// record (bind, step, reset) and a cached key-to-parameter mapping, so that records of the
/// same shape cost no lookups.
///
/// Contract:
/// - The database is a file: an in-memory or temporary database (`:memory:`, the empty name,
///   `file:…?mode=memory`) is refused unless `options.allowMemory`. `file:` names are URIs.
/// - The first `inferenceSample` records are buffered to infer the types of new columns; the
///   table is created (columns in first-seen key order, `_pl` last) or widened when the sample is
///   full or at `finish()`. Keys first seen later are added with `ALTER TABLE ADD COLUMN`, typed
///   by their value. Keys go into columns as `SchemaPlanner` resolves them: SQLite compares
///   names case-insensitively, so keys that differ only in case, or a key `_PL`, get columns
///   `key_2`, … (listed in `report.columnsRenamed`) instead of overwriting each other.
/// - Only columns that records mention are inserted into; other columns get their defaults.
///   A key absent from one record is NULL in its row.
/// - Values are stored exactly as they came or the load is refused: null → NULL; booleans →
///   0/1; numbers → 64-bit integers or doubles that keep their decimal value, their exact text
///   in TEXT columns; strings → text; arrays and objects → compact JSON text. A value SQLite
///   would change (a string `"007"` in an INTEGER column, `1E400` in a REAL one) throws
///   `PLError.malformed` naming the record, key, column and value (see `SQLiteDialect`).
/// - `finish()` commits. `abort()`, or any error thrown by `write` or `finish`, rolls back: an
///   existing table is as before, a new table does not exist and a new database file is not
///   created. After either, the sink accepts no more records.
public final class SQLiteSink: CompactLineSink, LoadSink {
  public let databasePath: String
  public let table: String
  public let options: LoadOptions
  /// What the load did; final after `finish()`.
  public private(set) var report: LoadReport
  /// Rejects, batches and the ledger (see `LoadControl`); set before the first record.
  public var control = LoadControl()

  private enum State { case loading, finished, aborted }

  /// Reopened on the final path when a batch commit moves a new database file into place.
  var connection: SQLiteConnection
  private let dialect: SQLiteDialect
  private var planner: SchemaPlanner<SQLiteDialect>
  /// Set when the load creates the database file; nil once a batch commit moved it into place.
  private var newFile: NewDatabaseFile?
  /// Records taken so far (stored or refused): the ordinal of the last one.
  private var taken = 0
  private var state = State.loading
  private let quotedTable: String
  private var tableExists: Bool
  /// Records held back until the sample is full; nil once the table is set up.
  private var pending: [Record]? = []
  private let sampleSize: Int
  private let detectTypes: Bool

  /// The INSERT over `insertColumns`; rebuilt when a column joins.
  private var insert: SQLiteStatement?
  /// For each parameter of the INSERT (from 0), its column in the planner.
  private var insertColumns: [Int] = []
  /// For each column of the planner, its parameter (from 0), or -1 when not in the INSERT.
  private var parameterOfColumn: [Int] = []
  /// The parameter (from 0) of `_pl`, or -1.
  private var metaParameter = -1
  /// Each parameter's column affinity, to bind in the form that keeps values exact.
  private var parameterAffinity: [SQLiteAffinity] = []

  /// The keys of the last record mapped and of recent ones; invalidated when the INSERT gains
  /// a parameter, which changes every shape's absent parameters.
  private let shapes = KeyShapes<Shape>()
  /// The cached shape's parameter for each key.
  private var cachedParameters: [Int] = []
  /// Parameters of the INSERT that records of the cached shape leave NULL.
  private var cachedAbsent: [Int] = []
  private struct Shape {
    var parameters: [Int]
    var absent: [Int]
    /// Upsert: the non-key parameters the shape carries, which its statement updates.
    var updated: [Int]
    /// The positions of the shape's key fields, whose values must not be null.
    var keyPositions: [Int]
  }
  private var cachedKeyPositions: [Int] = []

  // Keyed loads and modes (`WriteOptions`).
  private let write: WriteOptions
  /// `write.mode` and whether there is a key, read once: the rows' loop checks them.
  private let mode: LoadMode
  private let keyed: Bool
  private let countsIgnored: Bool
  /// The planner's columns of the key, once the table is set up.
  private var keyColumns: [Int] = []
  /// Upsert: one statement per set of updated parameters; emptied when a column joins.
  private var upserts: [[Int]: SQLiteStatement] = [:]
  private var cachedUpdated: [Int] = []
  /// Upsert: the table's rows before the load; inserted rows are the growth.
  private var rowsBefore = 0
  /// Ignore: records whose key was stored.
  private var ignored = 0
  /// Replace-table: the table to drop when the new one is created, and its indexes' SQL.
  private var replacing = false
  private var indexesToRecreate: [String] = []

  /// Serialises nested values and `_pl` without building a String per value.
  private let scratch = ByteBuffer(capacity: 1024)
  /// This row's text values, bound without SQLite copying each one.
  private let arena = BindArena()

  /// Opens (creating if needed) the database and starts the load's transaction.
  ///
  /// - Throws: `PLError.usage` (64) for an in-memory or temporary database without
  ///   `options.allowMemory`; `.cannotCreate` (73) when the file's directory is missing, the file
  ///   is not a database, or it cannot be written; `.tempFail` (75) when another writer holds the
  ///   database longer than `options.lockTimeout`; `.io` (74) on I/O failures.
  public init(databasePath: String, table: String, options: LoadOptions = LoadOptions()) throws(PLError) {
    self.databasePath = databasePath
    self.table = table
    self.options = options
    self.report = LoadReport(database: databasePath, table: table)
    self.sampleSize = max(1, options.inferenceSample)
    self.detectTypes = options.detectTypes
    self.quotedTable = SQLiteConnection.quoteIdentifier(table)
    self.write = try options.write.validated()
    self.mode = write.mode
    self.keyed = !write.key.isEmpty
    self.countsIgnored = write.mode == .ignore
    guard !table.utf8.contains(0) else {
      throw .cannotCreate(target: databasePath, message: "the table name contains a NUL character")
    }
    let name = SQLiteDatabaseName(databasePath)
    var openName = databasePath
    var filePath: String?
    switch name.storage {
    case .memory, .temporary:
      guard options.allowMemory else { throw Self.refusal(of: name) }
      newFile = nil
    case .file(let path):
      filePath = path
      // lstat: a dangling symbolic link is a name already taken, which SQLite follows.
      var info = stat()
      if lstat(path, &info) != 0 && errno == ENOENT {
        let file = NewDatabaseFile(finalPath: path)
        openName = name.replacingPath(with: file.temporaryPath)
        newFile = file
      } else {
        newFile = nil
      }
    }
    do throws(SQLiteError) {
      connection = try SQLiteConnection(path: openName, busyTimeout: options.lockTimeout)
    } catch {
      throw error.plError(database: databasePath, table: table, path: filePath)
    }
    dialect = SQLiteDialect(maxColumns: connection.columnLimit)
    planner = SchemaPlanner(
      dialect: dialect, database: databasePath, table: table, existingColumns: [], includeMeta: options.includeMeta,
      detectTypes: options.detectTypes)
    // From here on, deinit closes the connection, which rolls back an open transaction.
    tableExists = false
    // SQLite opens a write-protected file read-only without a word; say so before any input is read.
    if connection.isReadOnly {
      throw .cannotCreate(target: databasePath, message: "the database file is read-only")
    }
    do throws(SQLiteError) {
      // A page cache of 16 MiB (allocated as needed) instead of 2 helps loads into indexed
      // tables and keeps memory flat; 64 MiB measured no faster on appends.
      try connection.execute("PRAGMA cache_size = -16384")
      try connection.execute("BEGIN IMMEDIATE")
      tableExists = try connection.tableExists(table)
      if tableExists && mode == .replaceTable {
        // The new table takes the old one's name when it is created, in this transaction:
        // readers see the old rows until the commit.
        replacing = true
        tableExists = false
        indexesToRecreate = try connection.rows(
          "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = \(Self.literal(table)) AND sql IS NOT NULL ORDER BY rowid"
        ).compactMap { if case .text(let sql) = $0.first { sql } else { nil } }
      }
      if tableExists && mode == .upsert, case .integer(let count)? = try connection.rows("SELECT count(*) FROM \(quotedTable)").first?.first {
        rowsBefore = Int(count)
      }
      if tableExists {
        planner = SchemaPlanner(
          dialect: dialect, database: databasePath, table: table,
          existingColumns: try connection.columns(of: table).map { ($0.name, $0.declaredType) },
          includeMeta: options.includeMeta, detectTypes: options.detectTypes)
      }
    } catch {
      throw error.plError(database: databasePath, table: table)
    }
    planner.declare(write.schema?.fields.map { (name: $0.name, declaredType: dialect.typeName(of: $0), notNull: $0.required) } ?? [])
    // Without --alter an existing table, or the schema file's fields, are all the columns there are.
    planner.allowsNewColumns = write.alter || (!tableExists && write.schema == nil)
  }

  /// `text` as an SQL string literal.
  static func literal(_ text: String) -> String {
    "'" + String(text.flatMap { $0 == "'" ? ["'", "'"] : [$0] }) + "'"
  }

  deinit {
    // A sink dropped without finish() or abort() (or whose init threw) leaves no new file.
    if state != .finished, let newFile {
      insert = nil
      upserts.removeAll()
      connection.close()
      newFile.discard()
    }
  }

  /// The usage error for a database that would vanish with the load.
  private static func refusal(of name: SQLiteDatabaseName) -> PLError {
    let what =
      name.name.isEmpty
      ? "the database name is empty (is a variable unset?), which SQLite takes for a temporary database"
      : name.storage == .memory
        ? "\(JSONWriter.string(.string(name.name))) is an in-memory database"
        : "\(JSONWriter.string(.string(name.name))) names a temporary database"
    return .usage(
      "\(what), deleted when the load ends: the records would be lost; give a database file, or --allow-memory to load anyway")
  }

  /// Adds one record to the load.
  ///
  /// - Throws: `PLError` when the record cannot be stored (65: a value SQLite would change, a
  ///   constraint of an existing table, too many columns), the disk is full (74), or the table
  ///   cannot be created or widened (73). The load is then rolled back.
  public func write(_ record: Record) throws(PLError) {
    guard state == .loading else { throw notLoading() }
    if pending != nil {
      pending?.append(record)
      if let count = pending?.count, count >= sampleSize { try guarded { () throws(PLError) in try setUpTable() } }
      return
    }
    try guarded { () throws(PLError) in try insertRow(record) }
  }

  /// Inserts what is still buffered, commits the load and, when the load created the
  /// database, moves its file into place.
  ///
  /// - Throws: like `write`; `.tempFail` (75) when readers keep the database busy at commit,
  ///   or another process created the database file meanwhile. The load is then rolled back.
  public func finish() throws(PLError) {
    switch state {
    case .finished: return
    case .aborted: throw notLoading()
    case .loading: break
    }
    try guarded { () throws(PLError) in
      if pending != nil { try setUpTable() }
      insert = nil
      upserts.removeAll()
      try finishKeyedLoad()
      try control.rejects.checkLimit(recordsRead: control.recordsRead(), database: databasePath, table: table)
      try writeLedger(status: "committed")
      do throws(SQLiteError) {
        try connection.execute("COMMIT")
      } catch {
        throw error.plError(database: databasePath, table: table, action: "commit")
      }
      if let newFile {
        connection.close()
        try newFile.publish()
      }
    }
    state = .finished
  }

  /// Rolls the load back: the table is as it was before, or does not exist if the load created
  /// it, and a database file the load created is removed.
  ///
  /// Call it when the input fails part-way. Harmless after an error and when called twice.
  public func abort() {
    guard state == .loading else { return }
    state = .aborted
    pending = nil
    insert = nil
    upserts.removeAll()
    if connection.isInTransaction { try? connection.execute("ROLLBACK") }
    if let newFile {
      connection.close()
      newFile.discard()
    } else {
      recordRolledBack()
    }
    report = LoadReport(database: databasePath, table: table, rowsInserted: control.committedRows)
  }

  // MARK: Setting up the table

  /// Infers types from the buffered sample, creates or widens the table, and inserts the sample.
  private func setUpTable() throws(PLError) {
    let sample = pending ?? []
    pending = nil
    guard !sample.isEmpty else { return }

    planner.startSample()
    planner.addDeclaredColumns()
    for (offset, record) in sample.enumerated() {
      let fields = record.fields
      let detectTypes = detectTypes
      _ = try planner.map(keys: fields.map(\.key), record: taken + offset + 1) {
        ColumnType(of: fields[$0].value, detectTypes: detectTypes)
      }
    }
    let added = planner.finishSample()

    if !tableExists {
      guard !added.isEmpty else {
        throw .malformed(
          source: databasePath, location: nil,
          message: "cannot create table \(table): the records have no fields to make columns of")
      }
      try resolveKey(sample: sample.count)
      var definitions = planner.columns.map { "\(dialect.quoteIdentifier($0.name)) \($0.declaredType)\($0.notNull ? " NOT NULL" : "")" }
      if !keyColumns.isEmpty {
        definitions.append("PRIMARY KEY (\(keyColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }.joined(separator: ", ")))")
      }
      do throws(SQLiteError) {
        if replacing { try connection.execute("DROP TABLE \(quotedTable)") }
        try connection.execute("CREATE TABLE \(quotedTable) (\(definitions.joined(separator: ", ")))")
      } catch {
        throw error.plError(database: databasePath, table: table, action: "cannot create the table")
      }
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
    if options.includeMeta, let meta = planner.metaColumn {
      includeInInsert(column: meta)
      metaParameter = parameterOfColumn[meta]
    }

    for record in sample { try insertRow(record) }
  }

  /// Adds the planner's column `column` to the existing table (inside the load's transaction).
  private func addColumn(_ column: Int) throws(PLError) {
    let name = planner.columns[column].name
    do throws(SQLiteError) {
      try connection.execute(
        "ALTER TABLE \(quotedTable) ADD COLUMN \(dialect.quoteIdentifier(name)) \(planner.columns[column].declaredType)\(planner.columns[column].notNull ? " NOT NULL" : "")")
    } catch {
      throw error.plError(database: databasePath, table: table, action: "cannot add column \(name)")
    }
    parameterOfColumn.append(-1)
    report.columnsAdded.append(name)
  }

  /// Makes `column` a parameter of the INSERT; the statement is prepared again on next use.
  private func includeInInsert(column: Int) {
    guard parameterOfColumn[column] < 0 else { return }
    parameterOfColumn[column] = insertColumns.count
    insertColumns.append(column)
    parameterAffinity.append(planner.columns[column].kind)
    insert = nil
    upserts.removeAll()
    shapes.invalidate()
  }

  private func prepareInsert() throws(PLError) -> SQLiteStatement {
    let sql: String
    if insertColumns.isEmpty {
      sql = "INSERT INTO \(quotedTable) DEFAULT VALUES"
    } else {
      let names = insertColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }
      let parameters = (1...insertColumns.count).map { "?\($0)" }
      sql = "INSERT INTO \(quotedTable) (\(names.joined(separator: ", "))) VALUES (\(parameters.joined(separator: ", ")))"
    }
    let name = { (parameter: Int) in self.dialect.quoteIdentifier(self.planner.columns[self.insertColumns[parameter]].name) }
    let conflict = UpsertPlan.conflictClause(
      mode: mode, key: keyColumns.map { dialect.quoteIdentifier(planner.columns[$0].name) }, updated: cachedUpdated.map(name),
      meta: metaParameter >= 0 ? name(metaParameter) : nil, target: nil)
    do throws(SQLiteError) {
      let statement = try connection.prepare(sql + conflict)
      insert = statement
      if mode == .upsert { upserts[cachedUpdated] = statement }
      return statement
    } catch {
      throw error.plError(database: databasePath, table: table, action: "cannot prepare the insert")
    }
  }

  // MARK: Keys

  /// Finds the key's columns (after the sample's columns exist).
  private func resolveKey(sample: Int) throws(PLError) {
    keyColumns = []
    for field in write.key {
      guard let column = planner.column(named: field) else {
        throw UpsertPlan.keyWithoutColumn(database: databasePath, table: table, field: field, sample: sample)
      }
      keyColumns.append(column)
    }
  }

  /// Makes sure an existing table has a unique index on the key, which `ON CONFLICT` needs:
  /// its primary key or a unique index on exactly the key's columns, else a new unique index,
  /// refused when the rows already repeat a key.
  private func ensureKeyIndex() throws(PLError) {
    guard !keyColumns.isEmpty else { return }
    let names = keyColumns.map { planner.columns[$0].name }
    let wanted = Set(names.map { dialect.comparisonName($0) })
    let list = names.map { dialect.quoteIdentifier($0) }.joined(separator: ", ")
    var duplicate: [SQLiteValue]?
    do throws(SQLiteError) {
      let primaryKey = try connection.columns(of: table).filter { $0.primaryKeyIndex > 0 }.map { dialect.comparisonName($0.name) }
      if primaryKey.count == wanted.count && Set(primaryKey) == wanted { return }
      let indexes = try connection.rows(#"SELECT name FROM pragma_index_list(\#(Self.literal(table))) WHERE "unique" = 1 AND partial = 0"#)
      for row in indexes {
        guard case .text(let index)? = row.first else { continue }
        let columns = try connection.rows("SELECT name FROM pragma_index_info(\(Self.literal(index)))").map { row -> String in
          if case .text(let name)? = row.first { return dialect.comparisonName(name) }
          return "\u{0}"  // an expression
        }
        if columns.count == wanted.count && Set(columns) == wanted { return }
      }
      let notNull = names.map { "\(dialect.quoteIdentifier($0)) IS NOT NULL" }.joined(separator: " AND ")
      duplicate = try connection.rows(
        "SELECT \(list), count(*) FROM \(quotedTable) WHERE \(notNull) GROUP BY \(list) HAVING count(*) > 1 LIMIT 1"
      ).first
    } catch {
      throw error.plError(database: databasePath, table: table, action: "cannot read the table's indexes")
    }
    if let row = duplicate {
      throw UpsertPlan.repeatedKey(
        database: databasePath, table: table, columns: names, values: row.dropLast().map(Self.shown), count: Self.shown(row.last ?? .null))
    }
    let index = UpsertPlan.indexName(table: table, columns: names)
    do throws(SQLiteError) {
      try connection.execute("CREATE UNIQUE INDEX \(dialect.quoteIdentifier(index)) ON \(quotedTable) (\(list))")
    } catch {
      throw error.plError(database: databasePath, table: table, action: "cannot add a unique index for --key")
    }
    report.keyIndexCreated = index
  }

  /// A stored value as a message shows it.
  private static func shown(_ value: SQLiteValue) -> String {
    switch value {
    case .null: "null"
    case .integer(let n): String(n)
    case .real(let d): SQLiteDialect.describe(d)
    case .text(let t): JSONWriter.string(.string(t))
    case .blob(let b): "a blob of \(b.count) bytes"
    }
  }

  /// Before the commit: the counts of a keyed load, and the indexes of a replaced table.
  private func finishKeyedLoad() throws(PLError) {
    if replacing {
      guard tableExists else { throw UpsertPlan.nothingToReplaceWith(database: databasePath, table: table) }
      for sql in indexesToRecreate {
        do throws(SQLiteError) {
          try connection.execute(sql)
        } catch {
          throw error.plError(database: databasePath, table: table, action: "cannot recreate an index of the replaced table (\(sql))")
        }
      }
    }
    let sent = report.rowsInserted
    switch mode {
    case .upsert:
      guard tableExists else { return }
      var after = rowsBefore
      do throws(SQLiteError) {
        if case .integer(let count)? = try connection.rows("SELECT count(*) FROM \(quotedTable)").first?.first { after = Int(count) }
      } catch {
        throw error.plError(database: databasePath, table: table)
      }
      // Rows are never deleted by an upsert, so the growth is what was inserted.
      report.rowsInserted = after - rowsBefore
      report.rowsUpdated = sent - report.rowsInserted
    case .ignore:
      report.rowsIgnored = ignored
      report.rowsInserted = sent - ignored
    case .insert, .replaceTable:
      break
    }
  }

  // MARK: Inserting

  private func insertRow(_ record: Record) throws(PLError) {
    let fields = record.fields
    if !shapes.matches(fields) { try useShape(of: fields) }
    if keyed {
      for i in cachedKeyPositions where fields[i].value == .null {
        throw UpsertPlan.recordWithoutKey(database: databasePath, table: table, record: report.rowsInserted + 1, field: fields[i].key, isNull: true)
      }
    }
    let statement: SQLiteStatement
    if let insert { statement = insert } else { statement = try prepareInsert() }
    arena.reset()
    // Locals, so that the loop does not pay a dynamic exclusivity check per class property read.
    let parameters = cachedParameters
    let affinities = parameterAffinity
    var refused = -1
    do throws(SQLiteError) {
      for i in 0..<fields.count {
        let parameter = parameters[i]
        guard try bind(fields[i].value, at: parameter + 1, affinity: affinities[parameter], in: statement) else {
          refused = i
          break
        }
      }
      if refused < 0 {
        for parameter in cachedAbsent { try statement.bindNull(at: parameter + 1) }
        if metaParameter >= 0 {
          if record.meta.isEmpty {
            try statement.bindNull(at: metaParameter + 1)
          } else {
            scratch.removeAll()
            JSONWriter.writeObject(record.meta, to: scratch)
            try statement.bind(utf8: scratch.bytes, at: metaParameter + 1)
          }
        }
        try statement.step()
        if countsIgnored && connection.changes == 0 { ignored += 1 }
      }
      statement.reset()
    } catch {
      statement.reset()
      guard let issue = Self.rowIssue(error) else {
        throw error.plError(database: databasePath, table: table, record: taken + 1)
      }
      try refuse(record, issue)
      return
    }
    if refused >= 0 {
      let field = fields[refused]
      var text: String
      let isString: Bool
      switch field.value {
      case .string(let string): (text, isString) = (string, true)
      case .number(let number): (text, isString) = (number, false)
      default: (text, isString) = (JSONWriter.string(field.value), false)
      }
      let message = text.withUTF8 { bytes in refusal(key: field.key, parameter: parameters[refused], value: bytes, isString: isString) }
      try refuse(record, .typeError(field: field.key, message: message))
      return
    }
    report.rowsInserted += 1
    try tookRecord()
  }

  /// Inserts a compact NDJSON line straight from its bytes, when that gives the same row as
  /// parsing it would: the table is set up, the line has the keys of the last record in the
  /// same order, and no backslash anywhere (so every string's bytes are its text and every
  /// nested value is already written as `JSONWriter` would write it). Returns false, having
  /// done nothing, when the line must go through `write(_:)` instead.
  ///
  /// Most lines of a load qualify, and skipping the Strings of a parsed record roughly halves
  /// the cost of a row outside SQLite.
  ///
  /// - Parameters:
  ///   - line: one compact JSON object, validated by `JSONScanner.scanCompact(_:members:)`.
  ///   - members: its top-level members other than `_pl`, from that scan.
  ///   - metaMember: where its `"_pl":{…}` member is, if it has one.
  /// - Throws: like `write(_:)`; the load is then rolled back.
  public func write(
    compactLine line: UnsafeBufferPointer<UInt8>, members: UnsafeBufferPointer<RawMember>, metaMember: Range<Int>?
  ) throws(PLError) -> Bool {
    guard state == .loading, pending == nil, let statement = insert, let base = line.baseAddress,
      shapes.matches(members, in: base), memchr(base, Int32(UInt8(ascii: "\\")), line.count) == nil
    else { return false }
    // A null key goes the record way, which refuses it.
    if keyed {
      for i in cachedKeyPositions where members[i].kind == .null { return false }
    }
    let parameters = cachedParameters
    let affinities = parameterAffinity
    let detectTypes = detectTypes
    var refused = -1
    do throws(SQLiteError) {
      for i in 0..<members.count {
        let member = members[i]
        let parameter = parameters[i]
        let bytes = UnsafeBufferPointer(rebasing: line[member.value])
        switch member.kind {
        case .null: try statement.bindNull(at: parameter + 1)
        case .trueValue: try statement.bind(1 as Int64, at: parameter + 1)
        case .falseValue: try statement.bind(0 as Int64, at: parameter + 1)
        case .object, .array: try statement.bind(unsafeUTF8: bytes, at: parameter + 1)
        case .string:
          let binding = dialect.binding(ofString: bytes, into: affinities[parameter], detectTypes: detectTypes)
          guard try bind(binding, text: bytes, at: parameter + 1, in: statement) else {
            refused = i
            break
          }
        case .number:
          let binding = dialect.binding(ofNumber: bytes, into: affinities[parameter])
          guard try bind(binding, text: bytes, at: parameter + 1, in: statement) else {
            refused = i
            break
          }
        }
        if refused >= 0 { break }
      }
      if refused < 0 {
        for parameter in cachedAbsent { try statement.bindNull(at: parameter + 1) }
        if metaParameter >= 0 {
          if let metaMember {
            // `"_pl":` is six bytes; the object follows.
            let object = UnsafeBufferPointer(rebasing: line[(metaMember.lowerBound + 6)..<metaMember.upperBound])
            try statement.bind(unsafeUTF8: object, at: metaParameter + 1)
          } else {
            try statement.bindNull(at: metaParameter + 1)
          }
        }
        try statement.step()
        if countsIgnored && connection.changes == 0 { ignored += 1 }
      }
      statement.reset()
    } catch {
      statement.reset()
      guard let issue = Self.rowIssue(error) else {
        let failure = error.plError(database: databasePath, table: table, record: taken + 1)
        abort()
        throw failure
      }
      try guarded { () throws(PLError) in try refuse(try Self.record(of: line, source: databasePath), issue) }
      return true
    }
    if refused >= 0 {
      let member = members[refused]
      let message = refusal(
        key: shapes.keys[refused], parameter: parameters[refused], value: UnsafeBufferPointer(rebasing: line[member.value]),
        isString: member.kind == .string)
      let key = shapes.keys[refused]
      try guarded { () throws(PLError) in try refuse(try Self.record(of: line, source: databasePath), .typeError(field: key, message: message)) }
      return true
    }
    report.rowsInserted += 1
    try guarded { () throws(PLError) in try tookRecord() }
    return true
  }

  /// Compact lines come with their members found, which the sink binds from.
  public var wantsMembers: Bool { true }

  /// Writes a compact line as `write(compactLine:members:metaMember:)` does.
  public func write(line: CompactLine) throws(PLError) -> Bool {
    try write(compactLine: line.bytes, members: line.members, metaMember: line.metaMember)
  }

  /// Binds text whose bytes stay valid until the row is stepped as `binding` says; false
  /// when the binding is a refusal.
  @inline(__always)
  private func bind(
    _ binding: ExactBinding, text: UnsafeBufferPointer<UInt8>, at index: Int, in statement: SQLiteStatement
  ) throws(SQLiteError) -> Bool {
    switch binding {
    case .text: try statement.bind(unsafeUTF8: text, at: index)
    case .integer(let integer): try statement.bind(integer, at: index)
    case .real(let number): try statement.bind(number, at: index)
    case .refused: return false
    }
    return true
  }

  /// Makes the mapping of `fields`' shape the cached one: from the recent shapes, or found.
  private func useShape(of fields: [Field]) throws(PLError) {
    let keys = fields.map(\.key)
    if let shape = shapes.reuse(keys) {
      cache(shape)
    } else {
      try map(fields, keys: keys)
    }
  }

  /// Finds each field's parameter, adding columns the table lacks, and caches the mapping.
  private func map(_ fields: [Field], keys: [String]) throws(PLError) {
    let before = planner.count
    let detectTypes = detectTypes
    let columns = try planner.map(keys: keys, record: taken + 1) {
      ColumnType(of: fields[$0].value, detectTypes: detectTypes)
    }
    for column in before..<planner.count { try addColumn(column) }
    report.columnsRenamed = planner.renames
    var parameters: [Int] = []
    parameters.reserveCapacity(fields.count)
    for column in columns {
      includeInInsert(column: column)
      parameters.append(parameterOfColumn[column])
    }
    var present = Array(repeating: false, count: insertColumns.count)
    for parameter in parameters { present[parameter] = true }
    if metaParameter >= 0 { present[metaParameter] = true }
    var keyPositions: [Int] = []
    for column in keyColumns {
      guard let position = columns.firstIndex(of: column) else {
        throw UpsertPlan.recordWithoutKey(
          database: databasePath, table: table, record: report.rowsInserted + 1, field: planner.columns[column].name, isNull: false)
      }
      keyPositions.append(position)
    }
    let keyParameters = Set(keyColumns.map { parameterOfColumn[$0] })
    let updated = parameters.filter { !keyParameters.contains($0) }.sorted()
    let shape = Shape(
      parameters: parameters, absent: present.indices.filter { !present[$0] }, updated: updated, keyPositions: keyPositions)
    shapes.remember(keys, shape)
    cache(shape)
  }

  /// Makes `shape` the mapping that records and lines of the cached keys use without lookups.
  private func cache(_ shape: Shape) {
    cachedParameters = shape.parameters
    cachedAbsent = shape.absent
    cachedKeyPositions = shape.keyPositions
    if mode == .upsert {
      cachedUpdated = shape.updated
      insert = upserts[shape.updated]
    }
  }

  /// Binds `value` in the form that stores it exactly in a column of `affinity`; false when
  /// no form does.
  @inline(__always)
  private func bind(
    _ value: JSONValue, at index: Int, affinity: SQLiteAffinity, in statement: SQLiteStatement
  ) throws(SQLiteError) -> Bool {
    switch value {
    case .null:
      try statement.bindNull(at: index)
    case .bool(let flag):
      try statement.bind(flag ? 1 as Int64 : 0, at: index)
    case .string(let text):
      var text = text
      let bytes = text.withUTF8 { arena.copy($0) }
      return try bind(dialect.binding(ofString: bytes, into: affinity, detectTypes: detectTypes), text: bytes, at: index, in: statement)
    case .number(let text):
      var text = text
      let bytes = text.withUTF8 { arena.copy($0) }
      return try bind(dialect.binding(ofNumber: bytes, into: affinity), text: bytes, at: index, in: statement)
    case .array, .object:
      scratch.removeAll()
      JSONWriter.writeValue(value, to: scratch)
      try statement.bind(utf8: scratch.bytes, at: index)
    }
    return true
  }

  // MARK: Errors

  /// Why SQLite would not store a value as it came, for the record's `_pl.errors`.
  private func refusal(key: String, parameter: Int, value: UnsafeBufferPointer<UInt8>, isString: Bool) -> String {
    let column = planner.columns[insertColumns[parameter]]
    let kind = column.kind
    let shown = isString ? JSONWriter.string(.string(String(decoding: value, as: UTF8.self))) : String(decoding: value, as: UTF8.self)
    let stored = isString ? dialect.storedForm(ofString: value, into: kind) : dialect.storedForm(ofNumber: value, into: kind)
    let keyNote = key == column.name ? "" : " (key \(JSONWriter.string(.string(key))))"
    let type = column.declaredType.isEmpty ? "no declared type" : column.declaredType
    return "\(shown)\(keyNote) in column \(column.name) (\(type)) would be stored as \(stored); values are loaded exactly as they come or not at all"
  }

  /// Runs `body`; on error rolls the load back before rethrowing, so that all-or-nothing does
  /// not depend on the caller remembering `abort()`.
  private func guarded(_ body: () throws(PLError) -> Void) throws(PLError) {
    do throws(PLError) {
      try body()
    } catch {
      abort()
      throw error
    }
  }

  private func notLoading() -> PLError {
    .internalError("\(databasePath): table \(table): the load was already \(state == .finished ? "finished" : "rolled back")")
  }

  // MARK: Rejects, batches and the ledger

  /// Sets `record` aside as refused by the database (or throws, as `control.rejects` says).
  private func refuse(_ record: Record, _ issue: RecordIssue) throws(PLError) {
    try control.rejects.refuse(record, ordinal: taken + 1, issue: issue, database: databasePath, table: table)
    try tookRecord()
  }

  /// Counts a record taken and commits when its batch is full.
  @inline(__always)
  private func tookRecord() throws(PLError) {
    taken += 1
    if control.taken() { try commitBatch() }
  }

  /// Commits the records so far and starts the next batch's transaction. The first commit of
  /// a load that creates the database moves the file into place and reopens it there, so that
  /// SQLite's journal of later batches belongs to the database's own name.
  private func commitBatch() throws(PLError) {
    insert = nil
    do throws(SQLiteError) {
      try connection.execute("COMMIT")
    } catch {
      throw error.plError(database: databasePath, table: table, action: "commit")
    }
    if let newFile {
      connection.close()
      try newFile.publish()
      self.newFile = nil
      do throws(SQLiteError) {
        connection = try SQLiteConnection(path: databasePath, busyTimeout: options.lockTimeout)
        try connection.execute("PRAGMA cache_size = -16384")
      } catch {
        throw error.plError(database: databasePath, table: table)
      }
    }
    control.committed(rows: report.rowsInserted + report.rowsUpdated + report.rowsIgnored)
    do throws(SQLiteError) {
      try connection.execute("BEGIN IMMEDIATE")
    } catch {
      throw error.plError(database: databasePath, table: table)
    }
  }

  /// Writes the ledger row of this run (inside the open transaction), when there is one.
  private func writeLedger(status: String) throws(PLError) {
    // A load that created nothing (no records for a new table) leaves no trace either.
    guard let entry = control.ledger, tableExists else { return }
    do throws(SQLiteError) {
      try connection.writeLedger(
        entry.values(
          table: table, status: status, read: control.recordsRead(), inserted: report.rowsInserted, rejected: control.rejects.count,
          skipped: control.recordsSkipped()))
    } catch {
      throw error.plError(database: databasePath, table: table, action: "cannot write the load ledger")
    }
  }

  /// After a rollback: records the rolled-back run in a short transaction of its own, when it
  /// can (best effort: a failure here changes nothing of the load's outcome).
  private func recordRolledBack() {
    guard let entry = control.ledger, !connection.isInTransaction else { return }
    do throws(SQLiteError) {
      try connection.execute("BEGIN IMMEDIATE")
      try connection.writeLedger(
        entry.values(
          table: table, status: "rolled_back", read: control.recordsRead(), inserted: control.committedRows,
          rejected: control.rejects.count, skipped: control.recordsSkipped()))
      try connection.execute("COMMIT")
    } catch {
      if connection.isInTransaction { try? connection.execute("ROLLBACK") }
    }
  }

  /// The SHA-256 values of the sources of committed loads into the table, from the ledger.
  public func committedSourceHashes() throws(PLError) -> Set<String> {
    do throws(SQLiteError) {
      return try connection.committedSourceHashes(table: table)
    } catch {
      throw error.plError(database: databasePath, table: table, action: "cannot read the load ledger")
    }
  }

  /// The issue of a row SQLite refused, or nil when the failure is not the row's (a full disk).
  static func rowIssue(_ error: SQLiteError) -> RecordIssue? {
    let field = Self.constraintField(error.message)
    switch error.extendedCode {
    case 2067, 1555:  // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
      return RecordIssue(rule: "load", field: field, code: "unique-error", message: error.message)
    case 3091:  // SQLITE_CONSTRAINT_DATATYPE (STRICT tables)
      return RecordIssue(rule: "load", field: field, code: "type-error", message: error.message)
    default:
      break
    }
    switch error.kind {
    case .constraint: return RecordIssue(rule: "load", field: field, code: "constraint-error", message: error.message)
    case .tooBig: return RecordIssue(rule: "load", field: field, code: "length-error", message: error.message)
    default: return nil
    }
  }

  /// The column a constraint message names (`NOT NULL constraint failed: t.a`), when one.
  static func constraintField(_ message: String) -> String? {
    guard let range = message.firstRange(of: "constraint failed: ") else { return nil }
    let names = message[range.upperBound...]
    guard !names.contains(","), let dot = names.firstIndex(of: ".") else { return nil }
    return String(names[names.index(after: dot)...])
  }

  /// The record a compact line stands for, to set it aside.
  static func record(of line: UnsafeBufferPointer<UInt8>, source: String) throws(PLError) -> Record {
    do throws(JSONSyntaxError) {
      return try JSONParser.parseRecord(line)
    } catch {
      throw .internalError("\(source): a compact line did not parse: \(error.message)")
    }
  }
}
