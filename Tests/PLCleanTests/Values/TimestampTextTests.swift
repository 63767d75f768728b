import Foundation
import PLClean
import Testing

let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!
let chicago = TimeZone(identifier: "America/Chicago")!

@Suite struct TimestampTextTests {
  /// (text, order, zone, ISO result)
  static let good: [(String, DateOrder?, TimeZone?, String)] = [
    ("2024-03-04T08:16:16Z", nil, nil, "2024-03-04T08:16:16Z"),
    ("2024-03-04T08:16:16.250Z", nil, nil, "2024-03-04T08:16:16.250Z"),
    ("2024-03-04 08:16:16+01:00", nil, nil, "2024-03-04T07:16:16Z"),
    ("2024-03-04T08:16:16+0100", nil, nil, "2024-03-04T07:16:16Z"),
    ("2024-03-04T08:16:16+01", nil, nil, "2024-03-04T07:16:16Z"),
    ("2024-03-04T08:16:16-05:30", nil, nil, "2024-03-04T13:46:16Z"),
    ("2024-04-25T11:00:00+02:00", nil, amsterdam, "2024-04-25T09:00:00Z"),
    ("2024-03-04T08:16:16 UTC", nil, amsterdam, "2024-03-04T08:16:16Z"),
    ("2024-03-04 08:16:16 GMT+01:00", nil, nil, "2024-03-04T07:16:16Z"),
    ("2024-01-01T00:30:00+01:00", nil, nil, "2023-12-31T23:30:00Z"),
    ("2024-04-25 09:00:00", nil, amsterdam, "2024-04-25T07:00:00Z"),
    ("2024-03-04 08:16:16", nil, amsterdam, "2024-03-04T07:16:16Z"),
    ("2024-03-04T08:16", nil, amsterdam, "2024-03-04T07:16:00Z"),
    ("2024-03-04 08:16:16,5", nil, amsterdam, "2024-03-04T07:16:16.5Z"),
    ("2024-03-04 08:16:16", nil, nil, "2024-03-04T08:16:16"),
    ("2024/03/04", nil, nil, "2024-03-04"),
    ("2024-03-04", nil, amsterdam, "2024-03-04"),
    ("20240304", nil, nil, "2024-03-04"),
    ("04.03.2024 08:16", nil, amsterdam, "2024-03-04T07:16:00Z"),
    ("04.03.2024 08:16:16", nil, amsterdam, "2024-03-04T07:16:16Z"),
    ("4.3.2024", nil, nil, "2024-03-04"),
    ("04.03.24", nil, nil, "2024-03-04"),
    ("11. 03. 2024", nil, nil, "2024-03-11"),
    ("03/04/2024 08:16 AM", .mdy, amsterdam, "2024-03-04T07:16:00Z"),
    ("03/04/2024 12:05 PM", .mdy, amsterdam, "2024-03-04T11:05:00Z"),
    ("03/04/2024 12:05 AM", .mdy, amsterdam, "2024-03-03T23:05:00Z"),
    ("3/4/2024 1:05 p.m.", .mdy, nil, "2024-03-04T13:05:00"),
    ("03/04/2024", .dmy, nil, "2024-04-03"),
    ("23/03/2024", nil, nil, "2024-03-23"),
    ("03/23/2024", nil, nil, "2024-03-23"),
    ("04/04/2024", nil, nil, "2024-04-04"),
    ("23-03-2024", nil, nil, "2024-03-23"),
    ("23-Feb-24", nil, nil, "2024-02-23"),
    ("23-Feb-2024", nil, nil, "2024-02-23"),
    ("23 Feb 2024", nil, nil, "2024-02-23"),
    ("23 FEB 2024 14:00", nil, amsterdam, "2024-02-23T13:00:00Z"),
    ("4. März 2024", nil, nil, "2024-03-04"),
    ("4 Mrz 2024", nil, nil, "2024-03-04"),
    ("4 Mrz. 2024", nil, nil, "2024-03-04"),
    ("5 févr. 2024", nil, nil, "2024-02-05"),
    ("1 août 2024", nil, nil, "2024-08-01"),
    ("3 mei 2024", nil, nil, "2024-05-03"),
    ("12 okt 2024", nil, nil, "2024-10-12"),
    ("3 mrt 2024", nil, nil, "2024-03-03"),
    ("17 Dez. 2023", nil, nil, "2023-12-17"),
    ("Feb 23, 2024", nil, nil, "2024-02-23"),
    ("March 4 2024 08:00", nil, amsterdam, "2024-03-04T07:00:00Z"),
    ("29.02.2024", nil, nil, "2024-02-29"),
    ("01.01.70", nil, nil, "1970-01-01"),
    ("14:05:00", nil, nil, "14:05:00"),
    ("14:05", nil, amsterdam, "14:05:00"),
    ("8:05", nil, nil, "08:05:00"),
    ("08:16:16.125", nil, nil, "08:16:16.125"),
  ]

  @Test(arguments: good)
  func parses(text: String, order: DateOrder?, zone: TimeZone?, iso: String) throws {
    let parsed = try #require(TimestampText.parse(text, order: order, zone: zone))
    #expect(parsed.iso == iso)
    #expect(parsed.flag == nil)
  }

  static let bad: [String] = [
    "", "hello", "2024-13-01", "2024-02-30", "2023-02-29", "31.02.2024", "25:00", "12:60", "12:5", "2024-03-04T",
    "2024-03-04 08", "13:00 PM", "00:30 AM", "20240304_0130", "2024-03-04T08:16:16+25:00", "Feb 30, 2024",
    "45356.5", "04/03/2024", "2024-03-04T08:16:16Z extra", "23 Foo 2024", "2024-3", "123-03-2024",
    "2024-03-04T08:16:16.1234567890Z", "14:05+01:00", "23-Feb-024", "10000-01-01",
  ]

  @Test(arguments: bad)
  func refuses(text: String) {
    #expect(TimestampText.parse(text, zone: amsterdam) == nil)
  }

  @Test func excelSerials() {
    var parser = TimestampParser(zone: amsterdam)
    // 45292 is 2024-01-01, so 45356 is 2024-03-05.
    #expect(parser.excelSerial(45356.5)?.iso == "2024-03-05T11:00:00Z")
    #expect(parser.excelSerial("45356.25")?.iso == "2024-03-05T05:00:00Z")
    #expect(parser.excelSerial(45356, withTime: false)?.iso == "2024-03-05")
    #expect(parser.excelSerial(45356.000011574)?.iso == "2024-03-04T23:00:01Z")
    #expect(parser.excelSerial(45356.5000057870)?.iso == "2024-03-05T11:00:00.5Z")
    #expect(parser.excelSerial(45292)?.iso == "2023-12-31T23:00:00Z")
    #expect(parser.excelSerial(60) == nil)
    #expect(parser.excelSerial(.nan) == nil)
    #expect(parser.excelSerial("12 %") == nil)
    var utc = TimestampParser(zone: TimeZone(identifier: "UTC"))
    #expect(utc.excelSerial(25569)?.iso == "1970-01-01T00:00:00Z")
  }

  @Test func epochs() {
    #expect(TimestampParser.epoch("1709540176", unit: .seconds)?.iso == "2024-03-04T08:16:16Z")
    #expect(TimestampParser.epoch("1709540176.25", unit: .seconds)?.iso == "2024-03-04T08:16:16.25Z")
    #expect(TimestampParser.epoch("1709540176250", unit: .milliseconds)?.iso == "2024-03-04T08:16:16.25Z")
    #expect(TimestampParser.epoch("1709540176005", unit: .milliseconds)?.iso == "2024-03-04T08:16:16.005Z")
    #expect(TimestampParser.epoch("0", unit: .seconds)?.iso == "1970-01-01T00:00:00Z")
    #expect(TimestampParser.epoch("-1", unit: .seconds)?.iso == "1969-12-31T23:59:59Z")
    #expect(TimestampParser.epoch("-1500", unit: .milliseconds)?.iso == "1969-12-31T23:59:58.5Z")
    #expect(TimestampParser.epoch("-5.20", unit: .seconds)?.iso == "1969-12-31T23:59:54.80Z")
    #expect(TimestampParser.epoch("17095x", unit: .seconds) == nil)
    #expect(TimestampParser.epoch("1.5", unit: .milliseconds) == nil)
  }

  @Test func dateAndTimeFromSeparateFields() throws {
    let date = try #require(CivilDate(year: 2024, month: 3, day: 8))
    let time = try #require(TimeOfDay(hour: 8, minute: 59, second: 47))
    #expect(TimestampText.combine(date: date, time: time, zone: amsterdam).iso == "2024-03-08T07:59:47Z")
    #expect(TimestampText.combine(date: date, time: time, zone: nil).iso == "2024-03-08T08:59:47")
  }

  @Test func timesOfDayRollOverMidnight() throws {
    var series = TimeOfDaySeries(startDate: try #require(CivilDate(year: 2024, month: 4, day: 23)))
    let times = ["23:50:00", "23:59:50", "00:00:10", "00:05:00", "23:58:00", "13:00:00", "00:10:00"]
    var dates: [String] = []
    for t in times {
      guard case .timeOfDay(let time)? = TimestampText.parse(t)?.value else {
        Issue.record("\(t) is not a time of day")
        return
      }
      dates.append(series.date(for: time).iso)
    }
    // 00:05 → 23:58 goes forward on the clock: no rollover. 13:00 → 00:10 goes back more than 12 h.
    #expect(dates == ["2024-04-23", "2024-04-23", "2024-04-24", "2024-04-24", "2024-04-24", "2024-04-24", "2024-04-25"])
  }

  static let orders: [([String], DateOrder?, DateOrderDecision)] = [
    (["04/03/2024"], nil, .ambiguous),
    (["04/03/2024"], .mdy, .decided(.mdy)),
    (["04/03/2024", "23/03/2024"], nil, .decided(.dmy)),
    (["04/03/2024", "03/23/2024"], nil, .decided(.mdy)),
    (["13/03/2024", "03/23/2024"], nil, .conflicting),
    (["04.03.2024"], nil, .decided(.dmy)),
    (["2024-03-04", "2024-03-05"], nil, .decided(.ymd)),
    (["23-Feb-24"], nil, .decided(.ymd)),
    (["04/04/2024", ""], nil, .decided(.ymd)),
    (["4-3-2024 08:00", "28-3-2024 08:00"], nil, .decided(.dmy)),
  ]

  @Test(arguments: orders)
  func decidesDateOrder(values: [String], hint: DateOrder?, expected: DateOrderDecision) {
    #expect(DateOrderDecision.decide(values: values.map { $0[...] }, hint: hint) == expected)
  }
}

@Suite struct DaylightSavingTests {
  /// (zone, local text, ISO result, flag)
  static let edges: [(TimeZone, String, String, ZoneFlag?)] = [
    // Amsterdam, spring 2024-03-31: 02:00 CET → 03:00 CEST.
    (amsterdam, "2024-03-31 01:59:59", "2024-03-31T00:59:59Z", nil),
    (amsterdam, "2024-03-31 02:00:00", "2024-03-31T01:00:00Z", .skippedHour),
    (amsterdam, "2024-03-31 02:30:00", "2024-03-31T01:30:00Z", .skippedHour),
    (amsterdam, "2024-03-31 03:00:00", "2024-03-31T01:00:00Z", nil),
    (amsterdam, "2024-03-31 03:30:00", "2024-03-31T01:30:00Z", nil),
    // Amsterdam, autumn 2024-10-27: 03:00 CEST → 02:00 CET.
    (amsterdam, "2024-10-27 01:59:59", "2024-10-26T23:59:59Z", nil),
    (amsterdam, "2024-10-27 02:00:00", "2024-10-27T00:00:00Z", .repeatedHourFirst),
    (amsterdam, "2024-10-27 02:30:00", "2024-10-27T00:30:00Z", .repeatedHourFirst),
    (amsterdam, "2024-10-27 03:00:00", "2024-10-27T02:00:00Z", nil),
    // Chicago, spring 2024-03-10: 02:00 CST → 03:00 CDT.
    (chicago, "2024-03-10 01:59", "2024-03-10T07:59:00Z", nil),
    (chicago, "2024-03-10 02:30", "2024-03-10T08:30:00Z", .skippedHour),
    (chicago, "2024-03-10 03:00", "2024-03-10T08:00:00Z", nil),
    // Chicago, autumn 2024-11-03: 02:00 CDT → 01:00 CST.
    (chicago, "2024-11-03 00:59", "2024-11-03T05:59:00Z", nil),
    (chicago, "2024-11-03 01:30", "2024-11-03T06:30:00Z", .repeatedHourFirst),
    (chicago, "2024-11-03 02:00", "2024-11-03T08:00:00Z", nil),
    (chicago, "11/03/2024 01:30 AM", "2024-11-03T06:30:00Z", .repeatedHourFirst),
  ]

  @Test(arguments: edges)
  func placesLocalTimes(zone: TimeZone, text: String, iso: String, flag: ZoneFlag?) throws {
    // Once with a fresh parser and once with one that has cached the span before the change.
    let fresh = try #require(TimestampText.parse(text, order: .mdy, zone: zone))
    #expect(fresh.iso == iso)
    #expect(fresh.flag == flag)
    var warm = TimestampParser(order: .mdy, zone: zone)
    _ = warm.parse("2024-01-15 12:00")
    _ = warm.parse("2024-07-15 12:00")
    let parsed = warm.parse(text)
    let cached = try #require(parsed)
    #expect(cached.iso == iso)
    #expect(cached.flag == flag)
  }

  /// A logger every 10 minutes through the autumn change keeps its order: the second 02:00–02:50
  /// is the second occurrence.
  @Test func seriesKeepOrderThroughTheRepeatedHour() {
    var series = LocalTimeSeries(parser: TimestampParser(zone: amsterdam))
    let clock = ["01:50", "02:00", "02:10", "02:50", "02:00", "02:10", "02:50", "03:00", "03:10"]
    let out = clock.map { series.parse("2024-10-27 \($0)"[...]) }
    #expect(out.map { $0?.iso } == [
      "2024-10-26T23:50:00Z", "2024-10-27T00:00:00Z", "2024-10-27T00:10:00Z", "2024-10-27T00:50:00Z",
      "2024-10-27T01:00:00Z", "2024-10-27T01:10:00Z", "2024-10-27T01:50:00Z", "2024-10-27T02:00:00Z", "2024-10-27T02:10:00Z",
    ])
    #expect(out.map { $0?.flag } == [
      nil, .repeatedHourFirst, .repeatedHourFirst, .repeatedHourFirst, .repeatedHourSecond, .repeatedHourSecond,
      .repeatedHourSecond, nil, nil,
    ])
  }

  /// The cached spans agree with asking the zone afresh, every 50 minutes through a year, in
  /// both zones, and with Foundation's own conversion.
  @Test(arguments: [amsterdam, chicago])
  func cacheAgreesWithTheZone(zone: TimeZone) throws {
    var warm = TimestampParser(zone: zone)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let start = try #require(CivilDate(year: 2024, month: 1, day: 1))
    for step in 0..<(366 * 24 * 60 / 50) {
      let minutesSinceStart = step * 50
      let date = start.adding(days: minutesSinceStart / 1440)
      let minutes = minutesSinceStart % 1440
      let time = try #require(TimeOfDay(hour: minutes / 60, minute: minutes % 60))
      let a = warm.combine(date: date, time: time)
      let b = TimestampText.combine(date: date, time: time, zone: zone)
      #expect(a == b)
      if a.flag == nil, let instant = a.instant {
        let components = DateComponents(year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute)
        let expected = try #require(calendar.date(from: components))
        #expect(Int64(expected.timeIntervalSince1970) == instant.seconds)
      }
    }
  }
}
