import Foundation
import PLCore
import PLLoad
import PLPostgres
import Testing

/// What only PostgreSQL does: strict types, case-sensitive and length-limited names, the
/// server's own errors and exit statuses, the staged path, passwords. Runs when
/// `PL_TEST_PG_URL` names a test server (`make test` starts one).
@Suite(.enabled(if: testPostgresURL != nil, "PL_TEST_PG_URL is not set: make test starts a PostgreSQL server"))
struct PostgresSinkTests {
  static let noMeta = LoadOptions(includeMeta: false)

  func fixture() throws -> LoadFixture { try LoadFixture(.postgres) }

  func failure(_ body: () throws -> Void) -> PLError? { plError(body) }

  @Test func keysDifferingInCaseGetColumnsOfTheirOwn() throws {
    let f = try fixture()
    let report = try f.load(try records(#"{"A":7,"a":8}"#), options: Self.noMeta)
    #expect(try f.schemaOf() == ["A BIGINT", "a BIGINT"])
    #expect(report.columnsRenamed.isEmpty)
    #expect(try f.rows(#"SELECT "A", a FROM t"#) == [["7", "8"]])
  }

  @Test func longNamesAreShortenedWithoutMerging() throws {
    let f = try fixture()
    let stem = String(repeating: "Protein determined by Kjeldahl ", count: 3)
    let one = stem + "(N x 6.25)", two = stem + "(N x 5.70)"
    let report = try f.load([Record([(one, .integer(1)), (two, .integer(2))])], options: Self.noMeta)
    let columns = try f.schemaOf().map { String($0.dropLast(" BIGINT".count)) }
    #expect(columns.count == 2 && columns[0] != columns[1])
    #expect(columns.allSatisfy { $0.utf8.count <= 63 })
    #expect(columns == [PostgresDialect.shortened(one), PostgresDialect.shortened(two)])
    #expect(report.columnsRenamed.map(\.key) == [one, two])
    // The same keys find the same columns in the next run, one at a time too.
    try f.load([Record([(two, .integer(4))]), Record([(one, .integer(3))])], options: Self.noMeta)
    #expect(try f.rows("SELECT \(columns.map { PostgresConnection.quoteIdentifier($0) }.joined(separator: ", ")) FROM t ORDER BY 1 NULLS LAST") == [
      ["1", "2"], ["3", nil], [nil, "4"],
    ])
  }

  @Test func aMultibyteNameIsCutAtACharacterBoundary() {
    let name = String(repeating: "µ", count: 40)
    let short = PostgresDialect.shortened(name)
    #expect(short.utf8.count <= 63 && short.hasPrefix(String(repeating: "µ", count: 23)))
    #expect(PostgresDialect.shortened("short") == "short")
  }

  @Test(arguments: [
    ("BIGINT", #"{"x":1.5}"#), ("BIGINT", #"{"x":"5"}"#), ("BIGINT", #"{"x":9223372036854775808}"#),
    ("INTEGER", #"{"x":3000000000}"#), ("SMALLINT", #"{"x":40000}"#),
    ("DOUBLE PRECISION", #"{"x":0.10000000000000000001}"#), ("REAL", #"{"x":16777217}"#),
    ("NUMERIC(6,2)", #"{"x":1.234}"#), ("BOOLEAN", #"{"x":1}"#), ("BOOLEAN", #"{"x":"true"}"#),
    ("BIGINT", #"{"x":{"a":1}}"#), ("TEXT", #"{"x":"nul\u0000inside"}"#),
  ])
  func refusesValuesAColumnWouldChange(type: String, line: String) throws {
    let f = try fixture()
    try f.execute("CREATE TABLE t (x \(type))")
    // --no-alter: numbers would otherwise widen the number columns (PostgresWideningTests).
    var options = Self.noMeta
    options.write.alter = false
    let error = failure { try f.loadLines(line + "\n", options: options) }
    #expect(error?.exitStatus == .qualityGate, "\(String(describing: error))")
    #expect(error?.description.contains(": line 1 (field \"x\")") == true, "\(String(describing: error))")
    #expect(try f.rows("SELECT count(*) FROM t") == [["0"]])
  }

  @Test(arguments: [
    ("BIGINT", #"{"x":1e3}"#, "1000"), ("BIGINT", #"{"x":true}"#, "1"), ("INTEGER", #"{"x":-2147483648}"#, "-2147483648"),
    ("REAL", #"{"x":0.5}"#, "0.5"), ("NUMERIC(6,2)", #"{"x":1.5}"#, "1.50"), ("NUMERIC", #"{"x":1E400}"#, "1" + String(repeating: "0", count: 400)),
    ("TEXT", #"{"x":12.30}"#, "12.30"), ("TEXT", #"{"x":true}"#, "true"), ("JSONB", #"{"x":"a"}"#, #""a""#),
    ("DATE", #"{"x":"2024-03-04"}"#, "2024-03-04"), ("VARCHAR(3)", #"{"x":"abc"}"#, "abc"),
  ])
  func storesValuesThatFitAsTheyCame(type: String, line: String, stored: String) throws {
    let f = try fixture()
    try f.execute("CREATE TABLE t (x \(type))")
    try f.loadLines(line + "\n", options: Self.noMeta)
    try f.load([try JSONParser.parseRecord(line)], options: Self.noMeta)
    #expect(try f.rows("SELECT x::text FROM t") == [[stored], [stored]])
  }

  @Test func theServerRefusingARowNamesTheRecord() throws {
    let f = try fixture()
    try f.execute("CREATE TABLE t (x VARCHAR(3), d DATE)")
    let lines = #"{"x":"abc","d":"2024-01-01"}"# + "\n" + #"{"x":"ab","d":"2024-02-30"}"# + "\n"
    let error = failure { try f.loadLines(lines, options: Self.noMeta) }
    #expect(error?.exitStatus == .qualityGate)
    #expect(error?.description.contains(": line 2 (field \"d\")") == true, "\(String(describing: error))")
    #expect(try f.rows("SELECT count(*) FROM t") == [["0"]])
  }

  @Test func aConstraintRollsTheLoadBack() throws {
    let f = try fixture()
    try f.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, note TEXT NOT NULL DEFAULT 'none')")
    try f.loadLines(#"{"id":1}"# + "\n", options: Self.noMeta)
    let error = failure { try f.loadLines(#"{"id":2}"# + "\n" + #"{"id":1}"# + "\n", options: Self.noMeta) }
    #expect(error?.exitStatus == .qualityGate, "\(String(describing: error))")
    #expect(try f.rows("SELECT id, note FROM t") == [["1", "none"]])
  }

  @Test func theStagedPathLoadsTheSameRows() throws {
    let f = try fixture()
    guard case .postgres(let target) = f.target else { return }
    for path in [PostgresSink.Path.staged, .direct] {
      let sink = try PostgresSink(target: target, table: "t", options: LoadOptions(inferenceSample: 2), path: path)
      for line in [#"{"a":1}"#, #"{"a":2,"b":"x\ty"}"#, #"{"a":3,"c":{"k":true}}"#, #"{"c":null,"a":4}"#] {
        try sink.write(try JSONParser.parseRecord(line))
      }
      try sink.finish()
      #expect(sink.report.rowsInserted == 4)
    }
    #expect(try f.rows("SELECT a, b, c::text FROM t ORDER BY a") == [
      ["1", nil, nil], ["1", nil, nil], ["2", "x\ty", nil], ["2", "x\ty", nil], ["3", nil, #"{"k": true}"#],
      ["3", nil, #"{"k": true}"#], ["4", nil, nil], ["4", nil, nil],
    ])
  }

  @Test func aMissingSchemaIsRefusedBeforeReading() throws {
    guard let url = testPostgresURL else { return }
    let error = failure { _ = try PostgresSink(target: PostgresTarget(connectionString: url, schema: "no_such_schema"), table: "t") }
    #expect(error?.exitStatus == .cannotCreate)
    #expect(error?.description.contains("the schema \"no_such_schema\" does not exist") == true)
  }

  @Test(arguments: [
    ("postgres://pl@127.0.0.1:1/pl_test", "cannot connect"),
    ("/no_such_database", "cannot connect"),
    ("?user=no_such_role", "cannot connect"),
  ])
  func anUnreachableDatabaseIsUnavailable(suffix: String, message: String) throws {
    guard let url = testPostgresURL else { return }
    let target = suffix.hasPrefix("postgres://") ? suffix : suffix.hasPrefix("/") ? url.replacingOccurrences(of: "/pl_test", with: suffix) : url + suffix
    let error = failure { _ = try PostgresSink(target: PostgresTarget(connectionString: target), table: "t") }
    #expect(error?.exitStatus == .unavailable, "\(String(describing: error))")
    #expect(error?.description.contains(message) == true, "\(String(describing: error))")
  }

  @Test func aBadURLIsAUsageError() {
    let error = failure { _ = try PostgresSink(target: PostgresTarget(connectionString: "postgres://h:notaport:5/db?nonsense=1"), table: "t") }
    #expect(error?.exitStatus == .usage, "\(String(describing: error))")
  }

  @Test func thePasswordComesFromItsFileAndIsNeverShown() throws {
    let environment = ProcessInfo.processInfo.environment
    guard let url = environment["PL_TEST_PG_PASSWORD_URL"], let file = environment["PL_TEST_PG_PASSWORD_FILE"] else { return }
    let directory = try TemporaryDirectory()
    let wrong = directory.file("wrong")
    try "not-the-password\n".write(toFile: wrong, atomically: true, encoding: .utf8)
    let refused = failure { _ = try PostgresSink(target: PostgresTarget(connectionString: url, passwordFile: wrong), table: "t") }
    #expect(refused?.exitStatus == .unavailable)
    #expect(refused?.description.contains("not-the-password") == false)
    let sink = try PostgresSink(target: PostgresTarget(connectionString: url, passwordFile: file), table: "pw_\(UUID().uuidString.prefix(8))")
    sink.abort()
    let missing = failure { _ = try PostgresSink(target: PostgresTarget(connectionString: url, passwordFile: directory.file("none")), table: "t") }
    #expect(missing?.exitStatus == .noInput)
  }

  @Test func aURLPasswordIsNeverShown() {
    let target = PostgresTarget(connectionString: "postgres://u:s3cret@h:5/db?sslmode=require&password=s3cret")
    #expect(target.displayName == "postgres://u@h:5/db?sslmode=require")
    #expect(target.urlHasPassword)
    #expect(!PostgresTarget(connectionString: "postgres://u@h/db").urlHasPassword)
  }

  @Test func aLockedTableIsATemporaryFailure() throws {
    let f = try fixture()
    try f.execute("CREATE TABLE t (a BIGINT)")
    guard let url = testPostgresURL else { return }
    let holder = try PostgresConnection(connectionString: url)
    try holder.execute("BEGIN; LOCK TABLE \(f.schema).t IN ACCESS EXCLUSIVE MODE")
    let error = failure {
      _ = try PostgresSink(target: PostgresTarget(connectionString: url, schema: f.schema), table: "t", options: LoadOptions(lockTimeout: .milliseconds(200)))
    }
    try holder.execute("ROLLBACK")
    #expect(error?.exitStatus == .tempFail, "\(String(describing: error))")
    #expect(error?.description.contains("try again later") == true)
  }

  @Test func aLongLoadStreamsInBlocks() throws {
    let f = try fixture()
    // About 6 MiB of rows: several COPY blocks, a column joining in the middle.
    var text = ""
    for i in 0..<60_000 {
      text += i == 30_000 ? #"{"i":\#(i),"s":"\#(String(repeating: "x", count: 80))","late":true}"# : #"{"i":\#(i),"s":"\#(String(repeating: "x", count: 80))"}"#
      text += "\n"
    }
    let report = try f.loadLines(text, options: LoadOptions(includeMeta: false, inferenceSample: 10))
    #expect(report.rowsInserted == 60_000 && report.columnsAdded == ["late"])
    #expect(try f.rows("SELECT count(*), sum(i), count(late) FROM t") == [["60000", "1799970000", "1"]])
  }
}
