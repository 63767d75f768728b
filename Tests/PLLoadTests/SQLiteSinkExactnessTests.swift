import Foundation
import PLCore
import PLLoad
import PLSQLite
import Testing

/// Values are stored exactly as they came or the load is refused, also after the sample and
/// in existing tables, where SQLite's column affinity would otherwise convert them.
@Suite struct SQLiteSinkExactnessTests {
  /// 1000 records of `{"n":<int>,"r":1.5,"s":"x"}`, then `late`.
  static func afterTheSample(_ late: String) throws -> [Record] {
    try (1...1000).map { Record([("n", .integer($0)), ("r", .number("1.5")), ("s", .string("x"))]) } + records(late)
  }

  @Test(arguments: [
    (#"{"n":"007"}"#, #"record 1001: "007" in column n (INTEGER) would be stored as 7; "#),
    (#"{"n":"12.30"}"#, #"record 1001: "12.30" in column n (INTEGER) would be stored as 12.3; "#),
    (#"{"n":"1e3"}"#, #"record 1001: "1e3" in column n (INTEGER) would be stored as 1000; "#),
    (#"{"n":" 5"}"#, #"record 1001: " 5" in column n (INTEGER) would be stored as 5; "#),
    (#"{"N":"-0"}"#, #"record 1001: "-0" (key "N") in column n (INTEGER) would be stored as 0; "#),
    (#"{"n":123456789012345678901234567890}"#, "record 1001: 123456789012345678901234567890 in column n (INTEGER) would be stored as 1.2345678901234568e+29; "),
    (#"{"r":1E400}"#, "record 1001: 1E400 in column r (REAL) would be stored as Inf; "),
    (#"{"r":-1E400}"#, "record 1001: -1E400 in column r (REAL) would be stored as -Inf; "),
    (#"{"r":0.1e-400}"#, "record 1001: 0.1e-400 in column r (REAL) would be stored as 0.0; "),
    (#"{"r":1.0000000000000000001}"#, "record 1001: 1.0000000000000000001 in column r (REAL) would be stored as 1.0; "),
    (#"{"r":12345678901234567}"#, "record 1001: 12345678901234567 in column r (REAL) would be stored as 1.2345678901234568e+16; "),
    (#"{"r":"2"}"#, #"record 1001: "2" in column r (REAL) would be stored as 2.0; "#),
  ])
  func refusesValuesSQLiteWouldChange(late: String, message: String) throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("late.db")
    let error = #expect(throws: PLError.self) { try load(try Self.afterTheSample(late), into: db) }
    // A refused record stops the load (exit 1), named by its number and the reason.
    #expect(error?.exitStatus == .qualityGate)
    #expect(error?.description.hasPrefix("\(db): table t: record 1001 (field ") == true, "\(String(describing: error))")
    #expect(error?.description.contains(message.dropFirst("record 1001: ".count)) == true, "\(String(describing: error))")
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  @Test(arguments: [
    (#"{"n":"n.d."}"#, "SELECT n, typeof(n) FROM t WHERE rowid = 1001", [SQLiteValue.text("n.d."), .text("text")]),
    (#"{"n":""}"#, "SELECT n, typeof(n) FROM t WHERE rowid = 1001", [.text(""), .text("text")]),
    (#"{"n":"0x10"}"#, "SELECT n, typeof(n) FROM t WHERE rowid = 1001", [.text("0x10"), .text("text")]),
    (#"{"n":1.0}"#, "SELECT n, typeof(n) FROM t WHERE rowid = 1001", [.integer(1), .text("integer")]),
    (#"{"n":2.5}"#, "SELECT n, typeof(n) FROM t WHERE rowid = 1001", [.real(2.5), .text("real")]),
    (#"{"r":0.30000000000000004}"#, "SELECT r FROM t WHERE rowid = 1001", [.real(0.30000000000000004)]),
    (#"{"r":7}"#, "SELECT r, typeof(r) FROM t WHERE rowid = 1001", [.real(7), .text("real")]),
    (#"{"s":12.30}"#, "SELECT s, typeof(s) FROM t WHERE rowid = 1001", [.text("12.30"), .text("text")]),
    (#"{"s":"007"}"#, "SELECT s FROM t WHERE rowid = 1001", [.text("007")]),
  ])
  func storesValuesThatSurviveAsTheyCame(late: String, sql: String, expected: [SQLiteValue]) throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("late.db")
    try load(try Self.afterTheSample(late), into: db)
    #expect(try query(db, sql) == [expected])
  }

  @Test(arguments: [
    ("\"12.30\"", [SQLiteValue.real(12.3), .real(12.3)]),
    ("\"42\"", [.integer(42), .real(42)]),
  ])
  func detectTypesConvertsPlainNumbersThatStayExact(value: String, expected: [SQLiteValue]) throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("detect.db")
    let options = LoadOptions(detectTypes: true)
    try load(try Self.afterTheSample(#"{"n":\#(value),"r":\#(value)}"#), into: db, options: options)
    #expect(try query(db, "SELECT n, r FROM t WHERE rowid = 1001") == [expected])
  }

  @Test(arguments: ["\"007\"", "\"1e3\"", "\" 1\"", "\"0.1000000000000000000001\"", "\"99999999999999999999\""])
  func detectTypesStillRefusesTextThatIsNotAPlainExactNumber(value: String) throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("detect.db")
    #expect(throws: PLError.self) {
      try load(try Self.afterTheSample(#"{"n":\#(value)}"#), into: db, options: LoadOptions(detectTypes: true))
    }
  }

  /// SQLite needs no widening where PostgreSQL widens BIGINT to NUMERIC: an INTEGER column
  /// keeps a fraction as the REAL it is, exactly, through records and compact lines alike.
  @Test(arguments: [true, false])
  func aFractionAfterAWholeSampleIsStoredExactly(compactLines: Bool) throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("drift.db")
    let lines = (0..<1500).map { i in #"{"i":\#(i),"x":\#(i < 1200 ? String(i % 7) : i == 1200 ? "0.25" : i % 2 == 0 ? "\(i).125" : String(i))}"# }
    let options = LoadOptions(includeMeta: false)
    if compactLines {
      let input = directory.file("in.ndjson")
      try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
      _ = try Loader(plan: LoadPlan(target: .sqlite(path: db), table: "t", inputs: [input], options: options)).run(observer: nil)
    } else {
      try load(try lines.map { try JSONParser.parseRecord($0) }, into: db, options: options)
    }
    #expect(try schema(db) == ["i INTEGER", "x INTEGER"])
    #expect(try query(db, "SELECT x, typeof(x) FROM t WHERE i IN (1199, 1200, 1201, 1202) ORDER BY i") == [
      [.integer(1199 % 7), .text("integer")], [.real(0.25), .text("real")], [.integer(1201), .text("integer")],
      [.real(1202.125), .text("real")],
    ])
    #expect(try query(db, "SELECT count(*) FROM t WHERE typeof(x) = 'real'") == [[.integer(150)]])
  }

  @Test func existingTablesFollowTheSameRule() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("existing.db")
    try SQLiteConnection(path: db).execute("CREATE TABLE t (code NUMERIC(5), qty INT, note VARCHAR(20), any); INSERT INTO t VALUES (1, 1, 'kept', 1)")
    for line in [#"{"code":"007"}"#, #"{"qty":"12"}"#, #"{"qty":1e400}"#] {
      let error = #expect(throws: PLError.self) { try load(try records(line), into: db, options: LoadOptions(includeMeta: false)) }
      #expect(error?.description.contains("record 1 (field ") == true)
      #expect(error?.description.contains("(NUMERIC(5))") == true || error?.description.contains("(INT)") == true)
    }
    try load(try records(#"{"code":"A7","qty":3,"note":7.50,"any":"007"}"#), into: db, options: LoadOptions(includeMeta: false))
    #expect(try query(db, "SELECT code, qty, note, any, typeof(any) FROM t") == [
      [.integer(1), .integer(1), .text("kept"), .integer(1), .text("integer")],
      [.text("A7"), .integer(3), .text("7.50"), .text("007"), .text("text")],
    ])
  }

  /// The compact path refuses the same values with the same message.
  @Test func compactLinesAreRefusedAsParsedRecordsAre() throws {
    let directory = try TemporaryDirectory()
    let input = directory.file("in.ndjson")
    let lines = (1...5).map { #"{"n":\#($0),"s":"x"}"# } + [#"{"n":"007","s":"x"}"#]
    try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
    let options = LoadOptions(inferenceSample: 2)
    let viaLoader = #expect(throws: PLError.self) {
      _ = try Loader(plan: LoadPlan(target: .sqlite(path: directory.file("a.db")), table: "t", inputs: [input], options: options)).run(observer: nil)
    }
    let viaRecords = #expect(throws: PLError.self) {
      try load(lines.map { try JSONParser.parseRecord($0) }, into: directory.file("a.db"), options: options)
    }
    // The loader names the input's line, a bare sink the record's number.
    #expect(viaLoader?.description.contains(#"in.ndjson: line 6 (field "n"): the database refused the record: "007" in column n (INTEGER)"#) == true)
    #expect(viaRecords?.description.contains(#"record 6 (field "n"): the database refused the record: "007" in column n (INTEGER)"#) == true)
  }
}
