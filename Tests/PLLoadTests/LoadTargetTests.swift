import Foundation
import PLCore
import PLLoad
import PLPostgres
import PLSQLite
import Testing

/// The URL of the test server (`make test` starts one: scripts/pg-test-server.sh).
let testPostgresURL = ProcessInfo.processInfo.environment["PL_TEST_PG_URL"]

/// The databases the shared load cases run against: SQLite always, PostgreSQL when a test
/// server is given.
enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
  case sqlite, postgres
  var description: String { rawValue }
  static var available: [Backend] { testPostgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

/// A fresh place to load into: an SQLite file in a temporary folder, or a PostgreSQL schema
/// of its own (dropped at the end), so that tests run side by side.
final class LoadFixture {
  let backend: Backend
  let directory: TemporaryDirectory
  let schema: String
  let admin: PostgresConnection?

  init(_ backend: Backend) throws {
    self.backend = backend
    directory = try TemporaryDirectory()
    schema = "pl_test_\(UUID().uuidString.prefix(8).lowercased())"
    if backend == .postgres, let url = testPostgresURL {
      let admin = try PostgresConnection(connectionString: url)
      try admin.execute("CREATE SCHEMA \(schema); SET search_path TO \(schema)")
      self.admin = admin
    } else {
      admin = nil
    }
  }

  deinit {
    try? admin?.execute("DROP SCHEMA \(schema) CASCADE")
  }

  var target: LoadTarget {
    switch backend {
    case .sqlite: .sqlite(path: directory.file("lab.sqlite"))
    case .postgres: .postgres(PostgresTarget(connectionString: testPostgresURL ?? "", schema: schema))
    }
  }

  func sink(table: String = "t", options: LoadOptions = LoadOptions()) throws -> any LoadSink {
    switch target {
    case .sqlite(let path): try SQLiteSink(databasePath: path, table: table, options: options)
    case .postgres(let target): try PostgresSink(target: target, table: table, options: options)
    }
  }

  @discardableResult
  func load(_ records: [Record], table: String = "t", options: LoadOptions = LoadOptions()) throws -> LoadReport {
    let sink = try sink(table: table, options: options)
    for record in records { try sink.write(record) }
    try sink.finish()
    return sink.report
  }

  /// Loads NDJSON text through the `Loader` (compact lines take the fast path).
  @discardableResult
  func loadLines(_ text: String, table: String = "t", options: LoadOptions = LoadOptions()) throws -> LoadReport {
    let input = directory.file("in-\(UUID().uuidString).ndjson")
    try text.write(toFile: input, atomically: true, encoding: .utf8)
    return try Loader(plan: LoadPlan(target: target, table: table, inputs: [input], options: options)).run(observer: nil)
  }

  /// SQL run by the test itself (creating tables as a person would).
  func execute(_ sql: String) throws {
    switch backend {
    case .sqlite: try SQLiteConnection(path: directory.file("lab.sqlite")).execute(sql)
    case .postgres: try admin?.execute(sql)
    }
  }

  /// The rows of a query, each value as text (nil for NULL).
  func rows(_ sql: String) throws -> [[String?]] {
    switch backend {
    case .sqlite:
      return try SQLiteConnection(path: directory.file("lab.sqlite"), readOnly: true).rows(sql).map { row in
        row.map { value -> String? in
          switch value {
          case .null: nil
          case .integer(let n): String(n)
          case .real(let d): d.description
          case .text(let t): t
          case .blob(let b): String(decoding: b, as: UTF8.self)
          }
        }
      }
    case .postgres:
      return try admin?.query(sql) ?? []
    }
  }

  /// True when `table` exists.
  func exists(_ table: String) throws -> Bool {
    switch backend {
    case .sqlite:
      let path = directory.file("lab.sqlite")
      guard FileManager.default.fileExists(atPath: path) else { return false }
      return try SQLiteConnection(path: path, readOnly: true).tableExists(table)
    case .postgres:
      return try rows("SELECT to_regclass('\(schema).\(table)') IS NOT NULL") == [["t"]]
    }
  }

  /// `name type` of each column, types in upper case.
  func schemaOf(_ table: String = "t") throws -> [String] {
    switch backend {
    case .sqlite:
      return try SQLiteConnection(path: directory.file("lab.sqlite"), readOnly: true).columns(of: table).map { "\($0.name) \($0.declaredType)" }
    case .postgres:
      return try rows(
        "SELECT attname || ' ' || upper(format_type(atttypid, atttypmod)) FROM pg_attribute WHERE attrelid = to_regclass('\(schema).' || quote_ident('\(table)')) AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
      ).map { $0[0] ?? "" }
    }
  }
}

/// The load cases both targets must pass, each with what each database calls things.
@Suite struct LoadTargetTests {
  static let noMeta = LoadOptions(includeMeta: false)

  @Test(arguments: Backend.available)
  func infersTypes(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.load(
      try records(
        #"{"i":1,"r":1.5,"s":"a","b":true,"big":12345678901234567890,"j":{"a":[1]},"n":null,"mix":1}"#,
        #"{"i":2,"r":2,"s":"b","b":false,"big":1,"j":[2],"n":null,"mix":"x"}"#), options: Self.noMeta)
    let expected =
      backend == .sqlite
      ? ["i INTEGER", "r REAL", "s TEXT", "b INTEGER", "big TEXT", "j TEXT", "n TEXT", "mix TEXT"]
      : ["i BIGINT", "r DOUBLE PRECISION", "s TEXT", "b BOOLEAN", "big NUMERIC", "j JSONB", "n TEXT", "mix TEXT"]
    #expect(try f.schemaOf() == expected)
    let b = backend == .sqlite ? ["1", "0"] : ["t", "f"]
    #expect(try f.rows("SELECT i, r, s, b, big FROM t ORDER BY i") == [
      ["1", "1.5", "a", b[0], "12345678901234567890"], ["2", "2.0", "b", b[1], "1"],
    ].map { row in row.map { backend == .postgres && $0 == "2.0" ? "2" : $0 } })
  }

  @Test(arguments: Backend.available)
  func addsColumnsForKeysAfterTheSample(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let options = LoadOptions(includeMeta: false, inferenceSample: 2)
    let report = try f.loadLines(#"{"a":1}"# + "\n" + #"{"a":2}"# + "\n" + #"{"a":3,"z":1.5}"# + "\n" + #"{"y":"t","a":4}"# + "\n" + #"{"a":5}"# + "\n", options: options)
    #expect(report.columnsAdded == ["z", "y"] && report.tableCreated && report.rowsInserted == 5)
    #expect(try f.rows("SELECT a, z, y FROM t ORDER BY a") == [
      ["1", nil, nil], ["2", nil, nil], ["3", "1.5", nil], ["4", nil, "t"], ["5", nil, nil],
    ])
    // A second run into the existing table maps every key to the same column.
    try f.loadLines(#"{"y":"u","a":6,"z":2.5}"# + "\n", options: options)
    #expect(try f.rows("SELECT a, z, y FROM t WHERE a = 6") == [["6", "2.5", "u"]])
  }

  @Test(arguments: Backend.available)
  func storesNumbersExactlyOrRefuses(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.load(try records(#"{"x":1.5,"n":1}"#), options: Self.noMeta)
    try f.load(try records(#"{"x":0.30000000000000004,"n":1e3}"#), options: Self.noMeta)
    #expect(try f.rows("SELECT x, n FROM t ORDER BY x") == [["0.30000000000000004", "1000"], ["1.5", "1"]])
    // 17 significant digits no double keeps: refused (with --no-alter, which in PostgreSQL
    // would otherwise widen the column to NUMERIC), and nothing of the run is stored.
    var noAlter = Self.noMeta
    noAlter.write.alter = false
    #expect(throws: PLError.self) { try f.load(try records(#"{"x":2.5}"#, #"{"x":0.10000000000000000001}"#), options: noAlter) }
    #expect(try f.rows("SELECT count(*) FROM t") == [["2"]])
    switch backend {
    case .sqlite:
      #expect(throws: PLError.self) { try f.load(try records(#"{"x":0.10000000000000000001}"#), options: Self.noMeta) }
    case .postgres:
      let report = try f.load(try records(#"{"x":2.5}"#, #"{"x":0.10000000000000000001}"#), options: Self.noMeta)
      #expect(report.columnsWidened == ["x"])
      #expect(try f.rows("SELECT x::text FROM t ORDER BY x") == [["0.10000000000000000001"], ["0.30000000000000004"], ["1.5"], ["2.5"]])
    }
  }

  @Test(arguments: Backend.available)
  func quotesNames(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let table = #"lab "results"; DROP TABLE x; --"#
    let record = Record([("select", .integer(1)), ("Protein (%)", .number("12.5")), (#"x"; DROP TABLE results; --"#, .string("ok"))])
    try f.load([record, record], table: table, options: Self.noMeta)
    let names = try f.schemaOf(table).map { $0.split(separator: " ").dropLast().joined(separator: " ") }
    #expect(names.map { $0.replacingOccurrences(of: " DOUBLE", with: "") } == ["select", "Protein (%)", #"x"; DROP TABLE results; --"#])
    let quoted = PostgresConnection.quoteIdentifier(table)
    #expect(try f.rows("SELECT \"select\", \"Protein (%)\", \"x\"\"; DROP TABLE results; --\" FROM \(quoted)") == Array(repeating: ["1", "12.5", "ok"], count: 2))
  }

  @Test(arguments: Backend.available)
  func storesNestedValuesAndMetadataAsJSON(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.loadLines(#"{"j":{"k":[1,"v"]},"_pl":{"source":"a.csv","line":2}}"# + "\n")
    let expected: [[String?]] =
      backend == .sqlite
      ? [[#"{"k":[1,"v"]}"#, #"{"source":"a.csv","line":2}"#]] : [[#"{"k": [1, "v"]}"#, #"{"line": 2, "source": "a.csv"}"#]]
    #expect(try f.rows("SELECT j, _pl FROM t") == expected)
  }

  @Test(arguments: Backend.available)
  func emptyInputCreatesNothing(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let report = try f.loadLines("")
    #expect(report.rowsInserted == 0 && !report.tableCreated)
    #expect(try !f.exists("t"))
  }

  @Test(arguments: Backend.available)
  func aCutStreamRollsBack(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.loadLines(#"{"a":0}"# + "\n", options: Self.noMeta)
    let cut = (1...3000).map { #"{"a":\#($0)}"# }.joined(separator: "\n") + "\n!pl-abort pl-extract: late.csv: line 3002: bad\n"
    #expect(throws: PLError.self) { try f.loadLines(cut, options: Self.noMeta) }
    #expect(try f.rows("SELECT count(*) FROM t") == [["1"]])
    #expect(throws: PLError.self) { try f.loadLines(cut, table: "fresh", options: Self.noMeta) }
    #expect(try !f.exists("fresh"))
  }

  @Test(arguments: Backend.available)
  func aBadLineRollsBack(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.loadLines(#"{"a":0}"# + "\n", options: Self.noMeta)
    #expect(throws: PLError.self) { try f.loadLines(#"{"a":1}"# + "\n" + #"{"a":2,}"# + "\n", options: Self.noMeta) }
    #expect(try f.rows("SELECT count(*) FROM t") == [["1"]])
  }

  @Test(arguments: Backend.available)
  func roundTripsNastyText(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let texts = [
      "back\\slash", "tab\there", "line\nbreak", "cr\rhere", "\\N", "\\.", "\\", "end\\", "\t\n\r\\", "\"quoted\"",
      "µg/100 g", "😀", "", " ", "a\u{1}b", "\\t literally",
    ]
    var lines = ""
    for (i, text) in texts.enumerated() {
      lines += JSONWriter.string(.object([Field("i", .integer(i)), Field("s", .string(text)), Field("j", .array([.string(text)]))])) + "\n"
    }
    // Also as plain records written one by one (the record path) into a second table.
    try f.loadLines(lines, options: Self.noMeta)
    try f.load(texts.enumerated().map { Record([("i", .integer($0.offset)), ("s", .string($0.element))]) }, table: "r", options: Self.noMeta)
    let stored = try f.rows("SELECT s FROM t ORDER BY i").map { $0[0] }
    #expect(stored == texts)
    #expect(try f.rows("SELECT s FROM r ORDER BY i").map { $0[0] } == texts)
    let nested = try f.rows("SELECT j FROM t ORDER BY i").map { $0[0] ?? "" }
    #expect(nested.count == texts.count)
    for (json, text) in zip(nested, texts) {
      let parsed = try JSONParser.parseValue(json)
      #expect(parsed == .array([.string(text)]))
    }
  }
}
