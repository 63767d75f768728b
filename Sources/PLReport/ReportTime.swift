/// Timestamps of manifests and gold periods as seconds since 1970 (UTC), and back as text.
///
/// Reads the shapes the lake writes: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS`, with fractions and a
/// `Z` or `±HH:MM` offset. Anything else is nil: the report shows it as unknown.
import PLCore

public enum ReportTime {
  public static func seconds(_ text: String) -> Double? {
    let b = Array(text.utf8)
    func num(_ at: Int, _ count: Int) -> Int? {
      guard at + count <= b.count else { return nil }
      var n = 0
      for c in b[at..<(at + count)] {
        guard c >= 48 && c <= 57 else { return nil }
        n = n * 10 + Int(c - 48)
      }
      return n
    }
    guard b.count >= 10, let y = num(0, 4), b[4] == 45, let m = num(5, 2), b[7] == 45, let d = num(8, 2),
          (1...12).contains(m), (1...31).contains(d) else { return nil }
    var s = Double(CivilCalendar.daysFromCivil(year: y, month: m, day: d)) * 86400
    guard b.count > 10 else { return s }
    guard b.count >= 19, b[10] == 84 || b[10] == 32, let hh = num(11, 2), b[13] == 58, let mm = num(14, 2), b[16] == 58,
          let ss = num(17, 2) else { return nil }
    s += Double(hh * 3600 + mm * 60 + ss)
    var i = 19
    if i < b.count && b[i] == 46 {
      var scale = 0.1
      i += 1
      while i < b.count, b[i] >= 48 && b[i] <= 57 {
        s += Double(b[i] - 48) * scale
        scale /= 10
        i += 1
      }
    }
    if i == b.count || (b[i] == 90 && i == b.count - 1) { return s }
    guard b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = num(i + 4, 2),
          i + 6 == b.count else { return nil }
    let offset = Double(oh * 3600 + om * 60)
    return b[i] == 43 ? s - offset : s + offset
  }

  /// `YYYY-MM-DD HH:MM UTC`.
  public static func text(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded(.down))
    let days = whole >= 0 ? whole / 86400 : (whole - 86399) / 86400
    let rest = whole - days * 86400
    return day(days) + " " + pad(rest / 3600) + ":" + pad(rest % 3600 / 60) + " UTC"
  }

  /// `YYYY-MM-DD` of a day number.
  public static func day(_ days: Int) -> String {
    let c = CivilCalendar.civil(fromDays: days)
    return String(c.year) + "-" + pad(c.month) + "-" + pad(c.day)
  }

  static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}
