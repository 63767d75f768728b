// Tests of PLLake: each guarantee of the lake with a test that tries to break it.
import Foundation
import PLCore
import PLTestSupport
import Testing
@testable import PLLake

struct SilverTests {
  @Test func recordsLandInTheirUTCDayAndCountsAddUp() throws {
    let t = try TestLake()
    let input = results(day: "2026-11-01", count: 3)
      + "{\"sample_id\":\"late\",\"measured_at\":\"2026-11-02T00:30:00+01:00\"}\n"
      + results(day: "2026-11-02", count: 2, prefix: "T")
    let sink = try t.silver(input)
    let manifest = try #require(sink.outcome?.manifest)
    #expect(manifest.counts == ManifestCounts(read: 6, written: 6, rejected: 0))
    #expect(manifest.outputs.reduce(0) { $0 + ($1.records ?? 0) } == 6)
    let records = try t.records()
    #expect(records["date=2026-11-01"]?.count == 4)
    #expect(records["date=2026-11-01"]?.last?.contains("late") == true)
    #expect(records["date=2026-11-02"]?.count == 2)
    // Numbers keep their text.
    #expect(records["date=2026-11-01"]?.first?.contains("\"value\":0.10") == true)
    #expect(manifest.schema.map(\.name) == ["sample_id", "analyte", "value", "measured_at"])
    #expect(manifest.schema.first { $0.name == "value" }?.kinds == ["number"])
  }

  @Test func theSameBatchTwiceIsANoOp() throws {
    let t = try TestLake()
    let input = results(day: "2026-11-01", count: 5)
    try t.silver(input)
    let before = t.allFiles()
    let again = try t.silver(input)
    #expect(again.outcome?.status == .alreadyPromoted)
    #expect(t.allFiles() == before)
    // Other options make another batch.
    let keyed = try t.silver(input, key: ["sample_id"])
    #expect(keyed.outcome?.status == .promoted)
  }

  @Test func withoutRejectsARefusedRecordStopsTheBatchAndLeavesNothing() throws {
    let t = try TestLake()
    let input = results(day: "2026-11-01", count: 3) + "{\"sample_id\":\"x\"}\n" + results(day: "2026-11-03", count: 3)
    let error = plError { try t.silver(input) }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.contains("has no measured_at field") == true)
    #expect(t.allFiles(under: "silver").isEmpty)
    #expect(t.allFiles(under: "_manifests").isEmpty)
  }

  @Test func refusedRecordsGoToTheRejectsWithReasonsAndAreCounted() throws {
    let t = try TestLake()
    let rejects = try RejectsFile(path: t.directory.file("rejects.ndjson"))
    let input = results(day: "2026-11-01", count: 2) + "{\"sample_id\":\"x\",\"measured_at\":\"2026-11-01T10:00\"}\n{\"measured_at\":\"2026-11-01\"}\n"
    let sink = try t.silver(input, key: ["sample_id"], rejects: rejects)
    #expect(sink.outcome?.manifest?.counts == ManifestCounts(read: 4, written: 2, rejected: 2))
    let lines = try String(contentsOfFile: t.directory.file("rejects.ndjson"), encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines[0].contains("no time zone") && lines[1].contains("no-key-value"))
  }

  @Test(arguments: ["{\"measured_at\":\"2026-11-01\",\"a\":1}\n{\"measured_at\":\"2026-11-01\",\"a\":", "{\"measured_at\":\"2026-11-01\"}\n!pl-abort pl-clean: x: line 2: bad\n"])
  func aCutStreamLeavesNoPart(input: String) throws {
    let t = try TestLake()
    try t.silver(results(day: "2026-11-01", count: 2))
    let before = t.allFiles()
    let error = plError { try t.silver(results(day: "2026-11-05", count: 50) + input) }
    #expect(error?.exitStatus == .dataError)
    #expect(t.allFiles() == before)
    #expect(!FileManager.default.fileExists(atPath: t.root + "/silver/results/date=2026-11-05"))
  }

  @Test func aBoundedNumberOfOpenPartsStillKeepsEveryRecordInOrder() throws {
    let t = try TestLake()
    var input = ""
    for i in 0..<60 { input += "{\"i\":\(i),\"measured_at\":\"2026-11-0\(1 + i % 3)\"}\n" }
    let sink = try t.silver(input, maxOpenParts: 2)
    let manifest = try #require(sink.outcome?.manifest)
    #expect(manifest.outputs.count > 3)
    let records = try t.records()
    for day in 0..<3 {
      let expected = stride(from: day, to: 60, by: 3).map { "{\"i\":\($0),\"measured_at\":\"2026-11-0\(day + 1)\"}" }
      #expect(records["date=2026-11-0\(day + 1)"] == expected)
    }
  }

  @Test func partsAndFoldersGetTheModesAsked() throws {
    let t = try TestLake(mode: 0o600)
    try t.silver(results(day: "2026-11-01", count: 1))
    let part = try #require(t.visibleParts().first)
    #expect(t.mode(part) == 0o600)
    #expect(t.mode("silver/results/date=2026-11-01") == 0o700)
    let manifest = try #require(t.allFiles(under: "_manifests").first)
    #expect(t.mode(manifest) == 0o400)
    let defaults = try TestLake()
    try defaults.silver(results(day: "2026-11-01", count: 1))
    #expect(defaults.mode(try #require(defaults.visibleParts().first)) == 0o640)
    #expect(defaults.mode("silver/results") == 0o750)
  }

  @Test func zstdPartsReadBack() throws {
    let t = try TestLake()
    try t.silver(results(day: "2026-11-01", count: 10), compression: .zstd)
    #expect(t.visibleParts().allSatisfy { $0.hasSuffix(".ndjson.zst") })
    #expect(try t.records()["date=2026-11-01"]?.count == 10)
  }
}

struct AtomicityTests {
  @Test func aLockedDatasetIsLeftUntouchedAndSaysTryAgain() throws {
    let t = try TestLake()
    let holder = try LakeLock(lake: t.lake, layer: .silver, dataset: "results", wait: 0)
    let start = Date()
    let plan = try SilverPlan(dataset: "results")
    let error = plError { _ = try SilverSink(lake: t.lake, plan: plan, identity: TestLake.identity, wait: 0.3) }
    #expect(error?.exitStatus == .tempFail)
    #expect(Date().timeIntervalSince(start) >= 0.3)
    #expect(t.allFiles().filter { !$0.hasPrefix("_locks/") }.isEmpty)
    withExtendedLifetime(holder) {}
    // Another dataset is not locked by it.
    try t.silver(results(day: "2026-11-01", count: 1), dataset: "other")
  }

  @Test func aRunKilledAfterItsManifestIsRolledForward() throws {
    let t = try TestLake()
    let sink = try t.silver(results(day: "2026-11-01", count: 4) + results(day: "2026-11-02", count: 4))
    let outputs = try #require(sink.outcome?.manifest?.outputs)
    // As if killed between the manifest's rename and the parts' renames.
    for output in outputs { try LakeFS.rename(t.lake.path(output.path), to: LakeFS.stagedPath(of: t.lake.path(output.path))) }
    #expect(t.visibleParts().isEmpty)
    #expect(try LakeVerifier(lake: t.lake).run().problems.map(\.kind) == [.missing, .missing])
    // The next writer of the dataset completes it; its own batch is recognised as done.
    let again = try t.silver(results(day: "2026-11-01", count: 4) + results(day: "2026-11-02", count: 4))
    #expect(again.outcome?.status == .alreadyPromoted)
    #expect(t.visibleParts() == outputs.map(\.path).sorted())
    #expect(try LakeVerifier(lake: t.lake).run().problems.isEmpty)
  }

  @Test func temporariesOfARunKilledBeforeItsManifestAreSweptAndNeverRead() throws {
    let t = try TestLake()
    try t.silver(results(day: "2026-11-01", count: 2))
    let folder = t.root + "/silver/results/date=2026-11-01"
    try Data("{\"half\":".utf8).write(to: URL(fileURLWithPath: folder + "/.scratch-dead-1.pl-tmp"))
    try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/.part-0123456789abcdef-0.ndjson.gz.pl-tmp"))
    try FileManager.default.createDirectory(atPath: t.root + "/silver/results/date=2026-11-09", withIntermediateDirectories: true)
    try Data("x".utf8).write(to: URL(fileURLWithPath: t.root + "/silver/results/date=2026-11-09/.scratch-dead-2.pl-tmp"))
    // Readers go by the manifests, and verify does not count temporaries as differences.
    #expect(try t.records()["date=2026-11-01"]?.count == 2)
    #expect(try LakeVerifier(lake: t.lake).run().problems.isEmpty)
    try t.silver(results(day: "2026-11-03", count: 1))
    #expect(t.allFiles(under: "silver").allSatisfy { !$0.contains(".pl-tmp") })
    #expect(!FileManager.default.fileExists(atPath: t.root + "/silver/results/date=2026-11-09"))
  }

  @Test func manifestsAreChainedAndVerifyFindsEveryKindOfDifference() throws {
    let t = try TestLake()
    try t.silver(results(day: "2026-11-01", count: 2))
    try t.silver(results(day: "2026-11-02", count: 2))
    try t.silver(results(day: "2026-11-03", count: 2))
    let manifests = try t.lake.manifests(.silver, "results")
    #expect(manifests.map(\.manifest.sequence) == [1, 2, 3])
    #expect(manifests[0].manifest.previous == nil)
    #expect(manifests[1].manifest.previous == manifests[0].sha256 && manifests[2].manifest.previous == manifests[1].sha256)
    #expect(manifests.allSatisfy { $0.manifest.user == "tester" && $0.manifest.runID == TestLake.identity.runID })

    // A flipped byte in a part.
    let part = t.lake.path(manifests[0].manifest.outputs[0].path)
    chmod(part, 0o640)
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: part)))
    bytes[bytes.count / 2] ^= 0x01
    try Data(bytes).write(to: URL(fileURLWithPath: part))
    // A copy of a part where no manifest names it.
    try FileManager.default.copyItem(atPath: t.lake.path(manifests[2].manifest.outputs[0].path), toPath: t.root + "/silver/results/date=2026-11-03/part-copy.ndjson.gz")
    // A manifest removed from the middle of the chain.
    try FileManager.default.removeItem(atPath: t.lake.path(manifests[1].path))
    let problems = try LakeVerifier(lake: t.lake).run().problems
    #expect(Set(problems.map(\.kind)) == [.changed, .unlisted, .chain])
    // The day whose manifest went is no longer part of the lake: its part is unlisted too.
    #expect(problems.filter { $0.kind == .unlisted }.count == 2)
  }

  @Test func compactionKeepsTheLastVersionOfEachKeyAndReplacesThePartsAtOnce() throws {
    let t = try TestLake()
    try t.silver("""
      {"sample_id":"A","v":1,"measured_at":"2026-11-01"}
      {"sample_id":"B","v":1,"measured_at":"2026-11-01"}
      {"sample_id":"A","v":2,"measured_at":"2026-11-01"}
      {"v":"no key","measured_at":"2026-11-01"}

      """, key: ["sample_id"], rejects: try RejectsFile(path: t.directory.file("r.ndjson")))
    try t.silver("""
      {"sample_id":"B","v":3,"measured_at":"2026-11-01"}
      {"sample_id":"C","v":1,"measured_at":"2026-11-02"}

      """, key: ["sample_id"])
    let old = t.visibleParts()
    #expect(old.count == 3)
    var compaction = Compaction(lake: t.lake, dataset: "results", identity: TestLake.identity)
    compaction.partitions = nil
    let result = try compaction.run()
    #expect(result.map(\.rewritten) == [true, false])
    #expect(try t.records()["date=2026-11-01"] == [
      "{\"sample_id\":\"A\",\"v\":2,\"measured_at\":\"2026-11-01\"}", "{\"sample_id\":\"B\",\"v\":3,\"measured_at\":\"2026-11-01\"}",
    ])
    #expect(t.visibleParts().count == 2 && !t.visibleParts().contains(old[0]))
    #expect(try LakeVerifier(lake: t.lake).run().problems.isEmpty)
    // Compacting again changes nothing.
    #expect(try compaction.run().allSatisfy { !$0.rewritten })
    #expect(try t.lake.manifests(.silver, "results").count == 3)
  }

  @Test func retentionRemovesOnlyOldPartitionsThroughAManifest() throws {
    let t = try TestLake()
    try t.silver(results(day: "2025-10-01", count: 1) + results(day: "2025-11-01", count: 1) + results(day: "2026-11-01", count: 1))
    var retention = Retention(lake: t.lake, layer: .silver, dataset: "results", identity: TestLake.identity, retainDays: 400)
    retention.asOf = LakeDay(text: "2026-11-30")!
    #expect(try retention.run(dryRun: true).map(\.partition) == ["date=2025-10-01"])
    #expect(t.visibleParts().count == 3)
    #expect(try retention.run().map(\.partition) == ["date=2025-10-01"])
    #expect(t.visibleParts().count == 2)
    #expect(!FileManager.default.fileExists(atPath: t.root + "/silver/results/date=2025-10-01"))
    #expect(try t.lake.manifests(.silver, "results").last?.manifest.kind == "retention")
    #expect(try LakeVerifier(lake: t.lake).run().problems.isEmpty)
  }
}

struct BronzeTests {
  @Test func sameBytesAreStoredOnceReadOnlyAndMissingInputsStoreNothing() throws {
    let t = try TestLake()
    let a = try t.directory.write("a.csv", "x,y\n1,2\n")
    let b = try t.directory.write("copy-of-a.CSV", "x,y\n1,2\n")
    let mail = try t.directory.write("report.eml", "From: Lab <lab@example.com>\r\nSubject: =?UTF-8?Q?CoA_n=C2=B0_7?=\r\n\r\nbody\r\n")
    var bronze = BronzePromotion(lake: t.lake, dataset: "coa", identity: TestLake.identity)
    bronze.ingestDate = LakeDay(text: "2026-11-30")!
    let first = try bronze.run([.init(path: a, name: "a.csv"), .init(path: b, name: "copy-of-a.CSV"), .init(path: mail, name: "report.eml")])
    #expect(first.map(\.status) == [.landed, .alreadyPresent, .landed])
    #expect(first[0].relativePath == first[1].relativePath)
    #expect(first[0].relativePath.hasPrefix("bronze/coa/ingest_date=2026-11-30/") && first[0].relativePath.hasSuffix(".csv"))
    #expect(first[2].sender == "Lab <lab@example.com>" && first[2].subject == "CoA n° 7")
    #expect(t.mode(first[0].relativePath) == 0o440)
    let again = try bronze.run([.init(path: a, name: "a.csv")])
    #expect(again.map(\.status) == [.alreadyPresent])
    #expect(try t.lake.manifests(.bronze, "coa").count == 1)
    let missing = plError { _ = try bronze.run([.init(path: t.directory.write("new.csv", "new"), name: "new.csv"), .init(path: t.directory.file("gone.csv"), name: "gone.csv")]) }
    #expect(missing?.exitStatus == .noInput)
    #expect(t.allFiles(under: "bronze").count == 2)
    let manifest = try #require(try t.lake.manifests(.bronze, "coa").first?.manifest)
    #expect(manifest.inputs.map(\.name) == ["a.csv", "report.eml"])
    #expect(manifest.inputs[1].subject == "CoA n° 7")
  }

  @Test func pendingFollowsSilverThroughTheRecordsSources() throws {
    let t = try TestLake()
    let one = try t.directory.write("one.csv", "1")
    let two = try t.directory.write("two.csv", "2")
    let bronze = BronzePromotion(lake: t.lake, dataset: "coa", identity: TestLake.identity)
    let stored = try bronze.run([.init(path: one, name: "one.csv"), .init(path: two, name: "two.csv")])
    #expect(try PendingFiles.list(lake: t.lake, dataset: "coa").count == 2)
    let source = t.lake.path(stored[0].relativePath) + "!inner.pdf"
    try t.silver("{\"measured_at\":\"2026-11-01\",\"_pl\":{\"source\":\"\(source)\",\"page\":1}}\n")
    let pending = try PendingFiles.list(lake: t.lake, dataset: "coa")
    #expect(pending.map(\.name) == ["two.csv"])
    #expect(pending[0].sha256 == stored[1].sha256)
  }

  @Test(arguments: [
    ("lake/bronze/coa/ingest_date=2026-11-30/" + String(repeating: "a1", count: 32) + ".pdf", true),
    ("/abs/lake/bronze/coa/ingest_date=2026-11-30/" + String(repeating: "a1", count: 32) + ".eml!report.pdf", true),
    ("lake/silver/coa/ingest_date=2026-11-30/" + String(repeating: "a1", count: 32) + ".pdf", false),
    ("lake/bronze/coa/ingest_date=2026-11-30/" + String(repeating: "A1", count: 32) + ".pdf", false),
    ("report.pdf", false),
  ])
  func bronzeSourcesAreRecognised(source: String, isBronze: Bool) {
    #expect((PendingFiles.bronzeSHA256(ofSource: source) != nil) == isBronze)
  }
}
