#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// A one-line progress meter on standard error, shown only on a terminal.
///
/// Readers call `update` every thousand records or so; the line is redrawn at most five times
/// a second, so the meter costs nothing measurable.
public final class Progress {
  public let enabled: Bool
  let totalBytes: Int?
  let startTime: Double
  var lastDraw: Double = 0
  var drawn = false

  public init(enabled: Bool, totalBytes: Int?) {
    self.enabled = enabled
    self.totalBytes = totalBytes
    startTime = monotonicSeconds()
  }

  @inline(__always)
  public func update(bytes: Int, records: Int) {
    guard enabled else { return }
    let now = monotonicSeconds()
    guard now - lastDraw >= 0.2 else { return }
    lastDraw = now
    draw(bytes: bytes, records: records, elapsed: now - startTime)
  }

  func draw(bytes: Int, records: Int, elapsed: Double) {
    let rate = elapsed > 0 ? Double(bytes) / elapsed : 0
    var line = "\r\(formatBytes(bytes))"
    if let totalBytes, totalBytes > 0 {
      let percent = min(100, Int(Double(bytes) * 100 / Double(totalBytes)))
      line += " of \(formatBytes(totalBytes)) (\(percent)%)"
    }
    line += ", \(records) records, \(formatBytes(Int(rate)))/s"
    if let totalBytes, rate > 0, totalBytes > bytes {
      line += ", ETA \(Int((Double(totalBytes - bytes) / rate).rounded(.up))) s"
    }
    Terminal.writeError(line + "\u{1B}[K")
    drawn = true
  }

  /// Clears the line, if one was drawn.
  public func finish() {
    if drawn { Terminal.writeError("\r\u{1B}[K") }
    drawn = false
  }
}

/// Seconds on a monotonic clock.
public func monotonicSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Seconds since the epoch.
public func wallClockSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_REALTIME, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// A byte count for people: 512 B, 1.5 MB, 2.0 GB (decimal units, as disks are sold).
public func formatBytes(_ n: Int) -> String {
  let units = ["B", "kB", "MB", "GB", "TB"]
  var value = Double(n)
  var unit = 0
  while value >= 1000 && unit < units.count - 1 {
    value /= 1000
    unit += 1
  }
  if unit == 0 { return "\(n) B" }
  return formatFixed(value, digits: 1) + " " + units[unit]
}

/// `value` with `digits` decimals, without Foundation.
public func formatFixed(_ value: Double, digits: Int) -> String {
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let scaled = (abs(value) * scale).rounded()
  let whole = Int(scaled / scale)
  let fraction = Int(scaled) - whole * Int(scale)
  var text = (value < 0 && scaled > 0 ? "-" : "") + String(whole)
  if digits > 0 {
    let f = String(fraction)
    text += "." + String(repeating: "0", count: digits - f.count) + f
  }
  return text
}

/// The size of a regular file, or nil (a pipe, a missing file).
public func fileSize(_ path: String) -> Int? {
  var info = stat()
  guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
  return Int(info.st_size)
}
