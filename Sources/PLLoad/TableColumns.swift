import PLSQLite

/// The columns of the target table, found by record key the way SQLite finds them.
///
/// SQLite compares identifiers case-insensitively for ASCII letters only, so a record key
/// `Protein` names an existing column `protein`; adding it again would fail with "duplicate
/// column name". Lookups of exact keys are memoised so that the fold (which allocates) runs once
/// per distinct key spelling, not once per record.
struct TableColumns {
  /// Column names as declared, in table order.
  private(set) var names: [String] = []
  /// Each column's affinity, which decides how values are bound into it.
  private(set) var affinities: [SQLiteAffinity] = []
  private var indexByFoldedName: [String: Int] = [:]
  private var indexByExactKey: [String: Int] = [:]

  init(_ columns: [SQLiteColumnInfo] = []) {
    for column in columns { append(column.name, affinity: column.affinity) }
  }

  var count: Int { names.count }

  /// The index of the column `key` names, or nil when the table has none.
  mutating func index(of key: String) -> Int? {
    if let index = indexByExactKey[key] { return index }
    guard let index = indexByFoldedName[Self.fold(key)] else { return nil }
    indexByExactKey[key] = index
    return index
  }

  /// The index of the column `key` names, without memoising (for callers that cannot mutate).
  func lookUp(_ key: String) -> Int? {
    indexByExactKey[key] ?? indexByFoldedName[Self.fold(key)]
  }

  /// Adds a column the table now has; returns its index.
  @discardableResult
  mutating func append(_ name: String, affinity: SQLiteAffinity) -> Int {
    let index = names.count
    names.append(name)
    affinities.append(affinity)
    // A table cannot hold two names that fold alike; keep the first if one ever does.
    if indexByFoldedName[Self.fold(name)] == nil { indexByFoldedName[Self.fold(name)] = index }
    indexByExactKey[name] = indexByFoldedName[Self.fold(name)]
    return index
  }

  /// `name` with ASCII letters lowered, as SQLite compares identifiers; no copy when there is
  /// nothing to lower.
  static func fold(_ name: String) -> String {
    guard name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return name }
    return String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
  }
}
