import Foundation

/// How a numeric date orders its day, month and year.
public enum DateOrder: String, Hashable, Sendable, CaseIterable {
  /// `04.03.2024`, `04/03/2024` (Europe).
  case dmy
  /// `03/04/2024` (United States).
  case mdy
  /// `2024-03-04`, `2024/03/04`.
  case ymd
}

/// A timestamp, date or time of day read from text.
public struct ParsedTime: Hashable, Sendable, CustomStringConvertible {
  public enum Value: Hashable, Sendable {
    /// A moment in UTC: the text had a zone or offset, or the caller gave a zone.
    case instant(Instant)
    /// A date alone.
    case date(CivilDate)
    /// A time of day alone, for callers that know the date.
    case timeOfDay(TimeOfDay)
    /// A date and time without zone, when the caller gave no zone either.
    case local(CivilDate, TimeOfDay)
  }

  public var value: Value
  /// Set when a local time fell in a repeated or skipped hour; the caller writes a note.
  public var flag: ZoneFlag?
  /// For a repeated hour resolved to its first occurrence: the second one.
  var secondOccurrence: Instant?

  public init(_ value: Value, flag: ZoneFlag? = nil) {
    self.value = value
    self.flag = flag
  }

  /// ISO 8601: `2024-03-04T08:16:16Z`, `2024-03-04`, `08:16:16`, or `2024-03-04T08:16:16` for a
  /// local time without zone.
  public var iso: String {
    switch value {
    case .instant(let i): i.iso
    case .date(let d): d.iso
    case .timeOfDay(let t): t.iso
    case .local(let d, let t): ISOText.make { out in
        ISOText.date(d, into: &out)
        out.append(UInt8(ascii: "T"))
        ISOText.time(t, into: &out)
      }
    }
  }

  public var description: String { iso }

  /// The instant, when the value is one.
  public var instant: Instant? {
    if case .instant(let i) = value { return i }
    return nil
  }
}

/// Reads timestamps as labs and loggers print them, on UTF-8 bytes, with no formatter.
///
/// Accepted: ISO 8601 (`T` or space, optional fraction, `Z`, `+01:00`, `+0100`, `+01`, `UTC`),
/// `YYYYMMDD`, `DD.MM.YYYY`, `DD.MM.YY`, `DD/MM/YYYY`, `MM/DD/YYYY`, `DD-MM-YYYY`, `23-Feb-24`,
/// `23 Feb 2024`, `4. März 2024`, `Feb 23, 2024` (month names in English, German, French and
/// Dutch, full or abbreviated, with or without a dot), each optionally followed by
/// `HH:MM[:SS[.fff]]` and `AM`/`PM`, and a time of day alone. Two-digit years are 2000–2069 for
/// 00–69 and 1970–1999 otherwise.
///
/// A numeric date whose day and month could be swapped needs `order`; without one it is read
/// only when it is unambiguous (a part above 12, equal parts, or dots, which only day-first
/// countries use). A date and time without offset is placed in `zone`, daylight saving included
/// (see ``ZoneFlag``); with no zone it stays ``ParsedTime/Value/local(_:_:)``.
public struct TimestampParser: Sendable {
  public var order: DateOrder?
  private var resolver: ZoneResolver?

  public init(order: DateOrder? = nil, zone: TimeZone? = nil) {
    self.order = order
    self.resolver = zone.map { ZoneResolver(zone: $0) }
  }

  /// The zone naive times are placed in.
  public var zone: TimeZone? { resolver?.zone }

  /// The timestamp in `text`, or nil when it is not one of the accepted forms.
  public mutating func parse(_ text: Substring) -> ParsedTime? {
    var text = text
    return text.withUTF8 { parse(bytes: $0) }
  }

  public mutating func parse(_ text: String) -> ParsedTime? { parse(text[...]) }

  mutating func parse(bytes p: UnsafeBufferPointer<UInt8>) -> ParsedTime? {
    let start = Bytes.skipSpaces(p, 0, p.count)
    let end = Bytes.trimSpacesBack(p, start, p.count)
    guard start < end else { return nil }
    var cursor = TimeCursor(p: p, i: start, end: end)
    // A time of day alone: digits, then `:` within three bytes.
    if let time = cursor.timeOnly() { return ParsedTime(.timeOfDay(time)) }
    guard let date = cursor.date(order: order) else { return nil }
    if cursor.atEnd { return ParsedTime(.date(date)) }
    guard cursor.dateTimeSeparator(), let (time, zoneOffset) = cursor.timeAndZone(), cursor.atEnd else { return nil }
    if let zoneOffset {
      let local = Int64(date.daysSinceEpoch) * 86400 + Int64(time.secondsOfDay)
      return ParsedTime(.instant(Instant(seconds: local - Int64(zoneOffset), secondFraction: time.secondFraction)))
    }
    return combine(date: date, time: time)
  }

  /// `date` and `time` read on the wall clock of the parser's zone; without a zone, a local value.
  public mutating func combine(date: CivilDate, time: TimeOfDay) -> ParsedTime {
    guard resolver != nil else { return ParsedTime(.local(date, time)) }
    let local = Int64(date.daysSinceEpoch) * 86400 + Int64(time.secondsOfDay)
    let r = resolver!.resolve(local: local)
    var parsed = ParsedTime(.instant(Instant(seconds: r.utc, secondFraction: time.secondFraction)), flag: r.flag)
    parsed.secondOccurrence = r.second.map { Instant(seconds: $0, secondFraction: time.secondFraction) }
    return parsed
  }

  /// An Excel serial date (days since 1899-12-30, the fraction being the time of day) on the
  /// wall clock of the parser's zone, rounded to the millisecond; a date alone when `withTime`
  /// is false. Serials before 61 (1900-03-01) are refused: Excel counts a 1900-02-29 that never was.
  public mutating func excelSerial(_ serial: Double, withTime: Bool = true) -> ParsedTime? {
    guard serial.isFinite, serial >= 61, serial < 2_958_466 else { return nil }
    let ms = Int64((serial * 86_400_000).rounded())
    let days = Int(ms / 86_400_000) - 25569
    let date = CivilDate(daysSinceEpoch: days)
    guard withTime else { return ParsedTime(.date(date)) }
    let msOfDay = Int(ms % 86_400_000)
    let fraction = Self.milliseconds(msOfDay % 1000)
    let s = msOfDay / 1000
    guard let time = TimeOfDay(hour: s / 3600, minute: s / 60 % 60, second: s % 60, fraction: fraction) else { return nil }
    return combine(date: date, time: time)
  }

  /// The text of an Excel serial (`45356.5`); see ``excelSerial(_:withTime:)``.
  public mutating func excelSerial(_ text: Substring, withTime: Bool = true) -> ParsedTime? {
    guard let n = NumberText.parse(text, decimal: .point), !n.percent else { return nil }
    return excelSerial(n.value, withTime: withTime)
  }

  /// Units of a Unix timestamp.
  public enum EpochUnit: Sendable { case seconds, milliseconds }

  /// A Unix timestamp (`1709540176`, `1709540176.25`, `1709540176250` in milliseconds).
  public static func epoch(_ text: Substring, unit: EpochUnit) -> ParsedTime? {
    var text = text
    return text.withUTF8 { p -> ParsedTime? in
      var i = Bytes.skipSpaces(p, 0, p.count)
      let end = Bytes.trimSpacesBack(p, i, p.count)
      var negative = false
      if i < end && p[i] == UInt8(ascii: "-") { negative = true; i += 1 }
      var whole: Int64 = 0
      let digitsStart = i
      while i < end && Bytes.isDigit(p[i]) && i - digitsStart < 16 { whole = whole * 10 + Int64(p[i] - 0x30); i += 1 }
      guard i > digitsStart else { return nil }
      var fraction = ""
      if unit == .seconds && i + 1 < end && p[i] == UInt8(ascii: ".") {
        let f = i + 1
        i += 1
        while i < end && Bytes.isDigit(p[i]) && i - f < 9 { i += 1 }
        guard i > f else { return nil }
        fraction = String(decoding: UnsafeBufferPointer(rebasing: p[f..<i]), as: UTF8.self)
      }
      guard i == end else { return nil }
      var seconds = whole
      if unit == .milliseconds {
        seconds = whole / 1000
        fraction = milliseconds(Int(whole % 1000))
        if negative && whole % 1000 != 0 {
          seconds += 1
          fraction = milliseconds(1000 - Int(whole % 1000))
        }
      }
      if negative {
        seconds = -seconds
        if unit == .seconds && !fraction.isEmpty {
          // −5.25 s is 6 whole seconds back and 0.75 forward.
          seconds -= 1
          let n = fraction.utf8.count
          var scale = 1
          for _ in 0..<n { scale *= 10 }
          let complement = String(scale - (Int(fraction) ?? 0))
          fraction = String(repeating: "0", count: n - complement.count) + complement
        }
      }
      return ParsedTime(.instant(Instant(seconds: seconds, fraction: fraction)))
    }
  }

  /// `0` → "", `500` → "5", `25` → "025".
  static func milliseconds(_ ms: Int) -> String {
    guard ms > 0 else { return "" }
    var digits = [UInt8(ms / 100) + 0x30, UInt8(ms / 10 % 10) + 0x30, UInt8(ms % 10) + 0x30]
    while digits.last == 0x30 { digits.removeLast() }
    return String(decoding: digits, as: UTF8.self)
  }
}

/// One-shot forms of ``TimestampParser`` for callers parsing a few values.
public enum TimestampText {
  /// ``TimestampParser/parse(_:)`` with a parser made for this call.
  public static func parse(_ text: Substring, order: DateOrder? = nil, zone: TimeZone? = nil) -> ParsedTime? {
    var parser = TimestampParser(order: order, zone: zone)
    return parser.parse(text)
  }

  public static func parse(_ text: String, order: DateOrder? = nil, zone: TimeZone? = nil) -> ParsedTime? {
    parse(text[...], order: order, zone: zone)
  }

  /// A date and a time from separate fields, on the wall clock of `zone`.
  public static func combine(date: CivilDate, time: TimeOfDay, zone: TimeZone?) -> ParsedTime {
    var parser = TimestampParser(zone: zone)
    return parser.combine(date: date, time: time)
  }
}

/// A read position in timestamp text.
struct TimeCursor {
  let p: UnsafeBufferPointer<UInt8>
  var i: Int
  let end: Int

  var atEnd: Bool { i >= end }

  func byte(_ k: Int = 0) -> UInt8? { i + k < end ? p[i + k] : nil }

  /// Reads up to `max` digits; nil when there are none.
  mutating func digits(max: Int = 4) -> (value: Int, count: Int)? {
    var v = 0, n = 0
    while i < end && Bytes.isDigit(p[i]) && n < max { v = v * 10 + Int(p[i] - 0x30); i += 1; n += 1 }
    guard n > 0, i >= end || !Bytes.isDigit(p[i]) else { return nil }
    return (v, n)
  }

  mutating func skipSpaces() { i = Bytes.skipSpaces(p, i, end) }

  /// `HH:MM[:SS[.f]]` and nothing else.
  mutating func timeOnly() -> TimeOfDay? {
    var probe = self
    guard let (h, n) = probe.digits(max: 2), n >= 1, probe.byte() == UInt8(ascii: ":") else { return nil }
    _ = h
    var c = self
    guard let (time, zone) = c.timeAndZone(), zone == nil, c.atEnd else { return nil }
    self = c
    return time
  }

  /// A date in any accepted form.
  mutating func date(order: DateOrder?) -> CivilDate? {
    guard let b = byte() else { return nil }
    if Bytes.isDigit(b) { return numericStart(order: order) }
    return monthFirst()
  }

  /// Dates that start with digits.
  private mutating func numericStart(order: DateOrder?) -> CivilDate? {
    let start = i
    guard let (a, n) = digits(max: 8) else { return nil }
    if n == 8 {
      // YYYYMMDD
      return CivilDate(year: a / 10000, month: a / 100 % 100, day: a % 100)
    }
    guard let sep = byte(), sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") || sep == UInt8(ascii: ".") || sep == 0x20 else { return nil }
    if n == 4 {
      // YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD
      i += 1
      guard let (m, mn) = digits(max: 2), mn >= 1, byte() == sep else { return nil }
      i += 1
      guard let (d, dn) = digits(max: 2), dn >= 1 else { return nil }
      return CivilDate(year: a, month: m, day: d)
    }
    guard n <= 2 else { i = start; return nil }
    i += 1
    if sep == UInt8(ascii: ".") || sep == 0x20 { skipSpaces() }
    if let c = byte(), Bytes.isDigit(c) {
      guard let (b, bn) = digits(max: 2), bn >= 1, byte() == sep else { return nil }
      i += 1
      if sep == UInt8(ascii: ".") { skipSpaces() }
      guard let year = year() else { return nil }
      let dayFirst: Bool
      switch order {
      case .dmy?: dayFirst = true
      case .mdy?: dayFirst = false
      case .ymd?, nil:
        if a == b || sep == UInt8(ascii: ".") || (a > 12 && b <= 12) {
          dayFirst = true
        } else if b > 12 && a <= 12 {
          dayFirst = false
        } else {
          return nil
        }
      }
      return dayFirst ? CivilDate(year: year, month: b, day: a) : CivilDate(year: year, month: a, day: b)
    }
    // 23-Feb-24, 23 Feb 2024, 4. März 2024, 23.Feb.2024
    guard let month = monthName() else { return nil }
    if byte() == UInt8(ascii: "-") || byte() == UInt8(ascii: "/") || byte() == UInt8(ascii: ".") { i += 1 }
    skipSpaces()
    guard let year = year() else { return nil }
    return CivilDate(year: year, month: month, day: a)
  }

  /// `Feb 23, 2024`, `March 4 2024`.
  private mutating func monthFirst() -> CivilDate? {
    guard let month = monthName() else { return nil }
    skipSpaces()
    guard let (d, dn) = digits(max: 2), dn >= 1 else { return nil }
    if byte() == UInt8(ascii: ",") { i += 1 }
    skipSpaces()
    guard let year = year() else { return nil }
    return CivilDate(year: year, month: month, day: d)
  }

  /// A four-digit year, or a two-digit one (00–69 → 2000s, 70–99 → 1900s).
  private mutating func year() -> Int? {
    guard let (y, n) = digits(max: 4) else { return nil }
    switch n {
    case 4: return y
    case 2: return y < 70 ? 2000 + y : 1900 + y
    default: return nil
    }
  }

  /// A month name or abbreviation with an optional dot.
  private mutating func monthName() -> Int? {
    let start = i
    var ascii = true
    while i < end {
      let b = p[i]
      if (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") {
        i += 1
      } else if b >= 0x80 && Bytes.spaceWidth(p, i, end) == 0 {
        ascii = false
        i += 1
      } else {
        break
      }
    }
    guard i > start, i - start <= 12 else { i = start; return nil }
    let word: String
    if ascii {
      word = String(unsafeUninitializedCapacity: i - start) { out in
        for k in start..<i { out[k - start] = p[k] | 0x20 }
        return i - start
      }
    } else {
      word = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self).lowercased()
    }
    guard let month = MonthNames.table[word] else { i = start; return nil }
    if byte() == UInt8(ascii: ".") { i += 1 }
    return month
  }

  /// `T`, one or more spaces, or a comma and spaces between date and time.
  mutating func dateTimeSeparator() -> Bool {
    guard let b = byte() else { return false }
    if b == UInt8(ascii: "T") || b == UInt8(ascii: "t") {
      i += 1
      return true
    }
    let before = i
    if b == UInt8(ascii: ",") { i += 1 }
    skipSpaces()
    return i > before
  }

  /// `HH:MM[:SS[.fff]]`, optional `AM`/`PM`, optional zone (`Z`, `UTC`, `GMT`, `±HH[:MM]`).
  /// The zone is its offset in seconds east of UTC.
  mutating func timeAndZone() -> (TimeOfDay, Int?)? {
    guard let (hv, hn) = digits(max: 2), hn >= 1, byte() == UInt8(ascii: ":") else { return nil }
    var h = hv
    i += 1
    guard let (m, mn) = digits(max: 2), mn == 2 else { return nil }
    var s = 0
    var fraction = SecondFraction()
    if byte() == UInt8(ascii: ":") {
      i += 1
      guard let (sv, sn) = digits(max: 2), sn == 2 else { return nil }
      s = sv
      if let b = byte(), b == UInt8(ascii: ".") || b == UInt8(ascii: ","), let c = byte(1), Bytes.isDigit(c) {
        i += 1
        while i < end && Bytes.isDigit(p[i]) {
          guard fraction.count < 9 else { return nil }
          fraction.append(p[i])
          i += 1
        }
      }
    }
    // AM / PM, `a.m.` / `p.m.`
    var c = self
    c.skipSpaces()
    if let b = c.byte(), (b | 0x20) == UInt8(ascii: "a") || (b | 0x20) == UInt8(ascii: "p") {
      var k = c.i + 1
      if k < end && p[k] == UInt8(ascii: ".") { k += 1 }
      if k < end && (p[k] | 0x20) == UInt8(ascii: "m") {
        k += 1
        if k < end && p[k] == UInt8(ascii: ".") { k += 1 }
        guard h >= 1 && h <= 12 else { return nil }
        let pm = (b | 0x20) == UInt8(ascii: "p")
        h = h % 12 + (pm ? 12 : 0)
        self.i = k
      }
    }
    guard let time = TimeOfDay(hour: h, minute: m, second: s, secondFraction: fraction) else { return nil }
    // Zone.
    var z = self
    z.skipSpaces()
    guard let b = z.byte() else { return (time, nil) }
    if b == UInt8(ascii: "Z") || b == UInt8(ascii: "z") {
      z.i += 1
      self = z
      return (time, 0)
    }
    if z.i + 2 < end && ((b == UInt8(ascii: "U") && p[z.i + 1] == UInt8(ascii: "T") && p[z.i + 2] == UInt8(ascii: "C"))
      || (b == UInt8(ascii: "G") && p[z.i + 1] == UInt8(ascii: "M") && p[z.i + 2] == UInt8(ascii: "T")))
    {
      z.i += 3
      if z.atEnd { self = z; return (time, 0) }
      guard let offset = z.offset() else { return nil }
      self = z
      return (time, offset)
    }
    if let offset = z.offset() {
      self = z
      return (time, offset)
    }
    return (time, nil)
  }

  /// `+01:00`, `+0100`, `+01`, `-05:00`, `−05:00`.
  private mutating func offset() -> Int? {
    guard let b = byte() else { return nil }
    var sign = 0
    let start = i
    if b == UInt8(ascii: "+") { sign = 1; i += 1 } else if b == UInt8(ascii: "-") { sign = -1; i += 1 } else if b == 0xE2 && byte(1) == 0x88 && byte(2) == 0x92 {
      sign = -1
      i += 3
    }
    guard sign != 0, let (v, n) = digits(max: 4) else { i = start; return nil }
    var hours = 0, minutes = 0
    switch n {
    case 2:
      hours = v
      if byte() == UInt8(ascii: ":") {
        i += 1
        guard let (mv, mn) = digits(max: 2), mn == 2 else { i = start; return nil }
        minutes = mv
      }
    case 4:
      hours = v / 100
      minutes = v % 100
    default:
      i = start
      return nil
    }
    guard hours <= 14, minutes < 60 else { i = start; return nil }
    return sign * (hours * 3600 + minutes * 60)
  }
}

/// Month names and abbreviations in English, German, French and Dutch, lower case.
enum MonthNames {
  static let table: [String: Int] = {
    let names: [[String]] = [
      ["january", "jan", "januar", "jän", "jänner", "janvier", "janv", "januari"],
      ["february", "feb", "febr", "februar", "février", "fevrier", "févr", "fevr", "fév", "fev", "februari"],
      ["march", "mar", "märz", "maerz", "mär", "mrz", "mars", "maart", "mrt"],
      ["april", "apr", "avril", "avr"],
      ["may", "mai", "mei"],
      ["june", "jun", "juni", "juin"],
      ["july", "jul", "juli", "juillet", "juil"],
      ["august", "aug", "août", "aout", "augustus"],
      ["september", "sep", "sept", "septembre"],
      ["october", "oct", "oktober", "okt", "octobre"],
      ["november", "nov", "novembre"],
      ["december", "dec", "dezember", "dez", "décembre", "decembre", "déc"],
    ]
    var table: [String: Int] = [:]
    for (index, spellings) in names.enumerated() {
      for s in spellings { table[s] = index + 1 }
    }
    return table
  }()
}
