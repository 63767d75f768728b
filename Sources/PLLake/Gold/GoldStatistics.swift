/// Measures of a sorted sample, with the conventions written down.
///
/// - mean: the sum of the sorted values divided by n (summing in sorted order makes the result
///   independent of the order records were read in, so a partial and a full recompute agree
///   to the last bit);
/// - sd: the sample standard deviation (n − 1 in the denominator, as DuckDB's `stddev_samp`
///   and numpy's `std(ddof=1)`), from the two-pass sum of squared deviations; nil below 2 values;
/// - percentile p (0…100): linear interpolation between order statistics, Hyndman & Fan's
///   definition 7 (R's default, numpy's `linear`, DuckDB's `quantile_cont`):
///   h = (n − 1)·p/100, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) with 0-based x;
/// - median: the 50th percentile by that definition (the middle value, or the mean of the two).
public struct SortedSample {
  public let values: [Double]

  /// `values` must be sorted ascending and hold no NaN.
  public init(sorted values: [Double]) {
    self.values = values
  }

  public var count: Int { values.count }

  public var mean: Double? {
    guard !values.isEmpty else { return nil }
    var sum = 0.0
    for v in values { sum += v }
    return sum / Double(values.count)
  }

  public var sd: Double? {
    guard values.count >= 2, let m = mean else { return nil }
    var ss = 0.0
    for v in values {
      let d = v - m
      ss += d * d
    }
    return (ss / Double(values.count - 1)).squareRoot()
  }

  public var min: Double? { values.first }
  public var max: Double? { values.last }
  public var median: Double? { percentile(50) }

  public func percentile(_ p: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let h = Double(values.count - 1) * p / 100
    let lo = Int(h.rounded(.down))
    if lo >= values.count - 1 { return values[values.count - 1] }
    let frac = h - Double(lo)
    let a = values[lo], b = values[lo + 1]
    return frac == 0 ? a : a + frac * (b - a)
  }
}

/// The median of unsorted values (sorts a copy); nil when empty.
func medianOf(_ values: [Double]) -> Double? {
  SortedSample(sorted: values.sorted()).median
}

/// Numbers written into gold records: integral values below 2⁵³ as integers, others in the
/// shortest text that reads back as the same Double (Swift's `description`, the same on every
/// platform), so a recompute gives the same bytes. NaN and infinities are not JSON: nil.
public func goldNumber(_ x: Double) -> JSONValue {
  guard x.isFinite else { return .null }
  if x == x.rounded(), abs(x) < 9_007_199_254_740_992 { return .number(String(Int64(x))) }
  return .number(x.description)
}

import PLCore
