/// Text and attribute values for HTML and SVG: `&`, `<`, `>`, `"` and `'` escaped.
public enum XMLText {
  public static func escape(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for c in text.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }

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
