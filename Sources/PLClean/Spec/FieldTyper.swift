import PLCore

/// What converting one value to its field's type came to.
public enum Conversion: Equatable, Sendable {
  /// The value already has the type.
  case unchanged
  case converted(JSONValue)
  /// The value becomes these fields, in its place (a measurement into value and unit).
  case split([Field])
  /// The value does not convert: it stays as it is, with a note of this code and message.
  case refused(code: String, message: String)
}

/// Converts values to one field type. The value parsers bring converters for number, date,
/// datetime and measurement, built from the spec's locale, decimal mark, time zone and units;
/// `FieldTyper.standardConverters` has integer, boolean and string, and holds the others'
/// places with `UnconvertedType`.
public protocol ValueConverter: Sendable {
  /// Converts `value` of `field` (nulls never come here).
  func convert(_ value: JSONValue, field: String, in record: Record) -> Conversion
}

/// Gives fields their types (fields.*.type) and defaults (fields.*.default).
///
/// A value that converts is replaced, its original kept in `_pl.raw`; one that does not keeps
/// its value, its original in `_pl.raw` and gets a note in `_pl.notes` (field, code, message):
/// text is never silently nulled. A missing or null field gets its default when it has one.
public struct FieldTyper: RecordTransform {
  public struct Rule: Equatable, Sendable {
    public var field: String
    public var type: CleanSpec.FieldType?
    public var defaultValue: JSONValue?

    public init(field: String, type: CleanSpec.FieldType?, defaultValue: JSONValue?) {
      self.field = field
      self.type = type
      self.defaultValue = defaultValue
    }
  }

  public var rules: [Rule]
  public var converters: [CleanSpec.FieldType: any ValueConverter]
  public var keepRaw: Bool
  let counts: CleanCounts

  public static let standardConverters: [CleanSpec.FieldType: any ValueConverter] = [
    .integer: IntegerConverter(), .boolean: BooleanConverter(), .string: StringConverter(),
    .number: UnconvertedType(type: .number), .date: UnconvertedType(type: .date),
    .datetime: UnconvertedType(type: .datetime), .measurement: UnconvertedType(type: .measurement),
  ]

  public init(
    rules: [Rule], converters: [CleanSpec.FieldType: any ValueConverter] = FieldTyper.standardConverters, keepRaw: Bool,
    counts: CleanCounts
  ) {
    self.rules = rules
    self.converters = converters
    self.keepRaw = keepRaw
    self.counts = counts
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    var out = record
    var changed = false
    for rule in rules {
      let index = out.fields.firstIndex { $0.key == rule.field }
      let value = index.map { out.fields[$0].value } ?? .null
      if value == .null {
        guard let defaultValue = rule.defaultValue else { continue }
        if let index {
          if keepRaw { out.keepRaw(rule.field, .null) }
          out.fields[index].value = defaultValue
        } else {
          out.fields.append(Field(rule.field, defaultValue))
        }
        counts.defaulted += 1
        changed = true
        continue
      }
      guard let type = rule.type, let index, let converter = converters[type] else { continue }
      switch converter.convert(value, field: rule.field, in: out) {
      case .unchanged:
        continue
      case .converted(let next):
        if keepRaw { out.keepRaw(rule.field, value) }
        out.fields[index].value = next
        counts.typed += 1
      case .split(let fields):
        if keepRaw { out.keepRaw(rule.field, value) }
        out.fields.replaceSubrange(index...index, with: fields)
        counts.typed += 1
      case .refused(let code, let message):
        if keepRaw { out.keepRaw(rule.field, value) }
        out.addNote(CleanNote(field: rule.field, code: code, message: message))
        counts.notes += 1
      }
      changed = true
    }
    return changed ? .change(out) : .pass
  }
}

/// Whole numbers. A JSON integer is one; a JSON number with only zeros after its point
/// (`12.0`) becomes the integer; text of digits with an optional sign becomes the number
/// (`"007"` → 7, `"+5"` → 5). Text with a point or a comma is not taken: `1.133` may be a
/// fraction or, with a thousands separator, 1133, so it gets a note rather than a guess.
public struct IntegerConverter: ValueConverter {
  public init() {}

  public func convert(_ value: JSONValue, field: String, in record: Record) -> Conversion {
    switch value {
    case .number(let text):
      if Self.isInteger(text) { return .unchanged }
      if !text.contains(where: { $0 == "e" || $0 == "E" }), let point = text.firstIndex(of: "."),
        text[text.index(after: point)...].allSatisfy({ $0 == "0" })
      {
        let whole = String(text[..<point])
        return .converted(.number(whole == "-0" ? "0" : whole))
      }
      return .refused(code: "not-an-integer", message: "\(text) is not a whole number")
    case .string(let raw):
      let text = raw.trimmingWhitespace()
      var digits = Substring(text)
      var negative = false
      if let sign = digits.first, sign == "+" || sign == "-" {
        negative = sign == "-"
        digits = digits.dropFirst()
      }
      if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
        let trimmed = digits.drop { $0 == "0" }
        let magnitude = trimmed.isEmpty ? "0" : String(trimmed)
        return .converted(.number(negative && magnitude != "0" ? "-" + magnitude : magnitude))
      }
      if text.isEmpty { return .refused(code: "not-an-integer", message: "an empty text is not a whole number") }
      if text.contains(where: { $0 == "." || $0 == "," }), text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.,".contains($0)) }) {
        return .refused(
          code: "not-an-integer",
          message: "\(SpecWords.quoted(raw)) is not a whole number (a decimal fraction, or digits grouped by a thousands separator?)")
      }
      return .refused(code: "not-an-integer", message: "\(SpecWords.quoted(raw)) is not a whole number")
    default:
      return .refused(code: "not-an-integer", message: "\(value.kindName) is not a whole number")
    }
  }

  static func isInteger(_ text: String) -> Bool {
    let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
    return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
  }
}

/// True and false. JSON booleans are; the numbers 1 and 0 and the words labs write for yes and
/// no (true/false, yes/no, y/n, ja/nein, oui/non, si/no, on/off, wahr/falsch, vrai/faux, x
/// for a ticked box), in any case, become them. Anything else gets a note.
public struct BooleanConverter: ValueConverter {
  static let words: [String: Bool] = [
    "true": true, "false": false, "yes": true, "no": false, "y": true, "n": false, "1": true, "0": false,
    "ja": true, "nein": false, "oui": true, "non": false, "si": true, "sí": true, "on": true, "off": false,
    "wahr": true, "falsch": false, "vrai": true, "faux": false, "x": true, "t": true, "f": false,
  ]

  public init() {}

  public func convert(_ value: JSONValue, field: String, in record: Record) -> Conversion {
    switch value {
    case .bool: return .unchanged
    case .number(let text):
      if text == "1" { return .converted(.bool(true)) }
      if text == "0" { return .converted(.bool(false)) }
      return .refused(code: "not-a-boolean", message: "\(text) is not true or false")
    case .string(let text):
      if let b = Self.words[text.trimmingWhitespace().lowercased()] { return .converted(.bool(b)) }
      return .refused(code: "not-a-boolean", message: "\(SpecWords.quoted(text)) is not true or false")
    default:
      return .refused(code: "not-a-boolean", message: "\(value.kindName) is not true or false")
    }
  }
}

/// Text. A number becomes its exact text (`12.30` → `"12.30"`), a boolean `"true"` or
/// `"false"`; text stays as it is, leading zeros and all (`"007"`). Arrays and objects get a
/// note.
public struct StringConverter: ValueConverter {
  public init() {}

  public func convert(_ value: JSONValue, field: String, in record: Record) -> Conversion {
    switch value {
    case .string: .unchanged
    case .number(let text): .converted(.string(text))
    case .bool(let b): .converted(.string(b ? "true" : "false"))
    default: .refused(code: "not-a-string", message: "\(value.kindName) is not a text")
    }
  }
}

/// A type whose converter this build does not have: values that already have the type (a
/// JSON number for number) stay as they are, and every other value keeps its text with a
/// `not-converted` note, so that a record never claims a type its values do not have.
public struct UnconvertedType: ValueConverter {
  public var type: CleanSpec.FieldType

  public init(type: CleanSpec.FieldType) {
    self.type = type
  }

  public func convert(_ value: JSONValue, field: String, in record: Record) -> Conversion {
    if type == .number, case .number = value { return .unchanged }
    return .refused(code: "not-converted", message: "\(value.kindName) was not converted to \(type.rawValue): this pl-clean does not convert \(type.rawValue) values")
  }
}

fileprivate extension String {
  /// Without leading and trailing spaces, tabs and line ends.
  func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[first...last])
  }
}
