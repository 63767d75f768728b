import Foundation
import PLCore
import Yams

/// Walks a spec's YAML nodes into a `CleanSpec`: one method per section, each naming the
/// place of what it refuses. The keys each mapping may hold are listed here, and nowhere else.
struct SpecBuilder {
  let reader: SpecReader

  static let topKeys = [
    "version", "shape", "profile", "locale", "decimal", "timezone", "date_order", "fields", "rename", "snake_case",
    "drop", "keep", "order", "sentinels", "trim", "empty_to_null", "derive", "constants", "from_meta", "dedupe",
    "fill", "reshape", "pseudonymise", "analytes", "columns", "censored",
  ]
  static let fieldKeys = ["from", "type", "unit", "to_unit", "density", "format", "sentinels", "default", "drop"]

  /// One key of a mapping, with its nodes.
  struct Entry {
    var key: String
    var keyNode: Node
    var value: Node
    /// `fields.protein.type`, for messages.
    var path: String
  }

  func place(_ node: Node) -> SpecPlace { reader.place(node) }

  func fail(_ node: Node, _ reason: String) -> PLError { place(node).error(reason) }

  // MARK: Shapes of nodes

  static func describe(_ node: Node) -> String {
    switch node {
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .scalar(let s):
      if s.style == .plain && isNull(s) { "nothing (null)" } else { "the text \(SpecWords.quoted(s.string))" }
    case .alias: "an alias"
    }
  }

  static func isNull(_ s: Node.Scalar) -> Bool {
    s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
  }

  /// The entries of a mapping, every key checked against `allowed` (nil: any key).
  func entries(_ node: Node, path: String, allowed: [String]?) throws(PLError) -> [Entry] {
    guard case .mapping(let mapping) = node else {
      throw fail(node, "\(path): expected a mapping of keys and values, found \(Self.describe(node))")
    }
    var result: [Entry] = []
    for (keyNode, value) in mapping {
      guard case .scalar(let key) = keyNode, !Self.isNull(key) else {
        throw fail(keyNode, "\(path): a key must be a name, found \(Self.describe(keyNode))")
      }
      let name = key.string
      if let allowed, !allowed.contains(name) {
        let at = path.isEmpty ? "" : " in \(path)"
        let hint = SpecWords.suggestion(name, among: allowed)
        throw fail(
          keyNode, "unknown key \(SpecWords.quoted(name))\(at)" + (hint.isEmpty ? "; the keys are \(allowed.joined(separator: ", "))" : hint))
      }
      result.append(Entry(key: name, keyNode: keyNode, value: value, path: path.isEmpty ? name : "\(path).\(name)"))
    }
    return result
  }

  /// A text: any scalar but null (numbers and booleans are taken as written).
  func text(_ node: Node, _ path: String) throws(PLError) -> String {
    guard case .scalar(let s) = node, !Self.isNull(s) else {
      throw fail(node, "\(path): expected a text, found \(Self.describe(node))")
    }
    return s.string
  }

  /// A non-empty text.
  func name(_ node: Node, _ path: String) throws(PLError) -> String {
    let value = try text(node, path)
    if value.trimmingCharacters(in: .whitespaces).isEmpty { throw fail(node, "\(path): expected a name, found an empty text") }
    return value
  }

  /// One name or a list of names.
  func names(_ node: Node, _ path: String, allowEmpty: Bool = false) throws(PLError) -> [String] {
    var result: [String] = []
    switch node {
    case .sequence(let sequence):
      for item in sequence {
        guard case .scalar = item else { throw fail(item, "\(path): expected a list of names, found \(Self.describe(item)) in it") }
        result.append(try name(item, path))
      }
    case .scalar:
      result = [try name(node, path)]
    default:
      throw fail(node, "\(path): expected a name or a list of names, found \(Self.describe(node))")
    }
    if result.isEmpty && !allowEmpty { throw fail(node, "\(path): the list is empty") }
    return result
  }

  /// A list of texts, each may be empty (sentinels: `""` is one).
  func texts(_ node: Node, _ path: String) throws(PLError) -> [String] {
    guard case .sequence(let sequence) = node else {
      if case .scalar = node { return [try text(node, path)] }
      throw fail(node, "\(path): expected a list of texts, found \(Self.describe(node))")
    }
    var result: [String] = []
    for item in sequence { result.append(try text(item, path)) }
    return result
  }

  func bool(_ node: Node, _ path: String) throws(PLError) -> Bool {
    if case .scalar(let s) = node, s.style == .plain {
      switch s.string {
      case "true", "True", "TRUE": return true
      case "false", "False", "FALSE": return false
      default: break
      }
    }
    throw fail(node, "\(path): expected true or false, found \(Self.describe(node))")
  }

  func integer(_ node: Node, _ path: String, range: ClosedRange<Int>) throws(PLError) -> Int {
    if case .scalar(let s) = node, s.style == .plain, let n = Int(s.string) {
      guard range.contains(n) else { throw fail(node, "\(path): expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(n)") }
      return n
    }
    throw fail(node, "\(path): expected a whole number, found \(Self.describe(node))")
  }

  /// One of `choices`, with a suggestion when it is near one.
  func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _ type: T.Type, what: String) throws(PLError) -> T
  where T.RawValue == String {
    let value = try text(node, path)
    if let chosen = T(rawValue: value) ?? T(rawValue: value.lowercased()) { return chosen }
    let known = T.allCases.map(\.rawValue)
    let hint = SpecWords.suggestion(value, among: known)
    throw fail(node, "\(path): unknown \(what) \(SpecWords.quoted(value))" + (hint.isEmpty ? "; the \(what)s are \(SpecWords.list(known))" : hint))
  }

  /// A scalar as a JSON value: plain null, true, false and JSON numbers are themselves (a
  /// number keeps its text); everything else is a string.
  func jsonScalar(_ node: Node, _ path: String) throws(PLError) -> JSONValue {
    guard case .scalar(let s) = node else {
      throw fail(node, "\(path): expected a text, number, true, false or null, found \(Self.describe(node))")
    }
    guard s.style == .plain else { return .string(s.string) }
    if Self.isNull(s) { return .null }
    switch s.string {
    case "true": return .bool(true)
    case "false": return .bool(false)
    default: break
    }
    if case .number? = try? JSONParser.parseValue(s.string) { return .number(s.string) }
    return .string(s.string)
  }

  func unit(_ node: Node, _ path: String) throws(PLError) -> String {
    let value = try name(node, path)
    guard reader.vocabulary.isUnit(value) else {
      throw fail(node, "\(path): unknown unit \(SpecWords.quoted(value))\(SpecWords.suggestion(value, among: reader.vocabulary.units))")
    }
    return value
  }

  func regex(_ node: Node, _ path: String) throws(PLError) -> String {
    let pattern = try name(node, path)
    do {
      _ = try NSRegularExpression(pattern: pattern)
    } catch {
      throw fail(node, "\(path): \(SpecWords.quoted(pattern)) is not a valid regular expression")
    }
    return pattern
  }

  // MARK: The spec

  func build(_ root: Node) throws(PLError) -> CleanSpec {
    guard case .mapping = root else {
      throw fail(root, "a spec is a mapping of keys and values (version: 1, fields: …), found \(Self.describe(root))")
    }
    var spec = CleanSpec()
    let top = try entries(root, path: "", allowed: Self.topKeys)
    guard let version = top.first(where: { $0.key == "version" }) else {
      throw fail(root, "the spec has no version: write version: 1 at its top")
    }
    spec.version = try integer(version.value, "version", range: 1...Int.max)
    if spec.version != 1 { throw fail(version.value, "version: this pl-clean reads version 1 specs, not version \(spec.version)") }
    for entry in top {
      spec.places[entry.key] = place(entry.keyNode)
      let v = entry.value, p = entry.path
      switch entry.key {
      case "version": break
      case "shape": spec.shape = try choice(v, p, CleanSpec.Shape.self, what: "shape")
      case "profile":
        let name = try name(v, p)
        guard CleanProfile.named(name) != nil else {
          throw fail(v, "profile: unknown profile \(SpecWords.quoted(name))\(SpecWords.suggestion(name, among: CleanProfile.names)); the profiles are \(SpecWords.list(CleanProfile.names))")
        }
        spec.profile = name
      case "locale": spec.locale = try locale(v, p)
      case "decimal": spec.decimal = try choice(v, p, CleanSpec.DecimalMark.self, what: "decimal mark")
      case "timezone": spec.timezone = try timezone(v, p)
      case "date_order": spec.dateOrder = try choice(v, p, CleanSpec.DateOrder.self, what: "date order")
      case "fields": spec.fields = try fields(v, p, spec: &spec)
      case "rename": spec.rename = try renames(v, p)
      case "snake_case": spec.snakeCase = try bool(v, p)
      case "drop": spec.drop = try names(v, p)
      case "keep": spec.keep = try names(v, p)
      case "order": spec.order = try names(v, p)
      case "sentinels": spec.sentinels = try texts(v, p)
      case "trim": spec.trim = try bool(v, p)
      case "empty_to_null": spec.emptyToNull = try bool(v, p)
      case "derive":
        for e in try entries(v, path: p, allowed: nil) {
          let expression = try text(e.value, e.path)
          if let problem = ExpressionText.problem(in: expression) {
            throw fail(e.value, "\(e.path): \(problem.reason)")
          }
          do throws(ExpressionError) {
            _ = try Expression(parsing: expression)
          } catch {
            throw fail(e.value, "\(e.path): \(SpecWords.quoted(expression)) at its column \(error.column): \(error.message)")
          }
          spec.places[e.path] = place(e.keyNode)
          spec.derive.append(.init(name: e.key, expression: expression))
        }
      case "constants":
        for e in try entries(v, path: p, allowed: nil) { spec.constants.append(Field(e.key, try jsonScalar(e.value, e.path))) }
      case "from_meta":
        for e in try entries(v, path: p, allowed: nil) { spec.fromMeta.append(.init(name: e.key, key: try name(e.value, e.path))) }
      case "dedupe": spec.dedupe = try dedupe(v, p)
      case "fill": spec.fill = try fill(v, p)
      case "reshape": spec.reshape = try reshape(v, p)
      case "pseudonymise": spec.pseudonymise = try pseudonymise(v, p)
      case "analytes":
        for e in try entries(v, path: p, allowed: nil) {
          guard AnalyteDictionary.shared.analyte(code: e.key) != nil else {
            throw fail(e.keyNode, "\(e.path): \(SpecWords.quoted(e.key)) is not an analyte code of the dictionary; extra names go under a known code (protein, fat, ash, sodium, …)")
          }
          spec.analytes.append(.init(code: e.key, synonyms: try names(e.value, e.path)))
        }
      case "columns":
        for e in try entries(v, path: p, allowed: nil) {
          spec.columns.append(.init(column: e.key, role: try choice(e.value, e.path, CleanSpec.ColumnRole.self, what: "role")))
        }
      case "censored": spec.censored = try censored(v, p)
      default: break
      }
    }
    try checkConflicts(spec, top)
    return spec
  }

  func locale(_ node: Node, _ path: String) throws(PLError) -> String {
    let value = try name(node, path)
    let parts = value.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
    let language = parts.first ?? ""
    let ok = (2...3).contains(language.count) && language.allSatisfy { $0.isASCII && $0.isLetter }
      && parts.dropFirst().allSatisfy { (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    guard ok else { throw fail(node, "\(path): \(SpecWords.quoted(value)) is not a locale such as de-DE, fr-CH or en") }
    return value
  }

  func timezone(_ node: Node, _ path: String) throws(PLError) -> String {
    let value = try name(node, path)
    guard TimeZone(identifier: value) != nil else {
      let near = SpecWords.nearest(value, among: TimeZone.knownTimeZoneIdentifiers)
      throw fail(node, "\(path): unknown time zone \(SpecWords.quoted(value))\(near.map { "; did you mean \(SpecWords.quoted($0))?" } ?? "; use an IANA name such as Europe/Berlin or UTC")")
    }
    return value
  }

  func fields(_ node: Node, _ path: String, spec: inout CleanSpec) throws(PLError) -> [CleanSpec.FieldRule] {
    var rules: [CleanSpec.FieldRule] = []
    for e in try entries(node, path: path, allowed: nil) {
      spec.places[e.path] = place(e.keyNode)
      var rule = CleanSpec.FieldRule(name: e.key)
      // `protein: integer` is short for `protein: {type: integer}`.
      if case .scalar = e.value {
        rule.type = try choice(e.value, e.path + ".type", CleanSpec.FieldType.self, what: "type")
        spec.places[e.path + ".type"] = place(e.value)
        rules.append(rule)
        continue
      }
      let keys = try entries(e.value, path: e.path, allowed: Self.fieldKeys)
      var at: [String: Node] = [:]
      for k in keys {
        at[k.key] = k.keyNode
        spec.places[k.path] = place(k.keyNode)
        switch k.key {
        case "from": rule.from = try names(k.value, k.path)
        case "type": rule.type = try choice(k.value, k.path, CleanSpec.FieldType.self, what: "type")
        case "unit": rule.unit = try unit(k.value, k.path)
        case "to_unit": rule.toUnit = try unit(k.value, k.path)
        case "density":
          let value = try jsonScalar(k.value, k.path)
          guard case .number(let n) = value, let d = Double(n), d > 0 else {
            throw fail(k.value, "\(k.path): expected a density in g/mL greater than 0, found \(Self.describe(k.value))")
          }
          rule.density = n
        case "format": rule.format = try name(k.value, k.path)
        case "sentinels": rule.sentinels = try texts(k.value, k.path)
        case "default": rule.defaultValue = try jsonScalar(k.value, k.path)
        case "drop": rule.drop = try bool(k.value, k.path)
        default: break
        }
      }
      let typed = rule.type
      for key in ["unit", "to_unit", "density"] where at[key] != nil && typed != nil && typed != .measurement && typed != .number {
        throw fail(at[key]!, "\(e.path).\(key): a unit belongs to a number or measurement field, not to type \(typed!.rawValue)")
      }
      if let from = rule.unit, let to = rule.toUnit, let a = reader.vocabulary.table.lookup(from), let b = reader.vocabulary.table.lookup(to),
        a.dimension != b.dimension
      {
        guard Set([a.dimension, b.dimension]) == ["mass-fraction", "mass-concentration"] else {
          throw fail(at["to_unit"]!, "\(e.path).to_unit: \(from) cannot be converted to \(to): they measure different things (\(a.dimension), \(b.dimension))")
        }
        if rule.density == nil {
          throw fail(at["to_unit"]!, "\(e.path).to_unit: \(from) can be converted to \(to) only with the density of the sample: give density: in g/mL")
        }
      }
      if let node = at["density"], rule.toUnit == nil {
        throw fail(node, "\(e.path).density: a density is for converting between mass and volume: give to_unit too")
      }
      if let node = at["format"], typed != .date && typed != .datetime {
        throw fail(node, "\(e.path).format: a format is for type date or datetime\(typed.map { ", not \($0.rawValue)" } ?? "; give the type")")
      }
      if let format = rule.format, !["excel", "epoch", "epoch_ms"].contains(format), DateTimeConverter.order(ofFormat: format) == nil {
        let node = keys.first { $0.key == "format" }!.value
        throw fail(node, "\(e.path).format: \(SpecWords.quoted(format)) is not a date format: write the order of day, month and year (DD.MM.YYYY, MM/DD/YYYY, YYYY-MM-DD HH:mm), or excel, epoch or epoch_ms")
      }
      if rule.drop, let other = keys.first(where: { $0.key != "drop" && $0.key != "from" }) {
        throw fail(other.keyNode, "\(e.path): the field is dropped (drop: true), so \(other.key) has nothing to act on")
      }
      rules.append(rule)
    }
    return rules
  }

  /// `rename:` as a map of source name to output name (`Sample ID: sample_id`), or of output
  /// name to the synonyms it is taken from (`lot: [Charge, Batch]`), or both.
  func renames(_ node: Node, _ path: String) throws(PLError) -> [CleanSpec.Rename] {
    var result: [CleanSpec.Rename] = []
    var targetOf: [String: (String, Node)] = [:]
    for e in try entries(node, path: path, allowed: nil) {
      let rename: CleanSpec.Rename
      if case .sequence = e.value {
        rename = .init(to: e.key, from: try names(e.value, e.path))
      } else {
        rename = .init(to: try name(e.value, e.path), from: [e.key])
      }
      for source in rename.from {
        let key = FieldNameMatcher.normalised(source)
        if let (earlier, _) = targetOf[key], earlier != rename.to {
          throw fail(e.keyNode, "\(e.path): \(SpecWords.quoted(source)) is renamed to both \(SpecWords.quoted(earlier)) and \(SpecWords.quoted(rename.to))")
        }
        targetOf[key] = (rename.to, e.keyNode)
      }
      if let i = result.firstIndex(where: { $0.to == rename.to }) {
        result[i].from += rename.from.filter { !result[i].from.contains($0) }
      } else {
        result.append(rename)
      }
    }
    return result
  }

  func dedupe(_ node: Node, _ path: String) throws(PLError) -> CleanSpec.Dedupe {
    let keys = try entries(node, path: path, allowed: ["keys", "keep", "memory"])
    guard let k = keys.first(where: { $0.key == "keys" }) else { throw fail(node, "\(path): give keys: the fields that make two records duplicates") }
    var dedupe = CleanSpec.Dedupe(keys: try names(k.value, k.path))
    for e in keys {
      switch e.key {
      case "keep": dedupe.keep = try choice(e.value, e.path, CleanSpec.Dedupe.Keep.self, what: "choice")
      case "memory":
        let text = try text(e.value, e.path)
        guard let bytes = MemorySize.bytes(text) else {
          throw fail(e.value, "\(e.path): \(SpecWords.quoted(text)) is not a memory size such as 256MiB, 1GiB or 512MB")
        }
        dedupe.memory = bytes
      default: break
      }
    }
    return dedupe
  }

  func fill(_ node: Node, _ path: String) throws(PLError) -> CleanSpec.Fill {
    var fill = CleanSpec.Fill()
    var sawForward = false, sawTimestamps = false
    for e in try entries(node, path: path, allowed: ["forward", "timestamps"]) {
      switch e.key {
      case "forward":
        sawForward = true
        if case .mapping = e.value {
          for f in try entries(e.value, path: e.path, allowed: ["fields", "by"]) {
            if f.key == "fields" { fill.forward = try names(f.value, f.path) } else { fill.forwardBy = try names(f.value, f.path) }
          }
          if fill.forward.isEmpty { throw fail(e.value, "\(e.path): give fields: the fields to fill forward") }
        } else {
          fill.forward = try names(e.value, e.path)
        }
      case "timestamps":
        sawTimestamps = true
        if case .mapping = e.value {
          for f in try entries(e.value, path: e.path, allowed: ["field", "by"]) {
            if f.key == "field" { fill.timestamps = try name(f.value, f.path) } else { fill.timestampsBy = try names(f.value, f.path) }
          }
          if fill.timestamps == nil { throw fail(e.value, "\(e.path): give field: the timestamp field whose gaps are filled") }
        } else {
          fill.timestamps = try name(e.value, e.path)
        }
      default: break
      }
    }
    if !sawForward && !sawTimestamps { throw fail(node, "\(path): give forward:, timestamps: or both") }
    return fill
  }

  func reshape(_ node: Node, _ path: String) throws(PLError) -> CleanSpec.Reshape {
    let kinds = try entries(node, path: path, allowed: ["wide_to_long", "long_to_wide"])
    guard kinds.count == 1, let kind = kinds.first else {
      throw fail(kinds.count > 1 ? kinds[1].keyNode : node, "\(path): give one of wide_to_long or long_to_wide")
    }
    var got: [String: Entry] = [:]
    if kind.key == "wide_to_long" {
      for e in try entries(kind.value, path: kind.path, allowed: ["id", "columns", "name", "value"]) { got[e.key] = e }
      for required in ["id", "columns", "name", "value"] where got[required] == nil {
        throw fail(kind.value, "\(kind.path): give \(required):")
      }
      let columns: CleanSpec.ColumnSelection
      let c = got["columns"]!
      if case .mapping = c.value {
        let pattern = try entries(c.value, path: c.path, allowed: ["pattern"])
        guard let p = pattern.first else { throw fail(c.value, "\(c.path): give pattern: a regular expression") }
        columns = .pattern(try regex(p.value, p.path))
      } else {
        columns = .names(try names(c.value, c.path))
      }
      let name = try self.name(got["name"]!.value, got["name"]!.path)
      let value = try self.name(got["value"]!.value, got["value"]!.path)
      if name == value { throw fail(got["value"]!.value, "\(kind.path): name and value must be different fields") }
      return .wideToLong(.init(id: try names(got["id"]!.value, got["id"]!.path), columns: columns, name: name, value: value))
    }
    for e in try entries(kind.value, path: kind.path, allowed: ["key", "name", "value"]) { got[e.key] = e }
    for required in ["key", "name", "value"] where got[required] == nil {
      throw fail(kind.value, "\(kind.path): give \(required):")
    }
    let name = try self.name(got["name"]!.value, got["name"]!.path)
    let value = try self.name(got["value"]!.value, got["value"]!.path)
    if name == value { throw fail(got["value"]!.value, "\(kind.path): name and value must be different fields") }
    return .longToWide(.init(key: try names(got["key"]!.value, got["key"]!.path), name: name, value: value))
  }

  func pseudonymise(_ node: Node, _ path: String) throws(PLError) -> CleanSpec.Pseudonymise {
    var got: [String: Entry] = [:]
    for e in try entries(node, path: path, allowed: ["fields", "key_file", "key_env", "length", "prefix"]) { got[e.key] = e }
    guard let f = got["fields"] else { throw fail(node, "\(path): give fields: the fields to pseudonymise") }
    let key: CleanSpec.Pseudonymise.Key
    switch (got["key_file"], got["key_env"]) {
    case (let file?, nil): key = .file(try name(file.value, file.path))
    case (nil, let env?): key = .environment(try name(env.value, env.path))
    case (_?, let env?): throw fail(env.keyNode, "\(path): give key_file or key_env, not both")
    case (nil, nil): throw fail(node, "\(path): give key_file or key_env: where the secret key is (never in the spec itself)")
    }
    var spec = CleanSpec.Pseudonymise(fields: try names(f.value, f.path), key: key)
    if let l = got["length"] { spec.length = try integer(l.value, l.path, range: 8...64) }
    if let p = got["prefix"] { spec.prefix = try text(p.value, p.path) }
    return spec
  }

  func censored(_ node: Node, _ path: String) throws(PLError) -> CleanSpec.Censored {
    let keys = try entries(node, path: path, allowed: ["substitute"])
    guard let s = keys.first else {
      throw fail(node, "\(path): give substitute: none, half, limit or zero (there is no default: the choice is the analyst's)")
    }
    return .init(substitute: try choice(s.value, s.path, CleanSpec.Censored.Substitute.self, what: "substitute"))
  }

  // MARK: Options that contradict each other

  func checkConflicts(_ spec: CleanSpec, _ top: [Entry]) throws(PLError) {
    func node(_ key: String) -> Node? { top.first { $0.key == key }?.value }
    func item(_ key: String, _ name: String) -> Node {
      // The list item naming `name`, for its place; the key's value when it is not a list.
      guard let value = node(key) else { return top[0].keyNode }
      if case .sequence(let s) = value, let hit = s.first(where: { $0.scalar?.string == name }) { return hit }
      return value
    }
    if let keep = spec.keep {
      for name in spec.drop where keep.contains(name) {
        throw fail(item("drop", name), "drop: \(SpecWords.quoted(name)) is also in keep:")
      }
      for name in spec.order ?? [] where !keep.contains(name) {
        throw fail(item("order", name), "order: \(SpecWords.quoted(name)) is not in keep:, so it is never written")
      }
    }
    for name in spec.order ?? [] where spec.drop.contains(name) {
      throw fail(item("order", name), "order: \(SpecWords.quoted(name)) is also in drop:")
    }
    if let duplicate = firstDuplicate(spec.order ?? []) {
      throw fail(item("order", duplicate), "order: \(SpecWords.quoted(duplicate)) is listed twice")
    }
    // Every output field is made by one section only.
    var madeBy: [String: String] = [:]
    func claim(_ name: String, _ section: String, at node: Node) throws(PLError) {
      if let earlier = madeBy[name], earlier != section {
        throw fail(node, "\(section): the field \(SpecWords.quoted(name)) is also made by \(earlier)")
      }
      madeBy[name] = section
    }
    func keyNode(_ section: String, _ name: String) -> Node {
      guard let value = node(section), case .mapping(let m) = value else { return top[0].keyNode }
      return m.first { $0.key.scalar?.string == name }?.key ?? value
    }
    for rule in spec.fields where !rule.from.isEmpty { try claim(rule.name, "fields.\(rule.name).from", at: keyNode("fields", rule.name)) }
    for rename in spec.rename { try claim(rename.to, "rename:", at: node("rename")!) }
    for c in spec.constants { try claim(c.key, "constants:", at: keyNode("constants", c.key)) }
    for m in spec.fromMeta { try claim(m.name, "from_meta:", at: keyNode("from_meta", m.name)) }
    for d in spec.derive { try claim(d.name, "derive:", at: keyNode("derive", d.name)) }
    if let shape = spec.shape, !spec.columns.isEmpty {
      for c in spec.columns where c.role.field(in: shape) == nil {
        let fits = c.role.shapes.map(\.rawValue)
        throw fail(keyNode("columns", c.column), "columns.\(c.column): the role \(c.role.rawValue) belongs to the \(SpecWords.list(fits)) shape, not to shape \(shape.rawValue)")
      }
    }
    if !spec.columns.isEmpty, spec.shape == nil, Self.shape(of: spec.columns) == nil {
      throw fail(node("columns")!, "columns: the roles do not tell one shape; pin it with shape: result, reading or score")
    }
    var roles: [CleanSpec.ColumnRole: String] = [:]
    for c in spec.columns {
      if let other = roles[c.role] {
        throw fail(keyNode("columns", c.column), "columns.\(c.column): the role \(c.role.rawValue) is already \(SpecWords.quoted(other))'s")
      }
      roles[c.role] = c.column
    }
  }

  /// The one shape all `columns` roles belong to, when there is one.
  static func shape(of columns: [CleanSpec.ColumnAssignment]) -> CleanSpec.Shape? {
    var shapes = Set(CleanSpec.Shape.allCases.filter { $0 != .none })
    for c in columns { shapes.formIntersection(c.role.shapes) }
    // Roles common to results and readings (result, unit, timestamp) alone say result.
    if shapes == [.result, .reading] { return .result }
    return shapes.count == 1 ? shapes.first : nil
  }

  func firstDuplicate(_ names: [String]) -> String? {
    var seen: Set<String> = []
    for name in names where !seen.insert(name).inserted { return name }
    return nil
  }
}
