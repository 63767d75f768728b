import Foundation
import Testing

/// Measures the lab profile's shaping on the shared test corpus: every input that is neither a
/// PDF nor damaged goes through `pl-extract FILE | pl-clean --profile lab --spec
/// examples/specs/site.yml`, and the canonical records that come out are scored against the
/// corpus truth, as its README says: an observation is found on a record with its sample id
/// (client or lab id) and analyte code whose value equals the canonical value (within 1e-9
/// relative; a censored result by its qualifier), whose unit is the canonical unit (case,
/// spaces and the micro sign aside) and whose `measured_at` is the truth's; a reading on a
/// record of its channel and UTC timestamp (the expected one where the file has none) with the
/// canonical value and unit; a score on a record of its panelist, sample and attribute with the
/// same score. The truth's `ignore_sample_ids` and `ignore_analytes` are left out, as are the
/// facts of PDF members of archives and mails (the PDF reader is measured elsewhere).
///
/// The corpus is found as CorpusRecallTests finds it; without one the test is skipped.
struct LabProfileCorpusTests {
  static let siteSpec = CorpusRecallTests.repositoryRoot.appendingPathComponent("examples/specs/site.yml").path

  @Test(.enabled(if: CorpusRecallTests.corpus != nil, "no corpus (inputs/ and truth/) where PL_CORPUS points, or at ../shared/corpus beside the repository"))
  func labProfileFindsTheTruthOfTheCorpus() throws {
    guard let corpus = CorpusRecallTests.corpus else { return }
    let inputs = corpus.appendingPathComponent("inputs")
    let files = try FileManager.default.contentsOfDirectory(atPath: inputs.path).sorted()
    var byFamily: [String: (facts: Int, found: Int)] = [:]
    var misses: [String] = []
    for file in files where !file.lowercased().hasSuffix(".pdf") {
      let truthURL = corpus.appendingPathComponent("truth/\(file).json")
      guard let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: truthURL)) as? [String: Any] else { continue }
      if !(truth["expect_error"] is NSNull) && truth["expect_error"] != nil { continue }
      let records = try Self.run(inputs.appendingPathComponent(file).path)
      let score = Scorer(truth: truth, records: records)
      let family = truth["template"] as? String ?? file
      byFamily[family, default: (0, 0)].facts += score.facts
      byFamily[family, default: (0, 0)].found += score.found
      misses += score.misses.prefix(3).map { "\(file): \($0)" }
    }
    var lines = ["family                                   facts  found  recall"]
    var facts = 0, found = 0
    for (family, n) in byFamily.sorted(by: { $0.key < $1.key }) {
      facts += n.facts
      found += n.found
      lines.append(Self.row(family, n.facts, n.found))
    }
    lines.append(Self.row("TOTAL", facts, found))
    lines += misses.prefix(40).map { "  missed \($0)" }
    FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    #expect(facts > 0)
    let recall = facts == 0 ? 0 : Double(found) / Double(facts)
    #expect(recall >= 0.99, "lab profile recall \(found)/\(facts)")
  }

  static func row(_ name: String, _ facts: Int, _ found: Int) -> String {
    let recall = facts == 0 ? 100 : 100 * Double(found) / Double(facts)
    return name.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: " %6d %6d %6.1f%%", facts, found, recall)
  }

  /// The records of `pl-extract FILE | pl-clean --profile lab --spec site.yml`.
  static func run(_ path: String) throws -> [[String: Any]] {
    let bin = CaseRun.binDirectory
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    let quoted = "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    process.arguments = [
      "-c", "\(bin)/pl-extract --on-error skip \(quoted) 2>/dev/null | \(bin)/pl-clean --profile lab --spec '\(siteSpec)'",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
  }
}

/// One input's truth against the records made of it.
struct Scorer {
  var facts = 0
  var found = 0
  var misses: [String] = []

  init(truth: [String: Any], records: [[String: Any]]) {
    let ignoreSamples = Set(truth["ignore_sample_ids"] as? [String] ?? [])
    let ignoreAnalytes = Set(truth["ignore_analytes"] as? [String] ?? [])
    func fromPDF(_ fact: [String: Any]) -> Bool { (fact["member"] as? String)?.lowercased().hasSuffix(".pdf") == true }

    var bySample: [String: [[String: Any]]] = [:]
    var byReading: [String: [[String: Any]]] = [:]
    var byScore: [String: [[String: Any]]] = [:]
    // A result of a row without any sample id is found by its line.
    var byLine: [String: [[String: Any]]] = [:]
    for r in records {
      if let analyte = r["analyte"] as? String {
        for id in [r["sample_id"], r["lab_sample_id"]].compactMap({ $0 as? String }) { bySample["\(id)|\(analyte)", default: []].append(r) }
      }
      if let channel = r["channel"] as? String, let ts = r["ts"] as? String { byReading["\(channel)|\(ts)", default: []].append(r) }
      if let a = r["attribute"] as? String {
        byScore["\(r["panelist"] as? String ?? "")|\(r["sample"] as? String ?? "")|\(a)", default: []].append(r)
      }
      if let analyte = r["analyte"] as? String, let line = (r["_pl"] as? [String: Any])?["line"] as? Int {
        byLine["\(line)|\(analyte)", default: []].append(r)
      }
    }
    for o in truth["observations"] as? [[String: Any]] ?? [] where !fromPDF(o) {
      if let s = o["sample_id"] as? String, ignoreSamples.contains(s) { continue }
      if [o["analyte"], o["analyte_raw"], o["column"]].contains(where: { ($0 as? String).map(ignoreAnalytes.contains) == true }) { continue }
      facts += 1
      let analyte = o["analyte"] as? String ?? ""
      let ids = [o["sample_id"], o["lab_sample_id"]].compactMap { $0 as? String }
      var candidates = ids.flatMap { bySample["\($0)|\(analyte)"] ?? [] }
      if ids.isEmpty, let line = (o["source"] as? [String: Any])?["line"] as? Int {
        candidates = (byLine["\(line)|\(analyte)"] ?? []).filter { r in
          guard let member = o["member"] as? String else { return true }
          return ((r["_pl"] as? [String: Any])?["source"] as? String)?.hasSuffix("!" + member) == true
        }
      }
      let hit = candidates.contains { r in
        Self.same(o["canonical_value"], r["value"]) && Self.sameUnit(o["canonical_unit"], r["unit"])
          && Self.sameText(o["censored"], r["qualifier"]) && Self.sameTime(o["measured_at"], r["measured_at"])
      }
      if hit { found += 1 } else { misses.append("observation \(o["sample_id"] ?? "-") \(analyte) \(o["canonical_value"] ?? "-") \(o["canonical_unit"] ?? "-") \(o["measured_at"] ?? "-") (\(candidates.count) candidates)") }
    }
    for t in truth["readings"] as? [[String: Any]] ?? [] where !fromPDF(t) {
      facts += 1
      let ts = (t["ts"] as? String) ?? (t["ts_expected"] as? String) ?? ""
      let channel = t["channel"] as? String ?? ""
      let hit = (byReading["\(channel)|\(ts)"] ?? []).contains { r in
        Self.same(t["canonical_value"], r["value"]) && Self.sameUnit(t["canonical_unit"], r["unit"])
      }
      if hit { found += 1 } else { misses.append("reading \(channel) \(ts) \(t["canonical_value"] ?? "-") \(t["canonical_unit"] ?? "-")") }
    }
    for s in truth["scores"] as? [[String: Any]] ?? [] where !fromPDF(s) {
      facts += 1
      let key = "\(s["panelist"] as? String ?? "")|\(s["sample"] as? String ?? "")|\(s["attribute"] as? String ?? "")"
      if (byScore[key] ?? []).contains(where: { Self.same(s["score"], $0["score"]) }) { found += 1 } else { misses.append("score \(key)") }
    }
  }

  static func number(_ v: Any?) -> Double? {
    if let n = v as? NSNumber, !(v is Bool) { return n.doubleValue }
    return nil
  }

  /// Numbers within 1e-9 relative, or both absent.
  static func same(_ truth: Any?, _ ours: Any?) -> Bool {
    guard let a = number(truth) else { return number(ours) == nil }
    guard let b = number(ours) else { return false }
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300) || a == b
  }

  static func normalisedUnit(_ v: Any?) -> String? {
    guard let s = v as? String else { return nil }
    return s.lowercased().replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{B5}", with: "u").replacingOccurrences(of: "\u{3BC}", with: "u")
  }

  static func sameUnit(_ truth: Any?, _ ours: Any?) -> Bool {
    guard let t = normalisedUnit(truth) else { return true }
    return t == normalisedUnit(ours)
  }

  static func sameText(_ truth: Any?, _ ours: Any?) -> Bool {
    guard let t = truth as? String else { return ours == nil || ours is NSNull }
    return t == ours as? String
  }

  /// A date-time by its instant text; a date alone by the date of ours.
  static func sameTime(_ truth: Any?, _ ours: Any?) -> Bool {
    guard let t = truth as? String else { return true }
    guard let o = ours as? String else { return false }
    return t.contains("T") ? t == o : o.hasPrefix(t)
  }
}
