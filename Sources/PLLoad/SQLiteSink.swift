// PLLoad: records into databases.
//
// `SQLiteSink` loads a record stream into one SQLite table in one transaction, creating and
// widening the table as keys appear; `SQLiteLoadOptions` configures it and `LoadReport` says
// what it did. `ColumnType` infers the types of new columns, `TableColumns` resolves record
// keys to columns as SQLite does, `NumberText` reads number text exactly, and `BindArena` holds
// a row's text while SQLite reads it in place.

#if canImport(Glibc)
  import Glibc
#endif
import PLCore
import PLSQLite

/// Loads records into one SQLite table, all or nothing: the heart of `pl-load DB --table T`.
///
/// Why it looks like this: a nightly load must either land completely or leave the table as it
/// was, so the whole load is one `BEGIN IMMEDIATE` transaction in SQLite's rollback journal (a
/// killed process leaves a hot journal that the next opener rolls back). Speed comes from one
/// prepared INSERT run per record (bind, step, reset) and a cached key-to-parameter mapping, so
/// that records of the same shape cost no lookups.
///
/// Contract:
/// - The first `inferenceSample` records are buffered to infer the types of new columns; the
///   table is created (columns in first-seen key order, `_pl` last) or widened when the sample is
///   full or at `finish()`. Keys first seen later are added with `ALTER TABLE ADD COLUMN`, typed
///   by their first non-null value. An existing table keeps its columns; keys match columns
///   case-insensitively (ASCII), as SQLite does.
/// - Only columns that records mention are inserted into; other columns get their defaults.
///   A key absent from one record is NULL in its row.
/// - Values: null → NULL; booleans → 0/1; numbers → 64-bit integers when they are integers
///   that fit, else doubles, but their exact text into TEXT columns (so `12.30` stays `12.30`
///   there); strings → text; arrays and objects → compact JSON text. SQLite's column affinity then applies: a string that looks like a number (`"007"`,
///   `" 1"`) stored into an INTEGER or REAL column becomes that number. New columns are inferred
///   to avoid this within the sample; for later records and for existing tables it is SQLite's
///   documented behaviour.
/// - `finish()` commits. `abort()`, or any error thrown by `write` or `finish`, rolls back: an
///   existing table is as before and a new table does not exist. After either, the sink accepts
///   no more records.
public final class SQLiteSink: RecordSink {
  public let databasePath: String
  public let table: String
  public let options: SQLiteLoadOptions
  /// What the load did; final after `finish()`.
  public private(set) var report: LoadReport

  private enum State { case loading, finished, aborted }

  private let connection: SQLiteConnection
  private var state = State.loading
  private let quotedTable: String
  private var tableExists: Bool
  private var columns: TableColumns
  /// Records held back until the sample is full; nil once the table is set up.
  private var pending: [Record]? = []
  private let sampleSize: Int

  /// The INSERT over `insertColumns`; rebuilt when a column joins.
  private var insert: SQLiteStatement?
  /// For each parameter of the INSERT (from 0), its column in `columns`.
  private var insertColumns: [Int] = []
  /// For each column of `columns`, its parameter (from 0), or -1 when not in the INSERT.
  private var parameterOfColumn: [Int] = []
  /// The parameter (from 0) of `_pl`, or -1.
  private var metaParameter = -1
  /// Each parameter's column affinity, to bind in the form that keeps values exact.
  private var parameterAffinity: [SQLiteAffinity] = []

  /// The keys of the last record mapped, and each one's parameter; records of the same shape
  /// (the common case) reuse the mapping after comparing keys.
  private var cachedKeys: [String] = []
  private var cachedParameters: [Int] = []
  /// Parameters of the INSERT that records of the cached shape leave NULL.
  private var cachedAbsent: [Int] = []
  private var cacheValid = false
  /// The cached keys as UTF-8, one after another, for comparing raw lines: key i is at
  /// `cachedKeyOffsets[i]..<cachedKeyOffsets[i + 1]`.
  private let cachedKeyBytes = ByteBuffer(capacity: 256)
  private var cachedKeyOffsets: [Int] = [0]

  /// Serialises nested values and `_pl` without building a String per value.
  private let scratch = ByteBuffer(capacity: 1024)
  /// This row's text values, bound without SQLite copying each one.
  private let arena = BindArena()

  /// Opens (creating if needed) the database and starts the load's transaction.
  ///
  /// - Throws: `PLError.cannotCreate` (73) when the file's directory is missing, the file is
  ///   not a database, or it cannot be written; `.tempFail` (75) when another writer holds the
  ///   database longer than `options.lockTimeout`; `.io` (74) on I/O failures.
  public init(databasePath: String, table: String, options: SQLiteLoadOptions = SQLiteLoadOptions()) throws(PLError) {
    self.databasePath = databasePath
    self.table = table
    self.options = options
    self.report = LoadReport(database: databasePath, table: table)
    self.sampleSize = max(1, options.inferenceSample)
    self.quotedTable = SQLiteConnection.quoteIdentifier(table)
    guard !table.utf8.contains(0) else {
      throw .cannotCreate(target: databasePath, message: "the table name contains a NUL character")
    }
    do throws(SQLiteError) {
      connection = try SQLiteConnection(path: databasePath, busyTimeout: options.lockTimeout)
    } catch {
      throw error.plError(database: databasePath, table: table)
    }
    // From here on, deinit closes the connection, which rolls back an open transaction.
    tableExists = false
    columns = TableColumns()
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
      if tableExists { columns = TableColumns(try connection.columns(of: table)) }
    } catch {
      throw error.plError(database: databasePath, table: table)
    }
  }

  /// Adds one record to the load.
  ///
  /// - Throws: `PLError` when the record cannot be stored (65, e.g. a constraint of an existing
  ///   table), the disk is full (74), or the table cannot be created or widened (73). The load
  ///   is then rolled back.
  public func write(_ record: Record) throws(PLError) {
    guard state == .loading else { throw notLoading() }
    if pending != nil {
      pending?.append(record)
      if let count = pending?.count, count >= sampleSize { try guarded { () throws(PLError) in try setUpTable() } }
      return
    }
    try guarded { () throws(PLError) in try insertRow(record) }
  }

  /// Inserts what is still buffered and commits the load.
  ///
  /// - Throws: like `write`; `.tempFail` (75) when readers keep the database busy at commit.
  ///   The load is then rolled back.
  public func finish() throws(PLError) {
    switch state {
    case .finished: return
    case .aborted: throw notLoading()
    case .loading: break
    }
    try guarded { () throws(PLError) in
      if pending != nil { try setUpTable() }
      insert = nil
      do throws(SQLiteError) {
        try connection.execute("COMMIT")
      } catch {
        throw error.plError(database: databasePath, table: table, action: "commit")
      }
    }
    state = .finished
  }

  /// Rolls the load back: the table is as it was before, or does not exist if the load created it.
  ///
  /// Call it when the input fails part-way. Harmless after an error and when called twice.
  public func abort() {
    guard state == .loading else { return }
    state = .aborted
    pending = nil
    insert = nil
    if connection.isInTransaction { try? connection.execute("ROLLBACK") }
    report = LoadReport(database: databasePath, table: table)
  }

  // MARK: Setting up the table

  /// Infers types from the buffered sample, creates or widens the table, and inserts the sample.
  private func setUpTable() throws(PLError) {
    let sample = pending ?? []
    pending = nil
    guard !sample.isEmpty else { return }

    // New columns in first-seen order, each with the widest type its sampled values ask for.
    var newNames: [String] = []
    var newTypes: [ColumnType?] = []
    var newIndex: [String: Int] = [:]
    for (offset, record) in sample.enumerated() {
      for field in record.fields {
        if columns.lookUp(field.key) != nil { continue }
        let folded = TableColumns.fold(field.key)
        let type = ColumnType(of: field.value, detectTypes: options.detectTypes)
        if let i = newIndex[folded] {
          if let type { newTypes[i] = max(newTypes[i] ?? type, type) }
        } else {
          try checkColumnName(field.key, record: report.rowsInserted + offset + 1)
          newIndex[folded] = newNames.count
          newNames.append(field.key)
          newTypes.append(type)
        }
      }
    }
    let addMeta = options.includeMeta && columns.lookUp(Record.metaKey) == nil && newIndex[Record.metaKey] == nil

    if !tableExists {
      var definitions = zip(newNames, newTypes).map { name, type in
        "\(SQLiteConnection.quoteIdentifier(name)) \((type ?? .text).declaration)"
      }
      if addMeta { definitions.append("\(SQLiteConnection.quoteIdentifier(Record.metaKey)) TEXT") }
      guard !definitions.isEmpty else {
        throw .malformed(
          source: databasePath, location: nil,
          message: "cannot create table \(table): the records have no fields to make columns of")
      }
      do throws(SQLiteError) {
        try connection.execute("CREATE TABLE \(quotedTable) (\(definitions.joined(separator: ", ")))")
      } catch {
        throw error.plError(database: databasePath, table: table, action: "cannot create the table")
      }
      tableExists = true
      report.tableCreated = true
      for (name, type) in zip(newNames, newTypes) { columns.append(name, affinity: (type ?? .text).affinity) }
      if addMeta { columns.append(Record.metaKey, affinity: .text) }
    } else {
      for (name, type) in zip(newNames, newTypes) { try addColumn(name, type: type ?? .text) }
      if addMeta { try addColumn(Record.metaKey, type: .text) }
    }
    parameterOfColumn = Array(repeating: -1, count: columns.count)
    if options.includeMeta, let meta = columns.index(of: Record.metaKey) {
      try includeInInsert(column: meta)
      metaParameter = parameterOfColumn[meta]
    }

    for record in sample { try insertRow(record) }
  }

  /// Adds a column to the existing table (inside the load's transaction).
  private func addColumn(_ name: String, type: ColumnType) throws(PLError) {
    try checkColumnName(name, record: report.rowsInserted + 1)
    do throws(SQLiteError) {
      try connection.execute(
        "ALTER TABLE \(quotedTable) ADD COLUMN \(SQLiteConnection.quoteIdentifier(name)) \(type.declaration)")
    } catch {
      throw error.plError(database: databasePath, table: table, action: "cannot add column \(name)")
    }
    columns.append(name, affinity: type.affinity)
    parameterOfColumn.append(-1)
    report.columnsAdded.append(name)
  }

  /// Refuses a key SQLite cannot hold as a column name, naming the 1-based `record`.
  private func checkColumnName(_ name: String, record: Int) throws(PLError) {
    if name.utf8.contains(0) {
      throw .malformed(
        source: databasePath, location: nil,
        message: "table \(table): record \(record): the key \(JSONWriter.string(.string(name))) contains a NUL character, which SQLite cannot use in a column name")
    }
  }

  /// Makes `column` a parameter of the INSERT; the statement is prepared again on next use.
  private func includeInInsert(column: Int) throws(PLError) {
    guard parameterOfColumn[column] < 0 else { return }
    parameterOfColumn[column] = insertColumns.count
    insertColumns.append(column)
    parameterAffinity.append(columns.affinities[column])
    insert = nil
    cacheValid = false
  }

  private func prepareInsert() throws(PLError) -> SQLiteStatement {
    let sql: String
    if insertColumns.isEmpty {
      sql = "INSERT INTO \(quotedTable) DEFAULT VALUES"
    } else {
      let names = insertColumns.map { SQLiteConnection.quoteIdentifier(columns.names[$0]) }
      let parameters = (1...insertColumns.count).map { "?\($0)" }
      sql = "INSERT INTO \(quotedTable) (\(names.joined(separator: ", "))) VALUES (\(parameters.joined(separator: ", ")))"
    }
    do throws(SQLiteError) {
      let statement = try connection.prepare(sql)
      insert = statement
      return statement
    } catch {
      throw error.plError(database: databasePath, table: table, action: "cannot prepare the insert")
    }
  }

  // MARK: Inserting

  private func insertRow(_ record: Record) throws(PLError) {
    let fields = record.fields
    if !cacheValid || !sameKeys(fields) { try map(fields) }
    let statement: SQLiteStatement
    if let insert { statement = insert } else { statement = try prepareInsert() }
    arena.reset()
    // Locals, so that the loop does not pay a dynamic exclusivity check per class property read.
    let parameters = cachedParameters
    let affinities = parameterAffinity
    do throws(SQLiteError) {
      for i in 0..<fields.count {
        let parameter = parameters[i]
        try bind(fields[i].value, at: parameter + 1, affinity: affinities[parameter], in: statement)
      }
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
      statement.reset()
    } catch {
      statement.reset()
      throw error.plError(database: databasePath, table: table, record: report.rowsInserted + 1)
    }
    report.rowsInserted += 1
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
  public func write(
    compactLine line: UnsafeBufferPointer<UInt8>, members: [RawMember], metaMember: Range<Int>?
  ) throws(PLError) -> Bool {
    guard state == .loading, pending == nil, cacheValid, let statement = insert,
      members.count == cachedKeys.count, let base = line.baseAddress,
      memchr(base, Int32(UInt8(ascii: "\\")), line.count) == nil
    else { return false }
    let keyBytes = cachedKeyBytes.bytes
    let offsets = cachedKeyOffsets
    for i in 0..<members.count {
      let key = members[i].key
      let length = offsets[i + 1] - offsets[i]
      guard key.count == length, memcmp(base + key.lowerBound, keyBytes.baseAddress! + offsets[i], length) == 0 else {
        return false
      }
    }
    let parameters = cachedParameters
    let affinities = parameterAffinity
    do throws(SQLiteError) {
      for i in 0..<members.count {
        let member = members[i]
        let parameter = parameters[i]
        let bytes = UnsafeBufferPointer(rebasing: line[member.value])
        switch member.kind {
        case .null: try statement.bindNull(at: parameter + 1)
        case .trueValue: try statement.bind(1 as Int64, at: parameter + 1)
        case .falseValue: try statement.bind(0 as Int64, at: parameter + 1)
        case .string, .object, .array: try statement.bind(unsafeUTF8: bytes, at: parameter + 1)
        case .number: try bindNumber(bytes, at: parameter + 1, affinity: affinities[parameter], in: statement)
        }
      }
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
      statement.reset()
    } catch {
      statement.reset()
      let failure = error.plError(database: databasePath, table: table, record: report.rowsInserted + 1)
      abort()
      throw failure
    }
    report.rowsInserted += 1
    return true
  }

  /// Binds a number's text in the form that stores it exactly in a column of `affinity`: the
  /// text itself into TEXT (which would turn a bound 12.30 into "12.3"), a double into REAL, an
  /// integer into INTEGER/NUMERIC, and the text when no binary form is exact (too large for
  /// 64 bits or for a double). The bytes must stay valid until the row is stepped.
  @inline(__always)
  private func bindNumber(
    _ text: UnsafeBufferPointer<UInt8>, at index: Int, affinity: SQLiteAffinity, in statement: SQLiteStatement
  ) throws(SQLiteError) {
    switch affinity {
    case .text:
      try statement.bind(unsafeUTF8: text, at: index)
    case .real:
      if let number = NumberText.double(text), number.isFinite {
        try statement.bind(number, at: index)
      } else {
        try statement.bind(unsafeUTF8: text, at: index)
      }
    case .integer, .numeric, .blob:
      if let integer = NumberText.int64(text) {
        try statement.bind(integer, at: index)
      } else if !NumberText.isIntegerLiteral(text), let number = NumberText.double(text), number.isFinite {
        try statement.bind(number, at: index)
      } else {
        try statement.bind(unsafeUTF8: text, at: index)
      }
    }
  }

  private func sameKeys(_ fields: [Field]) -> Bool {
    guard fields.count == cachedKeys.count else { return false }
    for i in 0..<fields.count where fields[i].key != cachedKeys[i] { return false }
    return true
  }

  /// Finds each field's parameter, adding columns the table lacks, and caches the mapping.
  private func map(_ fields: [Field]) throws(PLError) {
    var parameters: [Int] = []
    parameters.reserveCapacity(fields.count)
    for field in fields {
      let column: Int
      if let existing = columns.index(of: field.key) {
        column = existing
      } else {
        try addColumn(field.key, type: ColumnType(of: field.value, detectTypes: options.detectTypes) ?? .text)
        column = columns.count - 1
      }
      try includeInInsert(column: column)
      parameters.append(parameterOfColumn[column])
    }
    var present = Array(repeating: false, count: insertColumns.count)
    for parameter in parameters { present[parameter] = true }
    if metaParameter >= 0 { present[metaParameter] = true }
    cachedAbsent = present.indices.filter { !present[$0] }
    cachedKeys = fields.map(\.key)
    cachedKeyBytes.removeAll()
    cachedKeyOffsets = [0]
    for key in cachedKeys {
      cachedKeyBytes.append(key)
      cachedKeyOffsets.append(cachedKeyBytes.count)
    }
    cachedParameters = parameters
    cacheValid = true
  }

  /// Binds `value` in the form that stores it exactly in a column of `affinity`.
  @inline(__always)
  private func bind(
    _ value: JSONValue, at index: Int, affinity: SQLiteAffinity, in statement: SQLiteStatement
  ) throws(SQLiteError) {
    switch value {
    case .null:
      try statement.bindNull(at: index)
    case .bool(let flag):
      try statement.bind(flag ? 1 as Int64 : 0, at: index)
    case .string(let text):
      try bindText(text, at: index, in: statement)
    case .number(let text):
      var text = text
      let bytes = text.withUTF8 { arena.copy($0) }
      try bindNumber(bytes, at: index, affinity: affinity, in: statement)
    case .array, .object:
      scratch.removeAll()
      JSONWriter.writeValue(value, to: scratch)
      try statement.bind(utf8: scratch.bytes, at: index)
    }
  }

  /// Binds `text` through the arena, which lives until the row is stepped.
  @inline(__always)
  private func bindText(_ text: String, at index: Int, in statement: SQLiteStatement) throws(SQLiteError) {
    var text = text
    let bytes = text.withUTF8 { arena.copy($0) }
    try statement.bind(unsafeUTF8: bytes, at: index)
  }

  // MARK: Errors

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
}
