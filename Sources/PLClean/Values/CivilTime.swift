import PLCore

/// A calendar date without a zone (proleptic Gregorian), as a lab prints it.
public struct CivilDate: Hashable, Sendable, Comparable, CustomStringConvertible {
  public let year: Int
  public let month: Int
  public let day: Int

  /// The date, or nil when it does not exist (`2023-02-29`) or the year is outside 1–9999.
  public init?(year: Int, month: Int, day: Int) {
    guard year >= 1 && year <= 9999, month >= 1 && month <= 12, day >= 1, day <= CivilDate.daysIn(month: month, year: year) else {
      return nil
    }
    self.year = year
    self.month = month
    self.day = day
  }

  /// The date `days` days after 1970-01-01.
  public init(daysSinceEpoch days: Int) {
    (year, month, day) = CivilCalendar.civil(fromDays: days)
  }

  /// Days since 1970-01-01 (negative before).
  public var daysSinceEpoch: Int {
    CivilCalendar.daysFromCivil(year: year, month: month, day: day)
  }

  /// The date `days` later.
  public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

  static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// `2024-03-04`.
  public var iso: String { ISOText.make { ISOText.date(self, into: &$0) } }
  public var description: String { iso }

  public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

/// A time of day without a date or zone; the fraction of a second keeps the digits printed.
public struct TimeOfDay: Hashable, Sendable, CustomStringConvertible {
  public let hour: Int
  public let minute: Int
  public let second: Int
  let secondFraction: SecondFraction

  /// Nil when a part is out of range or `fraction` is not one to nine digits (or empty).
  public init?(hour: Int, minute: Int, second: Int = 0, fraction: String = "") {
    guard let f = SecondFraction(fraction) else { return nil }
    self.init(hour: hour, minute: minute, second: second, secondFraction: f)
  }

  init?(hour: Int, minute: Int, second: Int, secondFraction: SecondFraction) {
    guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
    self.hour = hour
    self.minute = minute
    self.second = second
    self.secondFraction = secondFraction
  }

  /// The digits after the decimal mark of the seconds (`"250"` for `:16.250`), empty when none.
  public var fraction: String { secondFraction.text }

  /// Seconds since midnight (without the fraction).
  public var secondsOfDay: Int { hour * 3600 + minute * 60 + second }

  /// `08:16:16` or `08:16:16.25`.
  public var iso: String { ISOText.make { ISOText.time(self, into: &$0) } }
  public var description: String { iso }
}

/// A moment in UTC: whole seconds since 1970-01-01T00:00:00Z and the printed fraction.
public struct Instant: Hashable, Sendable, Comparable, CustomStringConvertible {
  public let seconds: Int64
  let secondFraction: SecondFraction

  /// `fraction` is the digits of the fraction of a second; anything after its first nine
  /// leading digits is ignored.
  public init(seconds: Int64, fraction: String = "") {
    self.seconds = seconds
    self.secondFraction = SecondFraction(leadingDigitsOf: fraction)
  }

  init(seconds: Int64, secondFraction: SecondFraction) {
    self.seconds = seconds
    self.secondFraction = secondFraction
  }

  /// Digits of the fraction of a second as printed (`"5"` for `.5`), empty when none.
  public var fraction: String { secondFraction.text }

  /// `2024-03-04T08:16:16Z`, `2024-03-04T08:16:16.250Z`.
  public var iso: String { ISOText.make { write(into: &$0) } }

  /// Writes `iso`.
  func write(into out: inout ISOText.Buffer) {
    let days = Int((seconds >= 0 ? seconds : seconds - 86399) / 86400)
    let sod = Int(seconds - Int64(days) * 86400)
    let date = CivilDate(daysSinceEpoch: days)
    ISOText.date(date, into: &out)
    out.append(UInt8(ascii: "T"))
    ISOText.clock(sod / 3600, sod / 60 % 60, sod % 60, secondFraction, into: &out)
    out.append(UInt8(ascii: "Z"))
  }

  public var description: String { iso }

  public static func < (a: Instant, b: Instant) -> Bool {
    a.seconds != b.seconds ? a.seconds < b.seconds : a.secondFraction.nanoseconds < b.secondFraction.nanoseconds
  }
}

/// Writes ISO 8601 text into a small byte buffer.
enum ISOText {
  struct Buffer {
    var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    var count = 0
    mutating func append(_ b: UInt8) {
      guard count < 48 else { return }
      withUnsafeMutableBytes(of: &bytes) { $0[count] = b }
      count += 1
    }
    mutating func two(_ n: Int) {
      append(UInt8(n / 10 % 10) + 0x30)
      append(UInt8(n % 10) + 0x30)
    }
  }

  /// The text `body` writes, appended to `out` (as a JSON string when `quoted`: the
  /// characters written here never need escaping).
  static func append(to out: ByteBuffer, quoted: Bool, _ body: (inout Buffer) -> Void) {
    var buffer = Buffer()
    body(&buffer)
    let count = buffer.count
    if quoted { out.append(UInt8(ascii: "\"")) }
    withUnsafeBytes(of: &buffer.bytes) { out.append(UnsafeBufferPointer(rebasing: $0.bindMemory(to: UInt8.self)[..<count])) }
    if quoted { out.append(UInt8(ascii: "\"")) }
  }

  static func make(_ body: (inout Buffer) -> Void) -> String {
    var buffer = Buffer()
    body(&buffer)
    let count = buffer.count
    return withUnsafeBytes(of: &buffer.bytes) { String(decoding: $0[..<count], as: UTF8.self) }
  }

  static func date(_ d: CivilDate, into out: inout Buffer) {
    out.two(d.year / 100)
    out.two(d.year % 100)
    out.append(UInt8(ascii: "-"))
    out.two(d.month)
    out.append(UInt8(ascii: "-"))
    out.two(d.day)
  }

  static func time(_ t: TimeOfDay, into out: inout Buffer) {
    clock(t.hour, t.minute, t.second, t.secondFraction, into: &out)
  }

  static func clock(_ h: Int, _ m: Int, _ s: Int, _ fraction: SecondFraction, into out: inout Buffer) {
    out.two(h)
    out.append(UInt8(ascii: ":"))
    out.two(m)
    out.append(UInt8(ascii: ":"))
    out.two(s)
    if fraction.count > 0 {
      out.append(UInt8(ascii: "."))
      fraction.write(into: &out)
    }
  }

}

/// The digits of a fraction of a second as printed, up to nine (`.250` is 250 and 3 digits), kept
/// as integers so that times copy without reference counting.
struct SecondFraction: Hashable, Sendable {
  var digits: UInt32 = 0
  var count: UInt8 = 0

  init() {}

  /// From digit text; nil when it holds anything else or more than nine digits.
  init?(_ text: String) {
    guard text.utf8.count <= 9 else { return nil }
    for b in text.utf8 {
      guard Bytes.isDigit(b) else { return nil }
      append(b)
    }
  }

  init(leadingDigitsOf text: String) {
    for b in text.utf8 {
      guard Bytes.isDigit(b), count < 9 else { break }
      append(b)
    }
  }

  @inline(__always) mutating func append(_ digit: UInt8) {
    digits = digits * 10 + UInt32(digit - 0x30)
    count += 1
  }

  /// The fraction in nanoseconds, for ordering.
  var nanoseconds: UInt32 {
    var v = digits
    for _ in Int(count)..<9 { v *= 10 }
    return v
  }

  var text: String {
    var out = ISOText.Buffer()
    write(into: &out)
    let n = out.count
    return withUnsafeBytes(of: &out.bytes) { String(decoding: $0[..<n], as: UTF8.self) }
  }

  func write(into out: inout ISOText.Buffer) {
    var divisor: UInt32 = 1
    for _ in 1..<max(Int(count), 1) { divisor *= 10 }
    guard count > 0 else { return }
    var v = digits
    while divisor > 0 {
      out.append(UInt8(v / divisor) + 0x30)
      v %= divisor
      divisor /= 10
    }
  }
}
