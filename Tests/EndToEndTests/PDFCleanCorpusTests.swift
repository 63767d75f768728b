import Foundation
import PLCore
import Testing

/// Measures `pl-clean --profile lab` on the records the lab-report reader makes of the shared
/// corpus's text PDFs: each observation of the truth must come out as one result record with
/// its sample id (the lab's id where the truth has no client id), its canonical analyte code
/// and the name as printed (`analyte_raw`, footnote marker removed),
/// its canonical value (within 1e-9 relative; a censored result by its `<` qualifier, no value
/// and, where the truth gives the number behind `<`, that number as `limit`), its canonical unit, its LOQ as printed (the LoD where the report prints no LOQ; the
/// number behind `<` where it prints neither) and its `measured_at` where the truth has one.
/// A result record that is no
/// observation of its file counts against precision. Figures are printed per layout (the
/// truth's `template`); the bars are recall ≥ 99 % and precision ≥ 98 % over all of them.
///
/// Bare PDFs are read through the library, as `PDFCorpusTests` reads them, written as NDJSON
/// to a scratch file and cleaned by the built `pl-clean` with the corpus's site time zone.
/// PDFs inside e-mails and archives go through the built `pl-extract` once it reads PDFs
/// (until then they are listed as not measured). Skipped without a corpus.
struct PDFCleanCorpusTests {
  @Test(.enabled(if: CorpusRecallTests.corpus != nil, "no corpus (inputs/ and truth/) where PL_CORPUS points, or at ../shared/corpus beside the repository"))
  func theLabProfileTurnsReportRowsIntoTheTruthsResults() throws {
    guard let corpus = CorpusRecallTests.corpus else { return }
    let inputs = corpus.appendingPathComponent("inputs")
    let fm = FileManager.default
    let scratch = fm.temporaryDirectory.appendingPathComponent("pl-pdf-clean-\(UUID().uuidString)")
    try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: scratch) }
    var byLayout: [String: CleanScore] = [:]
    var misses: [String] = []
    var unmeasured: [String] = []
    for file in try fm.contentsOfDirectory(atPath: inputs.path).sorted() {
      let truthURL = corpus.appendingPathComponent("truth/\(file).json")
      guard let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: truthURL)) as? [String: Any],
        truth["expect_error"] is NSNull || truth["expect_error"] == nil
      else { continue }
      let bare = file.lowercased().hasSuffix(".pdf")
      let observations = (truth["observations"] as? [[String: Any]] ?? []).filter { fact in
        bare || (fact["member"] as? String)?.lowercased().hasSuffix(".pdf") == true
      }
      guard !observations.isEmpty else { continue }
      let ndjson = scratch.appendingPathComponent("\(file).ndjson")
      if bare {
        let lines = try PDFCorpusTests.read(inputs.appendingPathComponent(file).path).map { JSONWriter.string($0) + "\n" }
        try Data(lines.joined().utf8).write(to: ndjson)
      } else {
        let run = try ToolRun.run("pl-extract", ["--on-error", "skip", inputs.appendingPathComponent(file).path])
        let lines = run.stdoutText.split(separator: "\n").filter { line in
          guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let meta = object["_pl"] as? [String: Any]
          else { return false }
          return (meta["source"] as? String)?.lowercased().hasSuffix(".pdf") == true
        }
        if lines.isEmpty {
          unmeasured.append("\(file): pl-extract gave no record of its PDF members (status \(run.status))")
          continue
        }
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: ndjson)
      }
      let run = try ToolRun.run("pl-clean", ["--profile", "lab", "--tz", "Europe/Amsterdam", ndjson.path])
      #expect(run.status == 0, "\(file): pl-clean exited \(run.status): \(run.stderrText.firstLine)")
      let records = run.stdoutText.split(separator: "\n").compactMap { line in
        try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      }
      let layout = (truth["members"] as? [[String: Any]])?.compactMap { $0["template"] as? String }.first { $0.contains("pdf") }
        ?? (truth["template"] as? String ?? "?")
      var score = CleanScore()
      misses += score.add(observations: observations, records: records, file: file)
      byLayout[layout, default: CleanScore()].merge(score)
    }
    var total = CleanScore()
    var report = "pdf | pl-clean --profile lab:\n" + CleanScore.heading + "\n"
    for (layout, score) in byLayout.sorted(by: { $0.key < $1.key }) {
      report += score.row(layout) + "\n"
      total.merge(score)
    }
    report += total.row("TOTAL") + "\n"
    report += "result records dated where the truth gives no date: \(total.datedBeyondTruth) (a report's single date of analysis)\n"
    for line in unmeasured { report += "not measured: \(line)\n" }
    report += PDFScore.sample(misses)
    FileHandle.standardOutput.write(Data(report.utf8))
    #expect(total.observations > 0)
    #expect(total.recall >= 0.99, "recall \(total.found)/\(total.observations)")
    #expect(total.precision >= 0.98, "precision: \(total.invented) of \(total.records) result records match no observation")
  }
}

/// Observations found among pl-clean's result records, and result records that are none.
struct CleanScore {
  var files = 0
  var observations = 0
  var found = 0
  var records = 0
  var invented = 0
  /// Matched records with a `measured_at` where the truth has none (not counted against them).
  var datedBeyondTruth = 0

  var recall: Double { observations == 0 ? 1 : Double(found) / Double(observations) }
  var precision: Double { records == 0 ? 1 : Double(records - invented) / Double(records) }

  static let heading = PDFScore.heading

  func row(_ name: String) -> String {
    name.padding(toLength: 42, withPad: " ", startingAt: 0)
      + String(format: " %5d %5d %6d %5.1f%% %8d %8d %7.1f%%", files, observations, found, 100 * recall, records, invented, 100 * precision)
  }

  mutating func merge(_ other: CleanScore) {
    files += other.files
    observations += other.observations
    found += other.found
    records += other.records
    invented += other.invented
    datedBeyondTruth += other.datedBeyondTruth
  }

  /// Matches each observation with one record of its file (or member); returns what was missed or invented.
  mutating func add(observations facts: [[String: Any]], records: [[String: Any]], file: String) -> [String] {
    files += 1
    observations += facts.count
    self.records += records.count
    var used = Set<Int>()
    var misses: [String] = []
    for fact in facts {
      let member = fact["member"] as? String
      let hit = records.indices.first { i in
        !used.contains(i) && (member.map { Self.source(records[i]).hasSuffix($0) } ?? true) && Self.matches(fact, records[i])
      }
      if let hit {
        used.insert(hit)
        found += 1
        if !(fact["measured_at"] is String), records[hit]["measured_at"] is String { datedBeyondTruth += 1 }
      } else {
        misses.append("\(file): missed \(Self.summary(fact, value: "canonical_value", unit: "canonical_unit", qualifier: "censored"))")
      }
    }
    for i in records.indices where !used.contains(i) {
      invented += 1
      misses.append("\(file): invented \(Self.summary(records[i], value: "value", unit: "unit", qualifier: "qualifier"))")
    }
    return misses
  }

  static func source(_ record: [String: Any]) -> String {
    (record["_pl"] as? [String: Any])?["source"] as? String ?? ""
  }

  static func summary(_ r: [String: Any], value: String, unit: String, qualifier: String) -> String {
    let parts = ["sample_id", "analyte", "analyte_raw", qualifier, value, unit, "loq", "measured_at"].map { key -> String in
      switch r[key] {
      case let s as String: s
      case let n as NSNumber: n.stringValue
      default: "-"
      }
    }
    return parts.joined(separator: " | ")
  }

  static func matches(_ fact: [String: Any], _ record: [String: Any]) -> Bool {
    if let sample = fact["sample_id"] as? String {
      guard record["sample_id"] as? String == sample else { return false }
    } else if let lab = fact["lab_sample_id"] as? String {
      guard record["lab_sample_id"] as? String == lab else { return false }
    }
    guard let code = fact["analyte"] as? String, record["analyte"] as? String == code else { return false }
    guard PDFScore.squeezed(fact["analyte_raw"] as? String) == PDFScore.squeezed(record["analyte_raw"] as? String) else { return false }
    guard Scorer.sameUnit(fact["canonical_unit"], record["unit"]) else { return false }
    switch fact["censored"] {
    case let sign as String:
      // The truth writes `< 5` as the value 5, censored; the result shape as no value, the
      // qualifier `<` and the limit 5 (in the canonical unit).
      guard record["qualifier"] as? String == sign, Scorer.number(record["value"]) == nil else { return false }
      if fact["canonical_value"] is NSNumber, !Scorer.same(fact["canonical_value"], record["limit"]) { return false }
    default:
      guard Scorer.same(fact["canonical_value"], record["value"]) else { return false }
      guard !((record["qualifier"] as? String).map { $0.hasPrefix("<") || $0.hasPrefix(">") } ?? false) else { return false }
    }
    // The LOQ as printed; without one, the number behind a printed `<`.
    let loq = number(record["loq"]) ?? (record["result_text"] as? String).flatMap(PDFScore.censoredLimit).flatMap(PDFScore.number)
    switch number(fact["loq"]) {
    case nil: guard loq == nil else { return false }
    case let want?: guard let loq, abs(loq - want) <= 1e-9 * max(abs(want), 1) else { return false }
    }
    // A date the truth does not give (a certificate's single date of analysis) is not held against it.
    return Scorer.sameTime(fact["measured_at"], record["measured_at"])
  }

  /// A number, or a number's text.
  static func number(_ value: Any?) -> Double? {
    switch value {
    case let s as String: PDFScore.number(s)
    case let n as NSNumber where !(value is Bool): n.doubleValue
    default: nil
    }
  }
}
