import Foundation
import PLCore
import PLLoad
import Testing

/// Keys, modes, `--no-alter`, schema files and date inference, on both databases.
@Suite struct KeyedLoadTests {
  static func options(
    mode: LoadMode? = nil, key: [String] = ["id"], alter: Bool = true, schema: TableSchema? = nil, meta: Bool = false, sample: Int = 1000
  ) -> LoadOptions {
    var options = LoadOptions(includeMeta: meta, inferenceSample: sample)
    options.write = WriteOptions(mode: mode, key: key, alter: alter, schema: schema)
    return options
  }

  static let plain = LoadOptions(includeMeta: false)

  /// Lines of NDJSON as one text.
  static func lines(_ lines: String...) -> String { lines.joined(separator: "\n") + "\n" }

  @Test(arguments: Backend.available)
  func upsertUpdatesOnlyTheColumnsARecordCarries(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let first = try f.loadLines(Self.lines(#"{"id":1,"protein":1.5,"fat":2.5}"#, #"{"id":2,"protein":3.5}"#), options: Self.options())
    #expect(first.rowsInserted == 2 && first.rowsUpdated == 0 && first.tableCreated)
    let second = try f.loadLines(Self.lines(#"{"id":1,"protein":9.5}"#, #"{"id":3,"fat":1.5}"#), options: Self.options())
    #expect(second.rowsInserted == 1 && second.rowsUpdated == 1 && second.rowsIgnored == 0)
    #expect(try f.rows("SELECT id, protein, fat FROM t ORDER BY id") == [["1", "9.5", "2.5"], ["2", "3.5", nil], ["3", nil, "1.5"]])
    // A key present with null clears the column: the record says so.
    try f.load(try records(#"{"id":2,"protein":null}"#), options: Self.options())
    #expect(try f.rows("SELECT protein FROM t WHERE id = 2") == [[nil]])
  }

  /// Records of one run with repeated keys and changing keys: the table must be what
  /// applying the records one load at a time gives.
  @Test(arguments: Backend.available)
  func repeatedKeysInOneRunEndAsAppliedInOrder(backend: Backend) throws {
    let input = [
      #"{"lot":"A","n":1,"protein":1.5,"fat":0.5}"#,
      #"{"lot":"B","n":1,"protein":2.5}"#,
      #"{"lot":"A","n":1,"fat":0.25}"#,
      #"{"lot":"A","n":2,"protein":7.5}"#,
      #"{"lot":"A","n":1,"protein":3.5,"note":"rerun"}"#,
      #"{"lot":"B","n":1,"fat":1.5,"protein":null}"#,
      #"{"lot":"C","n":9,"protein":4.5}"#,
      #"{"lot":"C","n":9,"protein":5.5}"#,
    ]
    let options = Self.options(key: ["lot", "n"], sample: 2)
    let query = "SELECT lot, n, protein, fat, note FROM t ORDER BY lot, n"
    let stored = try LoadFixture(backend)
    try stored.load(try records(#"{"lot":"C","n":9,"protein":0.5,"fat":9.5,"note":"old"}"#), options: options)
    let oneByOne = try LoadFixture(backend)
    try oneByOne.load(try records(#"{"lot":"C","n":9,"protein":0.5,"fat":9.5,"note":"old"}"#), options: options)

    let report = try stored.loadLines(input.joined(separator: "\n") + "\n", options: options)
    for line in input { try oneByOne.load([try JSONParser.parseRecord(line)], options: options) }
    let expected: [[String?]] = [
      ["A", "1", "3.5", "0.25", "rerun"], ["A", "2", "7.5", nil, nil], ["B", "1", nil, "1.5", nil], ["C", "9", "5.5", "9.5", "old"],
    ]
    #expect(try oneByOne.rows(query) == expected)
    #expect(try stored.rows(query) == expected)
    // Counted as applied in order: A1, B1, A2 new; the rest updates.
    #expect(report.rowsInserted == 3 && report.rowsUpdated == 5)
  }

  @Test(arguments: Backend.available)
  func oneShapeWithARepeatedKeyKeepsTheLastRecord(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let report = try f.loadLines(Self.lines(#"{"id":1,"x":1}"#, #"{"id":2,"x":2}"#, #"{"id":1,"x":3}"#), options: Self.options())
    #expect(try f.rows("SELECT id, x FROM t ORDER BY id") == [["1", "3"], ["2", "2"]])
    #expect(report.rowsInserted == 2 && report.rowsUpdated == 1)
  }

  @Test(arguments: Backend.available)
  func ignoreKeepsStoredRowsAndCountsTheRecords(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.load(try records(#"{"id":1,"x":"stored"}"#), options: Self.options())
    let report = try f.loadLines(
      Self.lines(#"{"id":1,"x":"new"}"#, #"{"id":2,"x":"first"}"#, #"{"id":2,"x":"second"}"#), options: Self.options(mode: .ignore))
    #expect(try f.rows("SELECT id, x FROM t ORDER BY id") == [["1", "stored"], ["2", "first"]])
    #expect(report.rowsInserted == 1 && report.rowsIgnored == 2 && report.rowsUpdated == 0)
  }

  @Test(arguments: Backend.available)
  func aKeyOnANewTableIsItsPrimaryKey(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.load(try records(#"{"a":"x","b":1,"v":2}"#), options: Self.options(key: ["a", "b"]))
    let sql =
      backend == .sqlite
      ? "SELECT name FROM pragma_table_info('t') WHERE pk > 0 ORDER BY pk"
      : "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass('\(f.schema).t') AND i.indisprimary ORDER BY a.attnum"
    #expect(try f.rows(sql) == [["a"], ["b"]])
    // Plain inserts of a stored key are now refused, as a primary key should make them.
    #expect(plError { try f.load(try records(#"{"a":"x","b":1,"v":3}"#), options: Self.options(mode: .insert, key: ["a", "b"])) }?.exitStatus == .qualityGate)
  }

  @Test(arguments: Backend.available)
  func aKeyOnAnExistingTableAddsAUniqueIndexOnce(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.load(try records(#"{"id":1,"x":1}"#, #"{"id":2,"x":2}"#), options: Self.plain)
    let report = try f.load(try records(#"{"id":2,"x":20}"#), options: Self.options())
    #expect(report.keyIndexCreated == "t_id_key")
    #expect(report.rowsUpdated == 1)
    let again = try f.load(try records(#"{"id":3,"x":30}"#), options: Self.options())
    #expect(again.keyIndexCreated == nil && again.rowsInserted == 1)
    #expect(try f.rows("SELECT id, x FROM t ORDER BY id") == [["1", "1"], ["2", "20"], ["3", "30"]])
  }

  @Test(arguments: Backend.available)
  func anExistingPrimaryKeyServesAsTheKey(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.execute("CREATE TABLE t (code TEXT PRIMARY KEY, x BIGINT)")
    let report = try f.load(try records(#"{"code":"a","x":1}"#), options: Self.options(key: ["code"]))
    #expect(report.keyIndexCreated == nil && report.rowsInserted == 1)
  }

  @Test(arguments: Backend.available)
  func aKeyTheRowsRepeatIsRefused(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.load(try records(#"{"id":1,"x":1}"#, #"{"id":1,"x":2}"#), options: Self.plain)
    let error = plError { try f.load(try records(#"{"id":3,"x":3}"#), options: Self.options()) }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.contains("already repeat the key") == true, "\(String(describing: error))")
    #expect(try f.rows("SELECT count(*) FROM t") == [["2"]])
  }

  @Test(arguments: Backend.available)
  func recordsWithoutAKeyValueAreRefused(backend: Backend) throws {
    let f = try LoadFixture(backend)
    for input in [Self.lines(#"{"id":1,"x":1}"#, #"{"x":2}"#), Self.lines(#"{"id":1,"x":1}"#, #"{"id":null,"x":2}"#)] {
      let error = plError { try f.loadLines(input, options: Self.options()) }
      #expect(error?.exitStatus == .dataError)
      #expect(error?.description.contains("record 2: the key field \"id\"") == true, "\(String(describing: error))")
      #expect(try !f.exists("t"))
    }
  }

  @Test func upsertAndIgnoreNeedAKey() {
    for mode in [LoadMode.upsert, .ignore] {
      #expect(plError { _ = try WriteOptions(mode: mode).validated() }?.exitStatus == .usage)
    }
    #expect(WriteOptions(key: ["id"]).mode == .upsert)
    #expect(WriteOptions().mode == .insert)
    #expect(WriteOptions(schema: TableSchema(fields: [.init(name: "id", type: .integer)], primaryKey: ["id"])).mode == .upsert)
  }

  @Test(arguments: Backend.available)
  func noAlterRefusesAFieldWithoutAColumn(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.load(try records(#"{"id":1,"x":1}"#), options: Self.plain)
    var options = Self.plain
    options.write.alter = false
    let error = plError { try f.loadLines(Self.lines(#"{"id":2,"x":2}"#, #"{"id":3,"salt":0.5}"#), options: options) }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.contains(#"the field "salt" has no column in table"#) == true, "\(String(describing: error))")
    #expect(try f.rows("SELECT count(*) FROM t") == [["1"]])
    #expect(try f.schemaOf().count == 2)
    // Fields that have columns load as usual.
    try f.loadLines(Self.lines(#"{"id":2,"x":2}"#), options: options)
    #expect(try f.rows("SELECT count(*) FROM t") == [["2"]])
  }

  @Test(arguments: Backend.available)
  func aTypeMismatchInAnUpsertStillFails(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.load(try records(#"{"id":1,"x":1}"#), options: Self.options())
    // Refused, like any record the table cannot take: the run rolls back and exits 1.
    let error = plError { try f.loadLines(Self.lines(#"{"id":1,"x":"007"}"#), options: Self.options()) }
    #expect(error?.exitStatus == .qualityGate)
    #expect(try f.rows("SELECT x FROM t") == [["1"]])
  }

  @Test(arguments: Backend.available)
  func replaceTableSwapsInTheNewRowsAndKeepsIndexes(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.load(try records(#"{"id":1,"x":1,"old":"o"}"#, #"{"id":2,"x":2,"old":"o"}"#), options: Self.plain)
    try f.execute("CREATE INDEX t_x ON t (x)")
    let report = try f.loadLines(Self.lines(#"{"id":7,"x":70}"#, #"{"id":8,"x":80}"#), options: Self.options(mode: .replaceTable))
    #expect(report.rowsInserted == 2)
    #expect(try f.rows("SELECT id, x FROM t ORDER BY id") == [["7", "70"], ["8", "80"]])
    #expect(try f.schemaOf().count == 2)
    let indexes =
      backend == .sqlite
      ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 't' AND sql IS NOT NULL"
      : "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = to_regclass('\(f.schema).t') AND NOT indisprimary"
    #expect(try f.rows(indexes).map { $0[0]?.split(separator: ".").last.map(String.init) } == ["t_x"])
    // The key still works as a key after the swap.
    try f.load(try records(#"{"id":7,"x":71}"#), options: Self.options())
    #expect(try f.rows("SELECT x FROM t WHERE id = 7") == [["71"]])
    // No records: the table is not replaced by nothing.
    #expect(plError { try f.loadLines("", options: Self.options(mode: .replaceTable)) }?.exitStatus == .dataError)
    #expect(try f.rows("SELECT count(*) FROM t") == [["2"]])
    if backend == .postgres { #expect(try f.rows("SELECT count(*) FROM pg_class WHERE relname LIKE '_pl_new_%'") == [["0"]]) }
  }

  @Test(arguments: Backend.available)
  func aSchemaFileDeclaresTypesNotNullAndTheKey(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let schema = TableSchema(
      fields: [
        .init(name: "id", type: .integer, required: true), .init(name: "result", type: .number, decimal: true),
        .init(name: "day", type: .date), .init(name: "unused", type: .boolean),
      ], primaryKey: ["id"])
    var options = Self.plain
    options.write.schema = schema
    let report = try f.loadLines(Self.lines(#"{"id":1,"result":12.30,"day":"2024-01-02","extra":"e"}"#), options: options)
    #expect(report.rowsInserted == 1)
    let expected =
      backend == .sqlite
      ? ["id INTEGER", "result TEXT", "day TEXT", "unused INTEGER", "extra TEXT"]
      : ["id BIGINT", "result NUMERIC", "day DATE", "unused BOOLEAN", "extra TEXT"]
    #expect(try f.schemaOf() == expected)
    #expect(try f.rows("SELECT result FROM t") == [["12.30"]])
    // The primary key makes upsert the mode.
    try f.loadLines(Self.lines(#"{"id":1,"day":"2024-01-03"}"#), options: options)
    #expect(try f.rows("SELECT result, day FROM t") == [["12.30", "2024-01-03"]])
    // With --no-alter, a field the schema does not declare is refused on a new table too.
    options.write.alter = false
    let error = plError { try f.loadLines(Self.lines(#"{"id":1,"other":1}"#), table: "fresh", options: options) }
    #expect(error?.description.contains(#""other""#) == true, "\(String(describing: error))")
    #expect(try !f.exists("fresh"))
  }

  @Test(arguments: Backend.available)
  func isoDatesAndZonedTimesMakeDateColumnsInPostgreSQL(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.loadLines(
      Self.lines(
        #"{"d":"2024-03-04","ts":"2024-03-04T10:00:00Z","off":"2024-03-04 10:00:00.5+02:00","naive":"2024-03-04T10:00:00"}"#,
        #"{"d":"2023-12-31","ts":"2024-03-04T10:00Z","off":"2024-03-04T10:00:00-0130","naive":"2024-03-04T11:00:00"}"#),
      options: Self.plain)
    let expected =
      backend == .sqlite
      ? ["d TEXT", "ts TEXT", "off TEXT", "naive TEXT"]
      : ["d DATE", "ts TIMESTAMP WITH TIME ZONE", "off TIMESTAMP WITH TIME ZONE", "naive TEXT"]
    #expect(try f.schemaOf() == expected)
    if backend == .postgres {
      #expect(try f.rows("SELECT count(*) FROM t WHERE ts = '2024-03-04 10:00:00+00' AND d < '2024-03-05'") == [["2"]])
    }
    // A later value of another form is refused (PostgreSQL) or kept as text (SQLite).
    for line in [#"{"d":"04.03.2024"}"#, #"{"ts":"2024-03-04T10:00:00"}"#, #"{"d":5}"#] {
      let error = plError { try f.loadLines(line + "\n", options: Self.plain) }
      #expect((error?.exitStatus == .qualityGate) == (backend == .postgres), "\(line): \(String(describing: error))")
    }
  }

  @Test(arguments: [
    ("2024-03-04", true, false), ("2024-3-04", false, false), ("20240304", false, false), ("2024-03-04T10:00:00Z", false, true),
    ("2024-03-04T10:00Z", false, true), ("2024-03-04 10:00:00.123456+02:00", false, true), ("2024-03-04T10:00:00+0200", false, true),
    ("2024-03-04T10:00:00+02", false, true), ("2024-03-04T10:00:00", false, false), ("2024-03-04T10:00:00+2", false, false),
    ("2024-03-04T10:00:00.Z", false, false), ("2024-03-04X10:00Z", false, false), ("", false, false),
  ])
  func dateText(text: String, isDate: Bool, isZoned: Bool) {
    var text = text
    text.withUTF8 { bytes in
      #expect(DateTextProbe.isDate(bytes) == isDate)
      #expect(DateTextProbe.isZonedDateTime(bytes) == isZoned)
    }
  }
}

/// `ColumnType` shows what `DateText` recognises, without reaching into the module.
enum DateTextProbe {
  static func isDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    ColumnType(of: .string(String(decoding: bytes, as: UTF8.self)), detectTypes: false) == .date
  }
  static func isZonedDateTime(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    ColumnType(of: .string(String(decoding: bytes, as: UTF8.self)), detectTypes: false) == .timestamp
  }
}

/// Reading Table Schema files: what is accepted, and how a bad one is refused.
@Suite struct TableSchemaFileTests {
  func parse(_ text: String, name: String) throws(PLError) -> TableSchema {
    try TableSchema.parse(Array(text.utf8), source: name)
  }

  @Test func readsJSONAndYAMLAlike() throws {
    let json = #"{"fields":[{"name":"id","type":"integer","constraints":{"required":true}},{"name":"r","type":"number","decimal":true},{"name":"s"}],"primaryKey":"id","title":"x"}"#
    let yaml = """
      # lab results
      fields:
        - name: id
          type: integer
          constraints:
            required: true
        - {name: r, type: number, format: decimal}
        - name: s
      primaryKey: [id]
      """
    let expected = TableSchema(
      fields: [.init(name: "id", type: .integer, required: true), .init(name: "r", type: .number, decimal: true), .init(name: "s", type: .string)],
      primaryKey: ["id"])
    #expect(try parse(json, name: "s.json") == expected)
    #expect(try parse(yaml, name: "s.yaml") == expected)
  }

  @Test(arguments: [
    ("s.json", "{\"fields\":[\n{\"name\":\"a\",}\n]}", "s.json: line 2: not valid JSON"),
    ("s.yaml", "fields:\n  - name: a\n    type: [x\n", "s.yaml: line 4: not valid YAML"),
    ("s.yaml", "fields:\n  - name: a\n    type: money\n", "s.yaml: line 3: field \"a\": the type \"money\" is not a Table Schema type"),
    ("s.json", #"{"fields":[]}"#, "\"fields\" must be a non-empty list"),
    ("s.json", #"{"fields":[{"type":"string"}]}"#, "field 1 has no \"name\""),
    ("s.json", #"{"fields":[{"name":"a"},{"name":"a"}]}"#, "declared twice"),
    ("s.json", #"{"fields":[{"name":"a"}],"primaryKey":["b"]}"#, "the primaryKey field \"b\" is not one of the fields"),
    ("s.json", #"{"fields":[{"name":"a","constraints":{"required":"yes"}}]}"#, "constraints.required must be true or false"),
    ("s.json", #"{"fields":[{"name":"a","type":"integer","decimal":true}]}"#, "\"decimal\" is for number fields"),
    ("s.yaml", "- a\n- b\n", "a Table Schema is an object"),
    ("s.yaml", "", "the schema file is empty"),
  ])
  func refusesABadSchema(name: String, text: String, message: String) {
    let error = plError { _ = try parse(text, name: name) }
    #expect(error?.exitStatus == .config)
    #expect(error?.description.contains(message) == true, "\(String(describing: error))")
  }

  @Test func aMissingFileIsNoInput() {
    #expect(plError { _ = try TableSchema.load(path: "/nonexistent/schema.json") }?.exitStatus == .noInput)
  }
}
