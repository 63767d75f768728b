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
