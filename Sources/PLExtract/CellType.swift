/// What a cell of a text table looks like, for telling a header from data and scoring dialects.
///
/// Only the shape of the text matters: `12,5` is a number whatever the delimiter, `<0.05` a
/// censored number, `04.03.2024` a date. Values are never converted here (that is pl-clean's
/// job); the types only steer decisions.
public enum CellType: UInt8, Sendable, CaseIterable {
  case empty
  case integer
  /// A number with a decimal point or comma, an exponent or a thousands separator.
  case decimal
  /// A number with `%`, or a censored or qualified one (`<0.05`, `> 10`, `n.d.`).
  case qualified
  case date
  case time
  case dateTime
  case boolean
  /// Anything else.
  case text

  /// True for numbers of any kind (plain, decimal, qualified).
  public var isNumeric: Bool { self == .integer || self == .decimal || self == .qualified }

  /// True for the types data columns have and header cells do not: numbers, dates, times.
  public var isValueLike: Bool { isNumeric || self == .date || self == .time || self == .dateTime || self == .boolean }

  /// The type of a cell's text (surrounding spaces ignored).
  public static func of<C: Collection>(_ text: C) -> CellType where C.Element == UInt8 {
    if let type = text.withContiguousStorageIfAvailable({ of(bytes: $0) }) { return type }
    return Array(text).withUnsafeBufferPointer { of(bytes: $0) }
  }

  /// The type of the text in `bytes`; no allocation unless the text could be a qualified value.
  static func of(bytes: UnsafeBufferPointer<UInt8>) -> CellType {
    var lo = 0
    var hi = bytes.count
    while hi > lo && (bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09) { hi -= 1 }
    while lo < hi && (bytes[lo] == 0x20 || bytes[lo] == 0x09) { lo += 1 }
    if lo == hi { return .empty }
    let s = bytes[lo..<hi]
    if isNumber(s) { return s.contains(where: { $0 == 0x2E || $0 == 0x2C || $0 == 0x65 || $0 == 0x45 }) ? .decimal : .integer }
    let first = s[s.startIndex] | 0x20
    // Qualified values open with < > ≤ ≥ ~ c(a.) n(d) t(race) b(dl) p(os) - or end with %.
    if first == 0x3C || first == 0x3E || first == 0x7E || s[s.startIndex] == 0xE2 || first == UInt8(ascii: "c") || first == UInt8(ascii: "n")
      || first == UInt8(ascii: "t") || first == UInt8(ascii: "b") || first == UInt8(ascii: "p") || first == UInt8(ascii: "-")
      || s[s.endIndex - 1] == UInt8(ascii: "%")
    {
      if let type = qualified(Array(s)) { return type }
    }
    if s.count >= 12 && isDateTime(Array(s)) { return .dateTime }
    if isDate(s) { return .date }
    if isTime(s) { return .time }
    if s.count <= 5 {
      let lower = String(decoding: s, as: UTF8.self).lowercased()
      if ["true", "false", "yes", "no", "ja", "nein", "pass", "fail"].contains(lower) { return .boolean }
    }
    return .text
  }

  static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

  /// `12`, `-3.5`, `1,25`, `1.234,5`, `1,234.5`, `1.1E+04`, `+7`, `.5`.
  static func isNumber(_ s: ArraySlice<UInt8>) -> Bool {
    s.withUnsafeBufferPointer { isNumber($0[...]) }
  }

  static func isNumber(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    var i = s.startIndex
    if i < s.endIndex && (s[i] == 0x2D || s[i] == 0x2B) { i += 1 }
    var digits = 0
    var separators = 0
    var sawExponent = false
    while i < s.endIndex {
      let b = s[i]
      if isDigit(b) {
        digits += 1
      } else if b == 0x2E || b == 0x2C {
        // A separator must sit between digits (or lead: `.5`).
        if sawExponent || i + 1 >= s.endIndex || !isDigit(s[i + 1]) { return false }
        separators += 1
      } else if (b == 0x65 || b == 0x45) && digits > 0 && !sawExponent {
        sawExponent = true
        if i + 1 < s.endIndex && (s[i + 1] == 0x2D || s[i + 1] == 0x2B) { i += 1 }
        if i + 1 >= s.endIndex { return false }
      } else {
        return false
      }
      i += 1
    }
    guard digits > 0 && separators <= 3 else { return false }
    if separators >= 2 {
      // Two or more separators are thousands groups (`1.234.567`, `1,234.5`): every group after
      // a separator like the first has three digits, so `04.03.2024` is no number.
      let seps = s.indices.filter { s[$0] == 0x2E || s[$0] == 0x2C }
      let thousands = s[seps[0]]
      for (k, at) in seps.enumerated() {
        let next = k + 1 < seps.count ? seps[k + 1] : s.endIndex
        let groupDigits = s[(at + 1)..<next].prefix { isDigit($0) }.count
        if s[at] == thousands && groupDigits != 3 { return false }
        if s[at] != thousands && k != seps.count - 1 { return false }
      }
    }
    return true
  }

  /// `<0.05`, `< 10`, `>1000`, `≤ 5`, `12 %`, `n.d.`, `nd`, `n.n.`, `ND`, `trace`: numbers a lab qualifies.
  static func qualified(_ s: [UInt8]) -> CellType? {
    let text = String(decoding: s, as: UTF8.self)
    let lower = text.lowercased()
    if ["n.d.", "nd", "n.n.", "n.b.", "n/a", "na", "-", "--", "bdl", "<lod", "<loq", "trace", "tr", "neg", "pos", "negative", "positive"].contains(lower) {
      return .qualified
    }
    var rest = Substring(text)
    for prefix in ["<=", ">=", "≤", "≥", "<", ">", "~", "ca."] where rest.hasPrefix(prefix) {
      rest = rest.dropFirst(prefix.count)
      break
    }
    if rest.count < text.count {
      let number = rest.drop(while: { $0 == " " })
      return isNumber(Array(number.utf8)[...]) ? .qualified : nil
    }
    if text.hasSuffix("%") {
      let number = text.dropLast().reversed().drop(while: { $0 == " " }).reversed()
      return isNumber(Array(String(number).utf8)[...]) ? .qualified : nil
    }
    return nil
  }

  /// Digits in three groups split by one of `-` `.` `/` (`2024-03-11`, `04.03.2024`, `3/4/24`),
  /// or a month name in between (`12-Mar-24`).
  static func isDate(_ s: ArraySlice<UInt8>) -> Bool {
    s.withUnsafeBufferPointer { isDate($0[...]) }
  }

  static func isDate(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    guard s.count >= 6 && s.count <= 11 else { return false }
    var groups = 0
    var groupLength = 0
    var separator: UInt8 = 0
    var letters = 0
    for b in s {
      if isDigit(b) {
        groupLength += 1
      } else if (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) {
        letters += 1
        groupLength += 1
      } else if b == 0x2D || b == 0x2E || b == 0x2F {
        if separator == 0 { separator = b } else if b != separator { return false }
        if groupLength == 0 { return false }
        groups += 1
        groupLength = 0
      } else {
        return false
      }
    }
    if groupLength > 0 { groups += 1 }
    return groups == 3 && (letters == 0 || letters == 3)
  }

  /// `09:02`, `09:02:01`, `09:02:01.250`, `23:40:00`.
  static func isTime(_ s: ArraySlice<UInt8>) -> Bool {
    s.withUnsafeBufferPointer { isTime($0[...]) }
  }

  static func isTime(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    guard s.count >= 4 && s.count <= 15 else { return false }
    var colons = 0
    for b in s {
      if b == 0x3A { colons += 1 } else if !isDigit(b) && b != 0x2E && b != 0x2C { return false }
    }
    return colons >= 1 && colons <= 2 && isDigit(s[s.startIndex])
  }

  /// A date, then `T` or a space, then a time, with an optional zone (`Z`, `+01:00`) or AM/PM.
  static func isDateTime(_ s: [UInt8]) -> Bool {
    guard s.count >= 12 && s.count <= 40 else { return false }
    guard let split = s.firstIndex(where: { $0 == 0x54 || $0 == 0x20 }), split >= 6 else { return false }
    guard isDate(s[..<split]) else { return false }
    var rest = s[(split + 1)...]
    while let first = rest.first, first == 0x20 { rest = rest.dropFirst() }
    // Cut a zone or AM/PM off the end.
    var end = rest.endIndex
    if let zone = rest.lastIndex(where: { $0 == 0x2B || $0 == 0x5A || $0 == 0x20 || ($0 == 0x2D) }), zone > rest.startIndex + 3 {
      end = zone
    }
    return isTime(rest[rest.startIndex..<end])
  }
}
