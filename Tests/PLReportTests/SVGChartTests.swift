import PLCore
import PLLake
import Testing
@testable import PLReport

/// The chart builder: one circle per point, one rule mark per flagged point, the limits, and
/// names that cannot break the markup.
struct SVGChartTests {
  static func points(_ means: [Double], flags: [Int: [String]] = [:], outOfSpec: Set<Int> = []) -> [ChartPoint] {
    means.enumerated().map { i, m in
      ChartPoint(period: ReportTime.day(19_000 + i), order: Double(19_000 + i) * 86400, mean: m, flags: flags[i] ?? [],
                 outOfSpec: outOfSpec.contains(i) ? 1 : 0, judged: 1, records: 3)
    }
  }

  static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

  @Test func onePointCircleEachAndAMarkPerFlaggedPoint() {
    let p = Self.points([10, 10.2, 9.9, 10.1, 14, 10, 10.3], flags: [4: ["nelson_1", "robust_z"], 6: ["nelson_5"]], outOfSpec: [4, 5])
    let chart = ControlChart(dataset: "results", title: "Oat · protein", group: [], points: p)
    let svg = SVGChart(chart).render()
    #expect(Self.count("<circle class=\"pt", in: svg) == 7)
    #expect(Self.count("class=\"pt flag", in: svg) == 2)
    #expect(Self.count("<text class=\"mark\"", in: svg) == 2)
    #expect(svg.contains(">1,z</text>") && svg.contains(">5</text>"))
    #expect(svg.contains("data-points=\"7\"") && svg.contains("data-violations=\"2\"") && svg.contains("data-flags=\"3\""))
    #expect(svg.contains("data-out-of-spec=\"2\""))
    #expect(Self.count("class=\"pt oos\"", in: svg) == 1 && Self.count("class=\"pt flag oos\"", in: svg) == 1)
  }

  @Test func centreLineAndThreeSigmaLimitsFromTheMovingRange() throws {
    let chart = ControlChart(dataset: "d", title: "t", group: [], points: Self.points([1, 3, 1, 3, 1]))
    #expect(chart.center == 1.8)
    let sigma = try #require(chart.sigma)
    #expect(abs(sigma - 2 / 1.128) < 1e-12)
    #expect(abs(chart.upperLimit! - (1.8 + 3 * sigma)) < 1e-12)
    let svg = SVGChart(chart).render()
    #expect(svg.contains("<line class=\"cl\"") && svg.contains("<line class=\"ucl\"") && svg.contains("<line class=\"lcl\""))
    #expect(!svg.contains("<line class=\"spec\""))
  }

  @Test func specLinesAreDrawnWhenKnownAndNear() {
    var chart = ControlChart(dataset: "d", title: "t", group: [], points: Self.points([1.0, 1.1, 1.05, 0.95]), specMin: 0.9, specMax: 1.3)
    var svg = SVGChart(chart).render()
    #expect(Self.count("<line class=\"spec\"", in: svg) == 2)
    #expect(svg.contains("spec max 1.3"))
    chart.specMax = 500
    svg = SVGChart(chart).render()
    #expect(Self.count("<line class=\"spec\"", in: svg) == 1)
  }

  @Test func namesWithMarkupCharactersAreEscaped() {
    let title = "<b>\"A&B\"</b> 'x'"
    let chart = ControlChart(dataset: "r&d<1>", title: title, group: [], points: Self.points([1, 2], flags: [1: ["<odd>&"]]))
    let svg = SVGChart(chart).render()
    #expect(!svg.contains("<b>") && !svg.contains("\"A&B\"") && !svg.contains("<odd>"))
    #expect(svg.contains("&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;"))
    #expect(svg.contains("data-dataset=\"r&amp;d&lt;1&gt;\""))
    #expect(Self.count("<", in: svg) == Self.count(">", in: svg))
  }

  @Test func theStandaloneChartCarriesItsNamespaceAndStyle() {
    let chart = ControlChart(dataset: "d", title: "t", group: [], points: Self.points([1, 2, 3]))
    let inline = SVGChart(chart).render(), alone = SVGChart(chart).render(standalone: true)
    #expect(!inline.contains("xmlns") && !inline.contains("<style>"))
    #expect(alone.contains("xmlns=\"http://www.w3.org/2000/svg\"") && alone.contains("<style>"))
  }

  @Test func worstFirstOrdersByFlaggedPointsThenOutOfSpec() {
    let calm = ControlChart(dataset: "d", title: "a", group: [], points: Self.points([1, 2]))
    let oos = ControlChart(dataset: "d", title: "b", group: [], points: Self.points([1, 2], outOfSpec: [0]))
    let flagged = ControlChart(dataset: "d", title: "c", group: [], points: Self.points([1, 2], flags: [1: ["nelson_2"]]))
    #expect([calm, oos, flagged].sorted(by: ControlChart.worstFirst).map(\.title) == ["c", "b", "a"])
  }

  @Test func theLastPointsAreDrawnAndTheEarlierCounted() {
    let series = GoldSeries(dataset: "d", group: [Field("product", .string("P"))],
                            points: Self.points([1, 2, 3, 4, 5, 6], flags: [0: ["robust_z"], 5: ["nelson_1"]]))
    let chart = ControlChart(series: series, maxPoints: 4, limits: nil)
    #expect(chart.points.map(\.mean) == [3, 4, 5, 6])
    #expect(chart.hiddenPoints == 2 && chart.hiddenFlagged == 1)
    #expect(SVGChart(chart).render().contains("2 earlier not shown (1 flagged)"))
  }

  @Test(arguments: [("36h", 129_600.0), ("2d", 172_800.0), ("90m", 5400.0), ("1.5w", 907_200.0), ("45s", 45.0)])
  func spans(text: String, seconds: Double) {
    #expect(DurationText.seconds(text) == seconds)
  }

  @Test(arguments: ["", "h", "36", "-1h", "0h", "3x", "results"])
  func badSpans(text: String) {
    #expect(DurationText.seconds(text) == nil)
  }

  @Test func staleAfterPerDatasetAndDefault() throws {
    let parsed = try ReportPlan.parseStaleAfter(["results=12h", "2d"])
    #expect(parsed.byDataset == ["results": 43_200] && parsed.fallback == 172_800)
    #expect(throws: PLError.self) { try ReportPlan.parseStaleAfter(["results=soon"]) }
    #expect(throws: PLError.self) { try ReportPlan.parseStaleAfter(["=1h"]) }
  }

  static let day20787 = 20_787.0 * 86400

  @Test(arguments: [
    ("2026-11-30", 0.0), ("2026-11-30T01:00:00Z", 3600.0), ("2026-11-30T01:00:00.500Z", 3600.5),
    ("2026-11-30T02:00:00+01:00", 3600.0), ("2026-11-29T23:00:00-02:00", 3600.0),
  ] as [(String, Double)])
  func times(text: String, secondsIntoTheDay: Double) {
    #expect(ReportTime.seconds(text) == Self.day20787 + secondsIntoTheDay)
  }

  @Test(arguments: ["", "2026-13-01", "2026-11-30T1:00:00Z", "2026-11-30T01:00:00Q", "yesterday"])
  func notTimes(text: String) {
    #expect(ReportTime.seconds(text) == nil)
  }

  @Test func specLimitsComeFromTheFirstMatchingTableEntry() {
    var spec = GoldSpec(file: "g.yml", groupBy: ["product", "analyte"], period: .day(field: "measured_at"), value: "value", measures: [.mean])
    spec.limits.table = [
      LimitEntry(when: [Field("product", .string("Oat")), Field("analyte", .string("protein"))], min: 0.9, max: 1.3),
      LimitEntry(when: [Field("analyte", .string("protein"))], min: 30, max: nil),
      LimitEntry(when: [Field("lab", .string("X"))], min: 1, max: 2),
    ]
    let limits = ReportSpecLimits(spec: spec)
    let oat = limits.bounds(for: [Field("product", .string("Oat")), Field("analyte", .string("protein"))])
    #expect(oat?.min == 0.9 && oat?.max == 1.3)
    let bar = limits.bounds(for: [Field("product", .string("Bar")), Field("analyte", .string("protein"))])
    #expect(bar?.min == 30 && bar?.max == nil)
    #expect(limits.bounds(for: [Field("product", .string("Bar")), Field("analyte", .string("fat"))]) == nil)
  }
}
