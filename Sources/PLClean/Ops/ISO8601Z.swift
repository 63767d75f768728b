/// The canonical UTC timestamp text, `2024-03-01T08:15:00Z` (with up to 9 fractional
/// digits), to and from epoch seconds: the default for `FillTimestampGaps`, whose stamps are
/// canonical by the time it runs. No offsets, no local times, no Foundation.
public enum ISO8601Z {
  /// Epoch seconds of `YYYY-MM-DDTHH:MM:SS[.fff…]Z`; nil for anything else.
  @Sendable
  public static func parse(_ text: String) -> Double? {
    let b = Array(text.utf8)
    guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
      b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b.last == UInt8(ascii: "Z"),
      let year = number(b, 0, 4), let month = number(b, 5, 2), let day = number(b, 8, 2),
      let hour = number(b, 11, 2), let minute = number(b, 14, 2), let second = number(b, 17, 2),
      let date = CivilDate(year: year, month: month, day: day), hour < 24, minute < 60, second < 60
    else { return nil }
    var fraction = 0.0
    if b.count > 20 {
      guard b[19] == UInt8(ascii: "."), b.count - 21 >= 1, b.count - 21 <= 9, let digits = number(b, 20, b.count - 21) else { return nil }
      fraction = Double(digits) / Double(ExactDecimal.powers[b.count - 21])
    } else if b.count != 20 {
      return nil
    }
    let days = date.daysSinceEpoch
    return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
  }

  /// The text of epoch seconds `t`: whole seconds as `…:SSZ`, else with the fewest fractional
  /// digits (up to 6) that give `t` to the microsecond.
  @Sendable
  public static func format(_ t: Double) -> String {
    var micros = Int64((t * 1_000_000).rounded())
    var seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
    micros -= seconds * 1_000_000
    let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    seconds -= Int64(days) * 86_400
    let date = CivilDate(daysSinceEpoch: days)
    var out = pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2) + "T"
    out += pad(Int(seconds / 3600), 2) + ":" + pad(Int(seconds / 60 % 60), 2) + ":" + pad(Int(seconds % 60), 2)
    if micros > 0 {
      var digits = pad(Int(micros), 6)
      while digits.hasSuffix("0") { digits.removeLast() }
      out += "." + digits
    }
    return out + "Z"
  }

  private static func pad(_ n: Int, _ width: Int) -> String {
    let text = String(n)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
  }

  private static func number(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
    var value = 0
    for i in start..<start + count {
      guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
    }
    return value
  }
}
