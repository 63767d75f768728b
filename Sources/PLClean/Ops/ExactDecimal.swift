/// A decimal number held exactly as an integer and a count of digits after the point, for
/// arithmetic on measurements that must not pick up binary noise (`100 - 13.87 - 2.1` is
/// `84.03`, where `Double` gives `84.03000000000001`).
///
/// Only what fits in 64 bits is exact; an operation that would overflow returns nil and the
/// caller falls back to `Double`.
struct ExactDecimal: Equatable {
  var significand: Int64
  /// Digits after the decimal point (0…18).
  var scale: Int

  static let powers: [Int64] = (0...18).map { (0..<$0).reduce(Int64(1)) { p, _ in p * 10 } }

  /// The exact value of a plain decimal text (`-13.87`, `007`); nil for exponents, a point
  /// without digits on both sides, or more than 18 digits.
  init?(_ text: Substring.UTF8View) {
    var value: Int64 = 0
    var scale = 0
    var digits = 0
    var before = 0
    var negative = false
    var afterPoint = false
    var index = text.startIndex
    if index < text.endIndex, text[index] == UInt8(ascii: "-") {
      negative = true
      index = text.index(after: index)
    }
    guard index < text.endIndex else { return nil }
    while index < text.endIndex {
      let byte = text[index]
      if byte == UInt8(ascii: ".") {
        guard !afterPoint else { return nil }
        afterPoint = true
      } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
        digits += 1
        guard digits <= 18 else { return nil }
        value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        if afterPoint { scale += 1 } else { before += 1 }
      } else {
        return nil
      }
      index = text.index(after: index)
    }
    guard before > 0, !afterPoint || scale > 0 else { return nil }
    self.significand = negative ? -value : value
    self.scale = scale
  }

  init(significand: Int64, scale: Int) {
    self.significand = significand
    self.scale = scale
  }

  var double: Double { Double(significand) / Double(Self.powers[scale]) }

  /// Both with the larger scale, or nil on overflow.
  private static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> (Int64, Int64, Int)? {
    let scale = max(a.scale, b.scale)
    let (x, o1) = a.significand.multipliedReportingOverflow(by: powers[scale - a.scale])
    let (y, o2) = b.significand.multipliedReportingOverflow(by: powers[scale - b.scale])
    return o1 || o2 ? nil : (x, y, scale)
  }

  static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal? {
    guard let (x, y, scale) = aligned(a, b) else { return nil }
    let (sum, overflow) = x.addingReportingOverflow(y)
    return overflow ? nil : ExactDecimal(significand: sum, scale: scale).normalised
  }

  static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal? {
    guard let (x, y, scale) = aligned(a, b) else { return nil }
    let (difference, overflow) = x.subtractingReportingOverflow(y)
    return overflow ? nil : ExactDecimal(significand: difference, scale: scale).normalised
  }

  static func * (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal? {
    let (product, overflow) = a.significand.multipliedReportingOverflow(by: b.significand)
    var result = ExactDecimal(significand: product, scale: a.scale + b.scale)
    // Trailing zeros go first, so that a scale above 18 can often still be represented.
    while result.scale > 0 && result.significand % 10 == 0 {
      result.significand /= 10
      result.scale -= 1
    }
    return overflow || result.scale > 18 ? nil : result
  }

  /// Rounded to `digits` after the point, halves away from zero.
  func rounded(to digits: Int) -> ExactDecimal {
    guard scale > digits else { return self }
    let divisor = Self.powers[scale - digits]
    var quotient = significand / divisor
    let remainder = significand % divisor
    if abs(remainder) * 2 >= divisor { quotient += significand < 0 ? -1 : 1 }
    return ExactDecimal(significand: quotient, scale: digits).normalised
  }

  /// Without trailing zeros after the point.
  var normalised: ExactDecimal {
    var result = self
    while result.scale > 0 && result.significand % 10 == 0 {
      result.significand /= 10
      result.scale -= 1
    }
    return result
  }

  /// JSON number text, shortest: `84.03`, `12`, `-0.5`.
  var text: String {
    let value = normalised
    if value.scale == 0 { return String(value.significand) }
    let magnitude = String(value.significand.magnitude)
    let padded = magnitude.count <= value.scale ? String(repeating: "0", count: value.scale - magnitude.count + 1) + magnitude : magnitude
    let split = padded.index(padded.endIndex, offsetBy: -value.scale)
    return (value.significand < 0 ? "-" : "") + padded[..<split] + "." + padded[split...]
  }
}

extension Double {
  /// JSON number text for a finite value: Swift's shortest round-trip form, without a
  /// trailing `.0` (`12`, `84.03000000000001`, `1e-05`).
  var jsonText: String {
    let text = description
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }
}
