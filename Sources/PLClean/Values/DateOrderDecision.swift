/// The day/month order of a whole date column, decided from all its values.
///
/// `04/03/2024` alone could be either; `23/03/2024` in the same column proves day-first and
/// `03/23/2024` month-first. Dotted dates are day-first. Dates with month names or in year-first
/// form need no decision.
public enum DateOrderDecision: Hashable, Sendable {
  /// Read the column with this order (`ymd` when no value needs a day/month decision).
  case decided(DateOrder)
  /// Every numeric date could be read both ways and no hint was given.
  case ambiguous
  /// Some values prove day-first and others month-first.
  case conflicting

  public static func decide(values: some Sequence<Substring>, hint: DateOrder? = nil) -> DateOrderDecision {
    var dmy = false, mdy = false, either = false
    for value in values {
      var value = value
      switch value.withUTF8({ evidence($0) }) {
      case .dmy?: dmy = true
      case .mdy?: mdy = true
      case .ymd?: break
      case nil: either = true
      }
      if dmy && mdy { return .conflicting }
    }
    if dmy { return .decided(.dmy) }
    if mdy { return .decided(.mdy) }
    if either { return hint.map { .decided($0) } ?? .ambiguous }
    return .decided(hint ?? .ymd)
  }

  /// The order to read with, or nil when ambiguous or conflicting.
  public var order: DateOrder? {
    if case .decided(let o) = self { return o }
    return nil
  }

  /// What one value says: `.dmy`/`.mdy` when it proves an order, `.ymd` when it needs none,
  /// nil when it could be read both ways.
  static func evidence(_ p: UnsafeBufferPointer<UInt8>) -> DateOrder? {
    var c = TimeCursor(p: p, i: Bytes.skipSpaces(p, 0, p.count), end: p.count)
    guard let (a, n) = c.digits(max: 8), n <= 2, let sep = c.byte(),
      sep == UInt8(ascii: "/") || sep == UInt8(ascii: "-") || sep == UInt8(ascii: ".")
    else { return .ymd }
    c.i += 1
    guard let (b, bn) = c.digits(max: 2), bn >= 1, c.byte() == sep else { return .ymd }
    if sep == UInt8(ascii: ".") { return .dmy }
    if a > 12 && b <= 12 { return .dmy }
    if b > 12 && a <= 12 { return .mdy }
    if a == b { return .ymd }
    return nil
  }
}
