/// Times of day from a log whose date is given once (in a preamble, in the file name): each time
/// is on the date of the one before, and a time more than 12 hours earlier than the one before
/// means the log passed midnight.
public struct TimeOfDaySeries: Sendable {
  /// The date of the latest time.
  public private(set) var date: CivilDate
  private var last: Int?

  public init(startDate: CivilDate) { self.date = startDate }

  /// The date `time` belongs to.
  public mutating func date(for time: TimeOfDay) -> CivilDate {
    let now = time.secondsOfDay
    if let last, now < last - 12 * 3600 { date = date.adding(days: 1) }
    last = now
    return date
  }
}

/// Local timestamps of one series (a logger file) placed in a zone so that they stay in order
/// across the autumn change: a wall-clock time that occurs twice is read as its first occurrence,
/// unless the series already passed that moment, and then as its second.
public struct LocalTimeSeries: Sendable {
  public private(set) var parser: TimestampParser
  private var last: Instant?

  public init(parser: TimestampParser) { self.parser = parser }

  /// The next timestamp of the series from text; see ``TimestampParser/parse(_:)``.
  public mutating func parse(_ text: Substring) -> ParsedTime? {
    guard let parsed = parser.parse(text) else { return nil }
    return ordered(parsed)
  }

  /// The next timestamp of the series from a date and a time.
  public mutating func combine(date: CivilDate, time: TimeOfDay) -> ParsedTime {
    ordered(parser.combine(date: date, time: time))
  }

  private mutating func ordered(_ parsed: ParsedTime) -> ParsedTime {
    var parsed = parsed
    if let second = parsed.secondOccurrence, case .instant(let first) = parsed.value, let last, first < last, !(second < last) {
      parsed.value = .instant(second)
      parsed.flag = .repeatedHourSecond
      parsed.secondOccurrence = nil
    }
    if case .instant(let i) = parsed.value { last = i }
    return parsed
  }
}

/// The day/month order of a whole date column, decided from all its values.
///
/// `04/03/2024` alone could be either; `23/03/2024` in the same column proves day-first and
/// `03/23/2024` month-first. Dotted dates are day-first. Dates with month names or in year-first
/// form need no decision.
public enum DateOrderDecision: Hashable, Sendable {
  /// Read the column with this order (`ymd` when no value needs a day/month decision).
  case decided(DateOrder)
  /// Every numeric date could be read both ways and no hint was given.
  case ambiguous
  /// Some values prove day-first and others month-first.
  case conflicting

  public static func decide(values: some Sequence<Substring>, hint: DateOrder? = nil) -> DateOrderDecision {
    var dmy = false, mdy = false, either = false
    for value in values {
      var value = value
      switch value.withUTF8({ evidence($0) }) {
      case .dmy?: dmy = true
      case .mdy?: mdy = true
      case .ymd?: break
      case nil: either = true
      }
      if dmy && mdy { return .conflicting }
    }
    if dmy { return .decided(.dmy) }
    if mdy { return .decided(.mdy) }
    if either { return hint.map { .decided($0) } ?? .ambiguous }
    return .decided(hint ?? .ymd)
  }

  /// The order to read with, or nil when ambiguous or conflicting.
  public var order: DateOrder? {
    if case .decided(let o) = self { return o }
    return nil
  }

  /// What one value says: `.dmy`/`.mdy` when it proves an order, `.ymd` when it needs none,
  /// nil when it could be read both ways.
  static func evidence(_ p: UnsafeBufferPointer<UInt8>) -> DateOrder? {
    var c = TimeCursor(p: p, i: Bytes.skipSpaces(p, 0, p.count), end: p.count)
    guard let (a, n) = c.digits(max: 8), n <= 2, let sep = c.byte(),
      sep == UInt8(ascii: "/") || sep == UInt8(ascii: "-") || sep == UInt8(ascii: ".")
    else { return .ymd }
    c.i += 1
    guard let (b, bn) = c.digits(max: 2), bn >= 1, c.byte() == sep else { return .ymd }
    if sep == UInt8(ascii: ".") { return .dmy }
    if a > 12 && b <= 12 { return .dmy }
    if b > 12 && a <= 12 { return .mdy }
    if a == b { return .ymd }
    return nil
  }
}
