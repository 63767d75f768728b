import Foundation
import PLCore
import PLLoad
import Testing

extension LoadFixture {
  /// Writes `text` to a new input file and returns its path.
  func input(_ text: String, name: String? = nil) throws -> String {
    let path = directory.file(name ?? "in-\(UUID().uuidString).ndjson")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Loads `inputs` through the `Loader` with `run`; returns the loader (for its counts).
  @discardableResult
  func run(
    _ inputs: [String], table: String = "t", options: LoadOptions = LoadOptions(includeMeta: false), run: LoadRunOptions
  ) throws -> Loader {
    let loader = Loader(plan: LoadPlan(target: target, table: table, inputs: inputs, options: options), run: run)
    _ = try loader.run(observer: nil)
    return loader
  }

  /// A table with a NOT NULL, a unique and a CHECK constraint, in each database's words.
  func createConstrainedTable() throws {
    let integer = backend == .sqlite ? "INTEGER" : "BIGINT"
    try execute("CREATE TABLE t (a \(integer) NOT NULL, b TEXT UNIQUE CHECK (b <> 'bad'))")
  }

  func count(_ table: String = "t") throws -> String? { try rows("SELECT count(*) FROM \(table)")[0][0] }
}

/// The lines of a rejects file, parsed.
func rejected(_ path: String) throws -> [Record] {
  try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parseRecord(String($0)) }
}

/// The `code` of each `_pl.errors` entry of `record`.
func errorCodes(_ record: Record) -> [String] {
  guard case .array(let errors)? = record.meta[key: MetaKey.errors] else { return [] }
  return errors.compactMap { error in
    if case .object(let members) = error { return members[key: "code"]?.stringValue }
    return nil
  }
}

/// Rejects, batches, the ledger, skipped sources and flattened metadata: the same on both
/// databases.
@Suite struct LoadRunTests {
  /// A type mismatch, a NOT NULL, a unique and a CHECK violation among good records.
  static let mixed = [
    #"{"a":1,"b":"x"}"#, #"{"a":"007","b":"y"}"#, "", #"{"a":null,"b":"z"}"#, #"{"a":4,"b":"x"}"#,
    #"{"a":5,"b":"bad","_pl":{"source":"orig.csv","line":7}}"#, #"{"a":6,"b":"ok"}"#,
  ].joined(separator: "\n") + "\n"

  @Test(arguments: Backend.available)
  func aRefusedRecordRollsTheLoadBackAndIsNamed(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.createConstrainedTable()
    try f.execute("INSERT INTO t VALUES (0, 'before')")
    let input = try f.input(#"{"a":1,"b":"x"}"# + "\n\n" + #"{"a":null,"b":"y"}"# + "\n", name: "in.ndjson")
    do {
      try f.run([input], run: LoadRunOptions())
      Issue.record("the load should have failed")
    } catch let error as PLError {
      #expect(error.exitStatus == .qualityGate)
      #expect(error.description.contains("in.ndjson: line 3"))
      #expect(error.description.lowercased().contains("null"))
    }
    #expect(try f.rows("SELECT a, b FROM t") == [["0", "before"]])
  }

  @Test(arguments: Backend.available)
  func refusedRecordsGoToTheRejectsFileAsTheyCame(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.createConstrainedTable()
    let input = try f.input(Self.mixed)
    let rejects = f.directory.file("rejects.ndjson")
    let loader = try f.run([input], run: LoadRunOptions(rejectsPath: rejects))
    #expect(try f.rows("SELECT a, b FROM t ORDER BY a") == [["1", "x"], ["6", "ok"]])
    let refused = try rejected(rejects)
    #expect(refused.map { $0["a"] } == [.string("007"), .null, .integer(4), .integer(5)])
    #expect(refused.map(errorCodes) == [["type-error"], ["constraint-error"], ["unique-error"], ["constraint-error"]])
    // The record's own metadata stays, with the errors added.
    #expect(refused[3].meta[key: MetaKey.source] == .string("orig.csv"))
    #expect(loader.recordsRead == 6 && loader.control?.rejects.count == 4)
  }

  @Test(arguments: Backend.available)
  func tooManyRejectsRollBackAndTheFileKeepsThemAll(backend: Backend) throws {
    let f = try LoadFixture(backend)
    try f.createConstrainedTable()
    let input = try f.input(Self.mixed)
    let rejects = f.directory.file("rejects.ndjson")
    do {
      try f.run([input], run: LoadRunOptions(rejectsPath: rejects, maxRejects: .count(3)))
      Issue.record("the load should have failed")
    } catch let error as PLError {
      #expect(error.exitStatus == .qualityGate)
    }
    #expect(try f.count() == "0")
    #expect(try rejected(rejects).count == 4)
    // 4 of 6 is under 70 % and over 50 %.
    #expect(throws: PLError.self) { try f.run([input], run: LoadRunOptions(rejectsPath: rejects, maxRejects: .percent(50))) }
    #expect(try f.count() == "0")
    try f.run([input], run: LoadRunOptions(rejectsPath: rejects, maxRejects: .percent(70)))
    #expect(try f.count() == "2")
  }

  /// Refused rows deep inside a COPY of several blocks: every other row is stored, each refused
  /// one is set aside once (PostgreSQL sends the segment again without them).
  @Test(arguments: Backend.available)
  func refusedRowsAmongManyAreFoundOneByOne(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let integer = backend == .sqlite ? "INTEGER" : "BIGINT"
    try f.execute("CREATE TABLE t (n \(integer) NOT NULL, s TEXT UNIQUE, p TEXT)")
    let bad: Set<Int> = [1, 777, 30000, 30001, 59999, 60000]
    var lines = ""
    for n in 1...60000 {
      // A duplicate of an earlier row's s: refused by the unique constraint.
      let s = bad.contains(n) && n > 1 ? "row 2" : "row \(n)"
      let p = "some padding to fill the blocks faster"
      lines += n == 1 ? #"{"n":null,"s":"first","p":"\#(p)"}"# + "\n" : #"{"n":\#(n),"s":"\#(s)","p":"\#(p)"}"# + "\n"
    }
    let rejects = f.directory.file("rejects.ndjson")
    let loader = try f.run([try f.input(lines)], run: LoadRunOptions(rejectsPath: rejects))
    #expect(try f.count() == String(60000 - bad.count))
    #expect(try rejected(rejects).map { $0["n"] } == bad.sorted().map { $0 == 1 ? .null : .integer($0) })
    #expect(loader.control?.rejects.count == bad.count)
  }

  @Test(arguments: Backend.available)
  func batchesStayCommittedWhenALaterOneFails(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let good = (1...25).map { #"{"n":\#($0)}"# }.joined(separator: "\n")
    let input = try f.input(good + "\n" + #"{"n":"# + "\n")
    do {
      try f.run([input], run: LoadRunOptions(batchSize: 10))
      Issue.record("the load should have failed")
    } catch let error as PLError {
      #expect(error.description.contains("batch 3 was rolled back to the last committed batch: 20 records committed in 2 batches"))
    }
    #expect(try f.count() == "20")
    // Whole batches commit as they fill; the last one at the end.
    let loader = try f.run([try f.input(good + "\n")], table: "u", run: LoadRunOptions(batchSize: 10))
    #expect(try f.count("u") == "25")
    #expect(loader.control?.batchesAtEnd == 3)
  }

  /// An upsert committed in batches ends as one run would: each batch's rows merged by key
  /// before its commit, repeats across batches updating, and the counts adding up.
  @Test(arguments: Backend.available)
  func anUpsertInBatchesMergesEachBatchByKey(backend: Backend) throws {
    let f = try LoadFixture(backend)
    var options = LoadOptions(includeMeta: false, inferenceSample: 4)
    options.write = WriteOptions(mode: nil, key: ["id"], alter: true, schema: nil)
    // 1…12 with protein, then 7…18 with fat only (7…12 repeat in later batches and in one batch).
    let lines = (1...12).map { #"{"id":\#($0),"protein":\#($0).5}"# } + (7...18).map { #"{"id":\#($0),"fat":0.\#($0)}"# }
    let loader = Loader(
      plan: LoadPlan(target: f.target, table: "t", inputs: [try f.input(lines.joined(separator: "\n") + "\n")], options: options),
      run: LoadRunOptions(batchSize: 5))
    let report = try loader.run(observer: nil)
    #expect(report.rowsInserted == 18 && report.rowsUpdated == 6)
    #expect(try f.count() == "18")
    #expect(try f.rows("SELECT protein, fat FROM t WHERE id = 9") == [["9.5", "0.9"]])
    #expect(try f.rows("SELECT protein, fat FROM t WHERE id = 3") == [["3.5", nil]])
    #expect(try f.rows("SELECT protein, fat FROM t WHERE id = 15") == [[nil, "0.15"]])
  }

  @Test(arguments: Backend.available)
  func theLedgerRecordsCommittedAndRolledBackRuns(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let archive = f.directory.file("lab.zip")
    try "zip bytes".write(toFile: archive, atomically: true, encoding: .utf8)
    let meta = JSONWriter.string(.string(archive + "!results.csv"))
    let input = try f.input(#"{"n":1,"_pl":{"source":"# + meta + #","line":2}}"# + "\n" + #"{"n":2}"# + "\n", name: "in.ndjson")
    let run = LoadRunOptions(ledger: true, toolVersion: "9.9", commandLine: "pl-load db -t t in.ndjson")
    try f.run([input], options: LoadOptions(), run: run)
    #expect(throws: PLError.self) { try f.run([try f.input(#"{"n":"#)], options: LoadOptions(), run: run) }
    let rows = try f.rows(
      "SELECT table_name, status, records_read, records_inserted, records_rejected, records_skipped, tool_version, command_line FROM _pl_loads ORDER BY started_at")
    #expect(rows == [
      ["t", "committed", "2", "2", "0", "0", "9.9", "pl-load db -t t in.ndjson"],
      ["t", "rolled_back", "0", "0", "0", "0", "9.9", "pl-load db -t t in.ndjson"],
    ])
    let sources = try JSONParser.parseValue(try f.rows("SELECT sources FROM _pl_loads WHERE status = 'committed'")[0][0] ?? "")
    guard case .array(let list) = sources else {
      Issue.record("sources is not an array")
      return
    }
    let names = list.compactMap { entry -> String? in
      if case .object(let members) = entry { return members[key: "source"]?.stringValue }
      return nil
    }
    #expect(names.sorted() == [archive, input].sorted())
    let hashes = list.compactMap { entry -> String? in
      if case .object(let members) = entry { return members[key: "sha256"]?.stringValue }
      return nil
    }
    #expect(hashes.count == 2 && hashes.allSatisfy { $0.count == 64 })
  }

  @Test(arguments: Backend.available)
  func skipLoadedPassesOverLoadedSources(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let first = try f.input(#"{"n":1}"# + "\n" + #"{"n":2}"# + "\n")
    let second = try f.input(#"{"n":3}"# + "\n")
    var run = LoadRunOptions(ledger: true, skipLoaded: true)
    var notes: [String] = []
    let loader = Loader(plan: LoadPlan(target: f.target, table: "t", inputs: [first], options: LoadOptions(includeMeta: false)), run: run)
    _ = try loader.run(observer: nil)
    // The nightly re-run, with one new file: only the new file's records are loaded.
    let again = Loader(plan: LoadPlan(target: f.target, table: "t", inputs: [first, second], options: LoadOptions(includeMeta: false)), run: run)
    again.note = { notes.append($0) }
    _ = try again.run(observer: nil)
    #expect(try f.count() == "3")
    #expect(again.recordsSkipped == 2 && again.recordsRead == 3)
    #expect(notes.count == 1 && notes[0].contains("already loaded"))
    // Without --skip-loaded the same file loads again.
    run.skipLoaded = false
    try f.run([first], run: run)
    #expect(try f.count() == "5")
  }

  @Test(arguments: Backend.available)
  func flattenedMetadataBecomesColumns(backend: Backend) throws {
    let f = try LoadFixture(backend)
    let input = try f.input(
      #"{"n":1,"_pl":{"source":"a.xlsx","row":2,"sheet":"S1","notes":["x"]}}"# + "\n" + #"{"n":2,"_pl":{"source":"a.xlsx","row":3,"sheet":"S1"}}"# + "\n")
    try f.run([input], options: LoadOptions(), run: LoadRunOptions(flattenMeta: true))
    #expect(try f.schemaOf().map { $0.split(separator: " ")[0] } == ["n", "_pl_source", "_pl_row", "_pl_sheet", "_pl_rest"])
    let rest = backend == .sqlite ? #"{"notes":["x"]}"# : #"{"notes": ["x"]}"#
    #expect(try f.rows("SELECT n, _pl_source, _pl_row, _pl_sheet, _pl_rest FROM t ORDER BY n") == [
      ["1", "a.xlsx", "2", "S1", rest], ["2", "a.xlsx", "3", "S1", nil],
    ])
  }

  @Test func rejectLimitsParse() {
    #expect(RejectLimit("10") == .count(10))
    #expect(RejectLimit("0.5%") == .percent(0.5))
    #expect(RejectLimit("-1") == nil && RejectLimit("x%") == nil && RejectLimit("101%") == nil)
  }

  @Test func commandLinesLoseTheirPasswords() {
    #expect(
      LoadLedgerEntry.redacted(["pl-load", "postgres://u:secret@h/db", "-t", "t", "a b.ndjson"])
        == "pl-load postgres://u:***@h/db -t t 'a b.ndjson'")
    #expect(LoadLedgerEntry.redacted(["postgres://h/db?password=x&sslmode=require"]) == "postgres://h/db?password=***&sslmode=require")
  }
}
