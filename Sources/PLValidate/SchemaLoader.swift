import Foundation
import PLCore
import Yams

/// A validation schema, parsed and compiled: what the validator runs.
public final class ValidationSchema {
  /// The file it came from (`lab` for the built-in one).
  public let source: String
  let missing: MissingValues
  let recordRules: [RecordRule]
  let groupRules: [GroupSumRule]
  let datasetRules: [DatasetRule]
  /// The schema's `unique_keys_in_memory`, when it sets one.
  var keyMemoryLimit: Int?

  init(source: String, missing: MissingValues, recordRules: [RecordRule], groupRules: [GroupSumRule], datasetRules: [DatasetRule]) {
    self.source = source
    self.missing = missing
    self.recordRules = recordRules
    self.groupRules = groupRules
    self.datasetRules = datasetRules
  }

  /// How many rules of each level it has, for messages and tests.
  public var ruleCount: (record: Int, group: Int, dataset: Int) { (recordRules.count, groupRules.count, datasetRules.count) }

  /// The names of its rules, in order: record rules, group rules, dataset rules.
  public var ruleNames: [String] { recordRules.map(\.name) + groupRules.map(\.name) + datasetRules.map(\.name) }
}

/// Reads a schema file: a Frictionless Table Schema (YAML or JSON) as it is, with the toolkit's
/// `rules:` and `dataset:` extensions. Everything is checked before a record is read: a mistake
/// is `PLError.config` (exit 78) naming the file, line and column.
public enum SchemaLoader {
  /// The name of the built-in schema for pl-clean's canonical lab records.
  public static let builtInLab = "lab"

  /// Loads `path`, or the built-in schema when `path` is `lab` and no such file exists.
  public static func load(path: String) throws(PLError) -> ValidationSchema {
    if path == builtInLab && !FileManager.default.fileExists(atPath: path) {
      return try parse(text: String(decoding: PackageResources.lab_schema_yml, as: UTF8.self), source: "lab (built in)", baseDirectory: ".")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw .config(source: path, message: "is a folder, not a schema file")
      }
      throw .config(source: path, message: "cannot read the schema file (no such file, or no permission)")
    }
    guard let text = String(data: data, encoding: .utf8) else { throw .config(source: path, message: "the schema file is not UTF-8 text") }
    let base = (path as NSString).deletingLastPathComponent
    return try parse(text: text, source: path, baseDirectory: base.isEmpty ? "." : base)
  }

  /// Parses schema text; `baseDirectory` resolves the lookup files it names.
  public static func parse(text: String, source: String, baseDirectory: String) throws(PLError) -> ValidationSchema {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else { throw PLError.config(source: source, message: "the schema is empty") }
      root = node
    } catch let error as PLError {
      throw error
    } catch let error as YamlError {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
        throw .config(source: source, message: "line \(mark.line), column \(mark.column): \(problem)")
      default:
        throw .config(source: source, message: "\(error)")
      }
    } catch {
      throw .config(source: source, message: "\(error)")
    }
    var builder = SchemaBuilder(source: source, baseDirectory: baseDirectory)
    return try builder.build(root)
  }
}

/// Walks the schema's node tree; every error carries the node's line and column.
struct SchemaBuilder {
  let source: String
  let baseDirectory: String
  var missing = MissingValues.standard
  var recordRules: [RecordRule] = []
  var groupRules: [GroupSumRule] = []
  var datasetRules: [DatasetRule] = []
  var names: Set<String> = []

  init(source: String, baseDirectory: String) {
    self.source = source
    self.baseDirectory = baseDirectory
  }

  func fail(_ node: Node?, _ message: String) -> PLError {
    if let mark = node?.mark { return .config(source: source, message: "line \(mark.line), column \(mark.column): \(message)") }
    return .config(source: source, message: message)
  }

  /// The members of a mapping, keys as text, refusing keys not in `allowed` (when given).
  func members(_ node: Node, _ what: String, allowed: Set<String>? = nil) throws(PLError) -> [(key: String, keyNode: Node, value: Node)] {
    guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping (key: value)") }
    var out: [(String, Node, Node)] = []
    for (k, v) in mapping {
      guard let key = k.string else { throw fail(k, "a key of \(what) must be text") }
      if let allowed, !allowed.contains(key) {
        throw fail(k, "unknown key '\(key)' in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
      }
      out.append((key, k, v))
    }
    return out
  }

  func text(_ node: Node, _ what: String) throws(PLError) -> String {
    guard case .scalar(let s) = node else { throw fail(node, "\(what) must be text") }
    return s.string
  }

  func number(_ node: Node, _ what: String) throws(PLError) -> Double {
    guard case .scalar(let s) = node, let x = Double(s.string.trimmingCharacters(in: .whitespaces)) else { throw fail(node, "\(what) must be a number") }
    return x
  }

  func integer(_ node: Node, _ what: String) throws(PLError) -> Int {
    guard case .scalar(let s) = node, let x = Int(s.string) else { throw fail(node, "\(what) must be a whole number") }
    return x
  }

  func bool(_ node: Node, _ what: String) throws(PLError) -> Bool {
    guard case .scalar = node, let b = node.bool else { throw fail(node, "\(what) must be true or false") }
    return b
  }

  func texts(_ node: Node, _ what: String) throws(PLError) -> [String] {
    switch node {
    case .scalar(let s): return [s.string]
    case .sequence(let seq):
      var out: [String] = []
      for item in seq { out.append(try text(item, "an item of \(what)")) }
      return out
    default: throw fail(node, "\(what) must be text or a list of texts")
    }
  }

  func duration(_ node: Node, _ what: String) throws(PLError) -> Double {
    let t = try text(node, what)
    guard let s = DurationText.seconds(t) else { throw fail(node, "\(what) must be a duration such as 90s, 5m, 2h or 1d, not '\(t)'") }
    return s
  }

  func bound(_ node: Node) -> Bound {
    if case .scalar(let s) = node, let x = Double(s.string.trimmingCharacters(in: .whitespaces)), s.style == .plain { return .number(x) }
    return .text(node.string ?? "")
  }

  mutating func uniqueName(_ wanted: String, _ node: Node) throws(PLError) -> String {
    guard !names.contains(wanted) else { throw fail(node, "two rules are named '\(wanted)'; give one a name: of its own") }
    names.insert(wanted)
    return wanted
  }

  static let topKeys: Set<String> = [
    "fields", "primaryKey", "foreignKeys", "missingValues", "fieldsMatch", "uniqueKeys", "name", "title", "description", "$schema",
    "profile", "rules", "dataset", "unique_keys_in_memory",
  ]
  var keyMemoryLimit: Int?

  mutating func build(_ root: Node) throws(PLError) -> ValidationSchema {
    let top = try members(root, "the schema", allowed: Self.topKeys)
    // missingValues first: it changes what "missing" means everywhere.
    for m in top where m.key == "missingValues" { missing = MissingValues(texts: Set(try texts(m.value, "missingValues"))) }
    for m in top {
      switch m.key {
      case "fields":
        guard case .sequence(let seq) = m.value else { throw fail(m.value, "fields must be a list") }
        for item in seq { try field(item) }
      case "primaryKey":
        let keys = try texts(m.value, "primaryKey")
        for k in keys where !names.contains("\(k)/required") { add(RecordRule(name: try uniqueName("\(k)/required", m.value), field: k, check: .required, code: "missing-cell", summary: "\(k) is given (primary key)")) }
        add(RecordRule(name: try uniqueName("primaryKey", m.value), field: keys.count == 1 ? keys[0] : nil, check: .unique(fields: keys), code: "primary-key", summary: "(\(keys.joined(separator: ", "))) is unique"))
      case "uniqueKeys":
        guard case .sequence(let seq) = m.value else { throw fail(m.value, "uniqueKeys must be a list of lists") }
        for item in seq {
          let keys = try texts(item, "a unique key")
          add(RecordRule(name: try uniqueName("unique/\(keys.joined(separator: "+"))", item), field: keys.count == 1 ? keys[0] : nil, check: .unique(fields: keys), code: "unique-error", summary: "(\(keys.joined(separator: ", "))) is unique"))
        }
      case "rules":
        guard case .sequence(let seq) = m.value else { throw fail(m.value, "rules must be a list") }
        for item in seq { try rule(item) }
      case "dataset":
        guard case .sequence(let seq) = m.value else { throw fail(m.value, "dataset must be a list") }
        for item in seq { try datasetRule(item) }
      case "unique_keys_in_memory":
        keyMemoryLimit = try integer(m.value, "unique_keys_in_memory")
      default:
        break  // descriptive members (name, title, …) and foreign keys, which need other tables
      }
    }
    let schema = ValidationSchema(source: source, missing: missing, recordRules: recordRules, groupRules: groupRules, datasetRules: datasetRules)
    schema.keyMemoryLimit = keyMemoryLimit
    return schema
  }

  mutating func add(_ r: RecordRule) { recordRules.append(r) }

  static let fieldKeys: Set<String> = [
    "name", "type", "format", "constraints", "title", "description", "example", "rdfType", "trueValues", "falseValues",
    "decimalChar", "groupChar", "bareNumber", "missingValues", "categories", "categoriesOrdered", "unit", "severity",
  ]
  static let constraintKeys: Set<String> = ["required", "unique", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "enum", "jsonSchema"]

  /// A Frictionless field descriptor: its type and constraints become record rules.
  mutating func field(_ node: Node) throws(PLError) {
    let ms = try members(node, "a field", allowed: Self.fieldKeys)
    guard let nameNode = ms.first(where: { $0.key == "name" })?.value else { throw fail(node, "a field needs a name") }
    let name = try text(nameNode, "a field's name")
    var type = FieldType.string
    var format: String?
    var trueValues: Set<String> = ["true", "True", "TRUE", "1"]
    var falseValues: Set<String> = ["false", "False", "FALSE", "0"]
    var severity = Severity.error
    for m in ms {
      switch m.key {
      case "type":
        let t = try text(m.value, "type")
        guard let ft = FieldType(rawValue: t) else {
          throw fail(m.value, "unknown type '\(t)' (known: \(FieldType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        type = ft
      case "format": format = try text(m.value, "format")
      case "trueValues": trueValues = Set(try texts(m.value, "trueValues"))
      case "falseValues": falseValues = Set(try texts(m.value, "falseValues"))
      case "severity": severity = try self.severity(m.value)
      default: break
      }
    }
    if type != .any && type != .string || format != nil {
      add(RecordRule(name: try uniqueName("\(name)/type", nameNode), field: name, check: .type(type, format: format, trueValues: trueValues, falseValues: falseValues),
                     severity: severity, code: "type-error", summary: "\(name) is of type \(type.rawValue)\(format.map { " (\($0))" } ?? "")"))
    }
    guard let constraints = ms.first(where: { $0.key == "constraints" })?.value else { return }
    var min: Bound?, max: Bound?, exMin = false, exMax = false
    var minLength: Int?, maxLength: Int?
    for c in try members(constraints, "constraints", allowed: Self.constraintKeys) {
      switch c.key {
      case "required":
        if try bool(c.value, "required") {
          add(RecordRule(name: try uniqueName("\(name)/required", c.keyNode), field: name, check: .required, severity: severity, code: "missing-cell", summary: "\(name) is given"))
        }
      case "unique":
        if try bool(c.value, "unique") {
          add(RecordRule(name: try uniqueName("\(name)/unique", c.keyNode), field: name, check: .unique(fields: [name]), severity: severity, code: "unique-error", summary: "\(name) is unique"))
        }
      case "minimum": min = bound(c.value)
      case "maximum": max = bound(c.value)
      case "exclusiveMinimum":
        min = bound(c.value)
        exMin = true
      case "exclusiveMaximum":
        max = bound(c.value)
        exMax = true
      case "minLength": minLength = try integer(c.value, "minLength")
      case "maxLength": maxLength = try integer(c.value, "maxLength")
      case "pattern":
        let p = try pattern(c.value)
        add(RecordRule(name: try uniqueName("\(name)/pattern", c.keyNode), field: name, check: .pattern(p), severity: severity, code: "constraint-error", summary: "\(name) matches \(p.source)"))
      case "enum":
        let values = try texts(c.value, "enum")
        add(RecordRule(name: try uniqueName("\(name)/enum", c.keyNode), field: name, check: .oneOf(Set(values)), severity: severity, code: "constraint-error", summary: "\(name) is one of \(values.joined(separator: ", "))"))
      default: break
      }
    }
    if min != nil || max != nil {
      add(RecordRule(name: try uniqueName("\(name)/range", constraints), field: name, check: .range(min: min, max: max, exclusiveMin: exMin, exclusiveMax: exMax),
                     severity: severity, code: "constraint-error", summary: rangeSummary(name, min, max)))
    }
    if minLength != nil || maxLength != nil {
      add(RecordRule(name: try uniqueName("\(name)/length", constraints), field: name, check: .length(min: minLength, max: maxLength), severity: severity, code: "constraint-error",
                     summary: "\(name) has length \(minLength.map(String.init) ?? "0")..\(maxLength.map(String.init) ?? "")"))
    }
  }

  func rangeSummary(_ name: String, _ min: Bound?, _ max: Bound?) -> String {
    switch (min, max) {
    case (let a?, let b?): "\(name) between \(a.description) and \(b.description)"
    case (let a?, nil): "\(name) ≥ \(a.description)"
    case (nil, let b?): "\(name) ≤ \(b.description)"
    default: name
    }
  }

  func pattern(_ node: Node) throws(PLError) -> Pattern {
    let source = try text(node, "pattern")
    do throws(PatternError) { return try Pattern(source) } catch { throw fail(node, error.message) }
  }

  func severity(_ node: Node) throws(PLError) -> Severity {
    let t = try text(node, "severity")
    guard let s = Severity(rawValue: t == "warning" ? "warn" : t) else { throw fail(node, "severity must be error or warn, not '\(t)'") }
    return s
  }

  func condition(_ node: Node) throws(PLError) -> Condition {
    var clauses: [Condition.Clause] = []
    for m in try members(node, "when") {
      switch m.key {
      case "has": for f in try texts(m.value, "has") { clauses.append(.present(f)) }
      case "missing": for f in try texts(m.value, "missing") { clauses.append(.absent(f)) }
      default: clauses.append(.oneOf(m.key, Set(try texts(m.value, "when: \(m.key)"))))
      }
    }
    return Condition(clauses: clauses)
  }

  static let ruleKinds: Set<String> = [
    "required", "require_any", "type", "range", "enum", "pattern", "length", "not_future", "expression", "then", "units", "censored", "notes",
    "spec_limits", "sentinel", "unique", "group_sum",
  ]
  static let ruleCommon: Set<String> = ["name", "severity", "mostly", "warn_if", "error_if", "when", "description"]

  /// One entry of `rules:`.
  mutating func rule(_ node: Node) throws(PLError) {
    let ms = try members(node, "a rule", allowed: Self.ruleKinds.union(Self.ruleCommon))
    let kinds = ms.filter { Self.ruleKinds.contains($0.key) }
    guard kinds.count == 1, let kind = kinds.first else {
      if kinds.isEmpty { throw fail(node, "a rule needs one kind: \(Self.ruleKinds.sorted().joined(separator: ", "))") }
      throw fail(kinds[1].keyNode, "a rule has one kind; this one has \(kinds.map(\.key).joined(separator: " and "))")
    }
    var name: String?
    var severity = Severity.error
    var mostly: Double?
    var warnIf: Threshold?
    var errorIf: Threshold?
    var when: Condition?
    for m in ms {
      switch m.key {
      case "name": name = try text(m.value, "name")
      case "severity": severity = try self.severity(m.value)
      case "mostly":
        let x = try number(m.value, "mostly")
        guard x > 0 && x <= 1 else { throw fail(m.value, "mostly must be a share between 0 and 1, such as 0.99") }
        mostly = x
      case "warn_if", "error_if":
        let t = try text(m.value, m.key)
        guard let th = Threshold(t) else { throw fail(m.value, "\(m.key) must be a comparison with a count or a percentage, such as \">10\" or \">=5%\", not '\(t)'") }
        if m.key == "warn_if" { warnIf = th } else { errorIf = th }
      case "when": when = try condition(m.value)
      default: break
      }
    }
    var made = 0
    func make(_ defaultName: String, _ field: String?, _ check: Check, code: String, summary: String) throws(PLError) -> RecordRule {
      // A named rule that makes several (then: with several checks) names the later ones apart.
      let chosen = name.map { made == 0 ? $0 : "\($0)/\(defaultName)" } ?? defaultName
      made += 1
      return RecordRule(name: try uniqueName(chosen, kind.keyNode), field: field, check: check, severity: severity, condition: when,
                 mostly: mostly, warnIf: warnIf, errorIf: errorIf, code: code, summary: summary)
    }
    let v = kind.value
    switch kind.key {
    case "required":
      // `required: field` or `required: {field: f}`
      let f = v.mapping != nil ? try fieldArg(v, "required") : try text(v, "required")
      add(try make("\(f)/required", f, .required, code: "missing-cell", summary: "\(f) is given"))
    case "require_any":
      let fs = v.mapping != nil ? try texts(try arg(v, "require_any", "fields"), "fields") : try texts(v, "require_any")
      add(try make("require_any/\(fs.joined(separator: "|"))", fs.first, .requireAny(fs), code: "missing-cell", summary: "one of \(fs.joined(separator: ", ")) is given"))
    case "type":
      let a = try members(v, "type", allowed: ["field", "type", "format"])
      let f = try fieldArg(v, "type")
      guard let tn = a.first(where: { $0.key == "type" })?.value else { throw fail(v, "type needs type:") }
      let tt = try text(tn, "type")
      guard let ft = FieldType(rawValue: tt) else { throw fail(tn, "unknown type '\(tt)'") }
      let format = try a.first(where: { $0.key == "format" }).map { (m) throws(PLError) in try text(m.value, "format") }
      add(try make("\(f)/type", f, .type(ft, format: format, trueValues: ["true", "True", "TRUE", "1"], falseValues: ["false", "False", "FALSE", "0"]), code: "type-error", summary: "\(f) is of type \(tt)"))
    case "range":
      let a = try members(v, "range", allowed: ["field", "min", "max", "exclusive_min", "exclusive_max"])
      let f = try fieldArg(v, "range")
      var lo: Bound?, hi: Bound?, exLo = false, exHi = false
      for m in a {
        switch m.key {
        case "min": lo = bound(m.value)
        case "max": hi = bound(m.value)
        case "exclusive_min":
          lo = bound(m.value)
          exLo = true
        case "exclusive_max":
          hi = bound(m.value)
          exHi = true
        default: break
        }
      }
      guard lo != nil || hi != nil else { throw fail(v, "range needs min:, max: or both") }
      add(try make("\(f)/range", f, .range(min: lo, max: hi, exclusiveMin: exLo, exclusiveMax: exHi), code: "constraint-error", summary: rangeSummary(f, lo, hi)))
    case "enum":
      _ = try members(v, "enum", allowed: ["field", "values"])
      let f = try fieldArg(v, "enum")
      let values = try texts(try arg(v, "enum", "values"), "values")
      add(try make("\(f)/enum", f, .oneOf(Set(values)), code: "constraint-error", summary: "\(f) is one of \(values.joined(separator: ", "))"))
    case "pattern":
      _ = try members(v, "pattern", allowed: ["field", "pattern"])
      let f = try fieldArg(v, "pattern")
      let p = try pattern(try arg(v, "pattern", "pattern"))
      add(try make("\(f)/pattern", f, .pattern(p), code: "constraint-error", summary: "\(f) matches \(p.source)"))
    case "length":
      let a = try members(v, "length", allowed: ["field", "min", "max"])
      let f = try fieldArg(v, "length")
      var lo: Int?, hi: Int?
      for m in a where m.key == "min" { lo = try integer(m.value, "min") }
      for m in a where m.key == "max" { hi = try integer(m.value, "max") }
      add(try make("\(f)/length", f, .length(min: lo, max: hi), code: "constraint-error", summary: "\(f) has length \(lo.map(String.init) ?? "0")..\(hi.map(String.init) ?? "")"))
    case "not_future":
      let a = try members(v, "not_future", allowed: ["field", "tolerance"])
      let f = try fieldArg(v, "not_future")
      var tol = 0.0
      for m in a where m.key == "tolerance" { tol = try duration(m.value, "tolerance") }
      add(try make("\(f)/not_future", f, .notFuture(tolerance: tol), code: "constraint-error", summary: "\(f) is not in the future (tolerance \(DurationText.text(tol)))"))
    case "expression":
      let t = try text(v, "expression")
      let e: Expression
      do throws(ExpressionError) { e = try Expression(t) } catch {
        throw fail(v, "column \(error.column) of the expression: \(error.message)")
      }
      add(try make("expression/\(t)", e.fields.count == 1 ? e.fields[0] : nil, .expression(e), code: "row-constraint", summary: t))
    case "then":
      guard when != nil else { throw fail(kind.keyNode, "then: needs a when: beside it") }
      for m in try members(v, "then") {
        let f = m.key
        let a = try members(m.value, "then: \(f)", allowed: ["min", "max", "enum", "pattern", "required"])
        var lo: Bound?, hi: Bound?
        for c in a {
          switch c.key {
          case "min": lo = bound(c.value)
          case "max": hi = bound(c.value)
          case "enum":
            let values = try texts(c.value, "enum")
            add(try make("when/\(f)/enum", f, .oneOf(Set(values)), code: "constraint-error", summary: "\(f) is one of \(values.joined(separator: ", "))"))
          case "pattern":
            let p = try pattern(c.value)
            add(try make("when/\(f)/pattern", f, .pattern(p), code: "constraint-error", summary: "\(f) matches \(p.source)"))
          case "required":
            if try bool(c.value, "required") { add(try make("when/\(f)/required", f, .required, code: "missing-cell", summary: "\(f) is given")) }
          default: break
          }
        }
        if lo != nil || hi != nil {
          add(try make("when/\(f)/range", f, .range(min: lo, max: hi, exclusiveMin: false, exclusiveMax: false), code: "constraint-error", summary: rangeSummary(f, lo, hi)))
        }
      }
    case "units":
      let a = try members(v, "units", allowed: ["field", "by", "allowed"])
      let f = try fieldArg(v, "units")
      let by = try text(try arg(v, "units", "by"), "by")
      var allowed: [String: Set<String>] = [:]
      guard let al = a.first(where: { $0.key == "allowed" })?.value else { throw fail(v, "units needs allowed: {\(by) value: [units]}") }
      for m in try members(al, "allowed") {
        for key in m.key.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
          allowed[key, default: []].formUnion(try texts(m.value, "the units of \(key)"))
        }
      }
      add(try make("\(f)/units", f, .unitAllowed(by: by, allowed: allowed), code: "constraint-error", summary: "\(f) is a unit allowed for its \(by)"))
    case "censored":
      let a = try members(v, "censored", allowed: ["qualifier", "limit", "loq", "qualifiers"])
      func get(_ k: String, _ d: String) throws(PLError) -> String {
        guard let n = a.first(where: { $0.key == k })?.value else { return d }
        return try text(n, k)
      }
      let q = try get("qualifier", "qualifier"), l = try get("limit", "limit"), loq = try get("loq", "loq")
      var qs: Set<String> = ["<", "ND", "<LOQ"]
      for m in a where m.key == "qualifiers" { qs = Set(try texts(m.value, "qualifiers")) }
      add(try make("\(l)/censored", l, .censoredLimit(qualifier: q, loq: loq, qualifiers: qs), code: "row-constraint", summary: "a censored result's \(l) equals its \(loq)"))
    case "notes":
      let a = try members(v, "notes", allowed: ["codes"])
      var codes: Set<String>?
      for m in a where m.key == "codes" { codes = Set(try texts(m.value, "codes")) }
      add(try make("notes/\(codes?.sorted().joined(separator: ",") ?? "any")", nil, .notes(codes: codes), code: "clean-note", summary: "no cleaning note \(codes.map { "(\($0.sorted().joined(separator: ", ")))" } ?? "")"))
    case "spec_limits":
      let a = try members(v, "spec_limits", allowed: ["file", "product", "analyte", "value"])
      func get(_ k: String, _ d: String) throws(PLError) -> String {
        guard let n = a.first(where: { $0.key == k })?.value else { return d }
        return try text(n, k)
      }
      let fileNode = try arg(v, "spec_limits", "file")
      let file = try text(fileNode, "file")
      let table = try SpecFile.read(path: file.hasPrefix("/") ? file : baseDirectory + "/" + file, shown: file, at: { (m: String) -> PLError in fail(fileNode, m) })
      let val = try get("value", "value")
      add(try make("spec_limits", val, .specLimits(product: try get("product", "product"), analyte: try get("analyte", "analyte"), table: table), code: "constraint-error", summary: "\(val) within the product's specification (\(file))"))
    case "sentinel":
      let a = try members(v, "sentinel", allowed: ["values", "fields"])
      var values: Set<Double> = []
      for s in try texts(try arg(v, "sentinel", "values"), "values") {
        guard let x = Double(s) else { throw fail(v, "sentinel values must be numbers, not '\(s)'") }
        values.insert(x)
      }
      var fields: [String]?
      for m in a where m.key == "fields" { fields = try texts(m.value, "fields") }
      add(try make("sentinel", fields?.first, .sentinel(values: values, fields: fields), code: "constraint-error", summary: "no sentinel value (\(values.sorted().map(numberText).joined(separator: ", ")))"))
    case "unique":
      let a = try members(v, "unique", allowed: ["fields"])
      var fields: [String] = []
      for m in a where m.key == "fields" { fields = m.value.string == "all" ? [] : try texts(m.value, "fields") }
      let whole = fields.isEmpty
      add(try make(whole ? "duplicate_row" : "unique/\(fields.joined(separator: "+"))", fields.count == 1 ? fields[0] : nil, .unique(fields: fields),
                   code: whole ? "duplicate-row" : "unique-error", summary: whole ? "no record repeats an earlier one" : "(\(fields.joined(separator: ", "))) is unique"))
    case "group_sum":
      let a = try members(v, "group_sum", allowed: ["group", "item", "value", "items", "min", "max"])
      let group = try texts(try arg(v, "group_sum", "group"), "group")
      let items = try texts(try arg(v, "group_sum", "items"), "items")
      var item = "analyte", value = "value", lo: Double?, hi: Double?
      for m in a {
        switch m.key {
        case "item": item = try text(m.value, "item")
        case "value": value = try text(m.value, "value")
        case "min": lo = try number(m.value, "min")
        case "max": hi = try number(m.value, "max")
        default: break
        }
      }
      guard lo != nil || hi != nil else { throw fail(v, "group_sum needs min:, max: or both") }
      let summary = "sum of \(items.joined(separator: " + ")) per \(group.joined(separator: ", ")) \(rangeSummary("", lo.map(Bound.number), hi.map(Bound.number)).trimmingCharacters(in: .whitespaces))"
      groupRules.append(GroupSumRule(name: try uniqueName(name ?? "group_sum/\(items.joined(separator: "+"))", kind.keyNode), group: group, item: item, value: value,
                                     items: Set(items), min: lo, max: hi, condition: when, summary: summary))
    default:
      break
    }
  }

  func arg(_ node: Node, _ kind: String, _ key: String) throws(PLError) -> Node {
    guard let mapping = node.mapping else { throw fail(node, "\(kind) must be a mapping") }
    guard let v = mapping[key] else { throw fail(node, "\(kind) needs \(key):") }
    return v
  }

  func fieldArg(_ node: Node, _ kind: String) throws(PLError) -> String {
    try text(try arg(node, kind, "field"), "field")
  }

  static let datasetKinds: Set<String> = ["row_count", "null_share", "mean", "median", "freshness", "gap"]

  /// One entry of `dataset:`.
  mutating func datasetRule(_ node: Node) throws(PLError) {
    let ms = try members(node, "a dataset rule", allowed: Self.datasetKinds.union(["name", "severity", "when", "description"]))
    let kinds = ms.filter { Self.datasetKinds.contains($0.key) }
    guard kinds.count == 1, let kind = kinds.first else { throw fail(node, "a dataset rule needs one kind: \(Self.datasetKinds.sorted().joined(separator: ", "))") }
    var name: String?
    var severity = Severity.error
    var when: Condition?
    for m in ms {
      switch m.key {
      case "name": name = try text(m.value, "name")
      case "severity": severity = try self.severity(m.value)
      case "when": when = try condition(m.value)
      default: break
      }
    }
    let v = kind.value
    func opt(_ key: String) throws(PLError) -> Double? {
      guard let n = v.mapping?[key] else { return nil }
      return try number(n, key)
    }
    let k: DatasetRule.Kind
    var field: String?
    var summary: String
    switch kind.key {
    case "row_count":
      _ = try members(v, "row_count", allowed: ["min", "max"])
      let lo = try opt("min").map { Int($0) }, hi = try opt("max").map { Int($0) }
      k = .rowCount(min: lo, max: hi)
      summary = "row count \(rangeSummary("", lo.map { .number(Double($0)) }, hi.map { .number(Double($0)) }).trimmingCharacters(in: .whitespaces))"
    case "null_share":
      _ = try members(v, "null_share", allowed: ["field", "max"])
      field = try fieldArg(v, "null_share")
      guard let mx = try opt("max"), mx >= 0, mx <= 1 else { throw fail(v, "null_share needs max: a share between 0 and 1") }
      k = .nullShare(max: mx)
      summary = "share of missing \(field!) ≤ \(numberText(mx))"
    case "mean", "median":
      let a = try members(v, kind.key, allowed: ["field", "min", "max", "sample"])
      field = try fieldArg(v, kind.key)
      let lo = try opt("min"), hi = try opt("max")
      guard lo != nil || hi != nil else { throw fail(v, "\(kind.key) needs min:, max: or both") }
      var reservoir = 1_000_000
      for m in a where m.key == "sample" { reservoir = try integer(m.value, "sample") }
      k = kind.key == "mean" ? .mean(min: lo, max: hi) : .median(min: lo, max: hi, reservoir: max(1, reservoir))
      summary = "\(kind.key) of \(rangeSummary(field!, lo.map(Bound.number), hi.map(Bound.number)))"
    case "freshness":
      _ = try members(v, "freshness", allowed: ["field", "max_age"])
      field = try fieldArg(v, "freshness")
      let age = try duration(try arg(v, "freshness", "max_age"), "max_age")
      k = .freshness(maxAge: age)
      summary = "newest \(field!) at most \(DurationText.text(age)) old"
    default:
      _ = try members(v, "gap", allowed: ["field", "by", "max"])
      field = try fieldArg(v, "gap")
      let by = try v.mapping?["by"].map { (n) throws(PLError) in try text(n, "by") }
      let mx = try duration(try arg(v, "gap", "max"), "max")
      k = .gap(by: by, max: mx)
      summary = "no gap in \(field!)\(by.map { " per \($0)" } ?? "") longer than \(DurationText.text(mx))"
    }
    let n = try uniqueName(name ?? "\(kind.key)\(field.map { "/\($0)" } ?? "")", kind.keyNode)
    datasetRules.append(DatasetRule(name: n, field: field, kind: k, severity: severity, condition: when, summary: summary))
  }
}

/// Reads a specification-limits lookup file: CSV with a header (product, analyte, min, max)
/// or NDJSON records with those keys. Small files, read once when the schema loads.
enum SpecFile {
  static func read(path: String, shown: String, at fail: (String) -> PLError) throws(PLError) -> SpecTable {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      throw fail("cannot read the specification file \(shown)")
    }
    var table = SpecTable()
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
    while lines.last?.isEmpty == true { lines.removeLast() }
    func num(_ s: String?, _ line: Int) throws(PLError) -> Double? {
      guard let s = s?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
      guard let x = Double(s) else { throw fail("\(shown): line \(line): '\(s)' is not a number") }
      return x
    }
    if shown.hasSuffix(".ndjson") || shown.hasSuffix(".jsonl") || lines.first?.hasPrefix("{") == true {
      for (i, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
        let r: Record
        do throws(JSONSyntaxError) { r = try JSONParser.parseRecord(line) } catch { throw fail("\(shown): line \(i + 1): \(error.message)") }
        guard let p = r["product"]?.keyText, let a = r["analyte"]?.keyText else { throw fail("\(shown): line \(i + 1): needs product and analyte") }
        table.limits[SpecTable.key(p, a)] = (try num(r["min"]?.keyText, i + 1), try num(r["max"]?.keyText, i + 1))
      }
      return table
    }
    guard let header = lines.first else { return table }
    let names = csvFields(header).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    guard let pi = names.firstIndex(of: "product"), let ai = names.firstIndex(of: "analyte") else {
      throw fail("\(shown): line 1: the header needs product and analyte columns (and min, max)")
    }
    let mi = names.firstIndex(of: "min"), xi = names.firstIndex(of: "max")
    for (i, line) in lines.enumerated().dropFirst() where !line.isEmpty {
      let cells = csvFields(line)
      func cell(_ k: Int?) -> String? { k.flatMap { $0 < cells.count ? cells[$0] : nil } }
      guard let p = cell(pi), let a = cell(ai) else { throw fail("\(shown): line \(i + 1): too few fields") }
      table.limits[SpecTable.key(p, a)] = (try num(cell(mi), i + 1), try num(cell(xi), i + 1))
    }
    return table
  }

  /// The fields of one CSV line (commas, double quotes).
  static func csvFields(_ line: String) -> [String] {
    var out: [String] = [], cur = "", quoted = false
    var chars = Array(line)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" {
            cur.append("\"")
            chars = chars.dropFirst()
          } else {
            quoted = false
          }
        } else {
          cur.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        out.append(cur)
        cur = ""
      } else {
        cur.append(c)
      }
    }
    out.append(cur)
    return out
  }
}
