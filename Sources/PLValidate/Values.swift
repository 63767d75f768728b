// PLValidate: data-quality rules over the record stream.
//
//   schema file ──▶ SchemaLoader ──▶ ValidationSchema ──▶ Validator (a RecordTransform)
//   (Frictionless    (YAML/JSON with   (field checks,       pass / warn (note) / reject (errors);
//    Table Schema     line and column   rules, dataset       dataset rules at end of stream
//    plus `rules:`)   on every error)   rules, compiled)     ──▶ ValidationReport (JSON, HTML)
//
// Every rule is parsed once into a `RecordRule` or a `DatasetRule`; the per-record path reads
// values straight from the record without Foundation: numbers through `Double(_:)`, times
// through `TimeText`, patterns through `Pattern` (a small automaton), expressions through
// `Expression` (a tree evaluated in place). Before that, `LinePlan` tries the rules on the
// record's compact line (values read from its bytes): a record that passes them all goes on as
// the line it came as, and only the others are parsed and checked as above.

import PLCore

extension JSONValue {
  /// The number this value stands for: a JSON number, or a string that is a plain decimal number.
  @inlinable
  var numeric: Double? {
    switch self {
    case .number(let text): return Double(text)
    case .string(let text):
      guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".") || (first >= 0x30 && first <= 0x39) else { return nil }
      return Double(text)
    default: return nil
    }
  }

  /// The value as the text a schema's `enum` or a lookup table compares with.
  var keyText: String? {
    switch self {
    case .string(let s): return s
    case .number(let n): return n
    case .bool(let b): return b ? "true" : "false"
    case .null, .array, .object: return nil
    }
  }
}

/// Values a schema treats as missing (Frictionless `missingValues`; `[""]` by default).
struct MissingValues: Sendable {
  var texts: Set<String>
  /// The texts as a list, compared one by one (they are few: a hash costs more).
  let list: [String]
  /// True when the empty string is the only missing text, the usual case: a length test.
  let onlyEmpty: Bool

  init(texts: Set<String>) {
    self.texts = texts
    list = texts.sorted()
    onlyEmpty = texts == [""]
  }

  static let standard = MissingValues(texts: [""])

  /// True for an absent field, null, or a string listed as missing.
  @inline(__always)
  func isMissing(_ value: JSONValue?) -> Bool {
    guard let value else { return true }
    switch value {
    case .null: return true
    case .string(let s):
      if onlyEmpty { return s.isEmpty }
      for t in list where t == s { return true }
      return false
    default: return false
    }
  }
}

extension Record {
  /// The value of user field `key` (fields are few; a linear scan beats hashing).
  @inline(__always)
  func value(_ key: String) -> JSONValue? {
    for field in fields where field.key == key { return field.value }
    return nil
  }
}

/// Short text of a value for messages: strings as they are, others as JSON, cut at 60 characters.
func shortText(_ value: JSONValue?) -> String {
  guard let value else { return "nothing" }
  var text: String
  if case .string(let s) = value { text = JSONWriter.string(.string(s)) } else { text = JSONWriter.string(value) }
  if text.count > 60 { text = String(text.prefix(57)) + "..." }
  return text
}

/// A number for messages and reports without trailing zeros: 5, 0.25, 1e+20.
func numberText(_ value: Double) -> String {
  if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
  return String(value)
}
