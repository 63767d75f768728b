import PLCore
import Testing

struct CivilCalendarTests {
  @Test func knownDaysAroundTheEpochLeapDaysAndCenturies() {
    #expect(CivilCalendar.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
    #expect(CivilCalendar.daysFromCivil(year: 1969, month: 12, day: 31) == -1)
    #expect(CivilCalendar.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
    #expect(CivilCalendar.daysFromCivil(year: 2024, month: 2, day: 29) == 19_782)
    #expect(CivilCalendar.civil(fromDays: 19_782) == (2024, 2, 29))
    #expect(CivilCalendar.civil(fromDays: -719_468) == (0, 3, 1))
    #expect(CivilCalendar.civil(fromDays: 47_541) == (2100, 3, 1))  // 2100 is not a leap year
    #expect(CivilCalendar.daysFromCivil(year: 2100, month: 2, day: 28) + 1 == 47_541)
  }

  @Test func everyDayOfFourCenturiesRoundTrips() {
    var expected = (year: 1899, month: 12, day: 31)
    let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    for days in CivilCalendar.daysFromCivil(year: 1900, month: 1, day: 1)...CivilCalendar.daysFromCivil(year: 2300, month: 12, day: 31) {
      let leap = expected.year % 4 == 0 && (expected.year % 100 != 0 || expected.year % 400 == 0)
      let length = expected.month == 2 && leap ? 29 : lengths[expected.month - 1]
      if expected.day < length {
        expected.day += 1
      } else if expected.month < 12 {
        expected = (expected.year, expected.month + 1, 1)
      } else {
        expected = (expected.year + 1, 1, 1)
      }
      let civil = CivilCalendar.civil(fromDays: days)
      #expect(civil == expected, "day \(days)")
      #expect(CivilCalendar.daysFromCivil(year: civil.year, month: civil.month, day: civil.day) == days)
      if civil != expected { break }
    }
  }
}
