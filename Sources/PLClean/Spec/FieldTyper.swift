import PLCore

/// What converting one value to its field's type came to.
public enum Conversion: Equatable, Sendable {
  /// The value already has the type.
  case unchanged
  case converted(JSONValue)
  /// The value becomes these fields, in its place (a measurement into value, qualifier, limit
  /// and unit). Fields of the same names elsewhere in the record are replaced.
  case split([Field])
  /// The value does not convert: it stays as it is, with a note of this code and message.
  case refused(code: String, message: String)
  /// The conversion, with a note beside it (a time in a repeated hour, a substituted value).
  indirect case noted(Conversion, code: String, message: String)
}

/// Converts values to one field type. A converter belongs to one field: the decimal mark and
/// date order it reads with may be decided from that field's first values (`wantsSample`).
public protocol ValueConverter: Sendable {
  /// Converts `value` of `field` (nulls never come here).
  mutating func convert(_ value: JSONValue, field: String, in record: Record) -> Conversion
  /// True when the converter must see the field's first values before it converts any.
  var wantsSample: Bool { get }
  /// Decides how to read the field from the texts of its first values.
  mutating func decide(from sample: [Substring])
}

extension ValueConverter {
  public var wantsSample: Bool { false }
  public mutating func decide(from sample: [Substring]) {}
}

/// Gives fields their types (fields.*.type) and defaults (fields.*.default).
///
/// A value that converts is replaced, its original kept in `_pl.raw`; one that does not keeps
/// its value, its original in `_pl.raw` and gets a note in `_pl.notes` (field, code, message):
/// text is never silently nulled. A missing or null field gets its default when it has one.
///
/// When a converter must decide how its field is written (the decimal mark of a number column,
/// the day/month order of a date column, neither said by the spec or the flags), the first
/// records are held in a bounded window (`Window`: by default 1000 records or 1 MiB of field
/// text, whichever comes first), the decision is made from their values, and they go on in the
/// order they came, followed by every later record at once.
public struct FieldTyper: RecordTransform {
  public struct Rule: Sendable {
    public var field: String
    public var type: CleanSpec.FieldType?
    public var defaultValue: JSONValue?
    /// The converter of this field; nil for the standard one of its type.
    public var converter: (any ValueConverter)?

    public init(field: String, type: CleanSpec.FieldType?, defaultValue: JSONValue?, converter: (any ValueConverter)? = nil) {
      self.field = field
      self.type = type
      self.defaultValue = defaultValue
      self.converter = converter
    }
  }

  /// How many records, and how many bytes of their fields, may wait for a decision.
  public struct Window: Equatable, Sendable {
    public var records: Int
    public var bytes: Int

    public init(records: Int = 1000, bytes: Int = 1 << 20) {
      self.records = records
      self.bytes = bytes
    }
  }

  public private(set) var rules: [Rule]
  public var keepRaw: Bool
  let counts: CleanCounts
  public let window: Window
  private var held: [Record] = []
  private var heldBytes = 0
  private var holding: Bool

  public static let standardConverters: [CleanSpec.FieldType: any ValueConverter] = [
    .integer: IntegerConverter(), .boolean: BooleanConverter(), .string: StringConverter(),
    .number: NumberConverter(mark: nil), .date: DateTimeConverter(type: .date),
    .datetime: DateTimeConverter(type: .datetime), .measurement: MeasurementConverter(field: "", mark: nil),
  ]

  public init(rules: [Rule], keepRaw: Bool, counts: CleanCounts, window: Window = Window()) {
    self.rules = rules.map { rule in
      var rule = rule
      if rule.converter == nil, let type = rule.type {
        rule.converter = type == .measurement ? MeasurementConverter(field: rule.field, mark: nil) : Self.standardConverters[type]
      }
      return rule
    }
    self.keepRaw = keepRaw
    self.counts = counts
    self.window = window
    holding = self.rules.contains { $0.converter?.wantsSample == true }
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    guard holding else { return type(record) }
    heldBytes += Self.size(of: record)
    held.append(record)
    if held.count >= window.records || heldBytes >= window.bytes { return .emit(release()) }
    return .emit([])
  }

  public mutating func finish() throws(PLError) -> [Record] {
    holding ? release() : []
  }

  /// Decides from the held records, then types and hands them on.
  private mutating func release() -> [Record] {
    for i in rules.indices where rules[i].converter?.wantsSample == true {
      let field = rules[i].field
      var sample: [Substring] = []
      sample.reserveCapacity(held.count)
      for record in held {
        if case .string(let text)? = record.fields[key: field] { sample.append(text[...]) }
      }
      rules[i].converter?.decide(from: sample)
    }
    holding = false
    let records = held
    held = []
    heldBytes = 0
    return records.map { record in
      switch type(record) {
      case .change(let out): out
      default: record
      }
    }
  }

  /// About the bytes a record holds: its names and texts.
  static func size(of record: Record) -> Int {
    var n = 16
    for field in record.fields {
      n += field.key.utf8.count + 16
      switch field.value {
      case .string(let s), .number(let s): n += s.utf8.count
      case .array, .object: n += 64
      default: break
      }
    }
    return n
  }

  private mutating func type(_ record: Record) -> Outcome {
    var out = record
    var changed = false
    for r in rules.indices {
      let field = rules[r].field
      let index = out.fields.firstIndex { $0.key == field }
      let value = index.map { out.fields[$0].value } ?? .null
      if value == .null {
        guard let defaultValue = rules[r].defaultValue else { continue }
        if let index {
          if keepRaw { out.keepRaw(field, .null) }
          out.fields[index].value = defaultValue
        } else {
          out.fields.append(Field(field, defaultValue))
        }
        counts.defaulted += 1
        changed = true
        continue
      }
      guard let index, rules[r].converter != nil else { continue }
      let conversion = rules[r].converter!.convert(value, field: field, in: out)
      if apply(conversion, field: field, value: value, at: index, to: &out) { changed = true }
    }
    return changed ? .change(out) : .pass
  }

  private func apply(_ conversion: Conversion, field: String, value: JSONValue, at index: Int, to out: inout Record) -> Bool {
    switch conversion {
    case .unchanged:
      return false
    case .converted(let next):
      if keepRaw { out.keepRaw(field, value) }
      out.fields[index].value = next
      counts.typed += 1
    case .split(let fields):
      if keepRaw { out.keepRaw(field, value) }
      var place = index
      out.fields.reserveCapacity(out.fields.count + fields.count)
      for f in fields where f.key != field {
        if let other = out.fields.firstIndex(where: { $0.key == f.key }), other != place {
          if keepRaw, out.fields[other].value != f.value, out.fields[other].value != .null { out.keepRaw(f.key, out.fields[other].value) }
          out.fields.remove(at: other)
          if other < place { place -= 1 }
        }
      }
      out.fields.replaceSubrange(place...place, with: fields)
      counts.typed += 1
    case .refused(let code, let message):
      if keepRaw { out.keepRaw(field, value) }
      out.addNote(CleanNote(field: field, code: code, message: message))
      counts.noted(code)
    case .noted(let inner, let code, let message):
      _ = apply(inner, field: field, value: value, at: index, to: &out)
      out.addNote(CleanNote(field: field, code: code, message: message))
      counts.noted(code)
    }
    return true
  }
}

/// Whole numbers. A JSON integer is one; a JSON number with only zeros after its point
/// (`12.0`) becomes the integer; text of digits with an optional sign becomes the number
/// (`"007"` → 7, `"+5"` → 5). Text with a point or a comma is not taken: `1.133` may be a
/// fraction or, with a thousands separator, 1133, so it gets a note rather than a guess.
///
/// With a decimal mark said (decimal:, locale: or --decimal), text grouped by thousands
/// separators is read too (`1.133` with a decimal comma is 1133).
public struct IntegerConverter: ValueConverter {
  public var mark: DecimalMark?

  public init(mark: DecimalMark? = nil) {
    self.mark = mark
  }

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
      if let mark, let n = NumberText.parse(text, decimal: mark), !n.percent {
        if Self.isInteger(n.text) { return .converted(.number(n.text)) }
        return .refused(code: "not-an-integer", message: "\(SpecWords.quoted(raw)) is not a whole number")
      }
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
