import Foundation

/// What happened when a local time was placed in its zone around a daylight-saving change.
public enum ZoneFlag: String, Hashable, Sendable {
  /// The clock showed this time twice (autumn); the first occurrence was taken.
  case repeatedHourFirst = "repeated-hour-first"
  /// The clock showed this time twice; the order of a series showed it was the second occurrence.
  case repeatedHourSecond = "repeated-hour-second"
  /// The clock never showed this time (spring); it was moved forward by the length of the gap.
  case skippedHour = "skipped-hour"
}

/// Turns local wall-clock seconds into UTC for one IANA zone.
///
/// Asking Foundation for an offset costs microseconds, so the resolver remembers the last span of
/// local time that maps to UTC with one offset and no ambiguity (between two transitions, less
/// the repeated or skipped hour at each end); times in that span need one subtraction.
public struct ZoneResolver: Sendable {
  public let zone: TimeZone
  private var low: Int64 = 1
  private var high: Int64 = 0
  private var offset: Int64 = 0

  public init(zone: TimeZone) { self.zone = zone }

  /// Where a local time lands in UTC.
  struct Resolution {
    var utc: Int64
    var flag: ZoneFlag?
    /// For a repeated time, the second occurrence (`utc` is the first).
    var second: Int64?
  }

  /// `local` (seconds since 1970-01-01T00:00 on the zone's wall clock) in UTC.
  mutating func resolve(local: Int64) -> Resolution {
    if local >= low && local < high { return Resolution(utc: local - offset) }
    return slowResolve(local: local)
  }

  private func offsetAt(_ utc: Int64) -> Int64 {
    Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc))))
  }

  private mutating func slowResolve(local: Int64) -> Resolution {
    // Offsets a day either side bracket any single transition near `local`.
    let before = offsetAt(local - 86400), after = offsetAt(local + 86400)
    let t1 = local - before, t2 = local - after
    let ok1 = offsetAt(t1) == before, ok2 = offsetAt(t2) == after
    if before == after || ok1 != ok2 {
      let utc = ok2 && !ok1 ? t2 : t1
      let used = ok2 && !ok1 ? after : before
      if offsetAt(utc) == used {
        remember(utc: utc, offset: used)
        return Resolution(utc: utc)
      }
      // Two transitions within two days: rare enough to resolve without the cache.
      let direct = offsetAt(local - offsetAt(local - before))
      return Resolution(utc: local - direct)
    }
    if ok1 && ok2 {
      return Resolution(utc: min(t1, t2), flag: .repeatedHourFirst, second: max(t1, t2))
    }
    // In the gap: read the wall clock with the offset in force before it, which lands the
    // same distance after the transition.
    return Resolution(utc: local - before, flag: .skippedHour)
  }

  /// Caches the unambiguous local span around `utc`.
  private mutating func remember(utc: Int64, offset: Int64) {
    let year: Int64 = 366 * 86400
    var next = utc + year
    if let d = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(utc))) {
      next = min(next, Int64(d.timeIntervalSince1970.rounded()))
    }
    var previous = utc - year
    var cursor = Date(timeIntervalSince1970: TimeInterval(utc - year))
    for _ in 0..<8 {
      guard let d = zone.nextDaylightSavingTimeTransition(after: cursor) else { break }
      let t = Int64(d.timeIntervalSince1970.rounded())
      if t > utc { break }
      previous = t
      cursor = d
    }
    let offsetBefore = offsetAt(previous - 1), offsetAfter = offsetAt(next)
    // Local times of this span that no neighbouring span also shows, and that exist.
    low = previous + max(offset, offsetBefore)
    high = next + min(offset, offsetAfter)
    self.offset = offset
  }
}
