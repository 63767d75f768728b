import Foundation
import PLCore
import PLLoad
import PLSQLite
import Testing

@Suite struct SQLiteSinkTests {
  static let noMeta = LoadOptions(includeMeta: false)

  // MARK: Types and columns

  @Test(arguments: [
    (["{\"x\":1}", "{\"x\":2}"], "INTEGER"),
    (["{\"x\":1.5}"], "REAL"),
    (["{\"x\":1}", "{\"x\":2.5}"], "REAL"),
    (["{\"x\":1e3}"], "REAL"),
    (["{\"x\":\"a\"}"], "TEXT"),
    (["{\"x\":1}", "{\"x\":\"a\"}", "{\"x\":2.5}"], "TEXT"),
    (["{\"x\":true}", "{\"x\":false}"], "INTEGER"),
    (["{\"x\":true}", "{\"x\":0.5}"], "REAL"),
    (["{\"x\":null}"], "TEXT"),
    (["{\"x\":null}", "{\"x\":3}"], "INTEGER"),
    (["{\"x\":[1,2]}"], "TEXT"),
    (["{\"x\":{\"a\":1}}", "{\"x\":1}"], "TEXT"),
    (["{\"x\":12345678901234567890}"], "TEXT"),
    (["{\"x\":\"5\"}"], "TEXT"),
  ])
  func infersColumnTypes(lines: [String], expected: String) throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("types.db")
    try load(lines.map { try JSONParser.parseRecord($0) }, into: db, options: Self.noMeta)
    #expect(try schema(db) == ["x \(expected)"])
    #expect(try query(db, "SELECT count(*) FROM t") == [[.integer(Int64(lines.count))]])
  }

  @Test(arguments: [
    ("007", "TEXT", SQLiteValue.text("007")),
    ("12.30", "REAL", .real(12.3)),
    ("1e3", "TEXT", .text("1e3")),
    ("-4", "INTEGER", .integer(-4)),
    ("+5", "TEXT", .text("+5")),
    (" 1", "TEXT", .text(" 1")),
  ])
  func detectsTypesOfPlainDecimalStrings(text: String, type: String, stored: SQLiteValue) throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("detect.db")
    let record = Record([("v", .string(text))])
    try load([record], into: db, options: LoadOptions(includeMeta: false, detectTypes: true))
    #expect(try schema(db) == ["v \(type)"])
    #expect(try query(db, "SELECT v FROM t") == [[stored]])

    let plain = directory.file("plain.db")
    try load([record], into: plain, options: Self.noMeta)
    #expect(try schema(plain) == ["v TEXT"])
    #expect(try query(plain, "SELECT v FROM t") == [[.text(text)]])
  }

  @Test func detectedTypesWidenOverTheSample() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("widen.db")
    let options = LoadOptions(includeMeta: false, detectTypes: true)
    try load(
      try records(#"{"a":"1","b":"1","c":"1"}"#, #"{"a":"2","b":"2.5","c":"007"}"#), into: db, options: options)
    #expect(try schema(db) == ["a INTEGER", "b REAL", "c TEXT"])
    #expect(try query(db, "SELECT a, b, c FROM t") == [
      [.integer(1), .real(1), .text("1")], [.integer(2), .real(2.5), .text("007")],
    ])
  }

  @Test func createsColumnsInFirstSeenOrderWithMetaLast() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("order.db")
    let report = try load(
      try records(#"{"b":1,"a":"x"}"#, #"{"c":2.5,"a":"y","_pl":{"line":2}}"#, #"{"d":null}"#), into: db)
    #expect(try schema(db) == ["b INTEGER", "a TEXT", "c REAL", "d TEXT", "_pl TEXT"])
    #expect(report == LoadReport(database: db, table: "t", rowsInserted: 3, tableCreated: true, columnsAdded: []))
    #expect(try query(db, "SELECT b, a, c, d, _pl FROM t ORDER BY rowid") == [
      [.integer(1), .text("x"), .null, .null, .null],
      [.null, .text("y"), .real(2.5), .null, .text(#"{"line":2}"#)],
      [.null, .null, .null, .null, .null],
    ])
  }

  @Test func storesMetadataAsCompactJSONOnlyWhenAsked() throws {
    let directory = try TemporaryDirectory()
    let line = #"{"v":1,"_pl":{"source":"a.zip!in/x.csv","line":7,"raw":{"v":"1,0"},"notes":["µ"]}}"#
    let with = directory.file("with.db")
    try load(try records(line), into: with)
    #expect(try query(with, "SELECT _pl FROM t") == [[.text(#"{"source":"a.zip!in/x.csv","line":7,"raw":{"v":"1,0"},"notes":["µ"]}"#)]])
    #expect(try query(with, "SELECT json_extract(_pl, '$.line') FROM t") == [[.integer(7)]])

    let without = directory.file("without.db")
    try load(try records(line), into: without, options: Self.noMeta)
    #expect(try schema(without) == ["v INTEGER"])

    // An existing table without _pl is not touched when metadata is not wanted.
    let existing = directory.file("existing.db")
    try SQLiteConnection(path: existing).execute("CREATE TABLE t (v INTEGER)")
    let report = try load(try records(line), into: existing, options: Self.noMeta)
    #expect(try schema(existing) == ["v INTEGER"])
    #expect(report.columnsAdded.isEmpty && !report.tableCreated)
  }

  // MARK: Schema evolution

  @Test func addsColumnsForKeysAfterTheSample() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("evolve.db")
    let options = LoadOptions(includeMeta: false, inferenceSample: 2)
    let report = try load(
      try records(#"{"a":1}"#, #"{"a":2}"#, #"{"a":3,"z":1.5}"#, #"{"y":"t","a":4}"#, #"{"a":5}"#), into: db,
      options: options)
    #expect(try schema(db) == ["a INTEGER", "z REAL", "y TEXT"])
    #expect(report.columnsAdded == ["z", "y"] && report.tableCreated && report.rowsInserted == 5)
    #expect(try query(db, "SELECT a, z, y FROM t ORDER BY rowid") == [
      [.integer(1), .null, .null], [.integer(2), .null, .null], [.integer(3), .real(1.5), .null],
      [.integer(4), .null, .text("t")], [.integer(5), .null, .null],
    ])
  }

  @Test func matchesExistingColumnsIgnoringCaseAndKeepsDefaults() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("case.db")
    try SQLiteConnection(path: db).execute(
      "CREATE TABLE Results (id INTEGER PRIMARY KEY, protein REAL, note TEXT DEFAULT 'none'); INSERT INTO Results (protein) VALUES (1.0)")
    let report = try load(
      try records(#"{"Protein":12.5,"FAT":3}"#, #"{"PROTEIN":7,"fat":4,"Fat":5}"#), into: db, table: "results")
    // "fat" takes the column FAT; "Fat", in the same record, cannot share it.
    #expect(try schema(db, "results") == ["id INTEGER", "protein REAL", "note TEXT", "FAT INTEGER", "Fat_2 INTEGER", "_pl TEXT"])
    #expect(report.columnsAdded == ["FAT", "Fat_2", "_pl"] && !report.tableCreated && report.rowsInserted == 2)
    #expect(report.columnsRenamed == [ColumnRename(key: "Fat", column: "Fat_2")])
    #expect(try query(db, "SELECT id, protein, note, fat, fat_2 FROM results ORDER BY id") == [
      [.integer(1), .real(1), .text("none"), .null, .null],
      [.integer(2), .real(12.5), .text("none"), .integer(3), .null],
      [.integer(3), .real(7), .text("none"), .integer(4), .integer(5)],
    ])
  }

  @Test func quotesTableAndColumnNames() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("names.db")
    let table = #"lab "results"; DROP TABLE x; --"#
    let record = Record([
      (#"a "b" c"#, .integer(1)), ("naïve µg/L", .string("ok")), ("select", .bool(true)), ("", .number("2.5")),
      ("x.y", .null), ("'single'", .integer(3)),
    ])
    try load([record, record], into: db, table: table, options: Self.noMeta)
    #expect(try schema(db, table) == [#"a "b" c INTEGER"#, "naïve µg/L TEXT", "select INTEGER", " REAL", "x.y TEXT", "'single' INTEGER"])
    let quoted = SQLiteConnection.quoteIdentifier(table)
    #expect(try query(db, "SELECT * FROM \(quoted)") == Array(repeating: [.integer(1), .text("ok"), .integer(1), .real(2.5), .null, .integer(3)], count: 2))
  }

  // MARK: Values

  @Test func roundTripsTenThousandRowsExactly() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("round.db")
    let texts = ["", "µg/100 g", "°C", "a\"b'c", "line\nbreak", "tab\there", "日本語", "😀", "nul\u{0}inside", "  spaced  "]
    func record(_ i: Int) -> Record {
      Record(
        [
          ("i", .integer(i * 7919 - 40_000)),
          ("big", .number(i % 2 == 0 ? "9223372036854775807" : "-9223372036854775808")),
          ("r", .number("\(i).\(i % 100)")),
          ("s", .string(texts[i % texts.count] + String(i))),
          ("b", .bool(i % 3 == 0)),
          ("n", i % 5 == 0 ? .null : .number("1e-3")),
          ("j", .object([Field("k", .array([.integer(i), .string("v")]))])),
          ("exact", .number(i % 2 == 0 ? "12.30" : "123456789012345678901234567890")),
        ], meta: [Field("line", .integer(i + 1))])
    }
    let report = try load((0..<10_000).map(record), into: db)
    #expect(report.rowsInserted == 10_000)
    #expect(try schema(db) == ["i INTEGER", "big INTEGER", "r REAL", "s TEXT", "b INTEGER", "n REAL", "j TEXT", "exact TEXT", "_pl TEXT"])
    let connection = try SQLiteConnection(path: db, readOnly: true)
    let select = try connection.prepare("SELECT i, big, r, s, b, n, j, exact, _pl FROM t ORDER BY rowid")
    var i = 0
    var mismatches = 0
    while try select.step() {
      let row = (0..<9).map { select.value(at: $0) }
      let expected: [SQLiteValue] = [
        .integer(Int64(i * 7919 - 40_000)),
        .integer(i % 2 == 0 ? .max : .min),
        .real(Double("\(i).\(i % 100)") ?? .nan),
        .text(texts[i % texts.count] + String(i)),
        .integer(i % 3 == 0 ? 1 : 0),
        i % 5 == 0 ? .null : .real(0.001),
        .text(#"{"k":[\#(i),"v"]}"#),
        .text(i % 2 == 0 ? "12.30" : "123456789012345678901234567890"),
        .text(#"{"line":\#(i + 1)}"#),
      ]
      if row != expected {
        mismatches += 1
        if mismatches < 5 { Issue.record("row \(i): \(row) != \(expected)") }
      }
      i += 1
    }
    #expect(i == 10_000 && mismatches == 0)
  }

  @Test func keepsNumberTextInTextColumns() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("text.db")
    try SQLiteConnection(path: db).execute("CREATE TABLE t (v TEXT, w NUMERIC, x)")
    try load(
      try records(
        #"{"v":12.30,"w":12.30,"x":12.30}"#, #"{"v":1E+2,"w":100000000000000000000,"x":7}"#,
        #"{"v":123456789012345678901234567890,"w":1,"x":123456789012345678901234567890}"#),
      into: db, options: Self.noMeta)
    #expect(try query(db, "SELECT v, w, x FROM t ORDER BY rowid") == [
      [.text("12.30"), .real(12.3), .real(12.3)],
      [.text("1E+2"), .real(1e20), .integer(7)],
      // An untyped column keeps the text of a number no binary form holds.
      [.text("123456789012345678901234567890"), .integer(1), .text("123456789012345678901234567890")],
    ])
    // A JSON integer too big for 64 bits makes a new column TEXT and keeps every digit.
    try load(try records(#"{"id":123456789012345678901234567890}"#), into: db, table: "big", options: Self.noMeta)
    #expect(try query(db, "SELECT id, typeof(id) FROM big") == [[.text("123456789012345678901234567890"), .text("text")]])
  }

  @Test func mapsKeysOfRecordsOfChangingShape() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("shapes.db")
    let lines = [
      #"{"a":1,"b":2}"#, #"{"b":3,"a":4}"#, #"{"a":5}"#, #"{"b":6,"A":7}"#, #"{"a":8,"b":9}"#, #"{}"#, #"{"a":1,"a":2}"#,
    ]
    try load(lines.map { try JSONParser.parseRecord($0) }, into: db, options: LoadOptions(includeMeta: false, inferenceSample: 3))
    #expect(try query(db, "SELECT a, b FROM t ORDER BY rowid") == [
      [.integer(1), .integer(2)], [.integer(4), .integer(3)], [.integer(5), .null], [.integer(7), .integer(6)],
      [.integer(8), .integer(9)], [.null, .null], [.integer(1), .null],
    ])
    // A repeated key is not dropped: its second value goes into a_2.
    #expect(try query(db, "SELECT a_2 FROM t WHERE a_2 IS NOT NULL") == [[.integer(2)]])
  }

  // MARK: All or nothing

  @Test func loadingTwiceAppends() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("twice.db")
    let input = try records(#"{"a":1,"_pl":{"line":1}}"#, #"{"a":2,"_pl":{"line":2}}"#)
    let first = try load(input, into: db)
    let second = try load(input, into: db)
    #expect(first.tableCreated && !second.tableCreated && second.columnsAdded.isEmpty && second.rowsInserted == 2)
    #expect(try query(db, "SELECT a FROM t ORDER BY rowid") == [[.integer(1)], [.integer(2)], [.integer(1)], [.integer(2)]])
    #expect(try schema(db) == ["a INTEGER", "_pl TEXT"])
  }

  @Test func abortLeavesAnExistingTableAsItWas() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("abort.db")
    try load(try records(#"{"a":1,"b":"x"}"#), into: db)
    let before = try snapshot(db)
    let sink = try SQLiteSink(databasePath: db, table: "t", options: LoadOptions(inferenceSample: 2))
    for i in 0..<50 { try sink.write(Record([("a", .integer(i)), ("new\(i % 3)", .string("v"))])) }
    #expect(sink.report.rowsInserted == 50 && sink.report.columnsAdded.count == 3)
    sink.abort()
    #expect(sink.report.rowsInserted == 0 && sink.report.columnsAdded.isEmpty)
    #expect(try snapshot(db) == before)
    #expect(throws: PLError.self) { try sink.write(Record([("a", .integer(1))])) }
    #expect(throws: PLError.self) { try sink.finish() }
    sink.abort()
  }

  @Test func abortCreatesNoTable() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("fresh.db")
    for sampleSize in [1, 1000] {
      let sink = try SQLiteSink(databasePath: db, table: "new", options: LoadOptions(inferenceSample: sampleSize))
      for i in 0..<10 { try sink.write(Record([("a", .integer(i))])) }
      sink.abort()
      #expect(try !SQLiteConnection(path: db).tableExists("new"))
    }
  }

  @Test func aValueThatCannotBeStoredRollsBackTheLoad() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("constraint.db")
    try SQLiteConnection(path: db).execute("CREATE TABLE t (a INTEGER NOT NULL, b TEXT); INSERT INTO t VALUES (0, 'kept')")
    let before = try snapshot(db)
    let sink = try SQLiteSink(databasePath: db, table: "t", options: LoadOptions(inferenceSample: 2))
    var thrown: PLError?
    do {
      for i in 1...5 { try sink.write(Record([("a", i == 4 ? .null : .integer(i)), ("c", .string("new"))])) }
    } catch {
      thrown = error
    }
    #expect(thrown?.exitStatus == .qualityGate)
    #expect(thrown?.description.contains("record 4") == true)
    #expect(thrown?.description.contains("NOT NULL") == true)
    sink.abort()  // already rolled back; must be harmless
    #expect(try snapshot(db) == before)
  }

  @Test func refusesAKeyWithNULNamingTheRecord() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("nul.db")
    let input = try records(#"{"a":1}"#, #"{"a":2,"b\u0000c":3}"#)
    let error = try #require(throws: PLError.self) { try load(input, into: db, options: Self.noMeta) }
    #expect(error.exitStatus == .dataError && error.description.contains("record 2"))
    #expect(try !SQLiteConnection(path: db).tableExists("t"))
  }

  @Test func emptyInputCreatesNothing() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("empty.db")
    let report = try load([], into: db)
    #expect(report == LoadReport(database: db, table: "t"))
    #expect(try !SQLiteConnection(path: db).tableExists("t"))
  }

  @Test func recordsWithoutFieldsCannotMakeATable() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("nofields.db")
    #expect(throws: PLError.self) { try load(try records("{}"), into: db, options: Self.noMeta) }
    // With metadata there is a _pl column to hold the row.
    try load(try records("{}"), into: db)
    #expect(try query(db, "SELECT _pl FROM t") == [[.null]])
  }

  // MARK: Errors

  @Test func refusesAFileThatIsNotADatabase() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("results.csv")
    try String(repeating: "sample;protein\nA;12,5\n", count: 50).write(toFile: path, atomically: true, encoding: .utf8)
    let error = try #require(throws: PLError.self) { try SQLiteSink(databasePath: path, table: "t") }
    #expect(error.exitStatus == .cannotCreate)
    #expect(error.description.hasPrefix(path + ": "))
    #expect(error.description.contains("not an SQLite database"))
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("sample;protein"))
  }

  @Test func namesTheMissingDirectory() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("no/such/dir/lab.db")
    let error = try #require(throws: PLError.self) { try SQLiteSink(databasePath: path, table: "t") }
    #expect(error.exitStatus == .cannotCreate)
    #expect(error.description.contains(path) && error.description.contains(directory.file("no/such/dir")))
  }

  @Test func aLockHeldByAnotherWriterIsATemporaryFailure() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("locked.db")
    let other = try SQLiteConnection(path: db)
    try other.execute("CREATE TABLE t (a); BEGIN IMMEDIATE")
    let error = try #require(throws: PLError.self) {
      try SQLiteSink(databasePath: db, table: "t", options: LoadOptions(lockTimeout: .milliseconds(50)))
    }
    #expect(error.exitStatus == .tempFail)
    #expect(error.description.hasPrefix(db + ": ") && error.description.contains("locked"))
    try other.execute("ROLLBACK")
    try load(try records(#"{"a":1}"#), into: db)
  }

  /// The schema and all rows of every table, to compare before and after a failed load.
  func snapshot(_ db: String) throws -> [[SQLiteValue]] {
    let connection = try SQLiteConnection(path: db, readOnly: true)
    var result = try connection.rows("SELECT type, name, sql FROM sqlite_master ORDER BY name")
    for row in try connection.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
      guard case .text(let name) = row[0] else { continue }
      result += try connection.rows("SELECT * FROM \(SQLiteConnection.quoteIdentifier(name)) ORDER BY rowid")
    }
    return result
  }
}
