import PLCore

/// The `Date:` of a message (RFC 5322 §3.3) as an ISO 8601 UTC time.
///
/// `Tue, 05 Mar 2024 15:22:10 -0600` → `2024-03-05T21:22:10Z`. The day name is optional, as
/// are the seconds; a trailing comment (`(CET)`) is ignored; the obsolete zone names (`UT`,
/// `GMT`, `Z`, `EST`…`PDT`) are read, two-digit years are 20xx below 50 and 19xx from 50
/// (RFC 5322 §4.3). Anything else is no date: nil, and the caller keeps the text as written.
enum MailDate {
  static func utc(_ text: String) -> String? {
    var tokens: [Substring] = []
    var cleaned = ""
    var depth = 0
    for c in text {
      if c == "(" { depth += 1 } else if c == ")" { depth = max(0, depth - 1) } else if depth == 0 { cleaned.append(c == "," ? " " : c) }
    }
    tokens = cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" })
    if let first = tokens.first, first.first?.isLetter == true { tokens.removeFirst() }
    guard tokens.count >= 4, let day = Int(tokens[0]), (1...31).contains(day),
      let month = months.firstIndex(of: tokens[1].prefix(3).lowercased()).map({ $0 + 1 }),
      var year = Int(tokens[2]), tokens[2].count >= 2
    else { return nil }
    if tokens[2].count == 2 { year += year < 50 ? 2000 : 1900 } else if tokens[2].count == 3 { year += 1900 }
    let time = tokens[3].split(separator: ":")
    guard time.count == 2 || time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]),
      (0...23).contains(hour), (0...59).contains(minute)
    else { return nil }
    let second = time.count == 3 ? Int(time[2]) : 0
    guard let second, (0...60).contains(second) else { return nil }
    guard day <= CivilCalendar.daysIn(month: month, year: year) else { return nil }
    var offset = 0
    if tokens.count >= 5 {
      guard let zone = zoneOffset(String(tokens[4])) else { return nil }
      offset = zone
    }
    let seconds = CivilCalendar.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    let (y, m, d) = CivilCalendar.civil(fromDays: Int(floorDivide(seconds, 86_400)))
    let rest = seconds - floorDivide(seconds, 86_400) * 86_400
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rest / 3600, 2)):\(pad(rest % 3600 / 60, 2)):\(pad(rest % 60, 2))Z"
  }

  static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

  /// Seconds east of UTC for `+0200`, `-0600`, `GMT`, `EST`…; nil for anything else.
  static func zoneOffset(_ zone: String) -> Int? {
    let bytes = Array(zone.utf8)
    if bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
      let hhmm = Int(String(decoding: bytes[1...], as: UTF8.self)), hhmm % 100 < 60
    {
      let seconds = (hhmm / 100) * 3600 + (hhmm % 100) * 60
      return bytes[0] == UInt8(ascii: "-") ? -seconds : seconds
    }
    switch zone.uppercased() {
    case "UT", "UTC", "GMT", "Z": return 0
    case "EDT": return -4 * 3600
    case "EST", "CDT": return -5 * 3600
    case "CST", "MDT": return -6 * 3600
    case "MST", "PDT": return -7 * 3600
    case "PST": return -8 * 3600
    default: return nil
    }
  }

  static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

  static func pad(_ n: Int, _ width: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
