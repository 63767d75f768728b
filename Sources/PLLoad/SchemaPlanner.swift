import PLCore

/// Decides a table's columns for a record stream, the same way for every SQL database: the
/// types of new columns, the columns to create or add, and which column each record key goes
/// into. The database-specific words and rules come from an `SQLDialect`.
///
/// Why key resolution is careful: a database that folds case (SQLite) has one column for `A`
/// and `a`, so `{"A":7,"a":8}` would store 8 over 7. Instead, per record shape, in this order:
/// 1. the metadata column (`_pl`, or any column whose name compares equal to it) is claimed
///    first, whether or not metadata is loaded, so no key ever lands in it;
/// 2. each key takes the column of exactly its name, if there is one;
/// 3. then a column whose name compares equal to the key (case-insensitively), if no other
///    key of the record took it;
/// 4. then a new column of its own name, if no column compares equal to that name;
/// 5. otherwise the first of `key_2`, `key_3`, … that is not taken by this record: an existing
///    column of that name, or a new one.
/// A second run of the same input therefore maps every key to the same column (idempotent),
/// and keys that had to move are listed in `renames`.
///
/// The planner only decides; the caller creates the table or adds the columns it reports, and
/// throws away the planner if that fails.
public struct SchemaPlanner<Dialect: SQLDialect> {
  /// One column of the table, existing or planned.
  public struct Column: Equatable, Sendable {
    public var name: String
    /// The type as declared (for new columns, the dialect's name for the inferred type).
    public var declaredType: String
    public var kind: Dialect.ColumnKind
    /// True for a planned column declared NOT NULL (a schema's required field).
    public var notNull = false
  }

  /// The key of the record metadata, and the name of its column.
  public static var metaKey: String { Record.metaKey }

  public let dialect: Dialect
  /// The database and table, for messages.
  public let database: String
  public let table: String
  /// True when new tables get a metadata column.
  public let includeMeta: Bool
  /// True when plain decimal strings may make a new column numeric.
  public let detectTypes: Bool

  /// The table's columns in order: existing ones first, then those the planner added.
  public private(set) var columns: [Column] = []
  /// The column that holds the metadata, when the table has (or is planned to have) one.
  public private(set) var metaColumn: Int?
  /// Keys stored under another name, each pair once, in the order first met.
  public private(set) var renames: [ColumnRename] = []

  private var indexByComparisonName: [String: Int] = [:]
  /// Each column's name as the database compares it.
  private var comparisonNames: [String] = []
  private let metaComparisonName: String
  private var renameSet: Set<ColumnRename> = []
  /// While planning from a sample: the first column added by it, and the widest type each
  /// added column has been asked for so far.
  private var sampleStart: Int?
  private var sampleTypes: [ColumnType?] = []
  /// Types declared for new columns (a schema file), by comparison name; and the columns
  /// planned with a declared type, which the sample does not retype.
  private var declared: [String: (name: String, declaredType: String, notNull: Bool)] = [:]
  private var declaredOrder: [String] = []
  private var typeFixed: Set<Int> = []

  /// True while keys without a column may get new ones; false refuses them (`--no-alter`).
  public var allowsNewColumns = true

  /// - Parameter existingColumns: the table's columns, empty when it does not exist yet.
  public init(
    dialect: Dialect, database: String, table: String, existingColumns: [(name: String, declaredType: String)],
    includeMeta: Bool, detectTypes: Bool
  ) {
    self.dialect = dialect
    self.database = database
    self.table = table
    self.includeMeta = includeMeta
    self.detectTypes = detectTypes
    metaComparisonName = dialect.comparisonName(Self.metaKey)
    for column in existingColumns {
      append(Column(name: column.name, declaredType: column.declaredType, kind: dialect.kind(ofDeclaredType: column.declaredType)))
    }
  }

  /// The number of columns the table has or will have.
  public var count: Int { columns.count }

  // MARK: Sample

  /// Starts planning from a sample of records: columns added from now until `finishSample()`
  /// take the widest type of all values mapped to them, and are created by the caller then.
  public mutating func startSample() {
    sampleStart = columns.count
    sampleTypes = []
  }

  /// Ends the sample: fixes the types of the columns it added (TEXT when all values were
  /// null) and plans the metadata column last, when wanted and missing.
  ///
  /// - Returns: the columns to create or add, in order.
  public mutating func finishSample() -> Range<Int> {
    let start = sampleStart ?? columns.count
    for (offset, type) in sampleTypes.enumerated() where !typeFixed.contains(start + offset) {
      let name = dialect.typeName(of: type ?? .text)
      columns[start + offset].declaredType = name
      columns[start + offset].kind = dialect.kind(ofDeclaredType: name)
    }
    sampleStart = nil
    sampleTypes = []
    if includeMeta && metaColumn == nil {
      let name = dialect.typeName(of: .json)
      append(Column(name: Self.metaKey, declaredType: name, kind: dialect.kind(ofDeclaredType: name)))
    }
    return start..<columns.count
  }

  // MARK: Declared columns

  /// Declares the types of columns the planner may add (from a schema file): a key of one of
  /// these names gets a column of the declared type instead of an inferred one. Existing
  /// columns keep their types.
  public mutating func declare(_ columns: [(name: String, declaredType: String, notNull: Bool)]) {
    for column in columns {
      let name = dialect.comparisonName(column.name)
      if declared[name] == nil { declaredOrder.append(name) }
      declared[name] = column
    }
  }

  /// Plans a column for each declared one the table lacks, in declaration order (call after
  /// `startSample()`, so that they are created with the sample's columns).
  public mutating func addDeclaredColumns() {
    for name in declaredOrder where indexByComparisonName[name] == nil {
      guard let column = declared[name] else { continue }
      if sampleStart != nil { sampleTypes.append(nil) }
      let index = append(
        Column(name: dialect.columnName(forKey: column.name), declaredType: column.declaredType, kind: dialect.kind(ofDeclaredType: column.declaredType), notNull: column.notNull))
      typeFixed.insert(index)
    }
  }

  /// True when the column's type comes from a declaration (a schema file), which the load keeps.
  public func isDeclared(_ column: Int) -> Bool {
    guard let declaration = declared[comparisonNames[column]] else { return false }
    return dialect.foldsCase || dialect.columnName(forKey: declaration.name) == columns[column].name
  }

  /// Gives an existing column a new type, after the caller changed it in the database
  /// (a widened number column).
  public mutating func retype(_ column: Int, declaredType: String) {
    columns[column].declaredType = declaredType
    columns[column].kind = dialect.kind(ofDeclaredType: declaredType)
  }

  /// The column a key or field named `name` goes into when nothing else in its record
  /// competes for it; nil when the table has none.
  public func column(named name: String) -> Int? {
    if let index = indexByComparisonName[dialect.comparisonName(name)] { return index }
    return nil
  }

  // MARK: Mapping keys

  /// The column of each key of a record shape, adding columns for keys the table lacks.
  ///
  /// Columns added are at the end of `columns` (from the count before the call). Outside a
  /// sample they are typed by their key's value in this record (TEXT for null).
  ///
  /// - Parameters:
  ///   - keys: the record's keys in order.
  ///   - record: the record's 1-based ordinal in the load, for messages.
  ///   - type: the type the value of key `i` asks for (nil for null).
  /// - Throws: `PLError.malformed` (65) when a new column's name cannot be used (a NUL
  ///   character) or the table would have more columns than the database allows.
  public mutating func map(keys: [String], record: Int, type: (Int) -> ColumnType?) throws(PLError) -> [Int] {
    let count = keys.count
    var result = [Int](repeating: -1, count: count)
    var claimed = Set<Int>()
    if let metaColumn { claimed.insert(metaColumn) }
    let names = keys.map { dialect.comparisonName($0) }

    for i in 0..<count {
      if let column = indexByComparisonName[names[i]], !claimed.contains(column), columns[column].name == keys[i] {
        result[i] = column
        claimed.insert(column)
      }
    }
    for i in 0..<count where result[i] < 0 {
      if let column = indexByComparisonName[names[i]], !claimed.contains(column) {
        result[i] = column
        claimed.insert(column)
      }
    }
    var deferred: [Int] = []
    for i in 0..<count where result[i] < 0 {
      if names[i] != metaComparisonName && indexByComparisonName[names[i]] == nil {
        result[i] = try add(keys[i], type: type(i), record: record)
        claimed.insert(result[i])
      } else {
        deferred.append(i)
      }
    }
    for i in deferred {
      var suffix = 2
      while result[i] < 0 {
        let candidate = "\(keys[i])_\(suffix)"
        let name = dialect.comparisonName(candidate)
        if name != metaComparisonName {
          if let column = indexByComparisonName[name] {
            if !claimed.contains(column) { result[i] = column }
          } else {
            result[i] = try add(candidate, type: type(i), record: record)
          }
        }
        suffix += 1
      }
      claimed.insert(result[i])
    }

    // A key is renamed when its column compares unequal to it, or, where names do not fold,
    // when the column's name is not the key (a name too long for the database, shortened).
    for i in 0..<count where comparisonNames[result[i]] != names[i] || (!dialect.foldsCase && columns[result[i]].name != keys[i]) {
      let rename = ColumnRename(key: keys[i], column: columns[result[i]].name)
      if renameSet.insert(rename).inserted { renames.append(rename) }
    }
    if let sampleStart {
      for i in 0..<count where result[i] >= sampleStart {
        guard let asked = type(i) else { continue }
        let offset = result[i] - sampleStart
        sampleTypes[offset] = sampleTypes[offset]?.widened(with: asked) ?? asked
      }
    }
    try checkColumnCount(record: record)
    return result
  }

  /// Plans a new column named `name` (from a key), typed by `type` outside a sample.
  private mutating func add(_ name: String, type: ColumnType?, record: Int) throws(PLError) -> Int {
    guard allowsNewColumns else {
      throw .malformed(
        source: database, location: nil,
        message: "table \(table): record \(record): the field \(JSONWriter.string(.string(name))) has no column in table \(table), and --no-alter forbids adding one; nothing was loaded")
    }
    if name.utf8.contains(0) {
      throw .malformed(
        source: database, location: nil,
        message: "table \(table): record \(record): the key \(JSONWriter.string(.string(name))) contains a NUL character, which \(dialect.name) cannot use in a column name")
    }
    if let column = declared[dialect.comparisonName(name)], column.name == name || dialect.foldsCase {
      if sampleStart != nil { sampleTypes.append(nil) }
      let index = append(
        Column(name: dialect.columnName(forKey: name), declaredType: column.declaredType, kind: dialect.kind(ofDeclaredType: column.declaredType), notNull: column.notNull))
      typeFixed.insert(index)
      return index
    }
    // In a sample the type is fixed by `finishSample()`; until then it reads as TEXT.
    if sampleStart != nil { sampleTypes.append(nil) }
    let declared = dialect.typeName(of: sampleStart == nil ? type ?? .text : .text)
    return append(Column(name: dialect.columnName(forKey: name), declaredType: declared, kind: dialect.kind(ofDeclaredType: declared)))
  }

  /// Refuses a table wider than the database allows, saying what would help.
  private func checkColumnCount(record: Int) throws(PLError) {
    let metaPending = includeMeta && metaColumn == nil ? 1 : 0
    let needed = columns.count + metaPending
    guard needed > dialect.maxColumns else { return }
    let limit = "more than \(dialect.name)'s limit of \(dialect.maxColumns) columns per table"
    let advice: String
    if metaPending == 1 && needed - 1 <= dialect.maxColumns {
      advice = "\(needed - 1) for keys and 1 for the _pl metadata, \(limit); load with --no-meta to leave the metadata column out"
    } else {
      advice = "\(limit); load fewer keys per table (split the records' keys over several tables, or reshape them into rows)"
    }
    throw .malformed(
      source: database, location: nil,
      message: "table \(table): record \(record): the table would need \(needed) columns, \(advice)")
  }

  @discardableResult
  private mutating func append(_ column: Column) -> Int {
    let index = columns.count
    columns.append(column)
    let name = dialect.comparisonName(column.name)
    comparisonNames.append(name)
    // A table cannot hold two names that compare equal; keep the first if one ever does.
    if indexByComparisonName[name] == nil { indexByComparisonName[name] = index }
    if name == metaComparisonName && metaColumn == nil { metaColumn = index }
    return index
  }
}
