/// The eight Nelson rules for control charts (Nelson 1984). The first four Western Electric rules
/// are Nelson's 1, 5, 6 and 2 (with 8 points in a row instead of 9: `same_side_run: 8`).
///
/// Each rule is judged at one point, the last of a sequence (the window of earlier points and the
/// point), against a centre line `c` and a sigma `s`; it fires when the pattern ends at the point:
///
/// 1. the point is more than 3s from c;
/// 2. the point and the ones before it, 9 in a row (`same_side_run`), are on the same side of c
///    (a point exactly on c breaks the run);
/// 3. 6 points in a row ending at the point are steadily increasing or steadily decreasing
///    (5 differences of one sign; a tie breaks the run);
/// 4. 14 points in a row ending at the point alternate up and down (13 differences of
///    alternating sign; a tie breaks it);
/// 5. the point is more than 2s from c, and so is at least one of the 2 points before it, on the
///    same side (2 out of 3);
/// 6. the point is more than 1s from c, and so are at least 3 of the 4 points before it, on the
///    same side (4 out of 5);
/// 7. 15 points in a row ending at the point are all within 1s of c (less than or equal), on
///    either side (too little variation: stratification);
/// 8. 8 points in a row ending at the point are all more than 1s from c, with points on both
///    sides (a mixture).
///
/// A rule needing more points than the sequence holds does not fire.
public enum NelsonRule: Int, CaseIterable, Sendable, Equatable {
  case beyond3Sigma = 1, sameSide, trend, alternating, twoOfThreeBeyond2Sigma, fourOfFiveBeyond1Sigma,
    withinOneSigma, noneWithinOneSigma

  /// The flag written on a point the rule fires at: `nelson_1` … `nelson_8`.
  public var flag: String { "nelson_\(rawValue)" }

  /// Whether the rule fires at the last point of `points`.
  public func fires(_ points: [Double], center c: Double, sigma s: Double, sameSideRun: Int = 9) -> Bool {
    let n = points.count
    guard n >= 1, s > 0 else { return false }
    let x = points[n - 1]
    /// The side of c a value is on, when it is more than k sigmas away; 0 otherwise.
    func beyond(_ v: Double, _ k: Double) -> Int {
      if v > c + k * s { return 1 }
      if v < c - k * s { return -1 }
      return 0
    }
    func last(_ k: Int) -> ArraySlice<Double>? { n >= k ? points[(n - k)...] : nil }
    switch self {
    case .beyond3Sigma:
      return beyond(x, 3) != 0
    case .sameSide:
      guard let run = last(sameSideRun) else { return false }
      return run.allSatisfy { $0 > c } || run.allSatisfy { $0 < c }
    case .trend:
      guard let run = last(6) else { return false }
      let d = zip(run.dropFirst(), run).map { $0 - $1 }
      return d.allSatisfy { $0 > 0 } || d.allSatisfy { $0 < 0 }
    case .alternating:
      guard let run = last(14) else { return false }
      let d = zip(run.dropFirst(), run).map { $0 - $1 }
      guard d.allSatisfy({ $0 != 0 }) else { return false }
      return zip(d.dropFirst(), d).allSatisfy { ($0 > 0) != ($1 > 0) }
    case .twoOfThreeBeyond2Sigma:
      return kOfM(2, 3, sigmas: 2, points, beyond)
    case .fourOfFiveBeyond1Sigma:
      return kOfM(4, 5, sigmas: 1, points, beyond)
    case .withinOneSigma:
      guard let run = last(15) else { return false }
      return run.allSatisfy { abs($0 - c) <= s }
    case .noneWithinOneSigma:
      guard let run = last(8) else { return false }
      let sides = run.map { beyond($0, 1) }
      return sides.allSatisfy { $0 != 0 } && sides.contains(1) && sides.contains(-1)
    }
  }

  private func kOfM(_ k: Int, _ m: Int, sigmas: Double, _ points: [Double], _ beyond: (Double, Double) -> Int) -> Bool {
    guard points.count >= m else { return false }
    let side = beyond(points[points.count - 1], sigmas)
    guard side != 0 else { return false }
    return points[(points.count - m)...].filter { beyond($0, sigmas) == side }.count >= k
  }
}

/// The centre line and sigma a point is judged against, estimated from the window before it.
struct ControlLimits {
  let center: Double
  let sigma: Double

  /// Nil when the window is too short (fewer than 2 points) to estimate a sigma.
  init?(window: [Double], method: ControlChartRule.Sigma) {
    guard window.count >= 2 else { return nil }
    let sample = SortedSample(sorted: window.sorted())
    center = sample.mean!
    switch method {
    case .sd:
      sigma = sample.sd!
    case .movingRange:
      var sum = 0.0
      for i in 1..<window.count { sum += abs(window[i] - window[i - 1]) }
      sigma = sum / Double(window.count - 1) / 1.128
    }
  }
}
