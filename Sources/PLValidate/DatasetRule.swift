import PLCore

/// A rule about the whole stream, decided at its end: row count, share of nulls, mean,
/// median, freshness, gaps in a series. It rejects no record (they have gone on by then); a
/// failed dataset rule of severity error fails the quality gate (exit status 1).
final class DatasetRule {
  enum Kind {
    case rowCount(min: Int?, max: Int?)
    case nullShare(max: Double)
    case mean(min: Double?, max: Double?)
    /// Exact while at most `reservoir` values were seen; beyond, the median of a uniform
    /// random sample of that many (Algorithm R, fixed seed so that runs repeat).
    case median(min: Double?, max: Double?, reservoir: Int)
    case freshness(maxAge: Double)
    case gap(by: String?, max: Double)
  }

  let name: String
  let field: String?
  let kind: Kind
  let severity: Severity
  let condition: Condition?
  let summary: String

  // Accumulators.
  var rows = 0
  var nulls = 0
  var sum = 0.0
  var numbers = 0
  var sample: [Double] = []
  var seed: UInt64 = 0x2545_F491_4F6C_DD1D
  var newest: Double?
  var lastSeen: [String: Double] = [:]
  var gaps = 0
  var widest = 0.0
  var examples: [FailureExample] = []

  init(name: String, field: String?, kind: Kind, severity: Severity, condition: Condition?, summary: String) {
    self.name = name
    self.field = field
    self.kind = kind
    self.severity = severity
    self.condition = condition
    self.summary = summary
  }

  /// Takes one record into the accumulators. `place` says where it came from, for examples.
  func observe(_ r: Record, _ missing: MissingValues, place: () -> FailureExample) {
    if let condition, !condition.holds(r, missing) { return }
    rows += 1
    guard let field else { return }
    let v = r.value(field)
    switch kind {
    case .rowCount: break
    case .nullShare:
      if missing.isMissing(v) { nulls += 1 }
    case .mean:
      if !missing.isMissing(v), let x = v?.numeric {
        sum += x
        numbers += 1
      }
    case .median(_, _, let reservoir):
      guard !missing.isMissing(v), let x = v?.numeric else { return }
      numbers += 1
      if sample.count < reservoir {
        sample.append(x)
      } else {
        seed ^= seed << 13
        seed ^= seed >> 7
        seed ^= seed << 17
        let j = Int(seed % UInt64(numbers))
        if j < reservoir { sample[j] = x }
      }
    case .freshness:
      if case .string(let s)? = v, let t = TimeText.seconds(s) { newest = max(newest ?? t, t) }
    case .gap(let by, let maxGap):
      guard case .string(let s)? = v, let t = TimeText.seconds(s) else { return }
      let series = by.flatMap { r.value($0)?.keyText } ?? ""
      if let last = lastSeen[series], t - last > maxGap {
        gaps += 1
        widest = max(widest, t - last)
        if examples.count < 5 {
          var e = place()
          e.value = v
          e.message = "\(series.isEmpty ? "" : series + ": ")no reading for \(DurationText.text(t - last)) before \(s)"
          examples.append(e)
        }
      }
      lastSeen[series] = t
    }
  }

  /// The rule's result at the end of the stream: success, what was observed, and why it failed.
  func result(now: Double) -> (success: Bool, observed: JSONValue, message: String) {
    switch kind {
    case .rowCount(let min, let max):
      let ok = (min.map { rows >= $0 } ?? true) && (max.map { rows <= $0 } ?? true)
      return (ok, .integer(rows), ok ? "\(rows) rows" : "\(rows) rows, expected \(bounds(min.map(Double.init), max.map(Double.init)))")
    case .nullShare(let max):
      let share = rows == 0 ? 0 : Double(nulls) / Double(rows)
      let ok = share <= max
      return (ok, .number(fixed(share)), "\(nulls) of \(rows) values of \(field ?? "") missing (\(fixed(share * 100))%)\(ok ? "" : ", above \(numberText(max * 100))%")")
    case .mean(let min, let max):
      guard numbers > 0 else { return (false, .null, "no numeric values of \(field ?? "")") }
      let mean = sum / Double(numbers)
      let ok = (min.map { mean >= $0 } ?? true) && (max.map { mean <= $0 } ?? true)
      return (ok, .number(fixed(mean)), "mean of \(field ?? "") is \(fixed(mean))\(ok ? "" : ", expected \(bounds(min, max))")")
    case .median(let min, let max, let reservoir):
      guard numbers > 0 else { return (false, .null, "no numeric values of \(field ?? "")") }
      let sorted = sample.sorted()
      let m = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
      let ok = (min.map { m >= $0 } ?? true) && (max.map { m <= $0 } ?? true)
      let how = numbers <= reservoir ? "" : " (estimated from a sample of \(reservoir) of \(numbers) values)"
      return (ok, .number(fixed(m)), "median of \(field ?? "") is \(fixed(m))\(how)\(ok ? "" : ", expected \(bounds(min, max))")")
    case .freshness(let maxAge):
      guard let newest else { return (false, .null, "no timestamps in \(field ?? "")") }
      let age = now - newest
      let ok = age <= maxAge
      return (ok, .string(TimeText.text(newest)), "newest \(field ?? "") is \(TimeText.text(newest))\(ok ? "" : ", older than \(DurationText.text(maxAge))")")
    case .gap(_, let maxGap):
      let ok = gaps == 0
      return (ok, .integer(gaps), ok ? "no gap longer than \(DurationText.text(maxGap))" : "\(gaps) gap\(gaps == 1 ? "" : "s") longer than \(DurationText.text(maxGap)) (widest \(DurationText.text(widest)))")
    }
  }

  func bounds(_ min: Double?, _ max: Double?) -> String {
    switch (min, max) {
    case (let a?, let b?): "between \(numberText(a)) and \(numberText(b))"
    case (let a?, nil): "at least \(numberText(a))"
    case (nil, let b?): "at most \(numberText(b))"
    default: "anything"
    }
  }
}

/// A number rounded to 6 decimals, as JSON number text without trailing zeros.
func fixed(_ x: Double) -> String {
  let r = (x * 1_000_000).rounded() / 1_000_000
  return numberText(r)
}

/// A check over consecutive records of one group (a sample's results): the sum of chosen items
/// must stay within bounds, as the proximate components of a food (protein, fat, moisture, ash,
/// carbohydrate) must not add up to more than 100 g/100 g. Records of a group are held until
/// the group's key changes (at most `maxHeld`; a longer group is let go unchecked and counted),
/// then all go on, each marked with a warning when the group failed. Since components are
/// never negative, a sum over the components present that exceeds the maximum is already a
/// failure; the minimum is checked only when all items are present.
final class GroupSumRule {
  let name: String
  let group: [String]
  let item: String
  let value: String
  let items: Set<String>
  let min: Double?
  let max: Double?
  let condition: Condition?
  let summary: String
  static let maxHeld = 10_000

  var evaluated = 0
  var failed = 0
  var unchecked = 0
  var examples: [FailureExample] = []

  init(name: String, group: [String], item: String, value: String, items: Set<String>, min: Double?, max: Double?, condition: Condition?, summary: String) {
    self.name = name
    self.group = group
    self.item = item
    self.value = value
    self.items = items
    self.min = min
    self.max = max
    self.condition = condition
    self.summary = summary
  }

  /// The key of `r`'s group, or nil when the rule does not apply to it.
  func key(_ r: Record, _ missing: MissingValues) -> String? {
    if let condition, !condition.holds(r, missing) { return nil }
    var k = ""
    for g in group {
      guard let t = r.value(g)?.keyText, !missing.isMissing(r.value(g)) else { return nil }
      k += t + "\u{1F}"
    }
    return k
  }

  /// The failure message for a group of records, or nil when it passes (or has under two items).
  func check(_ held: [Record], _ missing: MissingValues) -> String? {
    var total = 0.0
    var seen: [String] = []
    for r in held {
      guard let name = r.value(item)?.keyText, items.contains(name), !seen.contains(name),
        let v = r.value(value), !missing.isMissing(v), let x = v.numeric
      else { continue }
      seen.append(name)
      total += x
    }
    guard seen.count >= 2 else { return nil }
    evaluated += 1
    if let max, total > max {
      failed += 1
      return "\(seen.joined(separator: " + ")) = \(fixed(total)), above \(numberText(max))"
    }
    if let min, seen.count == items.count, total < min {
      failed += 1
      return "\(seen.joined(separator: " + ")) = \(fixed(total)), below \(numberText(min))"
    }
    return nil
  }
}
