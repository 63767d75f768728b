import PLCore

/// ISO 8601 dates and times read byte by byte: the per-record path never meets a formatter.
///
/// Accepted: `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM`, `:SS`, a fraction, and `Z`
/// or an offset `±HH:MM`/`±HHMM`/`±HH`. A time without a zone is taken as UTC, which is what
/// pl-clean writes.
public enum TimeText {
  /// Seconds since 1970-01-01T00:00:00Z, or nil when `text` is not such a date or time.
  public static func seconds(_ text: String) -> Double? {
    var text = text
    return text.withUTF8 { seconds(utf8: $0) }
  }

  static func seconds(utf8 b: UnsafeBufferPointer<UInt8>) -> Double? {
    if b.count == 20, let t = secondsUTC(b) { return t }
    var i = 0
    func digits(_ n: Int) -> Int? {
      guard i + n <= b.count else { return nil }
      var v = 0
      for k in 0..<n {
        let c = b[i + k]
        guard c >= 0x30 && c <= 0x39 else { return nil }
        v = v * 10 + Int(c - 0x30)
      }
      i += n
      return v
    }
    func expect(_ c: UInt8) -> Bool {
      guard i < b.count, b[i] == c else { return false }
      i += 1
      return true
    }
    guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
      let day = digits(2), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
    else { return nil }
    var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86400
    guard i < b.count else { return seconds }
    guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == 0x20 else { return nil }
    i += 1
    guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), hour <= 24, minute <= 59 else { return nil }
    var second = 0.0
    if expect(UInt8(ascii: ":")) {
      guard let s = digits(2), s <= 60 else { return nil }
      second = Double(s)
      if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
        i += 1
        var scale = 0.1
        let start = i
        while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
          second += Double(b[i] - 0x30) * scale
          scale /= 10
          i += 1
        }
        guard i > start else { return nil }
      }
    }
    seconds += Double(hour * 3600 + minute * 60) + second
    guard i < b.count else { return seconds }
    if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
      return i + 1 == b.count ? seconds : nil
    }
    guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
    let sign: Double = b[i] == UInt8(ascii: "+") ? 1 : -1
    i += 1
    guard let oh = digits(2) else { return nil }
    var om = 0
    if i < b.count {
      _ = expect(UInt8(ascii: ":"))
      guard let m = digits(2) else { return nil }
      om = m
    }
    guard i == b.count, oh <= 23, om <= 59 else { return nil }
    return seconds - sign * Double(oh * 3600 + om * 60)
  }

  /// `YYYY-MM-DDTHH:MM:SSZ` exactly (the usual layout), read at fixed places; nil for anything
  /// else, which `seconds(utf8:)` then reads in full (with the same result for this layout).
  @inline(__always)
  static func secondsUTC(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
    @inline(__always) func d(_ k: Int) -> Int { Int(b[k] &- 0x30) }
    for k in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] where b[k] &- 0x30 > 9 { return nil }
    guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20,
      b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z") || b[19] == UInt8(ascii: "z")
    else { return nil }
    let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
    let month = d(5) * 10 + d(6), day = d(8) * 10 + d(9)
    let hour = d(11) * 10 + d(12), minute = d(14) * 10 + d(15), second = d(17) * 10 + d(18)
    guard month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year), hour <= 24, minute <= 59, second <= 60 else { return nil }
    return Double(daysFromCivil(year: year, month: month, day: day)) * 86400 + (Double(hour * 3600 + minute * 60) + Double(second))
  }

  /// True for `HH:MM:SS` (Frictionless `time`), with an optional fraction and zone.
  static func isTime(_ text: String) -> Bool {
    seconds("1970-01-01T" + text) != nil && text.utf8.count >= 8
  }

  /// True for `YYYY-MM-DD` alone (Frictionless `date`, default format).
  static func isDate(_ text: String) -> Bool {
    text.utf8.count == 10 && seconds(text) != nil
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    CivilCalendar.daysFromCivil(year: year, month: month, day: day)
  }

  /// `seconds` as `YYYY-MM-DDTHH:MM:SSZ`, for reports.
  static func text(_ seconds: Double) -> String {
    let total = Int(seconds.rounded(.down))
    var days = total / 86400
    var rest = total % 86400
    if rest < 0 {
      rest += 86400
      days -= 1
    }
    let (year, month, day) = CivilCalendar.civil(fromDays: days)
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
    return "\(yearText)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
  }
}

/// A length of time written `90s`, `5m`, `2h`, `1d`, `1w` or plain seconds (`300`).
enum DurationText {
  public static func seconds(_ text: String) -> Double? {
    let trimmed = text.filter { $0 != " " }
    guard let last = trimmed.last else { return nil }
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
    if let unit = units[last] {
      guard let n = Double(trimmed.dropLast()), n >= 0 else { return nil }
      return n * unit
    }
    guard let n = Double(trimmed), n >= 0 else { return nil }
    return n
  }

  /// `seconds` in the largest unit that keeps it whole, for messages: 300 → "5m".
  static func text(_ seconds: Double) -> String {
    for (unit, size) in [("w", 604800.0), ("d", 86400), ("h", 3600), ("m", 60)] where seconds >= size && (seconds / size).rounded() == seconds / size {
      return numberText(seconds / size) + unit
    }
    return numberText(seconds) + "s"
  }
}
