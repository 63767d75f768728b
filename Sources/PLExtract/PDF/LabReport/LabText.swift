/// Text comparisons for labels and headings printed in reports: case, accents, punctuation and
/// spacing do not matter (`Prüf-Ergebnis:` and `pruefergebnis` are one heading).
enum LabText {
  /// Lower case, accents removed (umlauts also written out as `ue`), only letters and digits
  /// kept, words separated by one space.
  static func fold(_ text: some StringProtocol) -> String {
    var out = ""
    var pendingSpace = false
    for ch in text.lowercased() {
      let plain = plainLetters[ch] ?? (ch.isLetter || ch.isNumber ? String(ch) : nil)
      guard let plain else {
        pendingSpace = !out.isEmpty
        continue
      }
      if pendingSpace { out += " " }
      pendingSpace = false
      out += plain
    }
    return out
  }

  /// `fold` without spaces: `Lab sample no.` → `labsampleno`.
  static func key(_ text: some StringProtocol) -> String { fold(text).filter { $0 != " " } }

  /// The words of `fold`.
  static func words(_ text: some StringProtocol) -> [Substring] { fold(text).split(separator: " ") }

  private static let plainLetters: [Character: String] = [
    "ä": "a", "ö": "o", "ü": "u", "ß": "ss", "à": "a", "á": "a", "â": "a", "ã": "a", "å": "a", "æ": "ae",
    "ç": "c", "è": "e", "é": "e", "ê": "e", "ë": "e", "ì": "i", "í": "i", "î": "i", "ï": "i", "ñ": "n",
    "ò": "o", "ó": "o", "ô": "o", "õ": "o", "ø": "o", "ù": "u", "ú": "u", "û": "u", "ý": "y", "ÿ": "y",
    "œ": "oe", "°": "o", "º": "o",
  ]

  /// `Result (mg/100 g)` → (`Result`, `mg/100 g`); `Ergebnis [%]` → (`Ergebnis`, `%`). A heading
  /// without a trailing bracket is returned whole with no unit.
  static func splitTrailingBracket(_ heading: String) -> (name: String, bracket: String?) {
    let trimmed = heading.trimmed
    guard let last = trimmed.last, last == ")" || last == "]" else { return (trimmed, nil) }
    let open: Character = last == ")" ? "(" : "["
    guard let start = trimmed.lastIndex(of: open), start > trimmed.startIndex else { return (trimmed, nil) }
    let inner = trimmed[trimmed.index(after: start)..<trimmed.index(before: trimmed.endIndex)].trimmed
    let name = trimmed[..<start].trimmed
    guard !inner.isEmpty, !name.isEmpty else { return (trimmed, nil) }
    return (name, inner)
  }

  /// Whether the text reads as a unit: `%`, `mg/100 g`, `g/100g FA`, `cfu/g`, `µg/kg`, `KbE/g`, `ppm`.
  static func looksLikeUnit(_ text: String) -> Bool {
    let t = text.trimmed
    guard !t.isEmpty, t.count <= 20 else { return false }
    if t.contains("/") || t.contains("%") || t.hasPrefix("°") { return true }
    return ["ppm", "ppb", "ppt", "mg", "g", "kg", "µg", "μg", "ng", "kj", "kcal", "aw", "ph", "iu", "ie"].contains(t.lowercased())
  }
}

extension StringProtocol {
  /// Without the whitespace at both ends.
  var trimmed: String {
    guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
    return String(self[first...last])
  }
}
