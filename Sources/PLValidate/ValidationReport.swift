import PLCore

/// What a validation run found: counts that add up, every rule's tally with its first failing
/// examples, the dataset rules' results and the verdict of the quality gate.
///
/// `json` is the `--report` file; it carries an `openlineage` member shaped as OpenLineage's
/// `dataQualityAssertions` facet (`{assertions: [{assertion, success, column}]}`), so that a
/// lineage emitter can copy it as it is. `html` is the same report as one self-contained page.
public struct ValidationReport {
  public struct RuleLine {
    public var name: String
    public var level: String
    public var field: String?
    public var severity: Severity
    public var summary: String
    public var evaluated: Int
    public var failed: Int
    public var status: String
    var examples: [FailureExample]

    public var successPercent: Double { evaluated == 0 ? 100 : 100 * Double(evaluated - failed) / Double(evaluated) }
  }

  public struct DatasetLine {
    public var name: String
    public var field: String?
    public var severity: Severity
    public var summary: String
    public var success: Bool
    public var observed: JSONValue
    public var message: String
    var examples: [FailureExample]
  }

  public var schemaSource: String
  public var counts: ValidationCounts
  public var seconds: Double
  public var now: Double
  public var rules: [RuleLine] = []
  public var dataset: [DatasetLine] = []
  public var maxRejects: RejectLimit?
  /// Why the quality gate failed; empty when it passed.
  public var gateFailures: [String] = []
  /// Rules whose `warn_if` (or `mostly`, on a warning rule) went off.
  public var gateWarnings: [String] = []

  init(schema: ValidationSchema, counts: ValidationCounts, now: Double, seconds: Double, maxRejects: RejectLimit?) {
    schemaSource = schema.source
    self.counts = counts
    self.now = now
    self.seconds = seconds
    self.maxRejects = maxRejects
    for r in schema.recordRules {
      let status = r.status
      rules.append(RuleLine(name: r.name, level: "record", field: r.field, severity: r.severity, summary: r.summary, evaluated: r.evaluated, failed: r.failed, status: status.rawValue, examples: r.examples))
      switch status {
      case .fail:
        gateFailures.append("rule \(r.name): \(r.failed) of \(r.evaluated) failed (\(r.errorIf.map { "error_if \($0)" } ?? "mostly \(numberText(r.mostly ?? 1))"))")
      case .warn:
        gateWarnings.append("rule \(r.name): \(r.failed) of \(r.evaluated) failed (\(r.warnIf.map { "warn_if \($0)" } ?? "mostly \(numberText(r.mostly ?? 1))"))")
      default: break
      }
    }
    for g in schema.groupRules {
      var line = RuleLine(name: g.name, level: "group", field: g.value, severity: .warn, summary: g.summary, evaluated: g.evaluated, failed: g.failed,
                          status: g.failed == 0 ? RuleStatus.pass.rawValue : RuleStatus.warned.rawValue, examples: g.examples)
      if g.unchecked > 0 { line.summary += " (\(g.unchecked) groups over \(GroupSumRule.maxHeld) records let go unchecked)" }
      rules.append(line)
    }
    for d in schema.datasetRules {
      let result = d.result(now: now)
      dataset.append(DatasetLine(name: d.name, field: d.field, severity: d.severity, summary: d.summary, success: result.success, observed: result.observed, message: result.message, examples: d.examples))
      if !result.success {
        if d.severity == .error { gateFailures.append("dataset rule \(d.name): \(result.message)") } else { gateWarnings.append("dataset rule \(d.name): \(result.message)") }
      }
    }
    if let maxRejects, maxRejects.isExceeded(rejected: counts.rejected, of: counts.recordsIn) {
      gateFailures.insert("\(counts.rejected) of \(counts.recordsIn) records rejected, more than --max-rejects \(maxRejects) allows", at: 0)
    }
  }

  public var gatePassed: Bool { gateFailures.isEmpty }

  // MARK: JSON

  public var json: JSONValue {
    func example(_ e: FailureExample) -> JSONValue {
      var m = [Field("source", .string(e.source))]
      if let l = e.line { m.append(Field("line", .integer(l))) }
      if let r = e.row { m.append(Field("row", .integer(r))) }
      if let p = e.page { m.append(Field("page", .integer(p))) }
      if let v = e.value { m.append(Field("value", v)) }
      m.append(Field("message", .string(e.message)))
      return .object(m)
    }
    let ruleValues: [JSONValue] = rules.map { r in
      var m = [Field("rule", .string(r.name)), Field("level", .string(r.level))]
      if let f = r.field { m.append(Field("field", .string(f))) }
      m += [
        Field("severity", .string(r.severity.rawValue)), Field("check", .string(r.summary)),
        Field("evaluated", .integer(r.evaluated)), Field("failed", .integer(r.failed)),
        Field("success_percent", .number(fixed(r.successPercent))), Field("status", .string(r.status)),
        Field("examples", .array(r.examples.map(example))),
      ]
      return .object(m)
    }
    let datasetValues: [JSONValue] = dataset.map { d in
      var m = [Field("rule", .string(d.name))]
      if let f = d.field { m.append(Field("field", .string(f))) }
      m += [
        Field("severity", .string(d.severity.rawValue)), Field("check", .string(d.summary)), Field("success", .bool(d.success)),
        Field("observed", d.observed), Field("message", .string(d.message)),
      ]
      if !d.examples.isEmpty { m.append(Field("examples", .array(d.examples.map(example)))) }
      return .object(m)
    }
    var assertions: [JSONValue] = rules.map { r in
      var m = [Field("assertion", .string(r.name)), Field("success", .bool(r.failed == 0 || r.status == "warned" && r.severity == .warn))]
      if let f = r.field { m.append(Field("column", .string(f))) }
      return .object(m)
    }
    assertions += dataset.map { d in
      var m = [Field("assertion", .string(d.name)), Field("success", .bool(d.success))]
      if let f = d.field { m.append(Field("column", .string(f))) }
      return .object(m)
    }
    var gate = [Field("passed", .bool(gatePassed))]
    if let maxRejects { gate.append(Field("max_rejects", .string(maxRejects.description))) }
    gate.append(Field("failures", .array(gateFailures.map { .string($0) })))
    gate.append(Field("warnings", .array(gateWarnings.map { .string($0) })))
    return .object([
      Field("schema", .string(schemaSource)),
      Field("now", .string(TimeText.text(now))),
      Field("counts", .object([
        Field("in", .integer(counts.recordsIn)), Field("passed", .integer(counts.passed)),
        Field("rejected", .integer(counts.rejected)), Field("warned", .integer(counts.warned)),
        Field("add_up", .bool(counts.recordsIn == counts.passed + counts.rejected)),
      ])),
      Field("gate", .object(gate)),
      Field("duration_seconds", .number(fixed(seconds))),
      Field("rules", .array(ruleValues)),
      Field("dataset", .array(datasetValues)),
      Field("openlineage", .object([Field("assertions", .array(assertions))])),
    ])
  }

  /// The JSON report as pretty text (one member a line at the top, rules one a line), ending
  /// in a newline.
  public var jsonText: String {
    guard case .object(let top) = json else { return "" }
    var out = "{\n"
    for (i, f) in top.enumerated() {
      out += "  " + JSONWriter.string(.string(f.key)) + ": "
      if case .array(let items) = f.value, !items.isEmpty {
        out += "[\n" + items.map { "    " + JSONWriter.string($0) }.joined(separator: ",\n") + "\n  ]"
      } else {
        out += JSONWriter.string(f.value)
      }
      out += i == top.count - 1 ? "\n" : ",\n"
    }
    return out + "}\n"
  }

  // MARK: Text

  /// The one-screen summary for standard error: counts, then the rules that failed.
  public var summaryLines: [String] {
    var lines = ["\(counts.recordsIn) records: \(counts.passed) passed (\(counts.warned) with warnings), \(counts.rejected) rejected"]
    let failing = rules.filter { $0.failed > 0 }
    for r in failing.prefix(15) {
      lines.append("  \(r.severity == .error ? "rejected" : "warned  ") \(pad(r.failed)) \(r.name): \(r.summary)")
    }
    if failing.count > 15 { lines.append("  … and \(failing.count - 15) more rules with failures (see --report)") }
    for d in dataset where !d.success {
      lines.append("  \(d.severity == .error ? "failed  " : "warning ") dataset \(d.name): \(d.message)")
    }
    return lines
  }

  func pad(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: " ", count: max(0, 6 - s.count)) + s
  }
}
