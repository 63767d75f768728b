/// The value of a decimal number's text, in a form where equal values compare equal:
/// `12.30`, `1.23e1` and `0.123E+2` are the same value, `-0` and `0.0` too.
///
/// Used to decide whether a double keeps a number exactly: it does when the shortest text of
/// the double has the same `DecimalValue` as the text that was read.
struct DecimalValue: Equatable {
  /// False for zero.
  var negative = false
  /// The significant digits (as numbers 0–9) without leading or trailing zeros; empty for zero.
  var digits: [UInt8] = []
  /// The value is 0.d₁d₂d₃… × 10^exponent; 0 for zero.
  var exponent = 0

  /// Reads `-?digits[.digits][e[+-]digits]` (also `+`, a leading `.` and `inf`-free spellings
  /// that `Double.description` writes); nil for anything else.
  init?(_ text: UnsafeBufferPointer<UInt8>) {
    var i = 0
    let count = text.count
    var negative = false
    if i < count, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
      negative = text[i] == UInt8(ascii: "-")
      i += 1
    }
    var digits: [UInt8] = []
    var integerDigits = 0
    var sawPoint = false
    var sawDigit = false
    while i < count {
      let byte = text[i]
      let digit = byte &- UInt8(ascii: "0")
      if digit < 10 {
        sawDigit = true
        if digits.isEmpty && digit == 0 {
          // A leading zero: only shifts the point when it is after it.
          if sawPoint { integerDigits -= 1 }
        } else {
          digits.append(digit)
          if !sawPoint { integerDigits += 1 }
        }
      } else if byte == UInt8(ascii: ".") && !sawPoint {
        sawPoint = true
      } else {
        break
      }
      i += 1
    }
    guard sawDigit else { return nil }
    var exponent = 0
    if i < count, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
      i += 1
      var exponentNegative = false
      if i < count, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
        exponentNegative = text[i] == UInt8(ascii: "-")
        i += 1
      }
      guard i < count else { return nil }
      while i < count {
        let digit = text[i] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        // Beyond any double either way; saturating keeps huge exponents comparable.
        if exponent < 1_000_000_000 { exponent = exponent * 10 + Int(digit) }
        i += 1
      }
      if exponentNegative { exponent = -exponent }
    }
    guard i == count else { return nil }
    while digits.last == 0 { digits.removeLast() }
    if digits.isEmpty { return }
    self.negative = negative
    self.digits = digits
    self.exponent = integerDigits + exponent
  }
}
