import PLCore

/// Numbers and text for HTML and SVG.
public enum XMLText {
  /// `&`, `<`, `>`, `"` and `'` escaped (PLCore's `HTMLText`).
  public static func escape(_ text: String) -> String { HTMLText.escape(text) }

  /// A number for a coordinate: one decimal, no exponent.
  static func coordinate(_ x: Double) -> String {
    let tenths = Int((x * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let a = abs(tenths)
    return a % 10 == 0 ? sign + String(a / 10) : sign + "\(a / 10).\(a % 10)"
  }

  /// A measured value for people: up to four significant digits.
  public static func value(_ x: Double) -> String {
    guard x.isFinite else { return "–" }
    let magnitude = x == 0 ? 0 : Int((abs(x)).log10Floor)
    let decimals = max(0, min(6, 3 - magnitude))
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (x * scale).rounded() / scale
    var text = String(rounded)
    if text.hasSuffix(".0") { text.removeLast(2) }
    if text.contains("e") { return String(x) }
    if text == "-0" { text = "0" }
    return text
  }
}

extension Double {
  /// ⌊log10 x⌋ for x > 0, without Foundation.
  var log10Floor: Double {
    var x = self, n = 0.0
    while x >= 10 { x /= 10; n += 1 }
    while x < 1 { x *= 10; n -= 1 }
    return n
  }
}
