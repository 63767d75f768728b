/// Reads numbers from their text without losing anything: integers exactly or not at all.
///
/// The record stream keeps numbers as text; a loader binds them as SQLite integers when they
/// fit in 64 bits and must know, without a lossy `Double` detour, when they do not.
enum NumberText {
  /// The value of a decimal integer literal (`-?[0-9]+`), or nil when `text` is not one or
  /// does not fit in `Int64`.
  static func int64(_ text: String) -> Int64? {
    var text = text
    return text.withUTF8(int64)
  }

  static func int64(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    var i = 0
    let negative = bytes.first == UInt8(ascii: "-")
    if negative { i = 1 }
    guard i < bytes.count else { return nil }
    var value: Int64 = 0
    while i < bytes.count {
      let digit = bytes[i] &- UInt8(ascii: "0")
      guard digit < 10 else { return nil }
      // Accumulate negatively so that Int64.min itself fits.
      let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
      let (next, o2) = shifted.subtractingReportingOverflow(Int64(digit))
      if o1 || o2 { return nil }
      value = next
      i += 1
    }
    if negative { return value }
    let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
    return overflow ? nil : positive
  }

  /// The double nearest to a JSON number's text, or nil when the text is not a number.
  ///
  /// Most measurements have at most 19 significant digits and a small exponent; for those
  /// whose digits fit in 53 bits and whose power of ten is at most 10^22, both operands are
  /// exact doubles and one IEEE division or multiplication rounds correctly (Clinger's fast
  /// path), several times faster than `strtod`. Everything else goes to `Double(_:)`.
  static func double(_ text: String) -> Double? {
    var copy = text
    return copy.withUTF8 { fastDouble($0) } ?? Double(text)
  }

  /// `double(_:)` for the bytes of a number's text.
  static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    fastDouble(bytes) ?? Double(String(decoding: bytes, as: UTF8.self))
  }

  /// The double a number's text stands for, when that double keeps the text's decimal value:
  /// the shortest text that reads back as the double has the same value as `bytes` (so
  /// `12.30`, `1e3` and `0.30000000000000004` qualify; `1E400`, `0.1e-400`,
  /// `1.0000000000000000001` and `12345678901234567` do not). Nil also for text that is not a
  /// number.
  ///
  /// Why it is cheap: a decimal of at most 15 significant digits (DBL_DIG) in the fast path's
  /// range is the only decimal that short to round to its double, so it is what the shortest
  /// text of the double spells; only longer or extreme numbers compare digits.
  static func exactDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    if let fast = fastDouble(bytes, maxSignificant: 15) { return fast }
    guard let number = Double(String(decoding: bytes, as: UTF8.self)), number.isFinite else { return nil }
    var shortest = number.description
    let same = shortest.withUTF8 { DecimalValue($0) } == DecimalValue(bytes)
    return same ? number : nil
  }

  /// `exactDouble(_:)` for a String.
  static func exactDouble(_ text: String) -> Double? {
    var text = text
    return text.withUTF8(exactDouble)
  }

  /// The fast path of `double`: nil when the text is not a number or needs `strtod`.
  ///
  /// - Parameter maxSignificant: more digits than this (counting zeros after the first
  ///   non-zero digit) also take the slow path.
  private static func fastDouble(_ bytes: UnsafeBufferPointer<UInt8>, maxSignificant: Int = 19) -> Double?? {
    var mantissa: UInt64 = 0
    var significant = 0
    var scale = 0
    var i = 0
    let negative = bytes.first == UInt8(ascii: "-")
    if negative { i = 1 }
    var afterPoint = false
    var sawDigit = false
    var exponent = 0
    let count = bytes.count
    while i < count {
      let b = bytes[i]
      let digit = b &- UInt8(ascii: "0")
      if digit < 10 {
        sawDigit = true
        if mantissa == 0 && digit == 0 {
          if afterPoint { scale -= 1 }
        } else {
          guard significant < maxSignificant else { return nil }
          mantissa = mantissa &* 10 &+ UInt64(digit)
          significant += 1
          if afterPoint { scale -= 1 }
        }
        i += 1
      } else if b == UInt8(ascii: ".") && !afterPoint {
        afterPoint = true
        i += 1
      } else if (b == UInt8(ascii: "e") || b == UInt8(ascii: "E")) && sawDigit {
        i += 1
        var exponentNegative = false
        if i < count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
          exponentNegative = bytes[i] == UInt8(ascii: "-")
          i += 1
        }
        guard i < count else { return .some(nil) }
        while i < count {
          let e = bytes[i] &- UInt8(ascii: "0")
          guard e < 10 else { return .some(nil) }
          guard exponent < 10_000 else { return nil }
          exponent = exponent * 10 + Int(e)
          i += 1
        }
        if exponentNegative { exponent = -exponent }
      } else {
        return .some(nil)
      }
    }
    guard sawDigit else { return .some(nil) }
    if mantissa == 0 { return negative ? -0.0 : 0.0 }
    let power = scale + exponent
    guard mantissa <= 1 << 53, power >= -22 && power <= 22 else { return nil }
    let magnitude = power < 0 ? Double(mantissa) / powersOfTen[-power] : Double(mantissa) * powersOfTen[power]
    return negative ? -magnitude : magnitude
  }

  /// 10^0 … 10^22, all exactly representable as doubles.
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// `isIntegerLiteral(_:)` for the bytes of a number's text.
  static func isIntegerLiteral(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    for byte in bytes where byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
      return false
    }
    return true
  }

  /// True when a JSON number's text has no fraction and no exponent.
  static func isIntegerLiteral(_ text: String) -> Bool {
    for byte in text.utf8 where byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
      return false
    }
    return true
  }

  /// The kind of a plain decimal number written as a string, or nil when the string should
  /// stay text.
  ///
  /// Plain means `-?(0|[1-9][0-9]*)(\.[0-9]+)?` and not `-0`: no sign `+`, no spaces, no
  /// leading zeros, no exponent, because those spellings are how people write codes and lot
  /// numbers (`007`), and storing them as numbers would change their text. Integers too large
  /// for 64 bits stay text too, since SQLite would round them to REAL.
  static func plainDecimal(_ text: String) -> ColumnType? {
    var utf8 = text.utf8[...]
    let negative = utf8.first == UInt8(ascii: "-")
    if negative { utf8 = utf8.dropFirst() }
    guard let first = utf8.first, isDigit(first) else { return nil }
    var integerDigits = 0
    while let byte = utf8.first, isDigit(byte) {
      integerDigits += 1
      utf8 = utf8.dropFirst()
    }
    if first == UInt8(ascii: "0") && integerDigits > 1 { return nil }
    guard let separator = utf8.first else {
      if negative && first == UInt8(ascii: "0") { return nil }
      return int64(text) == nil ? nil : .integer
    }
    guard separator == UInt8(ascii: ".") else { return nil }
    utf8 = utf8.dropFirst()
    guard !utf8.isEmpty, utf8.allSatisfy(isDigit) else { return nil }
    return .real
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}
