import Foundation
import Testing

/// Measures the built-in lab schema the way it is used: every corpus input that is neither a PDF
/// nor damaged and whose truth plants issues goes through `pl-extract FILE | pl-clean --profile
/// lab --spec examples/specs/site.yml | pl-validate --schema lab --rejects R --report J`.
///
/// A planted issue is caught when a record from its place — its line (within its archive member,
/// if any), its sheet row, its cell, or its panelist, sample and attribute, narrowed to its
/// analyte or channel when the truth names one — is in the rejects or passed with a pl-validate
/// warning (a note with a `rule`) in `_pl.notes`. An issue over several lines (a sentinel on
/// three lines) must be caught on each; a duplicate on any of its copies. A record from a place
/// that holds a fact of the truth and that no planted issue names is clean and must not be
/// rejected; records from places without facts (blank and reference rows, a sheet listing the
/// samples) are counted apart, as the lab schema sends records pl-clean could not shape to the
/// rejects.
///
/// The corpus is found as CorpusRecallTests finds it; without one the test is skipped.
struct LabSchemaPipelineCorpusTests {
  /// Where a planted issue points: records matching all the given parts.
  struct Place {
    var lines: Set<Int> = []
    var rows: Set<Int> = []
    var member: String?
    var cell: String?
    var panelist: String?
    var sample: String?
    var attribute: String?
    var analyte: String?
    var channel: String?

    func contains(_ r: [String: Any]) -> Bool {
      let meta = r["_pl"] as? [String: Any] ?? [:]
      if let member, (meta["source"] as? String)?.hasSuffix("!" + member) != true { return false }
      if !lines.isEmpty, (meta["line"] as? Int).map(lines.contains) != true { return false }
      if !rows.isEmpty, (meta["row"] as? Int).map(rows.contains) != true { return false }
      if let cell, !LabSchemaPipelineCorpusTests.cells(of: meta).contains(cell) {
        // A score named by its cell may also be named by panelist, sample and attribute.
        if panelist == nil { return false }
      }
      if let panelist, r["panelist"] as? String != panelist { return false }
      if let sample, r["sample"] as? String != sample { return false }
      if let attribute, r["attribute"] as? String != attribute { return false }
      if let analyte, r["analyte"] as? String != analyte { return false }
      if let channel, r["channel"] as? String != channel { return false }
      return true
    }
  }

  /// The cells a record came from, as `_pl.cell` or `_pl.cells` give them.
  static func cells(of meta: [String: Any]) -> Set<String> {
    var out: Set<String> = []
    if let c = meta["cell"] as? String { out.insert(c) }
    for c in meta["cells"] as? [String] ?? [] { out.insert(c) }
    if let o = meta["cells"] as? [String: Any] { for case let c as String in o.values { out.insert(c) } }
    return out
  }

  /// The places one planted issue names: each must be caught.
  static func places(_ issue: [String: Any]) -> [Place] {
    var base = Place()
    base.member = issue["member"] as? String
    base.analyte = issue["analyte"] as? String
    base.channel = issue["channel"] as? String
    if let cell = issue["cell"] as? String {
      base.cell = cell
      base.panelist = issue["panelist"] as? String
      base.sample = issue["sample"] as? String
      base.attribute = issue["attribute"] as? String
    }
    let kind = issue["kind"] as? String ?? ""
    if let line = issue["line"] as? Int { base.lines = [line] }
    if let row = issue["row"] as? Int { base.rows = [row] }
    if let lines = issue["lines"] as? [Int] {
      // A duplicate is caught on either copy; any other issue on each of its lines.
      if kind == "duplicate_row" {
        base.lines = Set(lines)
      } else {
        return lines.map { var p = base; p.lines = [$0]; return p }
      }
    }
    if let rows = issue["rows"] as? [Int] {
      base.rows = Set(rows)
      if kind == "duplicate_row" {
        base.panelist = issue["panelist"] as? String
        base.sample = issue["sample"] as? String
      }
    }
    if base.lines.isEmpty, base.rows.isEmpty, base.cell == nil, base.panelist == nil { return [] }
    return [base]
  }

  /// The line or row of a record, for telling clean records from those of planted places.
  static func spot(_ r: [String: Any]) -> String {
    let meta = r["_pl"] as? [String: Any] ?? [:]
    let source = meta["source"] as? String ?? ""
    let member = source.firstIndex(of: "!").map { String(source[$0...]) } ?? ""
    if let line = meta["line"] as? Int { return "\(member) line \(line)" }
    if let row = meta["row"] as? Int { return "\(member) \(meta["sheet"] as? String ?? "") row \(row)" }
    return member
  }

  /// The places holding a fact of the truth, written as `spot` writes a record's: an observation's
  /// or reading's line, a score's sheet row. Records from other places (blank and reference rows
  /// the truth ignores, a sheet listing the samples) are no data to be kept clean.
  static func dataSpots(_ truth: [String: Any]) -> Set<String> {
    var out: Set<String> = []
    func member(_ fact: [String: Any]) -> String { (fact["member"] as? String).map { "!" + $0 } ?? "" }
    for o in truth["observations"] as? [[String: Any]] ?? [] {
      if let line = (o["source"] as? [String: Any])?["line"] as? Int { out.insert("\(member(o)) line \(line)") }
    }
    for t in truth["readings"] as? [[String: Any]] ?? [] {
      if let line = t["line"] as? Int { out.insert("\(member(t)) line \(line)") }
    }
    for s in truth["scores"] as? [[String: Any]] ?? [] {
      guard let source = s["source"] as? [String: Any], let sheet = source["sheet"] as? String, let cell = source["cell"] as? String,
        let row = Int(cell.drop(while: { $0.isLetter }))
      else { continue }
      out.insert("\(member(s)) \(sheet) row \(row)")
    }
    return out
  }

  @Test(.enabled(if: CorpusRecallTests.corpus != nil, "no corpus (inputs/ and truth/) where PL_CORPUS points, or at ../shared/corpus beside the repository"))
  func labSchemaCatchesThePlantedIssuesThroughThePipeline() throws {
    guard let corpus = CorpusRecallTests.corpus else { return }
    let inputs = corpus.appendingPathComponent("inputs")
    let files = try FileManager.default.contentsOfDirectory(atPath: inputs.path).sorted()
    var byKind: [String: (planted: Int, caught: Int)] = [:]
    var misses: [String] = []
    var falsePositives: [String: Int] = [:]
    var falseExamples: [String] = []
    var cleanRecords = 0
    var rejectedClean = 0
    var outsideRejected = 0
    for file in files where !file.lowercased().hasSuffix(".pdf") {
      let truthURL = corpus.appendingPathComponent("truth/\(file).json")
      guard let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: truthURL)) as? [String: Any] else { continue }
      if !(truth["expect_error"] is NSNull) && truth["expect_error"] != nil { continue }
      let issues = truth["planted_issues"] as? [[String: Any]] ?? []
      if issues.isEmpty { continue }
      let (passed, rejected) = try Self.run(inputs.appendingPathComponent(file).path)
      func warned(_ r: [String: Any]) -> Bool {
        let notes = (r["_pl"] as? [String: Any])?["notes"] as? [[String: Any]] ?? []
        return notes.contains { $0["rule"] != nil }
      }
      let flagged = rejected + passed.filter(warned)
      var plantedSpots: Set<String> = []
      for issue in issues {
        let kind = issue["kind"] as? String ?? "?"
        let places = Self.places(issue)
        for p in places { for r in passed + rejected where p.contains(r) { plantedSpots.insert(Self.spot(r)) } }
        byKind[kind, default: (0, 0)].planted += 1
        let caught = !places.isEmpty && places.allSatisfy { p in flagged.contains(where: p.contains) }
        if caught {
          byKind[kind, default: (0, 0)].caught += 1
        } else {
          let found = places.map { p in (passed + rejected).filter(p.contains).count }
          misses.append("\(file): \(kind) \(Self.describe(issue)) (records at its places: \(found))")
        }
      }
      let dataSpots = Self.dataSpots(truth)
      cleanRecords += passed.filter { dataSpots.contains(Self.spot($0)) && !plantedSpots.contains(Self.spot($0)) }.count
      for r in rejected where !plantedSpots.contains(Self.spot(r)) {
        guard dataSpots.contains(Self.spot(r)) else {
          outsideRejected += 1
          continue
        }
        cleanRecords += 1
        rejectedClean += 1
        let errors = (r["_pl"] as? [String: Any])?["errors"] as? [[String: Any]] ?? []
        for rule in Set(errors.compactMap { $0["rule"] as? String }) { falsePositives[rule, default: 0] += 1 }
        if falseExamples.count < 20 { falseExamples.append("\(file) \(Self.spot(r)): \(errors.compactMap { $0["message"] as? String }.joined(separator: "; "))") }
      }
    }
    var lines = ["issue kind                     planted  caught  recall"]
    var planted = 0, caught = 0
    for (kind, n) in byKind.sorted(by: { $0.key < $1.key }) {
      planted += n.planted
      caught += n.caught
      lines.append(Self.row(kind, n.planted, n.caught))
    }
    lines.append(Self.row("TOTAL", planted, caught))
    lines += misses.map { "  missed \($0)" }
    lines.append("clean records \(cleanRecords), rejected \(rejectedClean); by rule:")
    lines += falsePositives.sorted(by: { $0.key < $1.key }).map { "  \($0.key): \($0.value)" }
    lines += falseExamples.map { "  rejected clean \($0)" }
    lines.append("rejected records from places without a fact in the truth (blanks, reference samples, lookup sheets): \(outsideRejected)")
    FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    #expect(planted > 0)
    #expect(cleanRecords > 0)
    #expect(caught == planted, "lab schema caught \(caught)/\(planted) planted issues through the pipeline")
    #expect(rejectedClean == 0, "lab schema rejected \(rejectedClean) clean records: \(falseExamples.prefix(5))")
  }

  static func describe(_ issue: [String: Any]) -> String {
    issue.filter { $0.key != "kind" && $0.key != "note" }.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
  }

  static func row(_ name: String, _ planted: Int, _ caught: Int) -> String {
    let recall = planted == 0 ? 100 : 100 * Double(caught) / Double(planted)
    return name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: " %7d %7d %6.1f%%", planted, caught, recall)
  }

  /// The passed and the rejected records of the whole pipeline over `path`.
  static func run(_ path: String) throws -> (passed: [[String: Any]], rejected: [[String: Any]]) {
    let fm = FileManager.default
    let scratch = fm.temporaryDirectory.appendingPathComponent("pl-labschema-\(UUID().uuidString)")
    try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: scratch) }
    let rejects = scratch.appendingPathComponent("rejects.ndjson")
    let report = scratch.appendingPathComponent("report.json")
    let bin = CaseRun.binDirectory
    func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [
      "-c",
      "\(bin)/pl-extract --on-error skip \(quoted(path)) 2>/dev/null | \(bin)/pl-clean --profile lab --spec \(quoted(LabProfileCorpusTests.siteSpec))"
        + " | \(bin)/pl-validate --schema lab --rejects \(quoted(rejects.path)) --report \(quoted(report.path))",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(fm.fileExists(atPath: report.path), "pl-validate wrote no report for \(path)")
    return (records(data), records((try? Data(contentsOf: rejects)) ?? Data()))
  }

  static func records(_ data: Data) -> [[String: Any]] {
    data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
  }
}
