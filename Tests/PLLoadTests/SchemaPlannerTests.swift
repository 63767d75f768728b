import PLCore
import PLLoad
import Testing

@Suite struct SchemaPlannerTests {
  /// Plans a new or existing table from one sample of record shapes, as `SQLiteSink` does.
  static func plan(
    existing: [String], shapes: [[String]], includeMeta: Bool, maxColumns: Int = 2000
  ) throws(PLError) -> (planner: SchemaPlanner<SQLiteDialect>, mappings: [[String]]) {
    var planner = SchemaPlanner(
      dialect: SQLiteDialect(maxColumns: maxColumns), database: "db", table: "t",
      existingColumns: existing.map { ($0, "INTEGER") }, includeMeta: includeMeta, detectTypes: false)
    planner.startSample()
    var mappings: [[String]] = []
    for (offset, keys) in shapes.enumerated() {
      let columns = try planner.map(keys: keys, record: offset + 1) { _ in .integer }
      mappings.append(columns.map { planner.columns[$0].name })
    }
    _ = planner.finishSample()
    return (planner, mappings)
  }

  @Test(arguments: [
    // (existing columns, record keys, metadata, column of each key)
    ([String](), ["A", "a"], false, ["A", "a_2"]),
    ([], ["ID", "id", "Id"], false, ["ID", "id_2", "Id_3"]),
    ([], ["_PL"], true, ["_PL_2"]),
    ([], ["_PL"], false, ["_PL_2"]),
    (["_pl"], ["_PL", "x"], false, ["_PL_2", "x"]),
    (["A", "a_2"], ["a", "A"], false, ["a_2", "A"]),
    (["protein"], ["Protein"], false, ["protein"]),
    (["protein"], ["Protein", "PROTEIN"], false, ["protein", "PROTEIN_2"]),
    ([], ["A", "a", "a_2"], false, ["A", "a_3", "a_2"]),
    (["a", "a_2"], ["a", "A"], false, ["a", "a_2"]),
    (["a", "A_2"], ["A", "a"], false, ["A_2", "a"]),
    ([], ["a", "a"], false, ["a", "a_2"]),
    (["x_2"], ["x", "X"], false, ["x", "x_2"]),
    (["µg"], ["µG", "µg"], false, ["µG_2", "µg"]),
  ])
  func resolvesKeysToColumns(existing: [String], keys: [String], includeMeta: Bool, expected: [String]) throws {
    let (planner, mappings) = try Self.plan(existing: existing, shapes: [keys], includeMeta: includeMeta)
    #expect(mappings == [expected])
    let renamed = zip(keys, expected).filter { $0.lowercased() != $1.lowercased() }.map { ColumnRename(key: $0, column: $1) }
    #expect(planner.renames == renamed)
    // The same input again maps the same way and adds nothing.
    let names = planner.columns.map(\.name)
    let (again, remapped) = try Self.plan(existing: names, shapes: [keys], includeMeta: includeMeta)
    #expect(remapped == [expected])
    #expect(again.columns.map(\.name) == names)
  }

  @Test func createsColumnsInFirstSeenOrderWithTheMetadataLast() throws {
    let (planner, _) = try Self.plan(existing: [], shapes: [["b", "A"], ["a", "c", "A"]], includeMeta: true)
    #expect(planner.columns.map(\.name) == ["b", "A", "c", "a_2", "_pl"])
    #expect(planner.metaColumn == 4)
  }

  @Test(arguments: [
    ([JSONValue.number("1"), .number("2")], "INTEGER"),
    ([.number("1"), .number("2.5")], "REAL"),
    ([.null, .number("2.5")], "REAL"),
    ([.null], "TEXT"),
    ([.number("1"), .string("x")], "TEXT"),
    ([.number("1E400")], "TEXT"),
    ([.number("1.0000000000000000001")], "TEXT"),
    ([.number("0.30000000000000004")], "REAL"),
  ])
  func widensTypesOverTheSample(values: [JSONValue], expected: String) throws {
    var planner = SchemaPlanner(
      dialect: SQLiteDialect(), database: "db", table: "t", existingColumns: [], includeMeta: false, detectTypes: false)
    planner.startSample()
    for (offset, value) in values.enumerated() {
      _ = try planner.map(keys: ["v"], record: offset + 1) { _ in ColumnType(of: value, detectTypes: false) }
    }
    #expect(planner.finishSample() == 0..<1)
    #expect(planner.columns.map(\.declaredType) == [expected])
  }

  @Test func typesColumnsAddedAfterTheSampleByTheirValue() throws {
    var planner = SchemaPlanner(
      dialect: SQLiteDialect(), database: "db", table: "t", existingColumns: [("a", "INTEGER")], includeMeta: false,
      detectTypes: false)
    let types: [ColumnType?] = [.integer, .real, nil]
    let columns = try planner.map(keys: ["a", "r", "n"], record: 1) { types[$0] }
    #expect(columns == [0, 1, 2])
    #expect(planner.columns.map(\.declaredType) == ["INTEGER", "REAL", "TEXT"])
  }

  /// Random shapes over names that collide in every way: loading the same records twice
  /// adds nothing the second time and maps every key to the same column.
  @Test func mappingIsIdempotentOverRandomShapes() throws {
    let names = ["a", "A", "a_2", "A_2", "a_3", "_PL", "_pl_2", "b", "B_2", "b"]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<300 {
      let shapes = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
        (0..<Int.random(in: 1...6, using: &generator)).map { _ in names.randomElement(using: &generator)! }
      }
      let includeMeta = Bool.random(using: &generator)
      let (first, firstMappings) = try Self.plan(existing: [], shapes: shapes, includeMeta: includeMeta)
      let columns = first.columns.map(\.name)
      #expect(Set(columns.map { $0.lowercased() }).count == columns.count, "\(shapes): \(columns)")
      for mapping in firstMappings { #expect(Set(mapping).count == mapping.count, "\(shapes): \(mapping)") }
      let (second, secondMappings) = try Self.plan(existing: columns, shapes: shapes, includeMeta: includeMeta)
      #expect(secondMappings == firstMappings, "\(shapes)")
      #expect(second.columns.map(\.name) == columns, "\(shapes)")
    }
  }

  @Test(arguments: [
    (5, true, "the table would need 6 columns, 5 for keys and 1 for the _pl metadata, more than SQLite's limit of 5 columns per table; load with --no-meta"),
    (6, true, "the table would need 7 columns, more than SQLite's limit of 5 columns per table; load fewer keys"),
    (6, false, "the table would need 6 columns, more than SQLite's limit of 5 columns per table; load fewer keys"),
  ])
  func refusesMoreColumnsThanTheLimitSayingWhatHelps(keys: Int, includeMeta: Bool, message: String) {
    let shape = (0..<keys).map { "k\($0)" }
    let error = #expect(throws: PLError.self) {
      try Self.plan(existing: [], shapes: [["k0"], shape], includeMeta: includeMeta, maxColumns: 5)
    }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.hasPrefix("db: table t: record 2: " + message) == true, "\(String(describing: error))")
  }

  @Test func fiveKeysFitFiveColumnsWithoutMetadata() throws {
    let (planner, _) = try Self.plan(existing: [], shapes: [(0..<5).map { "k\($0)" }], includeMeta: false, maxColumns: 5)
    #expect(planner.count == 5)
  }

  @Test func refusesAKeyWithNUL() {
    let error = #expect(throws: PLError.self) { try Self.plan(existing: [], shapes: [["a\u{0}b"]], includeMeta: false) }
    #expect(error?.description.contains("record 1: the key \"a\\u0000b\" contains a NUL character") == true, "\(String(describing: error))")
  }
}
