import PLCore

/// Removes what an earlier validation left on a record — `_pl.errors` and its own warnings in
/// `_pl.notes` — so that a rejects file fed back is judged afresh and its reasons replaced,
/// never piled up.
public struct ClearValidationMarks: CompactLineTransform {
  public init() {}

  /// A line whose `_pl` names neither `errors` nor `notes` has nothing to clear.
  public func check(line: CompactLine) throws(PLError) -> Bool {
    guard let meta = line.metaMember else { return true }
    let bytes = UnsafeBufferPointer(rebasing: line.bytes[meta])
    return !bytes.contains(text: "\"errors\":") && !bytes.contains(text: "\"notes\":")
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    guard !record.meta.isEmpty else { return .pass }
    var changed = false
    var r = record
    if let i = r.meta.firstIndex(where: { $0.key == MetaKey.errors }) {
      r.meta.remove(at: i)
      changed = true
    }
    if let i = r.meta.firstIndex(where: { $0.key == MetaKey.notes }), case .array(let notes) = r.meta[i].value {
      let kept = notes.filter { $0.objectValue?[key: "rule"] == nil }
      if kept.count != notes.count {
        changed = true
        if kept.isEmpty { r.meta.remove(at: i) } else { r.meta[i].value = .array(kept) }
      }
    }
    return changed ? .change(r) : .pass
  }
}

/// The counts of a validation run. `recordsIn == passed + rejected` once the stream ended;
/// `warned` counts passed records that carry at least one warning.
public struct ValidationCounts: Equatable, Sendable {
  public var recordsIn = 0
  public var passed = 0
  public var rejected = 0
  public var warned = 0
}

/// Runs a schema's rules over each record: a record failing a rule of severity error is
/// rejected with all its issues; one failing only warnings passes with them in `_pl.notes`.
///
/// Unique keys are checked as records stream by: the first record with a key passes and a later
/// one is the duplicate (rejected or warned, as the rule says), so nothing waits for the end.
/// Group rules hold a group's consecutive records until the group ends, then let them go on
/// together (marked when the group failed). Dataset rules see every record read and are decided
/// by `finishDataset()`.
public final class Validator: CompactLineTransform {
  let schema: ValidationSchema
  let cx: CheckContext
  /// The rules prepared for compact lines; nil when some rule needs the whole record.
  let linePlan: LinePlan?
  public private(set) var counts = ValidationCounts()
  /// Where the current record was read, for examples: the input's name and the line.
  public var position: () -> (source: String, line: Int) = { ("-", 0) }

  var held: [Record] = []
  var heldKey: String?
  var heldWarned: [Bool] = []

  /// - Parameters:
  ///   - now: seconds since 1970 that time rules take as now.
  ///   - keyMemoryLimit: unique-key digests kept in memory before spilling to disk (the
  ///     schema's `unique_keys_in_memory` wins when set).
  public init(schema: ValidationSchema, now: Double, keyMemoryLimit: Int = 4_000_000) {
    self.schema = schema
    self.cx = CheckContext(now: now, missing: schema.missing, keyMemoryLimit: schema.keyMemoryLimit ?? keyMemoryLimit)
    self.linePlan = LinePlan(schema: schema)
  }

  /// True when the schema's rules can judge compact lines (see `LinePlan`).
  public var checksLines: Bool { linePlan != nil }

  /// True when the record of `line` passes every rule with no warning: it is counted as
  /// `apply` would count it. False (a failure, or unsure) changes nothing.
  public func check(line: CompactLine) throws(PLError) -> Bool {
    guard let linePlan, try linePlan.passes(line, cx) else { return false }
    counts.recordsIn += 1
    counts.passed += 1
    return true
  }

  public func apply(_ record: Record) throws(PLError) -> Outcome {
    counts.recordsIn += 1
    var errors: [RecordIssue] = []
    var warnings: [RecordIssue] = []
    for rule in schema.recordRules {
      if let condition = rule.condition, !condition.holds(record, cx.missing) { continue }
      switch try rule.verdict(record, cx) {
      case .skip: continue
      case .pass: rule.evaluated += 1
      case .fail(let field, let message, let value):
        rule.evaluated += 1
        rule.failed += 1
        if rule.examples.count < 5 { rule.examples.append(example(record, value: value, message: message)) }
        let issue = RecordIssue(rule: rule.name, field: field, code: rule.code, message: message, value: value)
        if rule.severity == .error { errors.append(issue) } else { warnings.append(issue) }
      }
    }
    if !schema.datasetRules.isEmpty {
      for rule in schema.datasetRules { rule.observe(record, cx.missing) { example(record, value: nil, message: "") } }
    }
    if !errors.isEmpty {
      counts.rejected += 1
      return .reject(errors)
    }
    var out = record
    if !warnings.isEmpty { for w in warnings { out.addWarning(w) } }
    if schema.groupRules.isEmpty {
      counts.passed += 1
      if !warnings.isEmpty {
        counts.warned += 1
        return .change(out)
      }
      return .pass
    }
    return .emit(hold(out, warned: !warnings.isEmpty))
  }

  /// Adds `r` to the held group, or closes the group and starts a new one; returns what goes on.
  func hold(_ r: Record, warned: Bool) -> [Record] {
    // One group rule decides the grouping (the first); the others are checked on its groups.
    guard let key = schema.groupRules[0].key(r, cx.missing) else {
      var out = release()
      out.append(r)
      counts.passed += 1
      if warned { counts.warned += 1 }
      return out
    }
    var out: [Record] = []
    if key != heldKey || held.count >= GroupSumRule.maxHeld {
      if key == heldKey { schema.groupRules[0].unchecked += 1 }
      out = release()
      heldKey = key
    }
    held.append(r)
    heldWarned.append(warned)
    return out
  }

  /// Checks the held group and lets it go.
  func release() -> [Record] {
    guard !held.isEmpty else { return [] }
    var group = held
    var warned = heldWarned
    held.removeAll()
    heldWarned.removeAll()
    heldKey = nil
    for rule in schema.groupRules {
      guard let message = rule.check(group, cx.missing) else { continue }
      if rule.examples.count < 5 { rule.examples.append(example(group[0], value: nil, message: message)) }
      for i in group.indices {
        group[i].addWarning(RecordIssue(rule: rule.name, field: rule.value, code: "group-constraint", message: message))
        warned[i] = true
      }
    }
    counts.passed += group.count
    counts.warned += warned.filter { $0 }.count
    return group
  }

  public func finish() throws(PLError) -> [Record] {
    schema.groupRules.isEmpty ? [] : release()
  }

  func example(_ r: Record, value: JSONValue?, message: String) -> FailureExample {
    let here = position()
    var e = FailureExample(source: r.meta[key: MetaKey.source]?.stringValue ?? here.source, value: value, message: message)
    func int(_ key: String) -> Int? {
      if case .number(let n)? = r.meta[key: key] { return Int(n) }
      return nil
    }
    e.line = int(MetaKey.line) ?? (r.meta[key: MetaKey.source] == nil ? here.line : nil)
    e.row = int(MetaKey.row)
    e.page = int(MetaKey.page)
    return e
  }

  /// The report of the run so far; call after the stream ended.
  public func report(seconds: Double, maxRejects: RejectLimit?) -> ValidationReport {
    ValidationReport(schema: schema, counts: counts, now: cx.now, seconds: seconds, maxRejects: maxRejects)
  }
}

extension Record {
  /// Appends a validation warning to `_pl.notes`: `{rule, field, code, message}`; the `rule`
  /// member tells it from cleaning's notes.
  mutating func addWarning(_ issue: RecordIssue) {
    let note = issue.json
    if let i = meta.firstIndex(where: { $0.key == MetaKey.notes }), case .array(var notes) = meta[i].value {
      notes.append(note)
      meta[i].value = .array(notes)
    } else {
      meta.removeAll { $0.key == MetaKey.notes }
      meta.append(Field(MetaKey.notes, .array([note])))
    }
  }
}

/// How many rejects a run may have before its quality gate fails: a count or a percentage of
/// the records read.
public enum RejectLimit: Equatable, Sendable, CustomStringConvertible {
  case count(Int)
  case percent(Double)
  case unlimited

  /// `N`, `P%`, or `unlimited`.
  public init?(_ text: String) {
    if text == "unlimited" {
      self = .unlimited
    } else if text.hasSuffix("%"), let p = Double(text.dropLast()), p >= 0, p <= 100 {
      self = .percent(p)
    } else if let n = Int(text), n >= 0 {
      self = .count(n)
    } else {
      return nil
    }
  }

  public func isExceeded(rejected: Int, of total: Int) -> Bool {
    switch self {
    case .count(let n): return rejected > n
    case .percent(let p): return total > 0 && 100 * Double(rejected) / Double(total) > p
    case .unlimited: return false
    }
  }

  public var description: String {
    switch self {
    case .count(let n): "\(n)"
    case .percent(let p): "\(numberText(p))%"
    case .unlimited: "unlimited"
    }
  }
}
