import Foundation
import PLCore
import PLTestSupport
import Testing

@testable import PLLake

/// The built `pl-promote` writing lineage events through a whole bronze → silver → gold run,
/// with a real pl-validate report; and failing runs ending with FAIL.
@Suite struct LineagePromoteTests {
  static let csv = """
    sample_id,analyte,value,unit,measured_at
    S24-001,moisture,4.84,g/100g,2024-02-27T07:55:34Z
    S24-001,protein,12.5,g/100g,2024-02-27T07:55:34Z
    S24-002,moisture,5.10,g/100g,2024-02-28T09:00:00Z
    S24-002,protein,112.5,g/100g,2024-02-28T09:00:00Z
    S24-003,fat,3.1,g/100g,2024-02-28T10:30:00Z

    """

  static let goldSpec = """
    version: 1
    group_by: [analyte]
    period: {field: measured_at, by: day}
    measures: [count, mean]
    """

  /// Runs `script` with bash (pipefail) in `dir`, the built tools first on PATH.
  static func bash(_ script: String, in dir: String) throws -> (status: Int32, out: String, err: String) {
    let path = productsFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    return try runProcess("/usr/bin/env", ["PATH=" + path, "NO_COLOR=1", "bash", "-o", "pipefail", "-c", script], in: dir)
  }

  /// The events of `path` by run id, each run's events in order; every line checked against
  /// the schema.
  static func runs(_ path: String) throws -> (order: [String], events: [String: [[Field]]]) {
    var order: [String] = []
    var byRun: [String: [[Field]]] = [:]
    for event in try LineageSinkTests.events(path) {
      let id = try #require(event[key: "run"]?.objectValue?[key: "runId"]?.stringValue)
      if byRun[id] == nil { order.append(id) }
      byRun[id, default: []].append(event)
    }
    return (order, byRun)
  }

  static func list(_ value: JSONValue?) -> [[Field]] {
    guard case .array(let items)? = value else { return [] }
    return items.compactMap(\.objectValue)
  }

  @Test func bronzeSilverGoldWriteValidPairedEvents() throws {
    let dir = try TemporaryDirectory()
    let root = URL(fileURLWithPath: dir.path).resolvingSymlinksInPath().path
    try dir.write("results.csv", Self.csv)
    try dir.write("gold.yml", Self.goldSpec)
    let result = try Self.bash("""
      set -e
      pl-promote bronze --lake lake --dataset coa results.csv --lineage lineage.ndjson > bronze.out
      pl-promote pending --lake lake --dataset coa --format paths | xargs pl-extract | pl-clean --profile lab > extracted.ndjson
      pl-validate --schema lab --report report.json --rejects rejects.ndjson extracted.ndjson > valid.ndjson
      pl-promote silver --lake lake --dataset results --lineage lineage.ndjson --quality-report report.json < valid.ndjson
      pl-promote gold --lake lake --dataset results --spec gold.yml --lineage lineage.ndjson
      pl-promote silver --lake lake --dataset results --lineage lineage.ndjson --quality-report report.json < valid.ndjson
      """, in: root)
    try #require(result.status == 0, "\(result.err)")
    let lake = try Lake(root: root + "/lake", create: false)
    let namespace = "file://\(root)/lake"
    let (order, runs) = try Self.runs(root + "/lineage.ndjson")
    try #require(order.count == 4)

    // Each run: START, then one end, sharing the run id of the batch's manifest.
    let jobs = order.map { runs[$0]![0][key: "job"]?.objectValue?[key: "name"]?.stringValue }
    #expect(jobs == ["pl-promote.bronze.coa", "pl-promote.silver.results", "pl-promote.gold.results", "pl-promote.silver.results"])
    for id in order {
      #expect(runs[id]!.map { $0[key: "eventType"]?.stringValue } == ["START", "COMPLETE"])
    }
    let bronze = try #require(lake.dataset(.bronze, "coa").last?.manifest)
    let silver = try #require(lake.dataset(.silver, "results").last?.manifest)
    let gold = try #require(lake.dataset(.gold, "results").last?.manifest)
    #expect(order[0] == bronze.runID && order[1] == silver.runID && order[2] == gold.runID)
    #expect(!Set([bronze.runID, silver.runID, gold.runID]).contains(order[3]))

    // Bronze: the received file (its absolute path) with its sha256; bronze/coa written.
    let bronzeEnd = runs[order[0]]![1]
    let received = try #require(Self.list(bronzeEnd[key: "inputs"]).first)
    #expect(received[key: "namespace"] == .string("file") && received[key: "name"] == .string(root + "/results.csv"))
    #expect(received[key: "facets"]?.objectValue?[key: "version"]?.objectValue?[key: "datasetVersion"] == .string(bronze.inputs[0].sha256!))
    #expect(Self.list(bronzeEnd[key: "outputs"]).first?[key: "name"] == .string("bronze/coa"))
    #expect(Self.list(bronzeEnd[key: "outputs"]).first?[key: "namespace"] == .string(namespace))

    // Silver: the bronze file its records came from, with the report's assertions; the output
    // with the manifest's counts and schema.
    let silverEnd = runs[order[1]]![1]
    let bronzeFile = bronze.outputs[0]
    let source = try #require(Self.list(silverEnd[key: "inputs"]).first { $0[key: "name"] == .string(bronzeFile.path) })
    #expect(source[key: "namespace"] == .string(namespace))
    #expect(source[key: "facets"]?.objectValue?[key: "version"]?.objectValue?[key: "datasetVersion"] == .string(bronzeFile.sha256))
    let report = try LineageQuality(reportPath: root + "/report.json")
    #expect(!report.assertions.isEmpty && report.assertions.contains { !$0.success })
    let assertions = Self.list(source[key: "inputFacets"]?.objectValue?[key: "dataQualityAssertions"]?.objectValue?[key: "assertions"])
    #expect(assertions.map { $0[key: "assertion"]?.stringValue } == report.assertions.map(\.assertion))
    #expect(assertions.map { $0[key: "success"] } == report.assertions.map { .bool($0.success) })
    let silverOut = try #require(Self.list(silverEnd[key: "outputs"]).first)
    #expect(silverOut[key: "name"] == .string("silver/results"))
    let stats = silverOut[key: "outputFacets"]?.objectValue?[key: "outputStatistics"]?.objectValue
    #expect(stats?[key: "rowCount"] == .integer(silver.counts.written))
    #expect(silver.counts.written == 4)
    #expect(stats?[key: "fileCount"] == .integer(silver.outputs.count))
    let fields = Self.list(silverOut[key: "facets"]?.objectValue?[key: "schema"]?.objectValue?[key: "fields"])
    #expect(fields.map { $0[key: "name"]?.stringValue } == silver.schema.map(\.name))
    #expect(fields.first { $0[key: "name"] == .string("value") }?[key: "type"] == .string("number"))

    // Gold: the silver parts with their sha256.
    let goldEnd = runs[order[2]]![1]
    let goldInputs = Self.list(goldEnd[key: "inputs"])
    #expect(goldInputs.count == silver.outputs.count)
    for part in silver.outputs {
      let input = goldInputs.first { $0[key: "name"] == .string(part.path) }
      #expect(input?[key: "facets"]?.objectValue?[key: "version"]?.objectValue?[key: "datasetVersion"] == .string(part.sha256))
    }
    #expect(Self.list(goldEnd[key: "outputs"]).first?[key: "name"] == .string("gold/results"))

    // The same batch again: COMPLETE, nothing written.
    let againOut = try #require(Self.list(runs[order[3]]![1][key: "outputs"]).first)
    #expect(againOut[key: "outputFacets"]?.objectValue?[key: "outputStatistics"]?.objectValue?[key: "rowCount"] == .integer(0))

    // A second opinion on the same file, when a Python with jsonschema is at hand.
    if let python = LineagePythonSchemaTests.python {
      let failure = try LineagePythonSchemaTests.runPython(python, """
        import json, jsonschema
        schema = json.load(open(\(JSONWriter.string(.string(LineageEmitterTests.schemaPath)))))
        v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        n = 0
        for line in open('lineage.ndjson'):
            errors = list(v.iter_errors(json.loads(line)))
            assert not errors, [e.message for e in errors]
            n += 1
        assert n == 8, n
        """, in: root)
      #expect(failure == "")
    }
  }

  @Test func aCutStreamAndARefusedRecordEndWithFail() throws {
    let dir = try TemporaryDirectory()
    let root = URL(fileURLWithPath: dir.path).resolvingSymlinksInPath().path
    try dir.write("good.ndjson", """
      {"sample_id":"S1","analyte":"fat","value":1.5,"measured_at":"2024-02-27T07:55:34Z"}
      {"sample_id":"S2","analyte":"fat","value":2.5,"measured_at":"2024-02-28T07:55:34Z"}

      """)
    try dir.write("undated.ndjson", """
      {"sample_id":"S1","analyte":"fat","value":1.5,"measured_at":"2024-02-27T07:55:34Z"}
      {"sample_id":"S3","analyte":"fat","value":2.5}

      """)
    let result = try Self.bash("""
      head -c -3 good.ndjson | pl-promote silver --lake lake --dataset results --lineage lineage.ndjson --lineage-namespace lab-lake
      echo "cut $?"
      pl-promote silver --lake lake --dataset results --lineage lineage.ndjson undated.ndjson
      echo "refused $?"
      """, in: root)
    #expect(result.out == "cut 65\nrefused 65\n", "\(result.err)")
    let (order, runs) = try Self.runs(root + "/lineage.ndjson")
    try #require(order.count == 2)
    for id in order {
      #expect(runs[id]!.map { $0[key: "eventType"]?.stringValue } == ["START", "FAIL"])
      #expect(runs[id]![1][key: "run"]?.objectValue?[key: "facets"]?.objectValue?[key: "errorMessage"]?.objectValue?[key: "message"]?.stringValue?.isEmpty == false)
    }
    #expect(Self.list(runs[order[0]]![0][key: "outputs"]).first?[key: "namespace"] == .string("lab-lake"))
    // The named input file is an input of the failed run.
    #expect(Self.list(runs[order[1]]![1][key: "inputs"]).first?[key: "name"] == .string(root + "/undated.ndjson"))
    // Nothing was promoted.
    #expect(try Lake(root: root + "/lake", create: false).dataset(.silver, "results").manifests.isEmpty)
  }
}
