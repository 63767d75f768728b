import PLCore
import Yams

/// Reads a gold spec, YAML or JSON, into a `GoldSpec`, checking everything before any record
/// is read: each mistake is one error naming the spec file, the line and column of the value
/// that is wrong and why (exit 78).
///
///     version: 1
///     group_by: [product, analyte]
///     period: {field: measured_at, by: day}        # or {field: run, by: value}
///     value: value
///     measures: [count, mean, sd, min, max, median, p5, p95]
///     spec_limits:
///       fields: {min: spec_min, max: spec_max}     # the record's own limits, first
///       verdict: {field: verdict, fail: [fail]}    # then a verdict field
///       table:                                     # then the first entry whose `when` matches
///         - {when: {analyte: protein}, min: 5, max: 40}
///     quality:
///       - {name: in_spec, weight: 3, check: in_spec}
///       - {name: has_unit, check: {present: unit}}
///       - {name: numeric, check: numeric}
///       - {name: known_lab, check: {field: lab, one_of: [A, B]}}
///       - {name: plausible, check: {field: value, min: 0, max: 100}}
///     anomalies:
///       window: 20
///       robust_z: {threshold: 3.5, min_history: 5}
///       control_rules: {rules: [1, 2, 3, 4, 5, 6, 7, 8], sigma: moving_range, min_history: 8, same_side_run: 9}
///
/// JSON is read as YAML's flow style; a JSON text (one that starts with `{`) is first checked
/// by the toolkit's JSON parser, so its syntax errors carry their line and column too.
public struct GoldSpecReader {
  public let file: String

  public init(file: String) {
    self.file = file
  }

  static let topKeys = ["version", "group_by", "period", "value", "measures", "spec_limits", "quality", "anomalies"]

  /// Reads and checks the spec file at `path`.
  ///
  /// - Throws: `PLError.inputMissing` when it cannot be read; `PLError.config` for anything wrong in it.
  public static func read(path: String) throws(PLError) -> GoldSpec {
    let stream = try FileStream(path: path)
    let bytes = try stream.readAll(limit: 16 << 20)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .config(source: path, message: "the spec is not UTF-8 text")
    }
    return try GoldSpecReader(file: path).parse(text)
  }

  /// Parses and checks a spec's text.
  public func parse(_ text: String) throws(PLError) -> GoldSpec {
    var yaml = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    if yaml.first(where: { !$0.isWhitespace }) == "{" { yaml = try jsonAsYAML(yaml) }
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw yamlError(error)
    } catch {
      throw .config(source: file, message: "\(error)")
    }
    guard let root else { throw at(line: 1, column: 1, "the spec is empty; it starts with version: 1") }
    return try build(root)
  }

  // MARK: Places and node shapes

  func at(line: Int, column: Int, _ reason: String) -> PLError {
    .config(source: file, message: "\(Location.lineColumn(line, column)): \(reason)")
  }

  func fail(_ node: Node, _ reason: String) -> PLError {
    at(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, reason)
  }

  func yamlError(_ error: YamlError) -> PLError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      var reason = problem
      if let context { reason += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
      return at(line: mark.line, column: mark.column, "YAML: " + reason)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let names = duplicates.map { quoted($0) }.joined(separator: ", ")
      return at(line: context.mark.line, column: context.mark.column, "the key \(names) is written twice in this mapping")
    default:
      return .config(source: file, message: "YAML: \(error)")
    }
  }

  func jsonAsYAML(_ text: String) throws(PLError) -> String {
    do throws(JSONSyntaxError) {
      _ = try JSONParser.parseValue(text)
    } catch {
      let bytes = Array(text.utf8)
      let end = min(max(error.offset, 0), bytes.count)
      var line = 1, lineStart = 0
      for i in 0..<end where bytes[i] == 0x0A {
        line += 1
        lineStart = i + 1
      }
      let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).unicodeScalars.count + 1
      throw at(line: line, column: column, "JSON: " + error.message)
    }
    var out = String.UnicodeScalarView()
    var inString = false, escaped = false
    for scalar in text.unicodeScalars {
      if inString {
        if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" { inString = false }
        out.append(scalar)
      } else {
        if scalar == "\"" { inString = true }
        out.append(scalar == "\t" ? " " : scalar)
      }
    }
    return String(out)
  }

  func quoted(_ s: String) -> String { JSONWriter.string(.string(s)) }

  func describe(_ node: Node) -> String {
    switch node {
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .scalar(let s): isNull(s) ? "nothing (null)" : "the text \(quoted(s.string))"
    case .alias: "an alias"
    }
  }

  func isNull(_ s: Node.Scalar) -> Bool { s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string) }

  struct Entry {
    var key: String
    var keyNode: Node
    var value: Node
    var path: String
  }

  func entries(_ node: Node, _ path: String, allowed: [String]?) throws(PLError) -> [Entry] {
    guard case .mapping(let mapping) = node else {
      throw fail(node, "\(path.isEmpty ? "the spec" : path): expected a mapping of keys and values, found \(describe(node))")
    }
    var result: [Entry] = []
    for (keyNode, value) in mapping {
      guard case .scalar(let key) = keyNode, !isNull(key) else {
        throw fail(keyNode, "\(path): a key must be a name, found \(describe(keyNode))")
      }
      if let allowed, !allowed.contains(key.string) {
        throw fail(keyNode, "unknown key \(quoted(key.string))\(path.isEmpty ? "" : " in \(path)"); the keys are \(allowed.joined(separator: ", "))")
      }
      result.append(Entry(key: key.string, keyNode: keyNode, value: value, path: path.isEmpty ? key.string : "\(path).\(key.string)"))
    }
    return result
  }

  func name(_ node: Node, _ path: String) throws(PLError) -> String {
    guard case .scalar(let s) = node, !isNull(s), !s.string.allSatisfy({ $0 == " " }) else {
      throw fail(node, "\(path): expected a field name, found \(describe(node))")
    }
    return s.string
  }

  func names(_ node: Node, _ path: String) throws(PLError) -> [String] {
    switch node {
    case .scalar: return [try name(node, path)]
    case .sequence(let items):
      var result: [String] = []
      for item in items {
        let n = try name(item, path)
        if result.contains(n) { throw fail(item, "\(path): \(quoted(n)) is named twice") }
        result.append(n)
      }
      return result
    default: throw fail(node, "\(path): expected a field name or a list of them, found \(describe(node))")
    }
  }

  func number(_ node: Node, _ path: String) throws(PLError) -> Double {
    if case .scalar(let s) = node, s.style == .plain, let x = Double(s.string), x.isFinite { return x }
    throw fail(node, "\(path): expected a number, found \(describe(node))")
  }

  func integer(_ node: Node, _ path: String, _ range: ClosedRange<Int>) throws(PLError) -> Int {
    if case .scalar(let s) = node, s.style == .plain, let n = Int(s.string) {
      guard range.contains(n) else { throw fail(node, "\(path): expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(n)") }
      return n
    }
    throw fail(node, "\(path): expected a whole number, found \(describe(node))")
  }

  /// A scalar as a JSON value: plain null, true, false and JSON numbers are themselves;
  /// everything else is a string.
  func jsonScalar(_ node: Node, _ path: String) throws(PLError) -> JSONValue {
    guard case .scalar(let s) = node else { throw fail(node, "\(path): expected a text, number, true, false or null, found \(describe(node))") }
    guard s.style == .plain else { return .string(s.string) }
    if isNull(s) { return .null }
    if s.string == "true" { return .bool(true) }
    if s.string == "false" { return .bool(false) }
    if case .number? = try? JSONParser.parseValue(s.string) { return .number(s.string) }
    return .string(s.string)
  }

  // MARK: Sections

  func build(_ root: Node) throws(PLError) -> GoldSpec {
    let top = try entries(root, "", allowed: Self.topKeys)
    func entry(_ key: String) -> Entry? { top.first { $0.key == key } }
    guard let version = entry("version") else { throw fail(root, "the spec has no version; it starts with version: 1") }
    _ = try integer(version.value, "version", 1...1)
    guard let groupBy = entry("group_by") else { throw fail(root, "the spec has no group_by: the fields whose values make a group") }
    let groups = try names(groupBy.value, "group_by")
    guard let periodEntry = entry("period") else { throw fail(root, "the spec has no period, e.g. period: {field: measured_at, by: day}") }
    let period = try period(periodEntry)
    if groups.contains(period.field) { throw fail(periodEntry.value, "period: \(quoted(period.field)) is also in group_by") }
    if groups.contains(period.outputName) || groups.contains(where: GoldRecordLayout.reserved.contains) {
      let clash = groups.first { $0 == period.outputName || GoldRecordLayout.reserved.contains($0) }!
      throw fail(groupBy.value, "group_by: \(quoted(clash)) is a name gold records use for their own fields")
    }
    let value = try entry("value").map { e throws(PLError) in try name(e.value, e.path) } ?? "value"
    var measures: [GoldMeasure] = [.count, .mean, .sd, .min, .max, .median]
    if let m = entry("measures") { measures = try self.measures(m) }
    let limits = try entry("spec_limits").map { e throws(PLError) in try specLimits(e) } ?? SpecLimits()
    let quality = try entry("quality").map { e throws(PLError) in try self.quality(e, limits: limits) } ?? []
    let anomalies = try entry("anomalies").map { e throws(PLError) in try self.anomalies(e) }
    if anomalies != nil, !measures.contains(.mean) {
      throw fail(entry("measures")!.value, "measures: anomalies judge each group's mean; add mean to the measures")
    }
    return GoldSpec(file: file, groupBy: groups, period: period, value: value, measures: measures, limits: limits,
                    quality: quality, anomalies: anomalies)
  }

  func period(_ e: Entry) throws(PLError) -> GoldPeriod {
    let items = try entries(e.value, e.path, allowed: ["field", "by"])
    guard let field = items.first(where: { $0.key == "field" }) else { throw fail(e.value, "period: no field named") }
    let name = try self.name(field.value, field.path)
    guard let by = items.first(where: { $0.key == "by" }) else { return .day(field: name) }
    switch try self.name(by.value, by.path) {
    case "day": return .day(field: name)
    case "value": return .value(field: name)
    case let other: throw fail(by.value, "period.by: unknown \(quoted(other)); it is day (the UTC day of a timestamp) or value (the field's own value)")
    }
  }

  func measures(_ e: Entry) throws(PLError) -> [GoldMeasure] {
    guard case .sequence(let items) = e.value, !items.isEmpty else {
      throw fail(e.value, "measures: expected a list such as [count, mean, sd, min, max, median, p95], found \(describe(e.value))")
    }
    var result: [GoldMeasure] = [.count]
    for item in items {
      let text = try name(item, "measures")
      let measure: GoldMeasure
      switch text {
      case "count": continue
      case "mean": measure = .mean
      case "sd": measure = .sd
      case "min": measure = .min
      case "max": measure = .max
      case "median": measure = .median
      default:
        guard text.hasPrefix("p"), let p = Double(text.dropFirst()), p >= 0, p <= 100, text.dropFirst().allSatisfy({ $0.isNumber || $0 == "." }) else {
          throw fail(item, "measures: unknown measure \(quoted(text)); the measures are count, mean, sd, min, max, median and percentiles p0 to p100 (p95, p99.9)")
        }
        measure = .percentile(p, name: text)
      }
      if result.contains(measure) { throw fail(item, "measures: \(quoted(text)) is named twice") }
      result.append(measure)
    }
    return result
  }

  func specLimits(_ e: Entry) throws(PLError) -> SpecLimits {
    var limits = SpecLimits()
    for item in try entries(e.value, e.path, allowed: ["fields", "verdict", "table"]) {
      switch item.key {
      case "fields":
        for f in try entries(item.value, item.path, allowed: ["min", "max"]) {
          if f.key == "min" { limits.minField = try name(f.value, f.path) } else { limits.maxField = try name(f.value, f.path) }
        }
        if limits.minField == nil && limits.maxField == nil { throw fail(item.value, "\(item.path): name the field of the min, the max or both") }
      case "verdict":
        let v = try entries(item.value, item.path, allowed: ["field", "fail"])
        guard let field = v.first(where: { $0.key == "field" }), let failing = v.first(where: { $0.key == "fail" }) else {
          throw fail(item.value, "\(item.path): expected field (the verdict's field) and fail (its texts that mean out of spec)")
        }
        limits.verdictField = try name(field.value, field.path)
        limits.verdictFail = try names(failing.value, failing.path)
      default:
        guard case .sequence(let rows) = item.value else { throw fail(item.value, "\(item.path): expected a list of {when, min, max}, found \(describe(item.value))") }
        for row in rows {
          let r = try entries(row, item.path, allowed: ["when", "min", "max"])
          guard let when = r.first(where: { $0.key == "when" }) else { throw fail(row, "\(item.path): an entry without when (the field values it applies to)") }
          var match: [Field] = []
          for w in try entries(when.value, when.path, allowed: nil) { match.append(Field(w.key, try jsonScalar(w.value, w.path))) }
          if match.isEmpty { throw fail(when.value, "\(when.path): no field to match") }
          let lo = try r.first(where: { $0.key == "min" }).map { x throws(PLError) in try number(x.value, x.path) }
          let hi = try r.first(where: { $0.key == "max" }).map { x throws(PLError) in try number(x.value, x.path) }
          if lo == nil && hi == nil { throw fail(row, "\(item.path): an entry with neither min nor max") }
          if let lo, let hi, lo > hi { throw fail(row, "\(item.path): min \(lo) is above max \(hi)") }
          limits.table.append(LimitEntry(when: match, min: lo, max: hi))
        }
      }
    }
    return limits
  }

  func quality(_ e: Entry, limits: SpecLimits) throws(PLError) -> [QualityCheck] {
    guard case .sequence(let items) = e.value else { throw fail(e.value, "quality: expected a list of {name, weight, check}, found \(describe(e.value))") }
    var checks: [QualityCheck] = []
    for item in items {
      let c = try entries(item, "quality", allowed: ["name", "weight", "check"])
      guard let nameEntry = c.first(where: { $0.key == "name" }) else { throw fail(item, "quality: a check without a name") }
      let name = try self.name(nameEntry.value, nameEntry.path)
      if checks.contains(where: { $0.name == name }) { throw fail(nameEntry.value, "quality: the check \(quoted(name)) is named twice") }
      var weight = 1.0
      if let w = c.first(where: { $0.key == "weight" }) {
        weight = try number(w.value, "quality.\(name).weight")
        if weight <= 0 { throw fail(w.value, "quality.\(name).weight: expected a weight above 0, found \(weight)") }
      }
      guard let check = c.first(where: { $0.key == "check" }) else { throw fail(item, "quality.\(name): no check") }
      let path = "quality.\(name).check"
      let kind: QualityCheck.Kind
      if case .scalar = check.value {
        switch try self.name(check.value, path) {
        case "in_spec":
          if limits.isEmpty { throw fail(check.value, "\(path): in_spec needs spec_limits") }
          kind = .inSpec
        case "numeric": kind = .numeric
        case let other: throw fail(check.value, "\(path): unknown check \(quoted(other)); the checks are in_spec, numeric, {present: F}, {field: F, one_of: [...]} and {field: F, min: A, max: B}")
        }
      } else {
        let k = try entries(check.value, path, allowed: ["present", "field", "one_of", "min", "max"])
        func get(_ key: String) -> Entry? { k.first { $0.key == key } }
        if let p = get("present") {
          guard k.count == 1 else { throw fail(check.value, "\(path): present stands alone") }
          kind = .present(try self.name(p.value, p.path))
        } else if let f = get("field") {
          let field = try self.name(f.value, f.path)
          if let set = get("one_of") {
            guard get("min") == nil, get("max") == nil else { throw fail(check.value, "\(path): one_of and min/max are separate checks") }
            guard case .sequence(let values) = set.value, !values.isEmpty else { throw fail(set.value, "\(set.path): expected a list of values") }
            var list: [JSONValue] = []
            for v in values { list.append(try jsonScalar(v, set.path)) }
            kind = .oneOf(field, list)
          } else {
            let lo = try get("min").map { x throws(PLError) in try number(x.value, x.path) }
            let hi = try get("max").map { x throws(PLError) in try number(x.value, x.path) }
            if lo == nil && hi == nil { throw fail(check.value, "\(path): a field check needs one_of, or min and/or max") }
            if let lo, let hi, lo > hi { throw fail(check.value, "\(path): min \(lo) is above max \(hi)") }
            kind = .range(field, min: lo, max: hi)
          }
        } else {
          throw fail(check.value, "\(path): expected {present: F}, or {field: F, one_of: [...]}, or {field: F, min: A, max: B}")
        }
      }
      checks.append(QualityCheck(name: name, weight: weight, kind: kind))
    }
    if checks.isEmpty { throw fail(e.value, "quality: the list is empty") }
    return checks
  }

  func anomalies(_ e: Entry) throws(PLError) -> AnomalyRules {
    let items = try entries(e.value, e.path, allowed: ["window", "robust_z", "control_rules"])
    guard let w = items.first(where: { $0.key == "window" }) else { throw fail(e.value, "anomalies: no window (how many earlier points of a group a point is judged against)") }
    let window = try integer(w.value, w.path, 2...10_000)
    var robust: RobustZRule?
    var control: ControlChartRule?
    if let r = items.first(where: { $0.key == "robust_z" }) {
      var rule = RobustZRule()
      if case .mapping = r.value {
        for x in try entries(r.value, r.path, allowed: ["threshold", "min_history"]) {
          if x.key == "threshold" {
            rule.threshold = try number(x.value, x.path)
            if rule.threshold <= 0 { throw fail(x.value, "\(x.path): expected a threshold above 0") }
          } else {
            rule.minHistory = try integer(x.value, x.path, 1...window)
          }
        }
      } else if case .scalar(let s) = r.value, s.string == "true" {
      } else {
        throw fail(r.value, "\(r.path): expected true or a mapping of threshold and min_history")
      }
      rule.minHistory = min(rule.minHistory, window)
      robust = rule
    }
    if let c = items.first(where: { $0.key == "control_rules" }) {
      var rule = ControlChartRule()
      for x in try entries(c.value, c.path, allowed: ["rules", "sigma", "min_history", "same_side_run"]) {
        switch x.key {
        case "rules":
          guard case .sequence(let list) = x.value, !list.isEmpty else { throw fail(x.value, "\(x.path): expected a list of rule numbers 1 to 8") }
          var rules: [NelsonRule] = []
          for item in list {
            let n = try integer(item, x.path, 1...8)
            if rules.contains(NelsonRule(rawValue: n)!) { throw fail(item, "\(x.path): rule \(n) is named twice") }
            rules.append(NelsonRule(rawValue: n)!)
          }
          rule.rules = rules.sorted { $0.rawValue < $1.rawValue }
        case "sigma":
          let s = try name(x.value, x.path)
          guard let sigma = ControlChartRule.Sigma(rawValue: s) else { throw fail(x.value, "\(x.path): unknown \(quoted(s)); it is moving_range or sd") }
          rule.sigma = sigma
        case "min_history": rule.minHistory = try integer(x.value, x.path, 2...window)
        default: rule.sameSideRun = try integer(x.value, x.path, 2...100)
        }
      }
      rule.minHistory = min(rule.minHistory, window)
      control = rule
    }
    if robust == nil && control == nil { throw fail(e.value, "anomalies: name robust_z, control_rules or both") }
    return AnomalyRules(window: window, robustZ: robust, control: control)
  }
}
