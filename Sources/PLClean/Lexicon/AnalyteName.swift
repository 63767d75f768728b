/// The reading of a printed analyte name that is not found as it stands: what labs add around a name is
/// taken off step by step, and each step's remainder is looked up exactly, most specific first.
///
/// 1. A footnote marker (`Protein*`, `Fett ¹)`, `Vitamin D3 a)`) and a unit (`Protein [%]`, `Ash (%)`)
///    go first; what is left is the name as printed (`AnalyteMatch.name`).
/// 2. A conversion factor (`N x 6,25`, `Na x 2.5`, `Faktor 6,38`) and a basis (`i. Tr.`, `(DM)`) are
///    read and taken off; so is an opening `davon`/`of which`.
/// 3. Then, until a key is found: the brackets are dropped (`Fett (nach Weibull-Stoldt)`), but never one
///    that changes what is measured (`C18:1 (trans)`); a fatty acid is cut to its shorthand and isomer
///    (`C16:0 Palmitinsäure` → `C16:0`); a method remark (`nach …`, `by …`), an incubation temperature
///    (`30 °C`) and a test portion (`/25 g`) are dropped; then qualifiers like `total`, `content`, `Gehalt`
///    at either end; last, each bracket's content alone (`Soluble solids (Brix)`).
///
/// No step shortens a name in any other way, so that a near name is never taken for another.
struct AnalyteName {
  let words: MatchingWords
  /// The name as printed, without footnote marker and unit.
  var name: String
  var footnote: String?
  var unit: String?
  var factor: ConversionFactor?
  var basis: AnalyteBasis?
  /// The printed text, white space tidied, for a last look with a CIELAB `*` kept.
  let tidied: String

  init(_ printed: String, words: MatchingWords) {
    self.words = words
    tidied = Self.tidy(printed)
    var text = tidied[...]
    var markers: [String] = []
    var unit: String?
    for _ in 0..<3 {
      let (rest, marker) = Self.stripFootnote(text)
      if let marker { markers.insert(marker, at: 0) }
      text = rest
      guard unit == nil else { break }
      let parts = HeaderText.parse(String(text))
      guard let found = parts.unit else { break }
      unit = found
      text = parts.name[...]
    }
    self.name = String(text)
    self.unit = unit
    self.footnote = markers.isEmpty ? nil : markers.joined(separator: " ")
  }

  /// `printed` without footnote marker and unit, white space tidied.
  static func cleaned(_ printed: String) -> String {
    var text = tidy(printed)[...]
    text = stripFootnote(text).rest
    let parts = HeaderText.parse(String(text))
    return String(stripFootnote(parts.name[...]).rest)
  }

  /// `printed` as printed, without its footnote marker, white space tidied (`Wasseraktivität
  /// (aw)` of `Wasseraktivität (aw) *)`): what a result's `analyte_raw` keeps.
  static func printed(_ printed: String) -> String {
    String(stripFootnote(tidy(printed)[...]).rest)
  }

  func match(_ lookup: (String) -> Analyte?) -> AnalyteMatch? {
    var qualifiers: [String] = []
    var factor: ConversionFactor?
    var basis: AnalyteBasis?
    var tried = Set<String>()

    func found(_ text: some StringProtocol) -> Analyte? {
      let key = LexiconKey.make(Substring(text))
      guard !key.isEmpty, tried.insert(key).inserted else { return nil }
      return lookup(key)
    }
    func result(_ analyte: Analyte) -> AnalyteMatch {
      AnalyteMatch(
        code: analyte.code, canonicalUnit: analyte.canonicalUnit, kind: analyte.kind, name: name, footnote: footnote,
        unit: unit, factor: factor, basis: basis, qualifiers: qualifiers)
    }

    var text = name
    if let analyte = found(text) { return result(analyte) }

    (text, factor) = Self.extractFactor(text)
    (text, basis) = extractBasis(text)
    text = dropPrefix(text)
    if let analyte = found(text) { return result(analyte) }

    // Brackets, except those that say what is measured.
    let (base, groups) = dropGroups(text)
    qualifiers += groups
    if let analyte = found(base) { return result(analyte) }
    if let lipid = Self.fattyAcidShorthand(base), let analyte = found(lipid) { return result(analyte) }

    var reduced = base
    if let (rest, remark) = cutMethodRemark(reduced) {
      qualifiers.append(remark)
      reduced = rest
      if let analyte = found(reduced) { return result(analyte) }
    }
    let (withoutConditions, conditions) = Self.dropConditions(reduced)
    if !conditions.isEmpty {
      qualifiers += conditions
      reduced = withoutConditions
      if let analyte = found(reduced) { return result(analyte) }
      if let lipid = Self.fattyAcidShorthand(reduced), let analyte = found(lipid) { return result(analyte) }
    }
    for candidate in dropQualifierWords(reduced) {
      if let analyte = found(candidate) { return result(analyte) }
    }
    for group in groups {
      if let analyte = found(group) { return result(analyte) }
    }
    if let analyte = found(tidied) { return result(analyte) }
    // A star after a lone letter was kept for CIELAB (`a*`); on `Vitamin A*` it is a footnote after all.
    if name.hasSuffix("*") {
      let rest = HeaderText.trimSeparators(name.dropLast())
      if let analyte = found(rest) {
        var match = result(analyte)
        match.name = String(rest)
        match.footnote = ["*", footnote].compactMap { $0 }.joined(separator: " ")
        return match
      }
    }
    return nil
  }

  // MARK: - Steps

  static func tidy(_ printed: String) -> String {
    var out = ""
    var space = false
    for ch in printed {
      if ch.isWhitespace || ch == "\u{FEFF}" {
        space = !out.isEmpty
        continue
      }
      if space { out.append(" ") }
      space = false
      out.append(ch)
    }
    return out
  }

  private static let superscripts: Set<Character> = ["¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹", "⁰", "⁾", "⁽", "ᵃ", "ᵇ", "ᶜ", "ᵈ", "*", "†", "‡", "§", "#"]

  /// `text` without a footnote marker at its end or start, and the marker.
  static func stripFootnote(_ text: Substring) -> (rest: Substring, marker: String?) {
    var rest = text.trimmingWhitespace()
    var markers: [Substring] = []
    while true {
      let before = rest
      // Trailing "*", "**", "¹", "¹⁾", "†".
      var end = rest.endIndex
      while end > rest.startIndex, superscripts.contains(rest[rest.index(before: end)]) { end = rest.index(before: end) }
      if end < rest.endIndex && end > rest.startIndex && !isCIELABStar(rest, at: end) {
        markers.insert(rest[end...], at: 0)
        rest = rest[..<end].trimmingWhitespace()
      }
      // Trailing " 1)", " a)", " *)", " (1)", " (a)".
      if rest.hasSuffix(")"), let space = rest.lastIndex(of: " ") {
        var marker = rest[rest.index(after: space)...].dropLast()
        var opened = false
        if marker.first == "(" {
          marker = marker.dropFirst()
          opened = true
        }
        let unmatched = opened || !rest[..<space].contains("(") || rest[..<space].filter({ $0 == "(" }).count <= rest[..<space].filter({ $0 == ")" }).count
        // Two letters are a word (`(aw)` of `Wasseraktivität (aw)`), not a marker (`a)`, `12)`, `**)`).
        if unmatched, marker.count == 1 || (marker.count == 2 && !marker.allSatisfy(\.isLetter)),
          marker.allSatisfy({ ($0.isASCII && ($0.isNumber || $0.isLowercase)) || $0 == "*" || Self.superscripts.contains($0) })
        {
          markers.insert(rest[rest.index(after: space)...], at: 0)
          rest = rest[..<space].trimmingWhitespace()
        }
      }
      // Leading "*" or "¹)".
      if let first = rest.first, first == "*" || first == "¹" || first == "²" || first == "³" {
        var start = rest.startIndex
        while start < rest.endIndex, superscripts.contains(rest[start]) || rest[start] == ")" { start = rest.index(after: start) }
        if start < rest.endIndex {
          markers.append(rest[..<start])
          rest = rest[start...].trimmingWhitespace()
        }
      }
      if rest == before { break }
    }
    return (rest, markers.isEmpty ? nil : markers.joined(separator: " "))
  }

  /// Whether the `*` at `index` follows a lone L, a or b (`L*`, `Colour a*`): a CIELAB coordinate.
  private static func isCIELABStar(_ text: Substring, at index: Substring.Index) -> Bool {
    guard text[index] == "*", index > text.startIndex else { return false }
    let letterIndex = text.index(before: index)
    guard "LlAaBb".contains(text[letterIndex]) else { return false }
    if letterIndex == text.startIndex { return true }
    let before = text[text.index(before: letterIndex)]
    return !(before.isLetter || before.isNumber)
  }

  /// A conversion factor (`N x 6.25`, `N×6,38`, `Na x 2,5`, `Faktor 6,25`) taken out of `text`.
  static func extractFactor(_ text: String) -> (String, ConversionFactor?) {
    let chars = Array(text)
    var i = 0
    while i < chars.count {
      let atWordStart = i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber)
      guard atWordStart else {
        i += 1
        continue
      }
      var j = i
      var of: String?
      if j + 1 < chars.count, chars[j] == "N", chars[j + 1] == "a", j + 2 <= chars.count {
        of = "Na"
        j += 2
      } else if chars[j] == "N" || chars[j] == "n" {
        of = "N"
        j += 1
      } else {
        for word in ["Faktor", "factor", "Factor", "facteur", "fattore", "factor N", "Faktor N"] {
          let w = Array(word)
          if j + w.count <= chars.count, Array(chars[j..<j + w.count]) == w {
            of = "N"
            j += w.count
            break
          }
        }
        if of == nil {
          i += 1
          continue
        }
        while j < chars.count, chars[j] == " " || chars[j] == "=" || chars[j] == ":" { j += 1 }
        if let (value, end) = number(chars, from: j) {
          return (remove(chars, i, end), ConversionFactor(of: of!, value: value, text: String(chars[i..<end])))
        }
        i += 1
        continue
      }
      while j < chars.count, chars[j] == " " { j += 1 }
      guard j < chars.count, "x×X*·".contains(chars[j]) else {
        i += 1
        continue
      }
      j += 1
      while j < chars.count, chars[j] == " " { j += 1 }
      if let (value, end) = number(chars, from: j) {
        return (remove(chars, i, end), ConversionFactor(of: of!, value: value, text: String(chars[i..<end])))
      }
      i += 1
    }
    return (text, nil)
  }

  private static func number(_ chars: [Character], from start: Int) -> (Double, Int)? {
    var end = start
    var digits = ""
    while end < chars.count, chars[end].isASCII, chars[end].isNumber || ((chars[end] == "." || chars[end] == ",") && end > start) {
      digits.append(chars[end] == "," ? "." : chars[end])
      end += 1
    }
    while digits.hasSuffix(".") {
      digits.removeLast()
      end -= 1
    }
    guard !digits.isEmpty, let value = Double(digits) else { return nil }
    return (value, end)
  }

  /// `chars` without `start..<end`, and without the brackets that held only it.
  private static func remove(_ chars: [Character], _ start: Int, _ end: Int) -> String {
    var before = String(chars[..<start])
    var after = String(chars[end...])
    let beforeTrimmed = before.trimmingWhitespace()
    let afterTrimmed = after.trimmingWhitespace()
    if beforeTrimmed.hasSuffix("("), afterTrimmed.hasPrefix(")") {
      before = String(beforeTrimmed.dropLast())
      after = String(afterTrimmed.dropFirst())
    }
    return tidy(String(HeaderText.trimSeparators(before[...])) + " " + after)
  }

  /// A basis in brackets (`(i.Tr.)`, `[DM]`) or in the last words (`Fett i. Tr.`), taken out.
  func extractBasis(_ text: String) -> (String, AnalyteBasis?) {
    var groups: [(range: Range<String.Index>, inner: Substring)] = []
    var depth = 0
    var open = text.startIndex
    for index in text.indices {
      let ch = text[index]
      if ch == "(" || ch == "[" {
        if depth == 0 { open = index }
        depth += 1
      } else if ch == ")" || ch == "]", depth > 0 {
        depth -= 1
        if depth == 0 { groups.append((open..<text.index(after: index), text[text.index(after: open)..<index])) }
      }
    }
    for group in groups {
      if let basis = words.basis(LexiconKey.make(group.inner)) {
        var rest = text
        rest.removeSubrange(group.range)
        return (Self.tidy(rest), basis)
      }
    }
    let parts = text.split(separator: " ")
    for count in stride(from: min(4, parts.count - 1), through: 1, by: -1) {
      let tail = text[parts[parts.count - count].startIndex...]
      if let basis = words.basis(LexiconKey.make(tail)) {
        let rest = HeaderText.trimSeparators(text[..<parts[parts.count - count].startIndex])
        if !rest.isEmpty { return (String(rest), basis) }
      }
    }
    return (text, nil)
  }

  /// `text` without an opening `davon`, `of which`, `-`, `•`.
  func dropPrefix(_ text: String) -> String {
    var rest = text[...]
    while let first = rest.first, "-–—•·>:".contains(first) { rest = rest.dropFirst().trimmingWhitespace() }
    let parts = rest.split(separator: " ")
    let keys = parts.map { LexiconKey.make($0) }
    for phrase in words.prefixes where phrase.count < keys.count && Array(keys.prefix(phrase.count)) == phrase {
      return String(rest[parts[phrase.count].startIndex...])
    }
    return String(rest)
  }

  /// `text` without its bracket groups, and their contents; a group whose content is an identity word
  /// (`trans`, `free`, `n-3`) stays.
  func dropGroups(_ text: String) -> (String, [String]) {
    var out = ""
    var groups: [String] = []
    var depth = 0
    var current = ""
    for ch in text {
      if ch == "(" || ch == "[" {
        if depth > 0 { current.append(ch) }
        depth += 1
      } else if (ch == ")" || ch == "]") && depth > 0 {
        depth -= 1
        if depth == 0 {
          let inner = current.trimmingWhitespace()
          if words.identity.contains(LexiconKey.make(inner)) {
            out += " " + inner + " "
          } else if !inner.isEmpty {
            groups.append(String(inner))
          }
          current = ""
        } else {
          current.append(ch)
        }
      } else if depth > 0 {
        current.append(ch)
      } else {
        out.append(ch)
      }
    }
    if depth > 0 { out += current }
    return (Self.tidy(String(HeaderText.trimSeparators(out[...]))), groups)
  }

  /// The shorthand and isomer of a fatty acid opening `text` (`C18:1 n-9` of `C18:1 n-9 oleic acid`).
  static func fattyAcidShorthand(_ text: String) -> String? {
    var parts = text.split(separator: " ")
    guard !parts.isEmpty else { return nil }
    if parts.count >= 2, parts[0] == "C" || parts[0] == "c" {
      parts[0] = Substring(String(parts[0]) + String(parts[1]))
      parts.remove(at: 1)
    }
    let head = parts[0]
    guard head.first == "C" || head.first == "c", head.contains(":"),
      head.dropFirst().allSatisfy({ $0.isNumber || $0 == ":" || $0.isLetter || $0 == "-" })
    else { return nil }
    var kept = [head]
    for part in parts.dropFirst() {
      let key = LexiconKey.make(part)
      guard isIsomer(key) else { break }
      kept.append(part)
    }
    guard kept.count < parts.count else { return nil }
    return kept.joined(separator: " ")
  }

  private static func isIsomer(_ key: String) -> Bool {
    for prefix in ["omega", "cis", "trans", "allcis", "n", "w", "c", "t"] where key.hasPrefix(prefix) {
      let rest = key.dropFirst(prefix.count)
      if rest.allSatisfy({ $0.isNumber || $0 == "_" }) { return true }
    }
    return false
  }

  /// `text` cut before a method remark (`nach Weibull-Stoldt`, `by acid hydrolysis`), and the remark.
  func cutMethodRemark(_ text: String) -> (String, String)? {
    let parts = text.split(separator: " ")
    let keys = parts.map { LexiconKey.make($0) }
    guard keys.count >= 2 else { return nil }
    for start in 1..<keys.count {
      for phrase in words.method where start + phrase.count < keys.count + 1 && Array(keys[start..<min(keys.count, start + phrase.count)]) == phrase {
        guard start + phrase.count < keys.count else { continue }
        let rest = HeaderText.trimSeparators(text[..<parts[start].startIndex])
        return (String(rest), String(text[parts[start].startIndex...]))
      }
    }
    return nil
  }

  private static let temperaturePrepositions: Set<String> = ["bei", "at", "à", "a", "bij", "al", "alla", "@"]

  /// `text` without incubation temperatures (`30 °C`, `30°C`) and test portions (`/25 g`, `in 25 g`).
  static func dropConditions(_ text: String) -> (String, [String]) {
    var parts = text.split(separator: " ").map(String.init)
    var dropped: [String] = []
    var i = 0
    while i < parts.count {
      let part = parts[i]
      let next = i + 1 < parts.count ? parts[i + 1] : ""
      let isNumber = !part.isEmpty && part.allSatisfy { $0.isNumber || $0 == "." || $0 == "," }
      // "bei 30 °C", "at 30°C": the preposition goes with the temperature.
      let start = i > 1 && Self.temperaturePrepositions.contains(parts[i - 1].lowercased()) ? i - 1 : i
      if isNumber, ["°C", "ºC", "°", "C"].contains(next) {
        dropped.append(parts[start...i + 1].joined(separator: " "))
        parts.removeSubrange(start...i + 1)
        i = start
        continue
      }
      if part.hasSuffix("°C") || part.hasSuffix("ºC"), part.dropLast(2).allSatisfy({ $0.isNumber || $0 == "." || $0 == "," }), part.count > 2 {
        dropped.append(parts[start...i].joined(separator: " "))
        parts.removeSubrange(start...i)
        i = start
        continue
      }
      if ["/", "in", "per", "pro", "je", "par", "en", "/25", "/10"].contains(part.lowercased()) || (part.hasPrefix("/") && part.count > 1),
        i > 0
      {
        // "/ 25 g", "in 25 g", "/25 g", "/25g"
        var j = i
        var text = part
        if part == "/" || !part.contains(where: { $0.isNumber }) {
          j += 1
          if j < parts.count { text += " " + parts[j] }
        }
        let amount = parts[min(j, parts.count - 1)]
        let trailingUnit = j + 1 < parts.count && ["g", "ml", "mL"].contains(parts[j + 1])
        let digits = amount.filter { $0.isNumber }
        let unitGlued = amount.hasSuffix("g") || amount.hasSuffix("ml") || amount.hasSuffix("mL")
        if !digits.isEmpty && (trailingUnit || unitGlued) && j < parts.count {
          let end = trailingUnit ? j + 1 : j
          dropped.append(parts[i...end].joined(separator: " "))
          parts.removeSubrange(i...end)
          continue
        }
      }
      i += 1
    }
    return (parts.joined(separator: " "), dropped)
  }

  /// `text` with qualifier words dropped from either end, step by step (`Total fat content` →
  /// `fat content` → `fat`).
  func dropQualifierWords(_ text: String) -> [String] {
    var out: [String] = []
    var parts = text.split(separator: " ").map(String.init)
    var changed = true
    while changed && parts.count > 1 {
      changed = false
      let keys = parts.map { LexiconKey.make($0) }
      for phrase in words.leading where phrase.count < keys.count && Array(keys.prefix(phrase.count)) == phrase {
        parts.removeFirst(phrase.count)
        out.append(parts.joined(separator: " "))
        changed = true
        break
      }
      if changed { continue }
      for phrase in words.trailing where phrase.count < keys.count && Array(keys.suffix(phrase.count)) == phrase {
        parts.removeLast(phrase.count)
        out.append(parts.joined(separator: " "))
        changed = true
        break
      }
    }
    return out
  }
}
