import Foundation
import PLCore
import PLTestSupport
import Testing

@testable import PLLake

@Suite struct GoldLakeRunTests {
  static let specText = """
    version: 1
    group_by: [analyte]
    period: {field: measured_at, by: day}
    measures: [count, mean, median]
    anomalies:
      window: 3
      robust_z: {threshold: 3, min_history: 2}
      control_rules: {rules: [1, 2, 5], min_history: 2}
    """

  func run(_ t: TestLake, gold: String = "results", full: Bool = false, spec: String = specText) throws -> GoldLakeRun.Outcome {
    var run = GoldLakeRun(lake: t.lake, silverDataset: "results", goldDataset: gold,
                          spec: try GoldSpecReader(file: "gold.yml").parse(spec), specSHA256: try LakeDigest.hex(Array(spec.utf8)),
                          identity: TestLake.identity)
    run.full = full
    return try run.run()
  }

  func days(_ range: ClosedRange<Int>, count: Int = 3, start: Int = 0) -> String {
    range.map { results(day: String(format: "2024-03-%02d", $0), count: count, start: start + $0 * 10) }.joined()
  }

  @Test func onlyChangedPartitionsAndTheirWindowAreRebuiltAndTheResultEqualsAFullBuild() throws {
    let t = try TestLake()
    try t.silver(days(1...8))
    let first = try run(t)
    #expect(first.status == .built && first.full && first.written.count == 8 && first.recordsRead == 24)
    #expect(try run(t).status == .upToDate)
    // New records on day 4: day 4 and the next 3 points are rebuilt.
    try t.silver(results(day: "2024-03-04", count: 2, prefix: "N", start: 500))
    let second = try run(t)
    #expect(!second.full && second.silverPartitionsRead == 1 && second.recordsRead == 5)
    #expect(second.written.map(\.partition) == ["date=2024-03-04", "date=2024-03-05", "date=2024-03-06", "date=2024-03-07"])
    let rebuilt = try run(t, gold: "everything", full: true)
    #expect(rebuilt.full && rebuilt.written.count == 8)
    #expect(try t.records("results", layer: .gold) == (try t.records("everything", layer: .gold)).mapValues { $0 })
    // The gold manifest names what it read and what it replaced.
    let last = try t.lake.dataset(.gold, "results").last!.manifest
    #expect(last.kind == "gold" && last.inputs.count == 2 && last.removed.count == 4 && last.counts.read == 5)
  }

  @Test func aChangedSpecRebuildsEverything() throws {
    let t = try TestLake()
    try t.silver(days(1...4))
    _ = try run(t)
    let again = try run(t, spec: Self.specText.replacingOccurrences(of: "[count, mean, median]", with: "[count, mean, p90]"))
    #expect(again.status == .built && again.full && again.written.count == 4)
    #expect(try t.records("results", layer: .gold)["date=2024-03-01"]!.allSatisfy { $0.contains("\"p90\":") })
  }

  @Test func keyedSilverCountsOnlyTheCurrentVersionOfEachKey() throws {
    let t = try TestLake()
    try t.silver(results(day: "2024-03-01", count: 2), key: ["sample_id"])
    // S0 measured again: 9.5 replaces 0.10.
    try t.silver(#"{"sample_id":"S0","analyte":"fat","value":9.5,"measured_at":"2024-03-01T11:00:00Z"}"# + "\n", key: ["sample_id"])
    _ = try run(t)
    let gold = try t.records("results", layer: .gold)["date=2024-03-01"]!
    #expect(gold.count == 1)
    // S1 1.10 and S0 9.5: mean 5.3.
    #expect(gold[0].contains(#""records":2,"count":2,"refused":0,"mean":5.3,"#))
  }

  @Test func aMissingSilverDatasetIsNoInput() throws {
    let t = try TestLake()
    #expect(throws: PLError.inputMissing(source: t.root + "/silver/results", message: "no such dataset in the lake")) { try run(t) }
  }
}
