import Foundation
import PLCore
import Testing
@testable import PLValidate

/// Measures the built-in lab schema on the shared corpus's ground truth: the observations,
/// readings and panel scores of each truth file (and of its archive and mail members) are
/// written as the canonical records pl-clean produces — with the planted defects left in
/// (a `-9999` where the logger wrote one, a null timestamp, the report's received/tested/issued
/// dates on its results) — and run through the validator.
///
/// Recall: a planted issue counts as found when a record it points at (by line, row, cell,
/// lab sample id, or the whole file for per-report issues) was rejected or warned. Precision:
/// no record that no planted issue points at may be rejected. The corpus lives where
/// `PL_CORPUS` points or beside the repository (`../shared/corpus`); without it the test is
/// skipped.
struct CorpusLabSchemaTests {
  static var corpus: URL? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = ProcessInfo.processInfo.environment["PL_CORPUS"].map { URL(fileURLWithPath: $0) } ?? root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    return FileManager.default.fileExists(atPath: url.appendingPathComponent("truth").path) ? url : nil
  }

  /// One canonical record and the places a planted issue may name it by.
  struct Item {
    var record: Record
    var file: String
    var line: Int?
    var row: Int?
    var cell: String?
    var labSampleID: String?
    var channel: String?
    var analyte: String?
  }

  @Test(.enabled(if: corpus != nil, "no corpus (truth/) where PL_CORPUS points, or at ../shared/corpus beside the repository"))
  func plantedIssuesAreFoundAndCleanRecordsPass() throws {
    guard let corpus = Self.corpus else { return }
    let truthDir = corpus.appendingPathComponent("truth")
    var items: [Item] = []
    var issues: [(file: String, issue: [String: Any])] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: truthDir.path).sorted() where name.hasSuffix(".json") {
      let object = try JSONSerialization.jsonObject(with: Data(contentsOf: truthDir.appendingPathComponent(name)))
      guard let truth = object as? [String: Any] else { continue }
      collect(truth, file: String(name.dropLast(5)), into: &items, issues: &issues)
    }
    #expect(items.count > 500)

    let validator = Validator(schema: try SchemaLoader.load(path: "lab"), now: TimeText.seconds("2026-01-01T00:00:00Z")!)
    // Outcome per item index: "pass", "warn" or "reject", with the rules.
    var verdicts = [String](repeating: "pass", count: items.count)
    var rules = [[String]](repeating: [], count: items.count)
    var pending: [Int] = []  // items held by a group, in order
    func mark(_ out: [Record]) {
      // Records a group let go come out in the order they went in.
      for (k, r) in out.enumerated() {
        let i = pending[k]
        if case .array(let notes)? = r.meta[key: MetaKey.notes] {
          let names = notes.compactMap { $0.objectValue?[key: "rule"]?.stringValue }
          if !names.isEmpty {
            verdicts[i] = "warn"
            rules[i] += names
          }
        }
      }
      pending.removeFirst(out.count)
    }
    for (i, item) in items.enumerated() {
      switch try validator.apply(item.record) {
      case .reject(let found):
        verdicts[i] = "reject"
        rules[i] = found.map(\.rule)
      case .pass:
        pending.append(i)
        mark([item.record])
      case .change(let r):
        pending.append(i)
        mark([r])
      case .emit(let out):
        pending.append(i)
        mark(out)
      case .drop:
        break
      }
    }
    mark(try validator.finish())
    #expect(validator.counts.recordsIn == validator.counts.passed + validator.counts.rejected)

    var pointedAt = Set<Int>()
    var found: [String: (planted: Int, found: Int)] = [:]
    var missed: [String] = []
    for (file, issue) in issues {
      let kind = issue["kind"] as? String ?? "?"
      let targets = self.targets(of: issue, file: file, items: items)
      // The other results of a defective line (dry matter beside a negative moisture) share
      // its defect: they are not clean, though the issue names one analyte.
      pointedAt.formUnion(self.targets(of: issue, file: file, items: items, byAnalyte: false))
      let hit = targets.contains { verdicts[$0] != "pass" }
      found[kind, default: (0, 0)].planted += 1
      if hit { found[kind, default: (0, 0)].found += 1 } else { missed.append("\(file): \(kind) \(issue)") }
    }
    var table = "kind                        planted  found\n"
    for (kind, n) in found.sorted(by: { $0.key < $1.key }) {
      table += kind.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%7d %6d\n", n.planted, n.found)
    }
    let cleanRejected = items.indices.filter { !pointedAt.contains($0) && verdicts[$0] == "reject" }
    let cleanWarned = items.indices.filter { !pointedAt.contains($0) && verdicts[$0] == "warn" }
    var warnedBy: [String: Int] = [:]
    for i in cleanWarned { for r in Set(rules[i]) { warnedBy[r, default: 0] += 1 } }
    table += "\(items.count) records; clean ones rejected: \(cleanRejected.count), warned: \(cleanWarned.count) \(warnedBy.sorted { $0.key < $1.key })\n"
    for i in cleanWarned.prefix(40) where ProcessInfo.processInfo.environment["PL_SHOW_WARNED"] != nil {
      table += "  \(rules[i]) \(JSONWriter.string(items[i].record))\n"
    }
    FileHandle.standardOutput.write(Data(table.utf8))
    for m in missed { Issue.record(Comment(rawValue: "not found: \(m)")) }
    for i in cleanRejected.prefix(20) {
      Issue.record(Comment(rawValue: "clean record rejected by \(rules[i]): \(items[i].file): \(JSONWriter.string(items[i].record))"))
    }
  }

  /// The items a planted issue points at.
  func targets(of issue: [String: Any], file: String, items: [Item], byAnalyte: Bool = true) -> [Int] {
    let inFile = items.indices.filter { items[$0].file == file }
    let kind = issue["kind"] as? String
    if kind == "proximate_sum_exceeds_100" || kind == "date_order" { return inFile }
    var lines = (issue["lines"] as? [Int]) ?? []
    if let l = issue["line"] as? Int { lines.append(l) }
    var rows = (issue["rows"] as? [Int]) ?? []
    if let r = issue["row"] as? Int { rows.append(r) }
    let cell = issue["cell"] as? String
    let lab = issue["lab_sample_id"] as? String
    let channel = issue["channel"] as? String
    let analyte = issue["analyte"] as? String
    return inFile.filter { i in
      let it = items[i]
      if let channel, it.channel != channel { return false }
      if byAnalyte, let analyte, it.analyte != analyte { return false }
      if !lines.isEmpty { return it.line.map(lines.contains) ?? false }
      if let cell { return it.cell == cell }
      if !rows.isEmpty { return it.row.map(rows.contains) ?? false }
      if let lab { return it.labSampleID == lab }
      return false
    }
  }

  /// Canonical records of a truth object and its members.
  /// Observations of a mail or archive may name the member they were read from; their records
  /// then say `outer!member` in `_pl.source`, as pl-extract writes it.
  func collect(_ truth: [String: Any], file: String, into items: inout [Item], issues: inout [(file: String, issue: [String: Any])]) {
    for issue in truth["planted_issues"] as? [[String: Any]] ?? [] { issues.append((file, issue)) }
    let header = truth["header"] as? [String: Any] ?? [:]
    let sentinelLines = Set((truth["planted_issues"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "sentinel_value" }
      .flatMap { issue in (issue["lines"] as? [Int] ?? []).map { "\($0)|\(issue["channel"] as? String ?? "")" } })
    for o in truth["observations"] as? [[String: Any]] ?? [] {
      let source = o["source"] as? [String: Any] ?? [:]
      var fields: [Field] = []
      for key in ["sample_id", "lab_sample_id", "lot", "product", "analyte"] { fields.append(Field(key, json(o[key]))) }
      fields.append(Field("value", json(o["canonical_value"] ?? o["value"])))
      fields.append(Field("qualifier", json(o["censored"])))
      fields.append(Field("limit", o["censored"] is String ? json(o["canonical_value"] ?? o["value"]) : .null))
      fields.append(Field("unit", json(o["canonical_unit"])))
      fields.append(Field("loq", json(o["loq"])))
      fields.append(Field("measured_at", json(o["measured_at"])))
      for key in ["received", "tested", "issued"] where header[key] != nil { fields.append(Field(key, json(header[key]))) }
      let shown = (o["member"] as? String).map { file + "!" + $0 } ?? file
      let r = Record(fields, meta: meta(shown, source["line"] as? Int, source["row"] as? Int, source["page"] as? Int))
      items.append(Item(record: r, file: file, line: source["line"] as? Int, row: source["row"] as? Int, labSampleID: o["lab_sample_id"] as? String, analyte: o["analyte"] as? String))
    }
    for rd in truth["readings"] as? [[String: Any]] ?? [] {
      let line = rd["line"] as? Int
      let channel = rd["channel"] as? String
      var value = json(rd["canonical_value"] ?? rd["value"])
      if sentinelLines.contains("\(line ?? -1)|\(channel ?? "")") { value = .number("-9999") }
      let fields = [
        Field("ts", json(rd["ts"])), Field("channel", json(channel)), Field("quantity", json(rd["quantity"])), Field("value", value),
        Field("unit", json(rd["canonical_unit"])),
      ]
      items.append(Item(record: Record(fields, meta: meta(file, line, nil, nil)), file: file, line: line, channel: channel))
    }
    for s in truth["scores"] as? [[String: Any]] ?? [] {
      let source = s["source"] as? [String: Any] ?? [:]
      let cell = source["cell"] as? String
      let row = cell.flatMap { Int($0.drop { $0.isLetter }) }
      var fields = [Field("panelist", json(s["panelist"])), Field("sample", json(s["sample"])), Field("attribute", json(s["attribute"])), Field("score", json(s["score"]))]
      if let scale = s["scale"] as? String { fields.append(Field("scale", .string(scale))) }
      var m = meta(file, nil, row, nil)
      if let sheet = source["sheet"] as? String { m.append(Field("sheet", .string(sheet))) }
      items.append(Item(record: Record(fields, meta: m), file: file, row: row, cell: cell))
    }
    for member in truth["members"] as? [[String: Any]] ?? [] {
      guard let inner = member["truth"] as? [String: Any] else { continue }
      collect(inner, file: file + "!" + (member["name"] as? String ?? "?"), into: &items, issues: &issues)
    }
  }

  func meta(_ file: String, _ line: Int?, _ row: Int?, _ page: Int?) -> [Field] {
    var m = [Field("source", .string(file))]
    if let line { m.append(Field("line", .integer(line))) }
    if let row { m.append(Field("row", .integer(row))) }
    if let page { m.append(Field("page", .integer(page))) }
    return m
  }

  func json(_ any: Any?) -> JSONValue {
    switch any {
    case nil, is NSNull: return .null
    case let s as String: return .string(s)
    case let n as NSNumber:
      if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
      let d = n.doubleValue
      return .number(d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)")
    default: return .null
    }
  }
}
