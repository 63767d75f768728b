import PLCore
import Testing

@testable import PLLake

@Suite struct GoldStatisticsTests {
  let sample = SortedSample(sorted: [2, 4, 4, 4, 5, 5, 7, 9])

  @Test func meanAndSampleStandardDeviation() {
    #expect(sample.mean == 5)
    // Squared deviations 9+1+1+1+0+0+4+16 = 32, over n − 1 = 7.
    #expect(sample.sd == (32.0 / 7).squareRoot())
    #expect(sample.min == 2)
    #expect(sample.max == 9)
  }

  @Test func medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    #expect(sample.median == 4.5)
    #expect(SortedSample(sorted: [1, 3, 8]).median == 3)
  }

  /// R-7 / numpy `linear` / DuckDB `quantile_cont`: h = (n − 1)·p.
  @Test(arguments: [
    (0.0, 2.0), (25, 4), (50, 4.5), (75, 5.5), (100, 9),
    // h = 6.3: 7 + 0.3·(9 − 7)
    (90, 7.6),
    // h = 0.35: 2 + 0.35·(4 − 2)
    (5, 2.7),
  ])
  func percentilesInterpolateLinearly(p: Double, expected: Double) {
    #expect(abs(sample.percentile(p)! - expected) < 1e-12)
  }

  @Test func oneValueAndNone() {
    let one = SortedSample(sorted: [3.25])
    #expect(one.mean == 3.25 && one.median == 3.25 && one.percentile(95) == 3.25)
    #expect(one.sd == nil)
    let none = SortedSample(sorted: [])
    #expect(none.mean == nil && none.sd == nil && none.min == nil && none.median == nil && none.percentile(5) == nil)
  }

  @Test(arguments: [
    (5.0, "5"), (-0.0, "0"), (2.5, "2.5"), (0.1 + 0.2, "0.30000000000000004"), (1e-7, "1e-07"), (1e300, "1e+300"),
  ])
  func numbersAreWrittenInTheirShortestExactText(x: Double, text: String) {
    #expect(goldNumber(x) == .number(text))
  }

  @Test func nonFiniteNumbersAreNull() {
    #expect(goldNumber(.nan) == .null)
    #expect(goldNumber(.infinity) == .null)
  }

  @Test func robustZAgainstTheMedianAndMAD() {
    // Median 12, deviations 2 1 0 1 2, MAD 1.
    let score = RobustZ(x: 15, references: [10, 11, 12, 13, 14])
    #expect(score.z == 3 / 1.4826)
    #expect(!score.departsFromConstant)
    #expect(RobustZ(x: 12, references: [14, 10, 12, 13, 11]).z == 0)
  }

  @Test func robustZWithMADZeroFallsBackToTheMeanAbsoluteDeviation() {
    // Median 5, deviations 0 0 0 1 2: MAD 0; mean absolute deviation 0.6.
    let score = RobustZ(x: 8, references: [5, 5, 5, 6, 7])
    #expect(score.z == 3 / (1.2533 * 0.6))
  }

  @Test func robustZAgainstAConstantHistory() {
    #expect(RobustZ(x: 5, references: [5, 5, 5]).z == 0)
    let away = RobustZ(x: 5.5, references: [5, 5, 5])
    #expect(away.z == nil)
    #expect(away.departsFromConstant)
  }

  @Test(arguments: [
    ("2024-03-01", "2024-03-01"), ("2024-03-01T23:59:59Z", "2024-03-01"), ("2024-03-01T00:30:00+01:00", "2024-02-29"),
    ("2023-12-31T22:00:00-02:00", "2024-01-01"), ("2024-03-01 10:00", "2024-03-01"), ("2024-03-01T10:00:00.123Z", "2024-03-01"),
    ("2024-03-01T10:00:00+0530", "2024-03-01"), ("2024-01-01T01:00:00+02", "2023-12-31"),
  ])
  func utcDays(text: String, day: String) {
    var out: [UInt8] = []
    let ok = Array(text.utf8).withUnsafeBufferPointer { UTCDay.read($0, into: &out) }
    #expect(ok)
    #expect(String(decoding: out, as: UTF8.self) == day)
  }

  @Test(arguments: ["2024-02-30", "2024-13-01", "24-03-01", "2024-03-01T25:00:00Z", "2024-03-01T10:00:00Q", "2024-03-01x", "yesterday", ""])
  func notTimestamps(text: String) {
    var out: [UInt8] = []
    #expect(!Array(text.utf8).withUnsafeBufferPointer { UTCDay.read($0, into: &out) })
  }
}
