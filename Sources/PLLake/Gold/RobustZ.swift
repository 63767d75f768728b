/// A robust z-score: how far a value lies from the median of its reference values, in units of
/// their median absolute deviation scaled to a normal sigma.
///
///     z = (x − median(W)) / (1.4826 · MAD(W)),   MAD(W) = median(|w − median(W)|)
///
/// When more than half of the reference values are equal, MAD is 0. Then the mean absolute
/// deviation around the median, scaled by 1.2533 (√(π/2), its normal-consistency factor), takes
/// its place (as Iglewicz & Hoaglin's modified z-score does). When that is 0 too, every reference
/// value is the same: a value equal to it scores 0, any other departs from a constant history
/// and scores nil with `departsFromConstant` set (flagged, since no finite scale describes it).
public struct RobustZ: Equatable, Sendable {
  public static let madFactor = 1.4826
  public static let meanADFactor = 1.2533

  /// The score; nil when there is none (see `departsFromConstant`).
  public var z: Double?
  /// True when the references are all equal and `x` differs from them.
  public var departsFromConstant: Bool

  public init(x: Double, references: [Double]) {
    precondition(!references.isEmpty, "a robust z-score needs reference values")
    let med = medianOf(references)!
    let deviations = references.map { abs($0 - med) }
    let mad = medianOf(deviations)!
    var scale = Self.madFactor * mad
    if scale == 0 {
      var sum = 0.0
      for d in deviations.sorted() { sum += d }
      scale = Self.meanADFactor * (sum / Double(deviations.count))
    }
    if scale > 0 {
      z = (x - med) / scale
      departsFromConstant = false
    } else if x == med {
      z = 0
      departsFromConstant = false
    } else {
      z = nil
      departsFromConstant = true
    }
  }
}
