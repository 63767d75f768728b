import Foundation
import PLCore
import PLTestSupport
import Testing

@testable import PLLake

/// `OpenLineageSink` on the lake's own runs (gold, compact, retention), in process: every
/// event valid against the vendored schema, START and its end sharing the run's id, the
/// mapping of inputs, outputs, an already present batch and a failure.
@Suite struct LineageSinkTests {
  static let goldSpec = """
    version: 1
    group_by: [analyte]
    period: {field: measured_at, by: day}
    measures: [count, mean]
    """

  /// The events appended to `path`, each checked against the schema (problems recorded).
  static func events(_ path: String) throws -> [[Field]] {
    let checker = try LineageEmitterTests.checker()
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var out: [[Field]] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
      let event = try JSONParser.parseValue(String(line))
      let problems = checker.problems(event)
      #expect(problems == [], "\(line)")
      out.append(try #require(event.objectValue))
    }
    #expect(text.hasSuffix("\n"))
    return out
  }

  func sink(_ t: TestLake, _ file: String = "lineage.ndjson") -> OpenLineageSink {
    OpenLineageSink(emitter: LineageEmitter(path: t.directory.file(file), namespace: "lab-lake"))
  }

  func gold(_ t: TestLake, sink: OpenLineageSink?) throws -> GoldLakeRun.Outcome {
    var run = GoldLakeRun(lake: t.lake, silverDataset: "results", goldDataset: "results",
                          spec: try GoldSpecReader(file: "gold.yml").parse(Self.goldSpec),
                          specSHA256: try LakeDigest.hex(Array(Self.goldSpec.utf8)), identity: RunIdentity(command: ["pl-promote", "gold"], toolVersion: "0.0.0"))
    run.lineage = sink
    return try run.run()
  }

  @Test func goldReadsSilverPartsWithTheirSHA256AndWritesItsSchema() throws {
    let t = try TestLake()
    try t.silver(results(day: "2026-11-28", count: 3) + results(day: "2026-11-29", count: 2, prefix: "T"))
    let outcome = try gold(t, sink: sink(t))
    #expect(outcome.status == .built)
    let events = try Self.events(t.directory.file("lineage.ndjson"))
    try #require(events.count == 2)
    #expect(events.map { $0[key: "eventType"] } == [.string("START"), .string("COMPLETE")])
    let manifest = try #require(t.lake.dataset(.gold, "results").last?.manifest)
    for event in events {
      #expect(event[key: "run"]?.objectValue?[key: "runId"] == .string(manifest.runID))
      #expect(event[key: "job"]?.objectValue?[key: "name"] == .string("pl-promote.gold.results"))
    }
    // Inputs: the silver parts, named from the lake's root, their sha256 as version.
    let silverParts = try t.lake.dataset(.silver, "results").liveFiles.map(\.output)
    guard case .array(let inputs)? = events[1][key: "inputs"] else { throw LineageTestFailure("no inputs") }
    #expect(inputs.count == silverParts.count)
    for part in silverParts {
      let input = inputs.compactMap(\.objectValue).first { $0[key: "name"] == .string(part.path) }
      #expect(input?[key: "namespace"] == .string("lab-lake"))
      #expect(input?[key: "facets"]?.objectValue?[key: "version"]?.objectValue?[key: "datasetVersion"] == .string(part.sha256))
    }
    // Output: gold/results, its statistics and its schema (the gold records' fields).
    guard case .array(let outputs)? = events[1][key: "outputs"], let output = outputs.first?.objectValue else { throw LineageTestFailure("no output") }
    #expect(output[key: "name"] == .string("gold/results"))
    let stats = output[key: "outputFacets"]?.objectValue?[key: "outputStatistics"]?.objectValue
    #expect(stats?[key: "rowCount"] == .integer(manifest.outputs.reduce(0) { $0 + ($1.records ?? 0) }))
    #expect(stats?[key: "size"] == .integer(manifest.outputs.reduce(0) { $0 + $1.bytes }))
    #expect(stats?[key: "fileCount"] == .integer(manifest.outputs.count))
    guard case .array(let fields)? = output[key: "facets"]?.objectValue?[key: "schema"]?.objectValue?[key: "fields"] else { throw LineageTestFailure("no schema") }
    let names = fields.compactMap { $0.objectValue?[key: "name"]?.stringValue }
    #expect(names == manifest.schema.map(\.name))
    #expect(names.contains("analyte") && names.contains("mean"))
    #expect(fields.compactMap(\.objectValue).first { $0[key: "name"] == .string("count") }?[key: "type"] == .string("number"))
    let batch = events[1][key: "run"]?.objectValue?[key: "facets"]?.objectValue?[key: "pl_batch"]?.objectValue
    #expect(batch?[key: "batch"] == .string(manifest.batch))
    #expect(batch?[key: "manifest"] == .string("_manifests/gold/results/\(manifest.fileName)"))

    // Up to date: COMPLETE with nothing written.
    #expect(try gold(t, sink: sink(t, "again.ndjson")).status == .upToDate)
    let again = try Self.events(t.directory.file("again.ndjson"))
    try #require(again.count == 2)
    #expect(again[1][key: "eventType"] == .string("COMPLETE"))
    guard case .array(let zero)? = again[1][key: "outputs"] else { throw LineageTestFailure("no outputs") }
    let zeroStats = zero.first?.objectValue?[key: "outputFacets"]?.objectValue?[key: "outputStatistics"]?.objectValue
    #expect(["rowCount", "size", "fileCount"].map { zeroStats?[key: $0] } == [.integer(0), .integer(0), .integer(0)])
    #expect(again[1][key: "run"]?.objectValue?[key: "facets"]?.objectValue?[key: "pl_batch"]?.objectValue?[key: "status"] == .string("already_present"))
  }

  @Test func goldOfAMissingSilverDatasetFails() throws {
    let t = try TestLake()
    #expect(throws: PLError.self) { try gold(t, sink: sink(t)) }
    let events = try Self.events(t.directory.file("lineage.ndjson"))
    try #require(events.count == 2)
    #expect(events[0][key: "run"]?.objectValue?[key: "runId"] == events[1][key: "run"]?.objectValue?[key: "runId"])
    #expect(events[1][key: "eventType"] == .string("FAIL"))
    let message = events[1][key: "run"]?.objectValue?[key: "facets"]?.objectValue?[key: "errorMessage"]?.objectValue?[key: "message"]?.stringValue
    #expect(message?.contains("silver/results") == true && message?.contains("no such dataset") == true)
    #expect(t.allFiles(under: "gold").isEmpty)
  }

  @Test func compactionReadsTheOldPartsAndRemovesThem() throws {
    let t = try TestLake()
    try t.silver(results(day: "2026-11-28", count: 3), key: ["sample_id"])
    try t.silver(results(day: "2026-11-28", count: 2, prefix: "S"), key: ["sample_id"])
    let before = try t.lake.dataset(.silver, "results").liveFiles.map(\.output)
    var compaction = Compaction(lake: t.lake, dataset: "results", identity: RunIdentity(command: ["pl-promote", "compact"], toolVersion: "0.0.0"))
    compaction.lineage = sink(t)
    _ = try compaction.run()
    let events = try Self.events(t.directory.file("lineage.ndjson"))
    try #require(events.count == 2)
    #expect(events[1][key: "job"]?.objectValue?[key: "name"] == .string("pl-promote.compact.silver.results"))
    guard case .array(let inputs)? = events[1][key: "inputs"], case .array(let outputs)? = events[1][key: "outputs"],
      let output = outputs.first?.objectValue
    else { throw LineageTestFailure("no inputs or outputs") }
    #expect(Set(inputs.compactMap { $0.objectValue?[key: "name"]?.stringValue }) == Set(before.map(\.path)))
    guard case .array(let removed)? = output[key: "facets"]?.objectValue?[key: "pl_removed"]?.objectValue?[key: "files"] else { throw LineageTestFailure("no pl_removed") }
    #expect(Set(removed.compactMap(\.stringValue)) == Set(before.map(\.path)))
    #expect(output[key: "facets"]?.objectValue?[key: "schema"] == nil)
    #expect(output[key: "outputFacets"]?.objectValue?[key: "outputStatistics"]?.objectValue?[key: "rowCount"] == .integer(3))
  }

  @Test func retentionTellsWhatItRemovedAndADryRunTellsNothing() throws {
    let t = try TestLake()
    try t.silver(results(day: "2020-01-01", count: 2) + results(day: "2026-11-28", count: 1, prefix: "T"))
    let old = try t.lake.dataset(.silver, "results").liveFiles.map(\.output.path).filter { $0.contains("date=2020-01-01") }
    var retention = Retention(lake: t.lake, layer: .silver, dataset: "results", identity: RunIdentity(command: ["pl-promote", "retention"], toolVersion: "0.0.0"), retainDays: 30)
    retention.asOf = LakeDay(text: "2026-11-30")!
    retention.lineage = sink(t)
    #expect(try retention.run(dryRun: true).count == 1)
    #expect(!FileManager.default.fileExists(atPath: t.directory.file("lineage.ndjson")))
    #expect(try retention.run().count == 1)
    let events = try Self.events(t.directory.file("lineage.ndjson"))
    try #require(events.count == 2)
    #expect(events[0][key: "job"]?.objectValue?[key: "name"] == .string("pl-promote.retention.silver.results"))
    guard case .array(let outputs)? = events[1][key: "outputs"], let output = outputs.first?.objectValue else { throw LineageTestFailure("no output") }
    #expect(output[key: "facets"]?.objectValue?[key: "pl_removed"]?.objectValue?[key: "files"] == .array(old.map { .string($0) }))
    #expect(output[key: "outputFacets"]?.objectValue?[key: "outputStatistics"]?.objectValue?[key: "fileCount"] == .integer(0))
  }

  @Test func bronzeInputsAreTheReceivedFilesAndItsOutputCountsNoRecords() throws {
    let t = try TestLake()
    try t.directory.write("coa.csv", "sample_id,value\nS1,1\n")
    try t.directory.write("again.csv", "sample_id,value\nS1,1\n")
    let sink = sink(t)
    sink.standardInputNames = ["mailed.csv"]
    var promotion = BronzePromotion(lake: t.lake, dataset: "coa", identity: RunIdentity(command: ["pl-promote", "bronze"], toolVersion: "0.0.0"))
    promotion.lineage = sink
    let stored = try promotion.run([.init(path: t.directory.file("coa.csv"), name: t.directory.file("coa.csv")), .init(path: t.directory.file("again.csv"), name: "mailed.csv")])
    let events = try Self.events(t.directory.file("lineage.ndjson"))
    try #require(events.count == 2)
    guard case .array(let inputs)? = events[1][key: "inputs"], case .array(let outputs)? = events[1][key: "outputs"],
      let output = outputs.first?.objectValue
    else { throw LineageTestFailure("no inputs or outputs") }
    let first = try #require(inputs.first?.objectValue)
    #expect(first[key: "namespace"] == .string("file"))
    #expect(first[key: "name"] == .string(t.directory.file("coa.csv")))
    #expect(first[key: "facets"]?.objectValue?[key: "version"]?.objectValue?[key: "datasetVersion"] == .string(stored[0].sha256))
    // The second file had the same bytes: not stored again, still an input of the run.
    #expect(inputs.compactMap(\.objectValue).contains { $0[key: "namespace"] == .string("stdin") && $0[key: "name"] == .string("mailed.csv") })
    let stats = output[key: "outputFacets"]?.objectValue?[key: "outputStatistics"]?.objectValue
    #expect(stats?[key: "rowCount"] == nil)
    #expect(stats?[key: "fileCount"] == .integer(1))
    #expect(output[key: "facets"]?.objectValue?[key: "pl_parts"]?.objectValue?[key: "parts"] == .array([.string(stored[0].relativePath)]))
  }

  @Test func manifestTimesBecomeEventTimes() {
    #expect(OpenLineageSink.seconds("2026-11-30T10:12:03.250Z").map(LineageEmitter.timestamp) == "2026-11-30T10:12:03.250Z")
    #expect(OpenLineageSink.seconds("2026-11-30T10:12:03.123Z").map(LineageEmitter.timestamp) == "2026-11-30T10:12:03.123Z")
    #expect(OpenLineageSink.seconds("2026-11-30 10:12") == nil)
  }

  @Test func jobNames() {
    #expect(OpenLineageSink.jobName(kind: "silver", layer: .silver, dataset: "results") == "pl-promote.silver.results")
    #expect(OpenLineageSink.jobName(kind: "compact", layer: .gold, dataset: "results") == "pl-promote.compact.gold.results")
    #expect(OpenLineageSink.jobName(kind: "purge-bronze", layer: .bronze, dataset: "coa") == "pl-promote.purge-bronze.coa")
  }
}

struct LineageTestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
