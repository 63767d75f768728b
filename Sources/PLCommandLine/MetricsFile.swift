#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Writes a run's metrics in the Prometheus text exposition format, atomically.
///
/// node_exporter's textfile collector reads every `*.prom` file in its folder; a half-written
/// file would be read as garbage, so the text goes to a temporary file in the same folder,
/// is fsynced, then renamed over the target. The last success time survives failed runs: it is
/// carried over from the previous file, so a freshness alert keeps counting from the last good run.
public struct MetricsFile {
  public let path: String

  public init(path: String) {
    self.path = path
  }

  public func write(tool: String, stats: RunStats, status: ExitStatus, seconds: Double, now: Double) throws(PLError) {
    let label = "{tool=\"\(tool)\"}"
    let lastSuccess = status == .ok ? String(Int(now)) : previousValue(of: "pl_last_success_timestamp_seconds")
    var text = ""
    func metric(_ name: String, _ help: String, _ value: String) {
      text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name)\(label) \(value)\n"
    }
    metric("pl_records_in", "Records read by the last run.", String(stats.recordsIn))
    metric("pl_records_out", "Records written by the last run.", String(stats.recordsOut))
    metric("pl_records_rejected", "Records rejected by the last run.", String(stats.rejected))
    metric("pl_run_duration_seconds", "Duration of the last run.", formatFixed(seconds, digits: 3))
    metric("pl_run_exit_status", "Exit status of the last run (0 is success).", String(status.rawValue))
    metric("pl_run_success", "1 when the last run succeeded, else 0.", status == .ok ? "1" : "0")
    metric("pl_last_run_timestamp_seconds", "When the last run ended (Unix time).", String(Int(now)))
    if let lastSuccess {
      metric("pl_last_success_timestamp_seconds", "When the last successful run ended (Unix time).", lastSuccess)
    }
    try AtomicFile.write(text, to: path)
  }

  /// The value of `name` in the existing file, if any.
  func previousValue(of name: String) -> String? {
    guard let old = try? AtomicFile.read(path) else { return nil }
    for line in old.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
      if let value = line.split(separator: " ").last { return String(value) }
    }
    return nil
  }
}
