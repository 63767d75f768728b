import PLCore

/// A span of time written as a number and a unit: `90m`, `36h`, `2d`, `1.5d`, `45s`, `1w`.
public enum DurationText {
  /// Seconds, or nil when `text` is not such a span (or not more than zero).
  public static func seconds(_ text: String) -> Double? {
    guard let unit = text.last, let n = Double(text.dropLast()), n > 0, n.isFinite else { return nil }
    switch unit {
    case "s": return n
    case "m": return n * 60
    case "h": return n * 3600
    case "d": return n * 86400
    case "w": return n * 604_800
    default: return nil
    }
  }

  /// The age as people say it: `45 min`, `5.2 h`, `3.1 d`.
  public static func text(_ seconds: Double) -> String {
    if seconds < 0 { return "in the future" }
    if seconds < 3600 { return "\(Int(seconds / 60)) min" }
    if seconds < 172_800 { return one(seconds / 3600) + " h" }
    return one(seconds / 86400) + " d"
  }

  static func one(_ x: Double) -> String {
    let tenths = Int((x * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }
}
