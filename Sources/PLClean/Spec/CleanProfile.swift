/// The built-in starting points a spec extends: `lab` (the default) and `none`.
///
/// `lab` gives names the form of the canonical shapes (snake case); the analyte dictionary,
/// unit table and the other reference data of the lab profile join it from their own parts
/// of cleaning. `none` starts empty: only what the spec and flags say is done.
public enum CleanProfile {
  public static let names = ["lab", "none"]

  /// The profile called `name`, or nil when there is none.
  public static func named(_ name: String) -> CleanSpec? {
    switch name {
    case "lab": lab
    case "none": CleanSpec()
    default: nil
    }
  }

  public static let lab: CleanSpec = {
    var spec = CleanSpec()
    spec.snakeCase = true
    return spec
  }()
}
