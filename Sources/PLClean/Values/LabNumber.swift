import Foundation

/// A number as a lab printed it, kept exact: its canonical JSON text and its `Double` value.
///
/// The text keeps the digits that were printed (`1,80` → `1.80`, `1.1E+04` → `1.1e4`) so that a
/// value read as `12.30` never comes out as `12.3000000001`; `value` is the nearest `Double`.
public struct LabNumber: Hashable, Sendable, CustomStringConvertible {
  /// A JSON number: optional `-`, integer digits without leading zeros, optional fraction,
  /// optional `e` exponent (no `+`, no leading zeros).
  public let text: String
  /// The nearest `Double` to `text`.
  public let value: Double
  /// Whether a `%` sign followed the number.
  public let percent: Bool

  public init(text: String, value: Double, percent: Bool = false) {
    self.text = text
    self.value = value
    self.percent = percent
  }

  /// The number of a JSON number text; nil when `text` is not one (`1.`, `+1`, `01`, `1e`).
  public init?(json text: String) {
    guard let parts = DecimalParts(json: text) else { return nil }
    self = parts.number(percent: false)
  }

  /// The shortest text that reads back as `value` after rounding to 15 significant digits, so
  /// that `328 × 4.184` prints `1372.352` and not `1372.3519999999999`; nil for infinities and NaN.
  public init?(rounding value: Double) {
    guard value.isFinite else { return nil }
    let rounded = LabNumber.round15(value)
    var text = rounded.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      // Swift prints `1e-05` and `1e+16`; JSON reads both, but one spelling is easier to compare.
      var mantissa = String(text[..<e])
      if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
      let exponent = Int(text[text.index(after: e)...].filter { $0 != "+" }) ?? 0
      text = mantissa + "e" + String(exponent)
    }
    if text == "-0" { text = "0" }
    self.init(text: text, value: rounded)
  }

  public var description: String { text }

  /// `value` rounded to 15 significant digits; scaling by an exact power of ten keeps the
  /// division correctly rounded, and values outside that range are returned as they are.
  static func round15(_ value: Double) -> Double {
    guard value != 0, value.isFinite else { return value }
    var magnitude = Int(log10(abs(value)).rounded(.down))
    // log10 can be one off next to a power of ten; compare with the exact powers where they exist.
    if magnitude >= 0 && magnitude < 22 {
      if abs(value) < LabNumberPowers.table[magnitude] { magnitude -= 1 } else if abs(value) >= LabNumberPowers.table[magnitude + 1] { magnitude += 1 }
    }
    let shift = 14 - magnitude
    if shift >= 0 && shift <= 22 {
      let p = LabNumberPowers.table[shift]
      let scaled = (value * p).rounded()
      return scaled.isFinite ? scaled / p : value
    } else if shift < 0 && -shift <= 22 {
      let p = LabNumberPowers.table[-shift]
      return (value / p).rounded() * p
    }
    return value
  }
}

private enum LabNumberPowers {
  static let table: [Double] = [
    1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
    1e18, 1e19, 1e20, 1e21, 1e22,
  ]
}

/// A decimal number taken apart: sign, significant digits and a power of ten, so that scaling by
/// a power of ten moves the point without touching the digits.
struct DecimalParts: Equatable {
  var negative: Bool
  /// ASCII digits, at least one, without leading zeros unless the number is zero.
  var digits: [UInt8]
  /// The value is digits × 10^exponent.
  var exponent: Int
  /// Whether the text is best written with an `e` exponent (it was printed that way).
  var scientific: Bool

  init(negative: Bool, digits: [UInt8], exponent: Int, scientific: Bool) {
    self.negative = negative
    self.digits = digits
    self.exponent = exponent
    self.scientific = scientific
  }

  /// Parses strict JSON number text.
  init?(json text: String) {
    var text = text
    guard let parts = text.withUTF8({ DecimalParts(json: $0) }) else { return nil }
    self = parts
  }

  /// Parses strict JSON number text from its UTF-8 bytes.
  init?(json p: UnsafeBufferPointer<UInt8>) {
    var i = 0
    let end = p.count
    var negative = false
    if i < end && p[i] == UInt8(ascii: "-") { negative = true; i += 1 }
    var digits: [UInt8] = []
    digits.reserveCapacity(end)
    var exponent = 0, scientific = false
    var intCount = 0
    while i < end, Bytes.isDigit(p[i]) { digits.append(p[i]); intCount += 1; i += 1 }
    guard intCount > 0, intCount == 1 || digits[0] != 0x30 else { return nil }
    if i < end && p[i] == UInt8(ascii: ".") {
      i += 1
      var fractionCount = 0
      while i < end, Bytes.isDigit(p[i]) { digits.append(p[i]); fractionCount += 1; i += 1 }
      guard fractionCount > 0 else { return nil }
      exponent -= fractionCount
    }
    if i < end, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
      scientific = true
      i += 1
      var sign = 1
      if i < end && p[i] == UInt8(ascii: "-") { sign = -1; i += 1 } else if i < end && p[i] == UInt8(ascii: "+") { i += 1 }
      var e = 0, count = 0
      while i < end, Bytes.isDigit(p[i]), count < 6 { e = e * 10 + Int(p[i] - 0x30); count += 1; i += 1 }
      guard count > 0 else { return nil }
      exponent += sign * e
    }
    guard i == end else { return nil }
    self.init(negative: negative, digits: digits, exponent: exponent, scientific: scientific)
    trimLeadingZeros()
  }

  mutating func trimLeadingZeros() {
    var i = 0
    while i < digits.count - 1 && digits[i] == 0x30 { i += 1 }
    if i > 0 { digits.removeFirst(i) }
  }

  var isZero: Bool { digits.allSatisfy { $0 == 0x30 } }

  /// The canonical text: plain decimal, or `d.ddde±n` when `scientific`, keeping every digit.
  var text: String {
    var out: [UInt8] = []
    out.reserveCapacity(digits.count + 8)
    if negative && !isZero { out.append(UInt8(ascii: "-")) }
    if scientific {
      out.append(digits[0])
      if digits.count > 1 {
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: digits[1...])
      }
      out.append(UInt8(ascii: "e"))
      out.append(contentsOf: String(exponent + digits.count - 1).utf8)
    } else if exponent >= 0 {
      out.append(contentsOf: digits)
      if !(digits.count == 1 && digits[0] == 0x30) {
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent))
      }
    } else {
      let point = digits.count + exponent
      if point <= 0 {
        out.append(UInt8(ascii: "0"))
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
        out.append(contentsOf: digits)
      } else {
        out.append(contentsOf: digits[..<point])
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: digits[point...])
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The nearest `Double`: exact integer arithmetic for up to 15 digits and a power of ten up to
  /// 22 (both exact in a Double, so one correctly rounded operation), the C library otherwise.
  var value: Double {
    if digits.count <= 15 && exponent >= -22 && exponent <= 22 {
      var m: UInt64 = 0
      for d in digits { m = m &* 10 &+ UInt64(d - 0x30) }
      var v = Double(m)
      v = exponent >= 0 ? v * LabNumberPowers.table[exponent] : v / LabNumberPowers.table[-exponent]
      return negative ? -v : v
    }
    var text = String(decoding: digits, as: UTF8.self) + "e" + String(exponent)
    if negative { text = "-" + text }
    return Double(text) ?? .nan
  }

  func number(percent: Bool) -> LabNumber {
    LabNumber(text: text, value: value, percent: percent)
  }

  /// The same digits times 10^power.
  func shifted(by power: Int) -> DecimalParts {
    var copy = self
    copy.exponent += power
    return copy
  }

  /// Half of the number, exactly (digits × 5, one place further right).
  func halved() -> DecimalParts {
    var result: [UInt8] = []
    var carry = 0
    for d in digits.reversed() {
      let p = Int(d - 0x30) * 5 + carry
      result.append(UInt8(p % 10) + 0x30)
      carry = p / 10
    }
    if carry > 0 { result.append(UInt8(carry) + 0x30) }
    var copy = self
    copy.digits = result.reversed()
    copy.exponent -= 1
    copy.trimLeadingZeros()
    // 0.05 / 2 prints as 0.025, not 0.0250: drop the trailing zero multiplying by 5 may add.
    if copy.digits.count > 1 && copy.digits.last == 0x30 && !copy.scientific && copy.exponent < 0 {
      copy.digits.removeLast()
      copy.exponent += 1
    }
    return copy
  }
}

extension LabNumber {
  var parts: DecimalParts? { DecimalParts(json: text) }
}
