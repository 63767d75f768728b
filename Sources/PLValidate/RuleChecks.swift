import PLCore

/// What checks need beyond the record: the clock, the missing values, key sets.
final class CheckContext {
  let now: Double
  let missing: MissingValues
  let keys = KeyBuilder()
  let keyMemoryLimit: Int

  init(now: Double, missing: MissingValues, keyMemoryLimit: Int) {
    self.now = now
    self.missing = missing
    self.keyMemoryLimit = keyMemoryLimit
  }
}

extension RecordRule {
  /// Checks `r`; a throw is an I/O failure of a unique key's spill file.
  func verdict(_ r: Record, _ cx: CheckContext) throws(PLError) -> Verdict {
    let f = field ?? ""
    switch check {
    case .required:
      return cx.missing.isMissing(r.value(f)) ? .fail(field: f, message: "\(f) is missing", value: r.value(f)) : .pass

    case .requireAny(let names):
      for name in names where !cx.missing.isMissing(r.value(name)) { return .pass }
      return .fail(field: names.first, message: "none of \(names.joined(separator: ", ")) is given", value: nil)

    case .unique(let fields):
      if !fields.isEmpty {
        // A key with a missing part is not a key (SQL's UNIQUE ignores NULLs too).
        for name in fields where cx.missing.isMissing(r.value(name)) { return .skip }
      }
      let digest = cx.keys.digest(r, fields: fields)
      if keySet == nil { keySet = KeySet(memoryLimit: cx.keyMemoryLimit) }
      if try keySet!.insert(digest) { return .pass }
      if fields.isEmpty { return .fail(field: nil, message: "the record repeats an earlier record", value: nil) }
      let shown = fields.map { "\($0)=\(shortText(r.value($0)))" }.joined(separator: ", ")
      return .fail(field: fields.count == 1 ? fields[0] : nil, message: "\(shown) repeats an earlier record's key", value: fields.count == 1 ? r.value(fields[0]) : nil)

    case .notes(let codes):
      guard case .array(let notes)? = r.meta[key: MetaKey.notes] else { return .skip }
      for case .object(let note) in notes where note[key: "rule"] == nil {
        guard let code = note[key: "code"]?.stringValue, codes?.contains(code) ?? true else { continue }
        let noteField = note[key: "field"]?.stringValue
        let message = note[key: "message"]?.stringValue ?? code
        return .fail(field: noteField, message: "cleaning noted \(code): \(message)", value: noteField.flatMap { r.value($0) })
      }
      return .pass

    case .sentinel(let values, let fields):
      if let fields {
        for name in fields {
          if case .number(let t)? = r.value(name), let x = Double(t), values.contains(x) {
            return .fail(field: name, message: "\(name) holds the sentinel value \(t)", value: .number(t))
          }
        }
      } else {
        for field in r.fields {
          if case .number(let t) = field.value, let x = Double(t), values.contains(x) {
            return .fail(field: field.key, message: "\(field.key) holds the sentinel value \(t)", value: .number(t))
          }
        }
      }
      return .pass

    case .expression(let e):
      guard let ok = e.evaluate(r, missing: cx.missing) else { return .skip }
      if ok { return .pass }
      let shown = e.fields.map { "\($0)=\(shortText(r.value($0)))" }.joined(separator: ", ")
      return .fail(field: e.fields.count == 1 ? e.fields[0] : nil, message: "\(e.text) is false (\(shown))", value: nil)

    case .censoredLimit(let qualifierField, let loqField, let qualifiers):
      guard let q = r.value(qualifierField)?.keyText, qualifiers.contains(q),
        let limit = r.value(f), let l = limit.numeric, let loq = r.value(loqField)?.numeric
      else { return .skip }
      if l == loq { return .pass }
      return .fail(field: f, message: "a \(q) result's \(f) \(shortText(limit)) differs from its \(loqField) \(numberText(loq))", value: limit)

    case .unitAllowed(let by, let allowed):
      guard let key = r.value(by)?.keyText, let units = allowed[key] else { return .skip }
      let v = r.value(f)
      if cx.missing.isMissing(v) { return .skip }
      guard let unit = v?.keyText, units.contains(unit) else {
        return .fail(field: f, message: "\(f) \(shortText(v)) is not a unit of \(key) (\(units.sorted().joined(separator: ", ")))", value: v)
      }
      return .pass

    case .specLimits(let productField, let analyteField, let table):
      guard let product = r.value(productField)?.keyText, let analyte = r.value(analyteField)?.keyText,
        let limits = table.limits[SpecTable.key(product, analyte)]
      else { return .skip }
      let v = r.value(f)
      guard !cx.missing.isMissing(v), let x = v?.numeric else { return .skip }
      if let lo = limits.min, x < lo {
        return .fail(field: f, message: "\(analyte) \(shortText(v)) is below the specification of \(product) (min \(numberText(lo)))", value: v)
      }
      if let hi = limits.max, x > hi {
        return .fail(field: f, message: "\(analyte) \(shortText(v)) is above the specification of \(product) (max \(numberText(hi)))", value: v)
      }
      return .pass

    default:
      break
    }

    // Single-field checks: a missing value is the `required` rule's business.
    guard let v = r.value(f), !cx.missing.isMissing(v) else { return .skip }
    return verdict(value: v, field: f, cx)
  }

  /// The verdict of a single-field check on `v`, the present (not missing) value of field `f`.
  func verdict(value v: JSONValue, field f: String, _ cx: CheckContext) -> Verdict {
    switch check {
    case .type(let type, let format, let trueValues, let falseValues):
      if FieldTypeCheck.conforms(v, type: type, format: format, trueValues: trueValues, falseValues: falseValues) { return .pass }
      let what = format.map { "\(type.rawValue) (format \($0))" } ?? type.rawValue
      return .fail(field: f, message: "\(f) \(shortText(v)) is not of type \(what)", value: v)

    case .range(let min, let max, let exclusiveMin, let exclusiveMax):
      func compare(_ b: Bound) -> Int? {
        switch b {
        case .number(let n):
          guard let x = v.numeric else { return nil }
          return x < n ? -1 : (x == n ? 0 : 1)
        case .text(let t):
          guard let s = v.keyText else { return nil }
          return s < t ? -1 : (s == t ? 0 : 1)
        }
      }
      if let min {
        guard let c = compare(min) else { return .skip }
        if c < 0 || (exclusiveMin && c == 0) {
          return .fail(field: f, message: "\(f) \(shortText(v)) is below \(exclusiveMin ? "or at " : "")the minimum \(min.description)", value: v)
        }
      }
      if let max {
        guard let c = compare(max) else { return .skip }
        if c > 0 || (exclusiveMax && c == 0) {
          return .fail(field: f, message: "\(f) \(shortText(v)) is above \(exclusiveMax ? "or at " : "")the maximum \(max.description)", value: v)
        }
      }
      return .pass

    case .length(let min, let max):
      let n: Int
      switch v {
      case .string(let s): n = s.count
      case .array(let a): n = a.count
      case .object(let o): n = o.count
      default: return .skip
      }
      if let min, n < min { return .fail(field: f, message: "\(f) has length \(n), below the minimum \(min)", value: v) }
      if let max, n > max { return .fail(field: f, message: "\(f) has length \(n), above the maximum \(max)", value: v) }
      return .pass

    case .oneOf(let values, let few):
      if let t = v.keyText {
        // A few values compare faster one by one than through a hash.
        if let few {
          for candidate in few where candidate == t { return .pass }
        } else if values.contains(t) {
          return .pass
        }
      }
      let listed = values.sorted().prefix(8).joined(separator: ", ")
      return .fail(field: f, message: "\(f) \(shortText(v)) is not one of \(listed)\(values.count > 8 ? ", …" : "")", value: v)

    case .pattern(let p):
      guard let s = v.stringValue ?? v.keyText else { return .skip }
      return p.matches(s) ? .pass : .fail(field: f, message: "\(f) \(shortText(v)) does not match \(p.source)", value: v)

    case .notFuture(let tolerance):
      guard let s = v.stringValue, let t = TimeText.seconds(s) else { return .skip }
      if t <= cx.now + tolerance { return .pass }
      return .fail(field: f, message: "\(f) \(s) is in the future (now is \(TimeText.text(cx.now)))", value: v)

    default:
      return .pass
    }
  }
}

/// Whether a value conforms to a Frictionless field type (and format).
enum FieldTypeCheck {
  static func conforms(_ v: JSONValue, type: FieldType, format: String?, trueValues: Set<String>, falseValues: Set<String>) -> Bool {
    switch type {
    case .any: return true
    case .string:
      guard case .string(let s) = v else { return false }
      switch format {
      // Byte scans: String.contains(String) goes through Foundation, slowly.
      case "email"?: return s.utf8.contains(UInt8(ascii: "@")) && !s.hasPrefix("@") && !s.hasSuffix("@") && !s.utf8.contains(0x20)
      case "uri"?: return s.utf8.contains(UInt8(ascii: ":")) && !s.utf8.contains(0x20)
      case "uuid"?: return uuid.matches(s)
      default: return true
      }
    case .number:
      if case .bool = v { return false }
      return v.numeric != nil
    case .integer:
      switch v {
      case .number(let t): return !t.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
      case .string(let s): return integerText.matches(s)
      default: return false
      }
    case .boolean:
      switch v {
      case .bool: return true
      case .string(let s): return trueValues.contains(s) || falseValues.contains(s)
      default: return false
      }
    case .year:
      switch v {
      case .number(let t): return yearText.matches(t)
      case .string(let s): return yearText.matches(s)
      default: return false
      }
    case .object:
      if case .object = v { return true }
      return false
    case .array:
      if case .array = v { return true }
      return false
    case .date, .datetime, .time, .yearmonth, .duration:
      guard case .string(let s) = v else { return false }
      switch type {
      case .date:
        if let format, format != "default" {
          if format == "any" { return TimeText.seconds(s) != nil }
          return StrptimeLayout(format).matches(s)
        }
        return TimeText.isDate(s)
      case .datetime:
        if let format, format != "default" {
          if format == "any" { return TimeText.seconds(s) != nil }
          return StrptimeLayout(format).matches(s)
        }
        return s.utf8.count > 10 && TimeText.seconds(s) != nil
      case .time:
        if let format, format != "default", format != "any" { return StrptimeLayout(format).matches(s) }
        return TimeText.isTime(s)
      case .yearmonth: return yearMonth.matches(s)
      default: return duration.matches(s)
      }
    }
  }

  // Each compiles to the automaton: none falls back.
  static let uuid = try! Pattern("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
  static let integerText = try! Pattern("[-+]?[0-9]+")
  static let yearText = try! Pattern("[0-9]{4}")
  static let yearMonth = try! Pattern("[0-9]{4}-(0[1-9]|1[0-2])")
  static let duration = try! Pattern("P([0-9.]+[YMWD])*(T([0-9.]+[HMS])+)?")
}

/// A Frictionless date/time format in strptime notation (`%d.%m.%Y %H:%M`), checked by layout:
/// each directive stands for its digits, everything else for itself.
struct StrptimeLayout {
  let pattern: Pattern?

  init(_ format: String) {
    var regex = ""
    var chars = Array(format)
    var i = 0
    while i < chars.count {
      if chars[i] == "%", i + 1 < chars.count {
        switch chars[i + 1] {
        case "Y": regex += "[0-9]{4}"
        case "m", "d", "H", "M", "S", "y", "I": regex += "[0-9]{1,2}"
        case "j": regex += "[0-9]{1,3}"
        case "f": regex += "[0-9]{1,6}"
        case "p": regex += "(AM|PM|am|pm)"
        case "b": regex += "[A-Za-z]{3}"
        case "B": regex += "[A-Za-z]+"
        case "z": regex += "([+-][0-9]{2}:?[0-9]{2}|Z)"
        case "%": regex += "%"
        default: regex += ".*"
        }
        i += 2
      } else {
        let c = chars[i]
        regex += c.isLetter || c.isNumber || c == " " ? String(c) : "\\" + String(c)
        i += 1
      }
    }
    chars = []
    pattern = try? Pattern(regex)
  }

  func matches(_ s: String) -> Bool { pattern?.matches(s) ?? false }
}
