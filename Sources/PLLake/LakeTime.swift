#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// A calendar day (proleptic Gregorian, UTC), the unit of the lake's partitions.
public struct LakeDay: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Days since 1970-01-01.
  public let daysSinceEpoch: Int

  public init(daysSinceEpoch: Int) { self.daysSinceEpoch = daysSinceEpoch }

  /// The day of a civil date; nil when the date does not exist (2026-02-30).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year) else { return nil }
    daysSinceEpoch = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
  }

  /// `YYYY-MM-DD`; nil for anything else.
  public init?(text: String) {
    let b = Array(text.utf8)
    guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D,
      let y = LakeDay.digits(b, 0, 4), let m = LakeDay.digits(b, 5, 2), let d = LakeDay.digits(b, 8, 2)
    else { return nil }
    self.init(year: y, month: m, day: d)
  }

  public var civil: (year: Int, month: Int, day: Int) {
    CivilCalendar.civil(fromDays: daysSinceEpoch)
  }

  /// `YYYY-MM-DD`.
  public var description: String {
    let (y, m, d) = civil
    return LakeDay.pad(y, 4) + "-" + LakeDay.pad(m, 2) + "-" + LakeDay.pad(d, 2)
  }

  public func adding(days: Int) -> LakeDay { LakeDay(daysSinceEpoch: daysSinceEpoch + days) }

  /// Today in UTC.
  public static var today: LakeDay { LakeDay(daysSinceEpoch: Int(LakeTime.nowSeconds().seconds) / 86400) }

  public static func < (a: LakeDay, b: LakeDay) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }


  static func digits(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
    b.withUnsafeBufferPointer { digits($0, start, count) }
  }

  static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
    var n = 0
    for i in start..<(start + count) {
      guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
      n = n * 10 + Int(b[i] - 0x30)
    }
    return n
  }

  static func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }
}

/// Wall-clock times of runs, as the UTC text manifests carry (`2026-11-30T10:12:03.250Z`).
public enum LakeTime {
  public static func nowSeconds() -> (seconds: Int, millis: Int) {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return (Int(ts.tv_sec), Int(ts.tv_nsec) / 1_000_000)
  }

  /// Now, as ISO 8601 UTC with milliseconds.
  public static func now() -> String {
    let (seconds, millis) = nowSeconds()
    return text(seconds: seconds, millis: millis)
  }

  public static func text(seconds: Int, millis: Int) -> String {
    let day = LakeDay(daysSinceEpoch: seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
    let rest = seconds - day.daysSinceEpoch * 86400
    return "\(day)T\(LakeDay.pad(rest / 3600, 2)):\(LakeDay.pad(rest / 60 % 60, 2)):\(LakeDay.pad(rest % 60, 2)).\(LakeDay.pad(millis, 3))Z"
  }
}
