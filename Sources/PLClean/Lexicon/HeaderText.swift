/// A column header split into what it names and the unit it is in.
public struct HeaderParts: Equatable, Sendable {
  /// The header without its unit (`Protein` of `Protein [%]`, `T_inlet` of `T_inlet_F`).
  public var name: String
  /// The unit as printed (`%`, `F`, `degC`, `mg/100 g`), when the header has one.
  public var unit: String?
  /// The usual spelling of that unit (`°F` for `F`), when the lexicon knows it.
  public var unitSymbol: String?
  /// An instrument tag opening the name (`TT-101` of `TT-101 Preheat (°F)`).
  public var tag: String?

  public init(name: String, unit: String? = nil, unitSymbol: String? = nil, tag: String? = nil) {
    self.name = name
    self.unit = unit
    self.unitSymbol = unitSymbol
    self.tag = tag
  }
}

/// Reads the unit out of a column header, in the ways wide lab files and data loggers print it:
/// in brackets (`Protein [%]`, `Protein (%)`, `Result (mg/100 g)`), after an underscore
/// (`Moisture_%`, `T_inlet_degC`, `feed_kg_h`), as a last word (`Protein %`, `Druck bar`), after
/// `in` (`Fett in g/100 g`) or glued on (`MC%`, `Temp°C`).
///
/// Units are recognised against the spellings of `Data/lexicon_units.csv`; the unit is returned as
/// printed, conversion is the units table's. A letter alone (`C`, `F`) counts only in brackets or after
/// an underscore, and not when the whole header is an analyte (`Vitamin_C`); a bracket holding a
/// name the analyte dictionary knows (`Water activity (aw)`, `Soluble solids (Brix)`) stays in the name.
public enum HeaderText {
  public static func parse(_ header: String) -> HeaderParts {
    let units = UnitSpellings.shared
    var text = header.trimmingWhitespace()
    if text.first == "\u{FEFF}" { text = text.dropFirst().trimmingWhitespace() }
    var unitText: Substring?

    if let (inner, before) = trailingGroup(text) {
      var candidate = inner.trimmingWhitespace()
      if candidate.lowercased().hasPrefix("in ") { candidate = candidate.dropFirst(3).trimmingWhitespace() }
      let isSquare = text.last == "]"
      let unitLike = units.isUnit(candidate)
        || (isSquare && candidate.contains(where: { $0 == "/" || $0 == "%" || $0 == "°" }))
      // A bracket holding a name (`(aw)`, `(Brix)`) is part of the name; a lone letter (`(°F)`) is not a name.
      let isName = candidate.filter(\.isLetter).count >= 2 && AnalyteDictionary.shared.knows(candidate)
      if !candidate.isEmpty, !before.isEmpty, unitLike, !isName {
        unitText = candidate
        text = before
      }
    }
    if unitText == nil, let (unit, before) = unitAfterIn(text) {
      unitText = unit
      text = before
    }
    if unitText == nil, let (unit, before) = unitAfterUnderscore(text) {
      unitText = unit
      text = before
    }
    if unitText == nil, let (unit, before) = unitAsLastWord(text) {
      unitText = unit
      text = before
    }
    if unitText == nil, let (unit, before) = unitGluedOn(text) {
      unitText = unit
      text = before
    }
    if unitText == nil, text.count > 1, text.first == "%" {
      unitText = text.prefix(1)
      text = text.dropFirst()
    }
    let name = String(trimSeparators(text))
    let unit = unitText.map { String($0) }
    return HeaderParts(name: name, unit: unit, unitSymbol: unit.flatMap { units.lookup($0)?.symbol }, tag: tag(name))
  }

  /// The content of a bracket group closing `text`, and the text before it.
  static func trailingGroup(_ text: Substring) -> (inner: Substring, before: Substring)? {
    guard let last = text.last, let open: Character = [")": "(", "]": "[", "}": "{"][last] else { return nil }
    var depth = 0
    var index = text.endIndex
    while index > text.startIndex {
      index = text.index(before: index)
      if text[index] == last { depth += 1 }
      if text[index] == open {
        depth -= 1
        if depth == 0 {
          let inner = text[text.index(after: index)..<text.index(before: text.endIndex)]
          return (inner, text[..<index].trimmingWhitespace())
        }
      }
    }
    return nil
  }

  private static func unitAfterIn(_ text: Substring) -> (Substring, Substring)? {
    let words = text.split(separator: " ")
    guard words.count >= 3, let position = words.dropFirst().lastIndex(where: { $0.lowercased() == "in" }),
      position < words.count - 1
    else { return nil }
    let unit = text[words[position + 1].startIndex...].trimmingWhitespace()
    let before = text[..<words[position].startIndex].trimmingWhitespace()
    guard !before.isEmpty, UnitSpellings.shared.isUnit(unit) else { return nil }
    return (unit, before)
  }

  private static func unitAfterUnderscore(_ text: Substring) -> (Substring, Substring)? {
    let parts = text.split(separator: "_", omittingEmptySubsequences: false)
    guard parts.count >= 2 else { return nil }
    for count in stride(from: min(3, parts.count - 1), through: 1, by: -1) {
      let first = parts[parts.count - count]
      let unit = text[first.startIndex...]
      guard let spelling = UnitSpellings.shared.lookup(unit) else { continue }
      let before = text[..<first.startIndex]
      if trimSeparators(before).isEmpty { continue }
      if spelling.spelling.count == 1 && AnalyteDictionary.shared.knows(text.replacingOccurrences("_", " ")) { return nil }
      return (unit, before)
    }
    return nil
  }

  private static func unitAsLastWord(_ text: Substring) -> (Substring, Substring)? {
    let words = text.split(separator: " ")
    guard words.count >= 2 else { return nil }
    for count in stride(from: min(3, words.count - 1), through: 1, by: -1) {
      let first = words[words.count - count]
      let unit = text[first.startIndex...]
      let before = text[..<first.startIndex]
      if trimSeparators(before).isEmpty || endsWithNumber(before) { continue }
      if let spelling = UnitSpellings.shared.lookup(unit) {
        if spelling.bare { return (unit, before) }
        // "Temp F", "Temperatur C": a lone letter after a temperature word.
        if spelling.quantity == "temperature", ChannelLexicon.shared.quantity(ofWords: before) == "temperature" {
          return (unit, before)
        }
      } else if count >= 1, unit.contains("/"), UnitSpellings.shared.isUnit(unit) {
        return (unit, before)
      }
    }
    return nil
  }

  private static func unitGluedOn(_ text: Substring) -> (Substring, Substring)? {
    for suffix in ["%", "°C", "°F", "ºC", "ºF", "‰", "℃", "℉", "°Bx", "%RH"] where text.hasSuffix(suffix) && text.count > suffix.count {
      let before = text.dropLast(suffix.count)
      if trimSeparators(before).isEmpty || endsWithNumber(before) { continue }
      return (text.suffix(suffix.count), before)
    }
    return nil
  }

  /// Whether the last word of `text` is a number: `30 °C` and `30°C` are a condition, not a unit.
  private static func endsWithNumber(_ text: Substring) -> Bool {
    guard let last = text.split(separator: " ").last else { return false }
    return last.allSatisfy { $0.isNumber || $0 == "." || $0 == "," }
  }

  static func trimSeparators(_ text: Substring) -> Substring {
    var out = text.trimmingWhitespace()
    while let last = out.last, "_-,;:/".contains(last) { out = out.dropLast().trimmingWhitespace() }
    return out
  }

  /// An instrument tag (`TT-101`, `PIC201`, `FT_301A`) as the first word of `name`.
  static func tag(_ name: String) -> String? {
    guard let word = name.split(separator: " ").first else { return nil }
    var letters = 0
    var digits = 0
    var index = word.startIndex
    while index < word.endIndex, word[index].isASCII, word[index].isUppercase {
      letters += 1
      index = word.index(after: index)
    }
    guard (2...4).contains(letters) else { return nil }
    if index < word.endIndex, word[index] == "-" || word[index] == "_" { index = word.index(after: index) }
    while index < word.endIndex, word[index].isASCII, word[index].isNumber {
      digits += 1
      index = word.index(after: index)
    }
    guard (1...5).contains(digits) else { return nil }
    if index < word.endIndex, word[index].isASCII, word[index].isUppercase { index = word.index(after: index) }
    return index == word.endIndex ? String(word) : nil
  }
}

extension Substring {
  func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
    String(map { $0 == target ? replacement : $0 })
  }
}
