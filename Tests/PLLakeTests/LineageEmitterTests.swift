import Foundation
import PLCore
import PLLake
import PLTestSupport
import Testing

/// The lineage events of a run, checked against the vendored OpenLineage schema.
@Suite struct LineageEmitterTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let schemaPath = packageRoot.path + "/Tests/Fixtures/openlineage/OpenLineage-2-0-2.json"

  static func checker() throws -> LineageSchemaChecker {
    LineageSchemaChecker(root: try JSONParser.parseValue(String(contentsOfFile: schemaPath, encoding: .utf8)))
  }

  /// A pl-validate `--report` as ValidationReport writes it (trimmed to the members read here).
  static let report = """
    {
      "schema": "lab",
      "counts": {"in": 120, "passed": 117, "rejected": 3, "warned": 4, "add_up": true},
      "rules": [
        {"rule": "sample_id_required", "level": "record", "field": "sample_id", "severity": "error", "check": "required", "evaluated": 120, "failed": 3, "success_percent": 97.5, "status": "fail", "examples": []},
        {"rule": "value_range", "level": "record", "field": "value", "severity": "warn", "check": "0 <= value <= 100", "evaluated": 117, "failed": 4, "success_percent": 96.58, "status": "warned", "examples": []},
        {"rule": "unit_known", "level": "record", "severity": "error", "check": "unit in lexicon", "evaluated": 117, "failed": 0, "success_percent": 100, "status": "pass", "examples": []}
      ],
      "dataset": [
        {"rule": "fresh", "field": "measured_at", "severity": "error", "check": "newest within 2d", "success": true, "observed": "2026-11-29T10:00:00Z", "message": "ok"}
      ]
    }
    """

  static let assertions = [
    LineageQuality.Assertion(assertion: "sample_id_required", success: false, column: "sample_id"),
    LineageQuality.Assertion(assertion: "value_range", success: true, column: "value"),
    LineageQuality.Assertion(assertion: "unit_known", success: true),
    LineageQuality.Assertion(assertion: "fresh", success: true, column: "measured_at"),
  ]

  let run = LineageRun(
    jobName: "pl-promote.silver.results", startedAt: 1_795_000_000.25,
    inputs: [
      LineageRun.Input(name: "bronze/coa/ingest_date=2026-11-18/ab12.csv", sha256: String(repeating: "ab12", count: 16)),
      LineageRun.Input(name: "nir_export.csv", namespace: "file:///srv/inbox"),
    ],
    outputDatasets: ["silver/results"])

  let outputs = [LineageOutput(dataset: "silver/results", parts: ["silver/results/date=2026-11-18/part-1.ndjson.gz", "silver/results/date=2026-11-19/part-1.ndjson.gz"], records: 117, bytes: 40_960)]
  let schema = [LineageField(name: "sample_id", type: "string"), LineageField(name: "value", type: "number|string")]

  func lines(_ path: String) throws -> [JSONValue] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parseValue(String($0)) }
  }

  @Test func aCompletedRunIsTwoValidEvents() throws {
    let dir = try TemporaryDirectory()
    try dir.write("report.json", Self.report)
    let emitter = LineageEmitter(path: dir.file("lineage.ndjson"), namespace: "file:///data/lake")
    try emitter.start(run: run)
    try emitter.complete(run: run, outputs: outputs, schema: schema, quality: try LineageQuality(reportPath: dir.file("report.json")))
    let events = try lines(emitter.path)
    try #require(events.count == 2)
    let checker = try Self.checker()
    for event in events { #expect(checker.problems(event) == []) }

    let start = try #require(events[0].objectValue), done = try #require(events[1].objectValue)
    #expect(start[key: "eventType"] == .string("START"))
    #expect(done[key: "eventType"] == .string("COMPLETE"))
    #expect(start[key: "run"]?.objectValue?[key: "runId"] == .string(run.runID))
    #expect(done[key: "run"]?.objectValue?[key: "runId"] == .string(run.runID))
    #expect(start[key: "job"]?.objectValue?[key: "name"] == .string("pl-promote.silver.results"))
    #expect(start[key: "schemaURL"] == .string("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"))

    guard case .array(let inputs)? = done[key: "inputs"], case .array(let outs)? = done[key: "outputs"] else {
      Issue.record("no inputs or outputs")
      return
    }
    #expect(inputs.count == 2)
    let first = try #require(inputs.first?.objectValue)
    #expect(first[key: "namespace"] == .string("file:///data/lake"))
    #expect(first[key: "facets"]?.objectValue?[key: "version"]?.objectValue?[key: "datasetVersion"] == .string(String(repeating: "ab12", count: 16)))
    #expect(inputs[1].objectValue?[key: "namespace"] == .string("file:///srv/inbox"))
    let quality = first[key: "inputFacets"]?.objectValue?[key: "dataQualityAssertions"]?.objectValue?[key: "assertions"]
    #expect(quality == .array([
      .object([Field("assertion", .string("sample_id_required")), Field("success", .bool(false)), Field("column", .string("sample_id"))]),
      .object([Field("assertion", .string("value_range")), Field("success", .bool(true)), Field("column", .string("value"))]),
      .object([Field("assertion", .string("unit_known")), Field("success", .bool(true))]),
      .object([Field("assertion", .string("fresh")), Field("success", .bool(true)), Field("column", .string("measured_at"))]),
    ]))

    let out = try #require(outs.first?.objectValue)
    #expect(out[key: "name"] == .string("silver/results"))
    let stats = out[key: "outputFacets"]?.objectValue?[key: "outputStatistics"]?.objectValue
    #expect(stats?[key: "rowCount"] == .number("117"))
    #expect(stats?[key: "size"] == .number("40960"))
    #expect(stats?[key: "fileCount"] == .number("2"))
    let fields = out[key: "facets"]?.objectValue?[key: "schema"]?.objectValue?[key: "fields"]
    #expect(fields == .array([
      .object([Field("name", .string("sample_id")), Field("type", .string("string"))]),
      .object([Field("name", .string("value")), Field("type", .string("number|string"))]),
    ]))
    #expect(out[key: "facets"]?.objectValue?[key: "pl_parts"]?.objectValue?[key: "parts"] == .array(outputs[0].parts.map { .string($0) }))
  }

  @Test func aFailedRunEndsWithAValidFailEvent() throws {
    let dir = try TemporaryDirectory()
    let emitter = LineageEmitter(path: dir.file("lineage.ndjson"), namespace: "lab-lake")
    try emitter.start(run: run)
    try emitter.fail(run: run, error: PLError.malformed(source: "results.ndjson", location: .line(12), message: "expected ':'"))
    let events = try lines(emitter.path)
    try #require(events.count == 2)
    let checker = try Self.checker()
    for event in events { #expect(checker.problems(event) == []) }
    let facet = events[1].objectValue?[key: "run"]?.objectValue?[key: "facets"]?.objectValue?[key: "errorMessage"]?.objectValue
    #expect(events[1].objectValue?[key: "eventType"] == .string("FAIL"))
    #expect(facet?[key: "message"] == .string("results.ndjson: line 12: expected ':'"))
  }

  /// Records from a pipe name no input: the assertions go on the outputs that hold them.
  @Test func withoutInputsTheAssertionsGoOnTheOutputs() throws {
    var piped = run
    piped.inputs = []
    let emitter = LineageEmitter(path: "unused", namespace: "lab-lake")
    let event = emitter.completeEvent(run: piped, outputs: outputs, schema: schema, quality: LineageQuality(assertions: Self.assertions), at: 0)
    #expect(try Self.checker().problems(event) == [])
    let facets = event.objectValue?[key: "outputs"].flatMap { v -> [Field]? in if case .array(let a) = v { a.first?.objectValue } else { nil } }?[key: "facets"]?.objectValue
    #expect(facets?[key: "dataQualityAssertions"] != nil)
  }

  @Test func reportsAreReadWithOrWithoutTheirOpenLineageMember() throws {
    let dir = try TemporaryDirectory()
    try dir.write("plain.json", Self.report)
    #expect(try LineageQuality(reportPath: dir.file("plain.json")).assertions == Self.assertions)
    // The member pl-validate writes for lineage wins when present.
    let withMember = Self.report.replacingOccurrences(of: "\"schema\": \"lab\",", with: """
      "schema": "lab", "openlineage": {"assertions": [{"assertion": "only", "success": false, "column": "c"}]},
      """)
    try dir.write("member.json", withMember)
    #expect(try LineageQuality(reportPath: dir.file("member.json")).assertions == [.init(assertion: "only", success: false, column: "c")])
  }

  @Test func badReportsAreErrors() throws {
    let dir = try TemporaryDirectory()
    try dir.write("broken.json", "{\"rules\": [")
    try dir.write("other.json", "{\"hello\": 1}")
    #expect(plError { _ = try LineageQuality(reportPath: dir.file("broken.json")) }?.exitStatus == .dataError)
    #expect(plError { _ = try LineageQuality(reportPath: dir.file("other.json")) }
      == .malformed(source: dir.file("other.json"), location: nil, message: "not a pl-validate report: no `rules` and no `openlineage` member"))
    #expect(plError { _ = try LineageQuality(reportPath: dir.file("missing.json")) }?.exitStatus == .noInput)
  }

  @Test func aLineageFileThatCannotBeOpenedIsCannotCreate() throws {
    let emitter = LineageEmitter(path: "/nonexistent-folder/lineage.ndjson", namespace: "lab-lake")
    #expect(plError { try emitter.start(run: run) }?.exitStatus == .cannotCreate)
  }

  /// Runs appending to one file at once never mix their lines.
  @Test func concurrentAppendsKeepWholeLines() throws {
    let dir = try TemporaryDirectory()
    let emitter = LineageEmitter(path: dir.file("lineage.ndjson"), namespace: "lab-lake")
    let big = LineageRun(jobName: "pl-promote.silver.results", startedAt: 0,
                         inputs: (0..<200).map { LineageRun.Input(name: "bronze/coa/\($0).csv", sha256: String(repeating: "f", count: 64)) },
                         outputDatasets: ["silver/results"])
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      for _ in 0..<10 { try? emitter.start(run: big) }
    }
    let events = try lines(emitter.path)
    #expect(events.count == 80)
    #expect(events.allSatisfy { $0.objectValue?[key: "eventType"] == .string("START") })
  }

  @Test(arguments: [
    (0.0, "1970-01-01T00:00:00.000Z"), (951_782_400.0, "2000-02-29T00:00:00.000Z"),
    (1_700_000_000.5, "2023-11-14T22:13:20.500Z"), (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
    (-1.0, "1969-12-31T23:59:59.000Z"),
  ])
  func timestamps(seconds: Double, text: String) {
    #expect(LineageEmitter.timestamp(seconds) == text)
  }

  @Test func runIDsAreVersion7AndSortByTime() {
    let a = LineageRun.newRunID(milliseconds: 1_700_000_000_000), b = LineageRun.newRunID(milliseconds: 1_700_000_000_001)
    for id in [a, b, LineageRun.newRunID()] {
      #expect(LineageRun.isUUID(id))
      #expect(Array(id)[14] == "7")
      #expect("89ab".contains(Array(id)[19]))
    }
    #expect(a < b)
    #expect(a.hasPrefix("018bcfe5-6800-7"))
    #expect(LineageRun.newRunID() != LineageRun.newRunID())
  }

  @Test func seenFieldsKeepOrderAndJoinTypes() {
    var seen = SeenFields()
    seen.observe(Record([("sample_id", .string("S1")), ("value", .number("1.5")), ("note", .null)]))
    seen.observe(Record([("value", .string("<0.1")), ("ok", .bool(true)), ("sample_id", .string("S2"))]))
    #expect(seen.fields == [
      LineageField(name: "sample_id", type: "string"), LineageField(name: "value", type: "string|number"),
      LineageField(name: "note", type: "null"), LineageField(name: "ok", type: "boolean"),
    ])
  }

  @Test func lakeNamespaces() {
    #expect(LineageEmitter.namespace(lakePath: "/data/lake/") == "file:///data/lake")
    #expect(LineageEmitter.namespace(lakePath: "lake").hasPrefix("file:///"))
    #expect(LineageEmitter.namespace(lakePath: "lake").hasSuffix("/lake"))
  }
}

/// The checker finds what is wrong, so a clean result means something.
@Suite struct LineageSchemaCheckerTests {
  @Test func findsWhatIsWrong() throws {
    let checker = try LineageEmitterTests.checker()
    let event = try JSONParser.parseValue("""
      {"eventType": "DONE", "eventTime": "30/11/2026", "producer": "pl promote", "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json",
       "run": {"runId": "42"}, "job": {"namespace": "pl"},
       "outputs": [{"namespace": "n", "name": "d", "outputFacets": {"outputStatistics": {"_producer": "urn:pl:x", "_schemaURL": "urn:pl:y", "rowCount": 1.5}}}],
       "inputs": [{"namespace": "n", "name": "i", "facets": {"custom": {"x": 1}}}]}
      """)
    #expect(Set(checker.problems(event)) == [
      "$.eventType: \"DONE\" is not one of [\"START\",\"RUNNING\",\"COMPLETE\",\"ABORT\",\"FAIL\",\"OTHER\"]",
      "$.eventTime: 30/11/2026 is not a date-time",
      "$.producer: pl promote is not a uri",
      "$.run.runId: 42 is not a uuid",
      "$.job: missing name",
      "$.outputs[0].outputFacets.outputStatistics.rowCount: expected integer, found a number",
      "$.inputs[0].facets.custom: missing _producer",
      "$.inputs[0].facets.custom: missing _schemaURL",
    ])
  }

  @Test func refusesKeywordsItDoesNotKnow() {
    let checker = LineageSchemaChecker(root: .object([Field("type", .string("object")), Field("minProperties", .integer(1))]))
    #expect(checker.problems(.object([])) == ["$: unsupported schema keyword minProperties"])
  }
}

/// A second opinion: Python's jsonschema (a full Draft 2020-12 validator) on the same events.
@Suite struct LineagePythonSchemaTests {
  /// A Python that can `import jsonschema`: `PL_TEST_PYTHON`, the benchmarks' venv, or python3.
  static let python: String? = {
    var candidates = [LineageEmitterTests.packageRoot.path + "/bench/data/venv/bin/python", "python3"]
    if let env = ProcessInfo.processInfo.environment["PL_TEST_PYTHON"] { candidates.insert(env, at: 0) }
    return candidates.first { (try? runPython($0, "import jsonschema", in: FileManager.default.temporaryDirectory.path)) == "" }
  }()

  /// Runs `script` with `python` in `dir`; returns nil on success, else what it printed on
  /// standard error.
  static func runPython(_ python: String, _ script: String, in dir: String) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, "-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: dir)
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return process.terminationStatus == 0 ? "" : text
  }

  @Test(.enabled(if: python != nil, "no Python with jsonschema: set PL_TEST_PYTHON or pip install jsonschema into bench/data/venv"))
  func jsonschemaAgrees() throws {
    let dir = try TemporaryDirectory()
    let t = LineageEmitterTests()
    let emitter = LineageEmitter(path: dir.file("lineage.ndjson"), namespace: "file:///data/lake")
    try emitter.start(run: t.run)
    try emitter.complete(run: t.run, outputs: t.outputs, schema: t.schema, quality: LineageQuality(assertions: LineageEmitterTests.assertions))
    try emitter.fail(run: t.run, error: "disk full")
    let failure = try Self.runPython(Self.python!, """
      import json, jsonschema
      schema = json.load(open(\(JSONWriter.string(.string(LineageEmitterTests.schemaPath)))))
      v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
      n = 0
      for line in open('lineage.ndjson'):
          errors = list(v.iter_errors(json.loads(line)))
          assert not errors, [e.message for e in errors]
          n += 1
      assert n == 3, n
      bad = json.loads(open('lineage.ndjson').readline()); del bad['run']['runId']
      assert list(v.iter_errors(bad)), 'a missing runId passed'
      """, in: dir.path)
    #expect(failure == "")
  }
}
