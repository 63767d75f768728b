/// The decimal mark of a whole column, decided from all its values.
///
/// One value rarely tells: `1.133` is 1.133 with a decimal point and 1133 with a decimal comma.
/// Other values of the same column do (`2,5`, `12.345,6`, `0.133`, `1,133,500`). When nothing
/// tells, the locale hint decides; without a hint the column is ambiguous and the caller says so
/// in a note rather than guessing.
public enum NumberColumnStyle: Hashable, Sendable {
  /// Values read with this mark (decided by evidence, by the hint, or because no value has a mark).
  case decided(DecimalMark)
  /// Every mark in the column could be either; no hint was given.
  case ambiguous
  /// Some values prove a decimal point and others a decimal comma.
  case conflicting

  /// The column's style from its values; `hint` settles columns whose values allow both marks.
  public static func decide(values: some Sequence<Substring>, hint: DecimalMark? = nil) -> NumberColumnStyle {
    var sawPoint = false, sawComma = false, sawEither = false
    for value in values {
      var value = value
      let evidence = value.withUTF8 { MarkEvidence.of($0) }
      switch evidence {
      case .none: break
      case .point: sawPoint = true
      case .comma: sawComma = true
      case .either: sawEither = true
      }
      if sawPoint && sawComma { return .conflicting }
    }
    if sawPoint { return .decided(.point) }
    if sawComma { return .decided(.comma) }
    if sawEither { return hint.map { .decided($0) } ?? .ambiguous }
    return .decided(hint ?? .point)
  }

  /// The mark to read the column with, or nil when it is ambiguous or conflicting.
  public var mark: DecimalMark? {
    if case .decided(let mark) = self { return mark }
    return nil
  }
}

/// What one value says about its column's decimal mark.
enum MarkEvidence: Equatable {
  /// No mark at all (`12`, `n.d.`).
  case none
  /// Only a decimal point reads it (`2.5`, `1,133.5`, `1,133,500`).
  case point
  /// Only a decimal comma reads it.
  case comma
  /// Both read it, differently (`1.133`, `1,250`).
  case either

  static func of(_ p: UnsafeBufferPointer<UInt8>) -> MarkEvidence {
    let asPoint = NumberText.parse(bytes: p, decimal: .point)
    let asComma = NumberText.parse(bytes: p, decimal: .comma)
    switch (asPoint, asComma) {
    case (nil, nil):
      // A result such as `<0,05` or `12,3 mg/kg`: judge the number it starts with.
      guard let range = numberRange(p) else { return .none }
      return of(UnsafeBufferPointer(rebasing: p[range]))
    case (.some, nil): return hasMark(p) ? .point : .none
    case (nil, .some): return hasMark(p) ? .comma : .none
    case (.some(let a), .some(let b)): return a.value == b.value ? .none : .either
    }
  }

  private static func hasMark(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
    p.contains(UInt8(ascii: ".")) || p.contains(UInt8(ascii: ","))
  }

  /// The digits and marks after a leading qualifier (`<`, `>`, `≤`, spaces), up to the first
  /// byte that cannot belong to a number; nil when that is the whole text or there are no digits.
  private static func numberRange(_ p: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
    var i = 0
    while i < p.count && !Bytes.isDigit(p[i]) && p[i] != UInt8(ascii: ".") && p[i] != UInt8(ascii: ",") {
      let b = p[i]
      guard b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=") || b == 0x20 || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b >= 0x80
      else { return nil }
      i += 1
    }
    let start = i
    while i < p.count && (Bytes.isDigit(p[i]) || p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",")) { i += 1 }
    guard i > start, start > 0 || i < p.count else { return nil }
    return start..<i
  }
}
