import PLCore
import PLLake

/// A control chart of one gold series: the last points, their centre line, ±3σ limits and the
/// specification limits, with what gold flagged on each point.
///
/// The centre is the mean of the drawn points and σ their mean moving range / 1.128 (the
/// individuals chart; σ is their standard deviation when the spec judges with `sigma: sd`).
/// These are the lines of the picture; the flags are gold's own, each judged against the window
/// before its point.
public struct ControlChart: Sendable {
  public var dataset: String
  public var title: String
  public var group: [Field]
  /// The points drawn (those with a mean), oldest first.
  public var points: [ChartPoint]
  /// Points before the drawn ones, and how many of them gold flagged.
  public var hiddenPoints = 0
  public var hiddenFlagged = 0
  public var center: Double?
  public var sigma: Double?
  public var specMin: Double?
  public var specMax: Double?

  public init(dataset: String, title: String, group: [Field], points: [ChartPoint], sigma method: ControlChartRule.Sigma = .movingRange,
              specMin: Double? = nil, specMax: Double? = nil) {
    self.dataset = dataset
    self.title = title
    self.group = group
    self.points = points
    self.specMin = specMin
    self.specMax = specMax
    let means = points.compactMap(\.mean)
    guard !means.isEmpty else { return }
    let c = means.reduce(0, +) / Double(means.count)
    center = c
    guard means.count >= 2 else { return }
    switch method {
    case .movingRange:
      var sum = 0.0
      for i in 1..<means.count { sum += abs(means[i] - means[i - 1]) }
      sigma = sum / Double(means.count - 1) / 1.128
    case .sd:
      sigma = (means.map { ($0 - c) * ($0 - c) }.reduce(0, +) / Double(means.count - 1)).squareRoot()
    }
  }

  /// Builds the chart of `series` from its last `maxPoints` points with a mean.
  public init(series: GoldSeries, maxPoints: Int, limits: ReportSpecLimits?) {
    let withMean = series.points.filter { $0.mean != nil }
    let drawn = Array(withMean.suffix(max(1, maxPoints)))
    let bounds = limits?.bounds(for: series.group)
    self.init(dataset: series.dataset, title: series.title, group: series.group, points: drawn, sigma: limits?.sigma ?? .movingRange,
              specMin: bounds?.min, specMax: bounds?.max)
    hiddenPoints = withMean.count - drawn.count
    hiddenFlagged = withMean.prefix(hiddenPoints).filter { !$0.flags.isEmpty }.count
  }

  /// The limits, when σ is more than zero (points all equal have none).
  public var upperLimit: Double? { center.flatMap { c in sigma.flatMap { $0 > 0 ? c + 3 * $0 : nil } } }
  public var lowerLimit: Double? { center.flatMap { c in sigma.flatMap { $0 > 0 ? c - 3 * $0 : nil } } }

  /// Points gold flagged with at least one rule.
  public var violations: Int { points.filter { !$0.flags.isEmpty }.count }
  /// Flags over all points.
  public var flagCount: Int { points.reduce(0) { $0 + $1.flags.count } }
  /// Points with at least one result out of spec.
  public var outOfSpecPoints: Int { points.filter { $0.outOfSpec > 0 }.count }

  /// Fewer than `minPoints` points, none hidden, none flagged and none out of spec: a row of the
  /// short-series table rather than a chart.
  public func isShort(below minPoints: Int) -> Bool {
    points.count < minPoints && hiddenPoints == 0 && violations == 0 && outOfSpecPoints == 0
  }

  /// Worst first: most flagged points, then most flags, then most points out of spec, then by name.
  public static func worstFirst(_ a: ControlChart, _ b: ControlChart) -> Bool {
    if a.violations != b.violations { return a.violations > b.violations }
    if a.flagCount != b.flagCount { return a.flagCount > b.flagCount }
    if a.outOfSpecPoints != b.outOfSpecPoints { return a.outOfSpecPoints > b.outOfSpecPoints }
    if a.dataset != b.dataset { return a.dataset < b.dataset }
    return a.title < b.title
  }
}

/// The specification lines a chart draws, from a gold spec's limits table: the first entry whose
/// `when` is all about group fields and matches the group. A result's own limits (spec_min,
/// spec_max) vary from record to record and are not drawn; gold counts them in `out_of_spec`,
/// which marks the points.
public struct ReportSpecLimits: Sendable {
  public var table: [LimitEntry]
  public var sigma: ControlChartRule.Sigma

  public init(spec: GoldSpec) {
    table = spec.limits.table
    sigma = spec.anomalies?.control?.sigma ?? .movingRange
  }

  public func bounds(for group: [Field]) -> (min: Double?, max: Double?)? {
    for entry in table {
      let matches = entry.when.allSatisfy { w in group.contains { $0.key == w.key && $0.value == w.value } }
      if matches { return (entry.min, entry.max) }
    }
    return nil
  }
}
