/// A memory size as written in a spec: `256MiB`, `1GiB`, `512MB`, `64K`, `1048576`.
///
/// KiB, MiB and GiB (and K, M, G alone) are powers of 1024; KB, MB and GB powers of 1000;
/// B or nothing is bytes. Case is ignored and a space may stand before the unit.
public enum MemorySize {
  static let units: [(String, Int)] = [
    ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("tib", 1 << 40),
    ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
    ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("t", 1 << 40), ("b", 1),
  ]

  /// The size in bytes, or nil when `text` is not a size greater than zero.
  public static func bytes(_ text: String) -> Int? {
    let lower = text.lowercased().filter { $0 != " " }
    let digits = lower.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    let unit = String(lower.dropFirst(digits.count))
    guard !digits.isEmpty, let scale = unit.isEmpty ? 1 : units.first(where: { $0.0 == unit })?.1 else { return nil }
    if let whole = Int(digits) {
      guard whole > 0, whole <= Int.max / scale else { return nil }
      return whole * scale
    }
    // A fraction of a unit (`1.5GiB`), rounded down to whole bytes.
    guard let value = Double(digits), value > 0, value * Double(scale) < 9e18, value * Double(scale) >= 1 else { return nil }
    return Int(value * Double(scale))
  }
}
