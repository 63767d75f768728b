import Foundation
import PLCore
import PLLoad
import PLPostgres
import Testing

/// A number that an integer or floating-point column cannot hold unchanged widens the column
/// to NUMERIC (schema drift, like a new key's new column), on every path rows take: parsed
/// records and compact lines, the direct COPY and the staging table. Runs when `PL_TEST_PG_URL`
/// names a test server (`make test` starts one).
@Suite(.enabled(if: testPostgresURL != nil, "PL_TEST_PG_URL is not set: make test starts a PostgreSQL server"))
struct PostgresWideningTests {
  static let noMeta = LoadOptions(includeMeta: false)

  static var noAlter: LoadOptions {
    var options = LoadOptions(includeMeta: false)
    options.write.alter = false
    return options
  }

  func failure(_ body: () throws -> Void) -> PLError? { plError(body) }

  /// 1500 lines whose `x` is a whole number in the first 1200 (the inference sample makes
  /// the column BIGINT) and then fractions, a number beyond 64 bits and trailing zeros: the
  /// value's text, as NUMERIC shows it, for each line.
  static func drifting() -> (text: String, expected: [[String?]]) {
    var text = ""
    var expected: [[String?]] = []
    for i in 0..<1500 {
      let x: String
      switch i {
      case ..<1200: x = String(i % 7)
      case 1200: x = "0.25"
      case 1300: x = "123456789012345678901234567890"
      case 1400: x = "2.50"
      default: x = i % 2 == 0 ? "\(i).125" : String(i)
      }
      text += #"{"i":\#(i),"x":\#(x)}"# + "\n"
      expected.append([String(i), x])
    }
    return (text, expected)
  }

  @Test(arguments: [true, false])
  func aFractionAfterTheSampleWidensTheColumn(compactLines: Bool) throws {
    let f = try LoadFixture(.postgres)
    let (text, expected) = Self.drifting()
    let report: LoadReport
    if compactLines {
      // Through the loader: after the sample, compact lines are written from their bytes.
      report = try f.loadLines(text, options: Self.noMeta)
    } else {
      report = try f.load(try text.split(separator: "\n").map { try JSONParser.parseRecord(String($0)) }, options: Self.noMeta)
    }
    #expect(report.rowsInserted == 1500 && report.tableCreated)
    #expect(report.columnsWidened == ["x"] && report.columnsAdded.isEmpty)
    #expect(try f.schemaOf() == ["i BIGINT", "x NUMERIC"])
    #expect(try f.rows("SELECT i::text, x::text FROM t ORDER BY t.i") == expected)
  }

  @Test(arguments: [PostgresSink.Path.direct, .staged])
  func bothPathsWidenTheColumnAndTheStagingTable(path: PostgresSink.Path) throws {
    let f = try LoadFixture(.postgres)
    guard case .postgres(let target) = f.target else { return }
    let (text, expected) = Self.drifting()
    let sink = try PostgresSink(target: target, table: "t", options: Self.noMeta, path: path)
    for line in text.split(separator: "\n") { try sink.write(try JSONParser.parseRecord(String(line))) }
    try sink.finish()
    #expect(sink.report.columnsWidened == ["x"] && sink.report.rowsInserted == 1500)
    #expect(try f.schemaOf() == ["i BIGINT", "x NUMERIC"])
    #expect(try f.rows("SELECT i::text, x::text FROM t ORDER BY t.i") == expected)
  }

  @Test func aKeyedUpsertWidensThroughTheStagingTable() throws {
    let f = try LoadFixture(.postgres)
    var options = Self.noMeta
    options.write = WriteOptions(key: ["i"])
    let (text, expected) = Self.drifting()
    try f.loadLines(text, options: options)
    // The same keys again with new values: updated in place, the column already NUMERIC.
    let again = (0..<1500).map { #"{"i":\#($0),"x":\#($0 == 10 ? "0.5" : "7")}"# }.joined(separator: "\n") + "\n"
    let report = try f.loadLines(again, options: options)
    #expect(report.rowsUpdated == 1500 && report.columnsWidened.isEmpty)
    #expect(try f.schemaOf() == ["i BIGINT", "x NUMERIC"])
    #expect(try f.rows("SELECT i::text, x::text FROM t ORDER BY t.i").count == expected.count)
    #expect(try f.rows("SELECT x::text, count(*)::text FROM t GROUP BY x ORDER BY x") == [["0.5", "1"], ["7", "1499"]])
    #expect(try f.rows("SELECT count(*)::text FROM pg_index WHERE indrelid = to_regclass('\(f.schema).t') AND indisprimary") == [["1"]])
  }

  @Test func aKeyedLoadWidensTheKeyColumnToo() throws {
    let f = try LoadFixture(.postgres)
    var options = Self.noMeta
    options.write = WriteOptions(key: ["k"])
    try f.loadLines(#"{"k":1,"v":"a"}"# + "\n" + #"{"k":2,"v":"b"}"# + "\n", options: options)
    let report = try f.loadLines(#"{"k":2,"v":"c"}"# + "\n" + #"{"k":2.5,"v":"d"}"# + "\n", options: options)
    #expect(report.columnsWidened == ["k"] && report.rowsInserted == 1 && report.rowsUpdated == 1)
    #expect(try f.schemaOf() == ["k NUMERIC", "v TEXT"])
    #expect(try f.rows("SELECT k::text, v FROM t ORDER BY k") == [["1", "a"], ["2", "c"], ["2.5", "d"]])
  }

  @Test func anEarlierLoadsBigintColumnIsWidenedByALaterLoad() throws {
    let f = try LoadFixture(.postgres)
    try f.loadLines(#"{"i":1,"x":2}"# + "\n" + #"{"i":2,"x":-9223372036854775808}"# + "\n", options: Self.noMeta)
    #expect(try f.schemaOf() == ["i BIGINT", "x BIGINT"])
    let report = try f.loadLines(#"{"i":3,"x":1.5}"# + "\n" + #"{"i":4,"x":3}"# + "\n", options: Self.noMeta)
    #expect(report.columnsWidened == ["x"] && report.columnsAdded.isEmpty && !report.tableCreated)
    #expect(try f.schemaOf() == ["i BIGINT", "x NUMERIC"])
    #expect(try f.rows("SELECT x::text FROM t ORDER BY i") == [["2"], ["-9223372036854775808"], ["1.5"], ["3"]])
  }

  @Test func storedDoublesKeepEveryDigitWhenWidened() throws {
    let f = try LoadFixture(.postgres)
    // The server's own cast from double keeps 15 digits (0.30000000000000004 would become 0.3).
    try f.loadLines(#"{"i":1,"x":0.30000000000000004}"# + "\n" + #"{"i":2,"x":1e300}"# + "\n" + #"{"i":3,"x":-2.5e-300}"# + "\n", options: Self.noMeta)
    #expect(try f.schemaOf() == ["i BIGINT", "x DOUBLE PRECISION"])
    let report = try f.loadLines(#"{"i":4,"x":0.10000000000000000001}"# + "\n", options: Self.noMeta)
    #expect(report.columnsWidened == ["x"])
    #expect(try f.schemaOf() == ["i BIGINT", "x NUMERIC"])
    #expect(try f.rows("SELECT x::text FROM t WHERE i IN (1, 4) ORDER BY i") == [["0.30000000000000004"], ["0.10000000000000000001"]])
    #expect(try f.rows("SELECT (x = 1e300::numeric)::text FROM t WHERE i = 2") == [["true"]])
    #expect(try f.rows("SELECT (x = -2.5e-300::numeric)::text FROM t WHERE i = 3") == [["true"]])
  }

  @Test(arguments: [
    ("BIGINT", #"{"x":1.5}"#, "1.5"), ("BIGINT", #"{"x":9223372036854775808}"#, "9223372036854775808"),
    ("INTEGER", #"{"x":3000000000}"#, "3000000000"), ("SMALLINT", #"{"x":40000}"#, "40000"),
    ("DOUBLE PRECISION", #"{"x":0.10000000000000000001}"#, "0.10000000000000000001"), ("REAL", #"{"x":16777217}"#, "16777217"),
    ("BIGINT", #"{"x":1E400}"#, "1" + String(repeating: "0", count: 400)),
  ])
  func numbersAColumnCannotHoldWidenIt(type: String, line: String, stored: String) throws {
    let f = try LoadFixture(.postgres)
    try f.execute("CREATE TABLE t (x \(type))")
    let report = try f.loadLines(line + "\n", options: Self.noMeta)
    #expect(report.columnsWidened == ["x"])
    #expect(try f.schemaOf() == ["x NUMERIC"])
    #expect(try f.rows("SELECT x::text FROM t") == [[stored]])
  }

  @Test func aPlainDecimalStringWidensOnlyWithDetectTypes() throws {
    let f = try LoadFixture(.postgres)
    try f.execute("CREATE TABLE t (x BIGINT)")
    let error = failure { try f.loadLines(#"{"x":"0.25"}"# + "\n", options: Self.noMeta) }
    #expect(error?.exitStatus == .qualityGate, "\(String(describing: error))")
    #expect(try f.schemaOf() == ["x BIGINT"])
    let report = try f.loadLines(#"{"x":"0.25"}"# + "\n", options: LoadOptions(includeMeta: false, detectTypes: true))
    #expect(report.columnsWidened == ["x"])
    #expect(try f.rows("SELECT x::text FROM t") == [["0.25"]])
  }

  @Test(arguments: [
    ("BIGINT", #"{"x":"n.d."}"#), ("BIGINT", #"{"x":{"a":1}}"#), ("NUMERIC(6,2)", #"{"x":1.234}"#), ("BOOLEAN", #"{"x":0.5}"#),
    ("NUMERIC", #"{"x":1E200000}"#),
  ])
  func otherValuesStillRefuseTheLoad(type: String, line: String) throws {
    let f = try LoadFixture(.postgres)
    try f.execute("CREATE TABLE t (x \(type))")
    let error = failure { try f.loadLines(line + "\n", options: Self.noMeta) }
    #expect(error?.exitStatus == .qualityGate, "\(String(describing: error))")
    #expect(error?.description.contains(": line 1 (field \"x\")") == true, "\(String(describing: error))")
    #expect(error?.description.contains("--no-alter") == false)
    #expect(try f.schemaOf() == ["x \(type)"])
  }

  @Test(arguments: [true, false])
  func noAlterRefusesNamingTheField(compactLines: Bool) throws {
    let f = try LoadFixture(.postgres)
    try f.loadLines(#"{"i":1,"x":2}"# + "\n", options: Self.noMeta)
    let text = #"{"i":2,"x":3}"# + "\n" + #"{"i":3,"x":0.25}"# + "\n"
    let error = failure {
      if compactLines {
        try f.loadLines(text, options: Self.noAlter)
      } else {
        try f.load(try records(#"{"i":2,"x":3}"#, #"{"i":3,"x":0.25}"#), options: Self.noAlter)
      }
    }
    // A refused record, as any value that does not fit: exit 1, or set aside with --rejects.
    let message = error?.description ?? ""
    #expect(error?.exitStatus == .qualityGate, "\(message)")
    if compactLines { #expect(message.contains(": line 2 (field \"x\")"), "\(message)") }
    #expect(
      message.contains("0.25 does not fit column x (bigint): it cannot be stored there unchanged, and --no-alter forbids widening the column to NUMERIC"),
      "\(message)")
    #expect(try f.schemaOf() == ["i BIGINT", "x BIGINT"])
    #expect(try f.rows("SELECT i::text, x::text FROM t") == [["1", "2"]])
  }

  @Test func aColumnASchemaFileDeclaresIsNotWidened() throws {
    let f = try LoadFixture(.postgres)
    var options = Self.noMeta
    options.write = WriteOptions(schema: TableSchema(fields: [TableSchema.Field(name: "x", type: .integer)]))
    try f.loadLines(#"{"x":1}"# + "\n", options: options)
    let error = failure { try f.loadLines(#"{"x":1.5}"# + "\n", options: options) }
    #expect(error?.exitStatus == .qualityGate, "\(String(describing: error))")
    #expect(try f.schemaOf() == ["x BIGINT"])
  }

  @Test func aColumnAViewUsesCannotBeWidened() throws {
    let f = try LoadFixture(.postgres)
    try f.execute("CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (1); CREATE VIEW v AS SELECT x FROM t")
    let error = failure { try f.loadLines(#"{"x":2}"# + "\n" + #"{"x":0.5}"# + "\n", options: Self.noMeta) }
    #expect(error?.exitStatus == .cannotCreate, "\(String(describing: error))")
    #expect(error?.description.contains("table \(f.schema).t: cannot widen column x to NUMERIC: cannot alter type of a column used by a view") == true)
    #expect(try f.schemaOf() == ["x BIGINT"])
    #expect(try f.rows("SELECT x::text FROM t") == [["1"]])
  }

  @Test func replaceTableWidensTheNewTable() throws {
    let f = try LoadFixture(.postgres)
    var options = Self.noMeta
    options.write = WriteOptions(mode: .replaceTable)
    options.inferenceSample = 2
    try f.loadLines(#"{"x":1}"# + "\n", options: options)
    let report = try f.loadLines(#"{"x":1}"# + "\n" + #"{"x":2}"# + "\n" + #"{"x":2.75}"# + "\n", options: options)
    #expect(report.columnsWidened == ["x"])
    #expect(try f.schemaOf() == ["x NUMERIC"])
    #expect(try f.rows("SELECT x::text FROM t ORDER BY x") == [["1"], ["2"], ["2.75"]])
  }

  @Test func rejectsAndBatchesKeepWorkingAcrossAWidening() throws {
    let f = try LoadFixture(.postgres)
    guard case .postgres(let target) = f.target else { return }
    let rejects = f.directory.file("rejects.ndjson")
    var text = ""
    for i in 0..<30 {
      let x = i == 12 ? "\"n.d.\"" : i == 20 ? "0.75" : String(i)
      text += #"{"i":\#(i),"x":\#(x)}"# + "\n"
    }
    let input = f.directory.file("in.ndjson")
    try text.write(toFile: input, atomically: true, encoding: .utf8)
    let options = LoadOptions(includeMeta: false, inferenceSample: 5)
    let run = LoadRunOptions(rejectsPath: rejects, maxRejects: nil, batchSize: 7)
    let report = try Loader(plan: LoadPlan(target: .postgres(target), table: "t", inputs: [input], options: options), run: run).run(observer: nil)
    #expect(report.columnsWidened == ["x"] && report.rowsInserted == 29)
    #expect(try f.schemaOf() == ["i BIGINT", "x NUMERIC"])
    #expect(try f.rows("SELECT x::text FROM t WHERE i IN (11, 13, 20, 21) ORDER BY i") == [["11"], ["13"], ["0.75"], ["21"]])
    let rejected = try String(contentsOfFile: rejects, encoding: .utf8)
    #expect(rejected.hasPrefix(#"{"i":12,"x":"n.d.""#), "\(rejected)")
  }
}
