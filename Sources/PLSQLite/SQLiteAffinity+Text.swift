extension SQLiteAffinity {
  /// What SQLite stores when `text` is inserted into a column of this affinity: the number the
  /// text turns into, or nil when it stays text.
  ///
  /// A loader that must store every value as it came needs to know this before inserting:
  /// SQLite converts `"007"`, `" 12 "` or `"1e3"` in an INTEGER, REAL or NUMERIC column into
  /// numbers without a word. The rules are those of "Datatypes In SQLite" (section 3, "Type
  /// Affinity") as SQLite implements them (`sqlite3AtoF`): text is converted when, after
  /// leading and trailing spaces (space, tab, newline, vertical tab, form feed, carriage return),
  /// it is `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`. Hexadecimal, `Inf`,
  /// `NaN`, thousands separators and non-ASCII digits stay text. A pure integer that fits in
  /// 64 bits becomes an INTEGER; anything else a REAL, which INTEGER and NUMERIC columns turn
  /// into an INTEGER when it is a whole number within 64 bits (`"1e3"` → 1000, `"2.0"` → 2).
  /// A REAL column reads every number back as REAL. TEXT and BLOB columns never convert.
  ///
  /// The real value here is the nearest double; SQLite's own conversion may differ from it in
  /// the last bit for text with more than 15 significant digits.
  public func storedValue(ofText text: UnsafeBufferPointer<UInt8>) -> SQLiteValue? {
    switch self {
    case .text, .blob: return nil
    case .integer, .numeric, .real: break
    }
    guard let shape = Self.numericShape(text) else { return nil }
    let trimmed = String(decoding: UnsafeBufferPointer(rebasing: text[shape.range]), as: UTF8.self)
    // Swift's parser takes the same spellings once spaces are gone, but not a leading "+" before "."
    let unsigned = trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed
    if shape.isInteger, let integer = Int64(unsigned) {
      return self == .real ? .real(Double(integer)) : .integer(integer)
    }
    guard let number = Double(unsigned) else { return nil }
    if self != .real, let integer = Self.wholeInt64Value(number) { return .integer(integer) }
    return .real(number)
  }

  /// `storedValue(ofText:)` for a String.
  public func storedValue(ofText text: String) -> SQLiteValue? {
    var text = text
    return text.withUTF8 { storedValue(ofText: $0) }
  }

  /// True when SQLite would store `text` as a number in a column of this affinity.
  @inline(__always)
  public func convertsText(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    switch self {
    case .text, .blob: return false
    case .integer, .numeric, .real: return Self.numericShape(text) != nil
    }
  }

  /// `x` as the integer an INTEGER or NUMERIC column stores it as, or nil when it stays REAL:
  /// a whole number strictly inside the 64-bit range (SQLite leaves the two extremes as REAL).
  public static func wholeInt64Value(_ x: Double) -> Int64? {
    guard x.isFinite, x == x.rounded(.towardZero), x > -9.223372036854775808e18, x < 9.223372036854775808e18 else {
      return nil
    }
    let integer = Int64(x)
    return integer == .min || integer == .max ? nil : integer
  }

  /// The part of `text` between surrounding spaces, and whether it is a pure integer, when it
  /// is a number SQLite converts; nil otherwise.
  @inline(__always)
  static func numericShape(_ text: UnsafeBufferPointer<UInt8>) -> (range: Range<Int>, isInteger: Bool)? {
    var start = 0
    var end = text.count
    while start < end, isSpace(text[start]) { start += 1 }
    while end > start, isSpace(text[end - 1]) { end -= 1 }
    var i = start
    if i < end, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 }
    var digits = 0
    while i < end, isDigit(text[i]) {
      i += 1
      digits += 1
    }
    var isInteger = true
    if i < end, text[i] == UInt8(ascii: ".") {
      isInteger = false
      i += 1
      while i < end, isDigit(text[i]) {
        i += 1
        digits += 1
      }
    }
    guard digits > 0 else { return nil }
    if i < end, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
      isInteger = false
      i += 1
      if i < end, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 }
      var exponentDigits = 0
      while i < end, isDigit(text[i]) {
        i += 1
        exponentDigits += 1
      }
      guard exponentDigits > 0 else { return nil }
    }
    guard i == end else { return nil }
    return (start..<end, isInteger)
  }

  @inline(__always)
  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
  }

  @inline(__always)
  private static func isDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
  }
}
