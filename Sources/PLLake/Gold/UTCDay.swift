import PLCore

/// The UTC day of an ISO 8601 timestamp, read from its bytes.
///
/// Accepted: `YYYY-MM-DD`, or that followed by `T` (or a space) and `HH:MM`, optional `:SS`
/// and fraction, and an optional zone: `Z`, `±HH:MM`, `±HHMM` or `±HH`. A time without a zone
/// is taken as UTC (silver timestamps are UTC). A zone offset moves the time to UTC first, so
/// `2024-03-01T00:30:00+01:00` is on 2024-02-29.
enum UTCDay {
  /// Writes the day as `YYYY-MM-DD` into `out` (10 bytes, replacing its contents); false when
  /// `b` is not such a timestamp.
  static func read(_ b: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    let n = b.count
    guard n >= 10 else { return false }
    @inline(__always) func digit(_ k: Int) -> Int? {
      let d = b[k] &- 0x30
      return d < 10 ? Int(d) : nil
    }
    @inline(__always) func two(_ k: Int) -> Int? {
      guard k + 1 < n, let a = digit(k), let c = digit(k + 1) else { return nil }
      return a * 10 + c
    }
    guard let y1 = two(0), let y2 = two(2), b[4] == UInt8(ascii: "-"), let month = two(5), b[7] == UInt8(ascii: "-"),
      let day = two(8)
    else { return false }
    let year = y1 * 100 + y2
    guard month >= 1, month <= 12, day >= 1, day <= CivilCalendar.daysIn(month: month, year: year) else { return false }
    var shift = 0
    if n > 10 {
      guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20 else { return false }
      guard let hour = two(11), n > 13, b[13] == UInt8(ascii: ":"), let minute = two(14), hour <= 23, minute <= 59 else { return false }
      var i = 16
      if i < n && b[i] == UInt8(ascii: ":") {
        guard let second = two(i + 1), second <= 60 else { return false }
        i += 3
        if i < n && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
          i += 1
          let start = i
          while i < n && digit(i) != nil { i += 1 }
          guard i > start else { return false }
        }
      }
      if i < n {
        let z = b[i]
        if z == UInt8(ascii: "Z") || z == UInt8(ascii: "z") {
          guard i + 1 == n else { return false }
        } else if z == UInt8(ascii: "+") || z == UInt8(ascii: "-") {
          guard let oh = two(i + 1), oh <= 23 else { return false }
          var om = 0
          var j = i + 3
          if j < n && b[j] == UInt8(ascii: ":") { j += 1 }
          if j < n {
            guard let m = two(j), m <= 59, j + 2 == n else { return false }
            om = m
          }
          let offset = (oh * 60 + om) * (z == UInt8(ascii: "+") ? 1 : -1)
          let local = hour * 60 + minute - offset
          shift = local < 0 ? -1 : (local >= 1440 ? 1 : 0)
        } else {
          return false
        }
      }
    }
    out.removeAll(keepingCapacity: true)
    if shift == 0 {
      out.append(contentsOf: UnsafeBufferPointer(rebasing: b[0..<10]))
    } else {
      let (yy, mm, dd) = CivilCalendar.civil(fromDays: CivilCalendar.daysFromCivil(year: year, month: month, day: day) + shift)
      write(yy, mm, dd, into: &out)
    }
    return true
  }

  static func write(_ year: Int, _ month: Int, _ day: Int, into out: inout [UInt8]) {
    func put(_ v: Int, _ width: Int) {
      var digits: [UInt8] = []
      var x = v
      for _ in 0..<width {
        digits.append(UInt8(0x30 + x % 10))
        x /= 10
      }
      out.append(contentsOf: digits.reversed())
    }
    put(year, 4)
    out.append(UInt8(ascii: "-"))
    put(month, 2)
    out.append(UInt8(ascii: "-"))
    put(day, 2)
  }

}
