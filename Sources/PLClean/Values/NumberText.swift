import PLCore

/// The character a lab uses between the whole and the fractional part of a number.
public enum DecimalMark: String, Hashable, Sendable, CaseIterable {
  /// `1,133.5` — the point is the decimal mark; commas group thousands.
  case point
  /// `1.133,5` — the comma is the decimal mark; points group thousands.
  case comma

  var byte: UInt8 { self == .point ? UInt8(ascii: ".") : UInt8(ascii: ",") }
  var otherByte: UInt8 { self == .point ? UInt8(ascii: ",") : UInt8(ascii: ".") }
}

/// Numbers as labs print them: `1.133,5`, `1,133.5`, `1 133,5`, `1'133.5`, `−0,05`, `1.1E+04`,
/// `2,5 x 10^4`, `1.1·10⁴`, `12.5 %`.
///
/// The parser works on UTF-8 bytes and allocates nothing but the result's text (which fits the
/// inline small-string storage for ordinary lab numbers). It never guesses: text that is not
/// exactly one number in the given decimal style gives nil.
public enum NumberText {
  /// The number `text` holds, with surrounding spaces; nil for anything else.
  ///
  /// Thousands separators are the other mark, a space (also no-break and thin spaces) or an
  /// apostrophe; the first group has one to three digits and every later group three.
  public static func parse(_ text: Substring, decimal: DecimalMark) -> LabNumber? {
    var text = text
    if let number = text.withUTF8({ parse(bytes: $0, decimal: decimal) }) { return number }
    return nil
  }

  /// ``parse(_:decimal:)`` for a `String`.
  public static func parse(_ text: String, decimal: DecimalMark) -> LabNumber? {
    parse(text[...], decimal: decimal)
  }

  static func parse(bytes: UnsafeBufferPointer<UInt8>, decimal: DecimalMark) -> LabNumber? {
    var start = 0
    var end = bytes.count
    start = Bytes.skipSpaces(bytes, start, end)
    end = Bytes.trimSpacesBack(bytes, start, end)
    guard start < end, let scan = scan(bytes, start, end, decimal: decimal, percentSign: true), scan.end == end else {
      return nil
    }
    return scan.number
  }

  /// A number read from the front of `bytes[start..<end]`, and where it stopped.
  struct Scan {
    var number: LabNumber
    var end: Int
  }

  /// Reads the longest number at `start` (no leading spaces); nil when none starts there.
  static func scan(
    _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, decimal: DecimalMark, percentSign: Bool
  ) -> Scan? {
    guard let s = scanDigits(p, start, end, decimal: decimal, percentSign: percentSign) else { return nil }
    return Scan(number: s.number, end: s.end)
  }

  /// ``scan(_:_:_:decimal:percentSign:)`` without making the number's text: its digits, to be
  /// written where they go.
  @inline(__always)
  static func scanDigits(
    _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, decimal: DecimalMark, percentSign: Bool
  ) -> ScannedNumber? {
    var i = start
    var negative = false
    if i < end {
      if p[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 } else if p[i] == 0xE2 && i + 2 < end && p[i + 1] == 0x88 && p[i + 2] == 0x92 {
        negative = true  // U+2212 MINUS SIGN
        i += 3
      }
    }
    var acc = DigitAccumulator()
    // Integer part, with optional thousands grouping.
    let intStart = i
    while i < end && Bytes.isDigit(p[i]) { acc.add(p[i], fraction: false); i += 1 }
    var intDigits = i - intStart
    if intDigits > 0 && intDigits <= 3 && p[intStart] != UInt8(ascii: "0") {
      // Try groups: a separator followed by exactly three digits, the same separator each time.
      var separator: Separator? = nil
      while i < end, let (sep, width) = groupSeparator(p, i, end, decimal: decimal), separator == nil || separator == sep {
        let g = i + width
        guard g + 3 <= end, Bytes.isDigit(p[g]), Bytes.isDigit(p[g + 1]), Bytes.isDigit(p[g + 2]),
          g + 3 == end || !Bytes.isDigit(p[g + 3])
        else { break }
        separator = sep
        acc.add(p[g], fraction: false)
        acc.add(p[g + 1], fraction: false)
        acc.add(p[g + 2], fraction: false)
        intDigits += 3
        i = g + 3
      }
    }
    // Fraction.
    var fractionDigits = 0
    if i + 1 < end && p[i] == decimal.byte && Bytes.isDigit(p[i + 1]) {
      i += 1
      while i < end && Bytes.isDigit(p[i]) { acc.add(p[i], fraction: true); fractionDigits += 1; i += 1 }
    }
    guard intDigits + fractionDigits > 0 else { return nil }
    guard !acc.overflow else { return nil }
    var mantissaEnd = i
    // Exponent: `E+04`, `x 10^4`, `× 10E4`, `·10⁴`.
    var exponent = 0
    var scientific = false
    if let (e, after) = scanExponent(p, i, end) {
      exponent = e
      scientific = true
      i = after
      mantissaEnd = i
    }
    var percent = false
    if percentSign {
      let j = Bytes.skipSpaces(p, i, end)
      if j < end && p[j] == UInt8(ascii: "%") {
        percent = true
        i = j + 1
        mantissaEnd = i
      }
    }
    return ScannedNumber(digits: acc, negative: negative, exponent: exponent, scientific: scientific, percent: percent, end: mantissaEnd)
  }

  enum Separator: Equatable { case mark, space, apostrophe }

  /// The thousands separator at `i`, if any, and its width in bytes.
  static func groupSeparator(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int, decimal: DecimalMark) -> (Separator, Int)? {
    let b = p[i]
    if b == decimal.otherByte { return (.mark, 1) }
    if b == UInt8(ascii: " ") { return (.space, 1) }
    if b == UInt8(ascii: "'") { return (.apostrophe, 1) }
    if b == 0xC2 && i + 1 < end && p[i + 1] == 0xA0 { return (.space, 2) }  // NO-BREAK SPACE
    if b == 0xE2 && i + 2 < end && p[i + 1] == 0x80 {
      switch p[i + 2] {
      case 0xAF, 0x89, 0x8A: return (.space, 3)  // NARROW NO-BREAK, THIN, HAIR SPACE
      case 0x99: return (.apostrophe, 3)  // RIGHT SINGLE QUOTATION MARK
      default: return nil
      }
    }
    return nil
  }

  /// An exponent after a mantissa ending at `i`, and where it ends.
  static func scanExponent(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> (Int, Int)? {
    var j = Bytes.skipSpaces(p, i, end)
    guard j < end else { return nil }
    if p[j] == UInt8(ascii: "e") || p[j] == UInt8(ascii: "E") {
      return signedDigits(p, j + 1, end)
    }
    // A times sign: x X * × · ⋅
    if p[j] == UInt8(ascii: "x") || p[j] == UInt8(ascii: "X") || p[j] == UInt8(ascii: "*") {
      j += 1
    } else if p[j] == 0xC3 && j + 1 < end && p[j + 1] == 0x97 {
      j += 2
    } else if p[j] == 0xC2 && j + 1 < end && p[j + 1] == 0xB7 {
      j += 2
    } else if p[j] == 0xE2 && j + 2 < end && p[j + 1] == 0x8B && p[j + 2] == 0x85 {
      j += 3
    } else {
      return nil
    }
    j = Bytes.skipSpaces(p, j, end)
    guard j + 2 < end, p[j] == UInt8(ascii: "1"), p[j + 1] == UInt8(ascii: "0") else { return nil }
    j += 2
    if p[j] == UInt8(ascii: "^") || p[j] == UInt8(ascii: "E") || p[j] == UInt8(ascii: "e") {
      return signedDigits(p, j + 1, end)
    }
    return superscriptDigits(p, j, end)
  }

  static func signedDigits(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int)? {
    var j = start
    var sign = 1
    if j < end && p[j] == UInt8(ascii: "+") { j += 1 } else if j < end && p[j] == UInt8(ascii: "-") { sign = -1; j += 1 } else if j + 2 < end && p[j] == 0xE2 && p[j + 1] == 0x88 && p[j + 2] == 0x92 {
      sign = -1
      j += 3
    }
    var e = 0
    let digitsStart = j
    while j < end && Bytes.isDigit(p[j]) && j - digitsStart < 4 { e = e * 10 + Int(p[j] - 0x30); j += 1 }
    guard j > digitsStart, j == end || !Bytes.isDigit(p[j]) else { return nil }
    return (sign * e, j)
  }

  static func superscriptDigits(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int)? {
    var j = start
    var sign = 1
    if j + 2 < end && p[j] == 0xE2 && p[j + 1] == 0x81 && (p[j + 2] == 0xBB || p[j + 2] == 0xBA) {
      if p[j + 2] == 0xBB { sign = -1 }
      j += 3
    }
    var e = 0, count = 0
    while j < end, count < 4 {
      var d = -1
      if p[j] == 0xC2 && j + 1 < end {
        switch p[j + 1] {
        case 0xB9: d = 1
        case 0xB2: d = 2
        case 0xB3: d = 3
        default: break
        }
        if d >= 0 { j += 2 }
      } else if p[j] == 0xE2 && j + 2 < end && p[j + 1] == 0x81 && (p[j + 2] == 0xB0 || (p[j + 2] >= 0xB4 && p[j + 2] <= 0xB9)) {
        d = Int(p[j + 2] - 0xB0)
        j += 3
      }
      guard d >= 0 else { break }
      e = e * 10 + d
      count += 1
    }
    guard count > 0 else { return nil }
    return (sign * e, j)
  }
}

/// Collects the digits of a number as they are scanned: the canonical text's digits in a fixed
/// buffer and the significant digits as an integer for the fast `Double` path.
struct DigitAccumulator {
  /// Integer digits (leading zeros dropped) then fraction digits, at most `capacity`.
  var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
  static let capacity = 48
  var count = 0
  var intCount = 0
  var fractionCount = 0
  var overflow = false
  /// Significant digits (leading zeros skipped), up to 19 of them.
  var mantissa: UInt64 = 0
  var significant = 0
  /// Significant digits that did not fit the mantissa: the value must come from the C library.
  var dropped = 0

  mutating func add(_ digit: UInt8, fraction: Bool) {
    if fraction {
      fractionCount += 1
    } else {
      if intCount == 0 && digit == 0x30 { return }
      intCount += 1
    }
    guard count < DigitAccumulator.capacity else { overflow = true; return }
    withUnsafeMutableBytes(of: &buffer) { $0[count] = digit }
    count += 1
    if significant == 0 && digit == 0x30 { return }
    if significant < 19 {
      mantissa = mantissa &* 10 &+ UInt64(digit - 0x30)
      significant += 1
    } else {
      dropped += 1
    }
  }

  /// The JSON text: `-`, integer digits (`0` when none), `.fraction`, `e` exponent.
  func text(negative: Bool, exponent: Int?) -> String {
    var buffer = self.buffer
    return withUnsafeBytes(of: &buffer) { digits in
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DigitAccumulator.capacity + 16) { out in
        var n = 0
        let zero = significant == 0
        if negative && !zero { out[n] = UInt8(ascii: "-"); n += 1 }
        if intCount == 0 {
          out[n] = UInt8(ascii: "0"); n += 1
        } else {
          for k in 0..<intCount { out[n] = digits[k]; n += 1 }
        }
        if fractionCount > 0 {
          out[n] = UInt8(ascii: "."); n += 1
          for k in intCount..<count { out[n] = digits[k]; n += 1 }
        }
        if let exponent {
          out[n] = UInt8(ascii: "e"); n += 1
          var e = exponent
          if e < 0 { out[n] = UInt8(ascii: "-"); n += 1; e = -e }
          if e >= 1000 { out[n] = UInt8(e / 1000) + 0x30; n += 1 }
          if e >= 100 { out[n] = UInt8(e / 100 % 10) + 0x30; n += 1 }
          if e >= 10 { out[n] = UInt8(e / 10 % 10) + 0x30; n += 1 }
          out[n] = UInt8(e % 10) + 0x30; n += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: out[..<n]), as: UTF8.self)
      }
    }
  }

  /// The nearest Double of digits × 10^(exponent − fraction digits).
  func value(negative: Bool, exponent: Int) -> Double {
    let scale = exponent - fractionCount + dropped
    if significant == 0 { return negative ? -0.0 : 0 }
    if significant <= 15 && dropped == 0 && scale >= -22 && scale <= 22 {
      let m = Double(mantissa)
      let v = scale >= 0 ? m * Powers.exact[scale] : m / Powers.exact[-scale]
      return negative ? -v : v
    }
    // Rare: long mantissas or far exponents. The C library rounds correctly.
    let text = self.text(negative: negative, exponent: exponent)
    return Double(text) ?? .nan
  }
}

enum Powers {
  static let exact: [Double] = [
    1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
    1e18, 1e19, 1e20, 1e21, 1e22,
  ]
}

/// A number read from bytes, before its text is made: the scanned digits, so that the text can
/// be written straight into an output buffer, as read or times a power of ten.
struct ScannedNumber {
  var digits: DigitAccumulator
  var negative: Bool
  /// The printed exponent (0 when there is none).
  var exponent: Int
  var scientific: Bool
  var percent: Bool
  /// Where the number stopped.
  var end: Int

  /// The number as `NumberText` makes it.
  var number: LabNumber {
    LabNumber(
      text: digits.text(negative: negative, exponent: scientific ? exponent : nil),
      value: digits.value(negative: negative, exponent: exponent), percent: percent)
  }

  /// Appends `number.text`.
  func write(to out: ByteBuffer) {
    var buffer = digits.buffer
    let d = digits
    let negative = negative, exponent = exponent, scientific = scientific
    withUnsafeBytes(of: &buffer) { raw in
      let b = raw.bindMemory(to: UInt8.self)
      if negative && d.significant != 0 { out.append(UInt8(ascii: "-")) }
      if d.intCount == 0 {
        out.append(UInt8(ascii: "0"))
      } else {
        out.appendShort(UnsafeBufferPointer(rebasing: b[0..<d.intCount]))
      }
      if d.fractionCount > 0 {
        out.append(UInt8(ascii: "."))
        out.appendShort(UnsafeBufferPointer(rebasing: b[d.intCount..<d.count]))
      }
      if scientific {
        out.append(UInt8(ascii: "e"))
        out.append(decimal: exponent)
      }
    }
  }

  /// Appends the text of the number times 10^`power`, exactly as
  /// `DecimalParts(json: number.text)!.shifted(by: power).text` (the unit conversions that are
  /// a power of ten): the same digits with the point moved, trailing zeros kept.
  func writeShifted(by power: Int, to out: ByteBuffer) {
    var buffer = digits.buffer
    let d = digits
    // The parts' digits: the scanned ones without leading zeros (one zero for zero), and their power.
    var first = 0
    if d.intCount == 0 {
      withUnsafeBytes(of: &buffer) { raw in
        while first < d.count && raw[first] == 0x30 { first += 1 }
      }
    }
    let zero = first == d.count
    let n = zero ? 1 : d.count - first
    let e = (scientific ? exponent : 0) - d.fractionCount + power
    withUnsafeBytes(of: &buffer) { raw in
      let b = raw.bindMemory(to: UInt8.self)
      let all = zero ? UnsafeBufferPointer<UInt8>(start: nil, count: 0) : UnsafeBufferPointer(rebasing: b[first..<d.count])
      @inline(__always) func digits(_ from: Int, _ to: Int) {
        if zero {
          if from < to { out.append(UInt8(ascii: "0")) }
        } else {
          out.appendShort(UnsafeBufferPointer(rebasing: all[from..<to]))
        }
      }
      if negative && !zero { out.append(UInt8(ascii: "-")) }
      if scientific {
        digits(0, 1)
        if n > 1 {
          out.append(UInt8(ascii: "."))
          digits(1, n)
        }
        out.append(UInt8(ascii: "e"))
        out.append(decimal: e + n - 1)
      } else if e >= 0 {
        digits(0, n)
        if !zero { for _ in 0..<e { out.append(UInt8(ascii: "0")) } }
      } else {
        let point = n + e
        if point <= 0 {
          out.append(UInt8(ascii: "0"))
          out.append(UInt8(ascii: "."))
          for _ in 0 ..< -point { out.append(UInt8(ascii: "0")) }
          digits(0, n)
        } else {
          digits(0, point)
          out.append(UInt8(ascii: "."))
          digits(point, n)
        }
      }
    }
  }
}
