/// Footnote markers printed after an analyte's name (`Moisture*`, `Protein (N x 6,25) *)`,
/// `pH †`, `Fat¹`) and the footnote texts they point to (`* Method not accredited.`).
///
/// The marker is not part of the analyte's name: it is split off into `_pl.footnote`, and
/// the footnote's text, when the page prints it, into `_pl.footnote_text`.
enum FootnoteMarker {
  static let symbols: Set<Character> = ["*", "†", "‡", "§", "¹", "²", "³", "⁴", "⁵", "#", "°"]

  /// (`Moisture`, `*`) of `Moisture*`; (`Protein (N x 6,25)`, `*)`) of `Protein (N x 6,25) *)`;
  /// the name whole and nil when it ends in no marker.
  static func split(_ name: String) -> (name: String, marker: String?) {
    var chars = Array(name.trimmed)
    var marker: [Character] = []
    if chars.count >= 3, chars.last == ")", symbols.contains(chars[chars.count - 2]), chars[chars.count - 3] != "(" {
      marker = [")"]
      chars.removeLast()
    }
    var core: [Character] = []
    while let last = chars.last, symbols.contains(last), last != "°" {
      core.insert(last, at: 0)
      chars.removeLast()
    }
    guard !core.isEmpty else { return (name.trimmed, nil) }
    let rest = String(chars).trimmed
    guard rest.contains(where: \.isLetter) else { return (name.trimmed, nil) }
    return (rest, String(core + marker))
  }

  /// (`*`, `Method not within the scope of accreditation.`) of a footnote line
  /// `* Method not within the scope of accreditation.`; nil for any other line.
  static func footnote(_ line: String) -> (marker: String, text: String)? {
    let chars = Array(line.trimmed)
    var i = 0
    while i < chars.count, symbols.contains(chars[i]), chars[i] != "°" { i += 1 }
    guard i > 0, i <= 3 else { return nil }
    var marker = String(chars[0..<i])
    if i < chars.count, chars[i] == ")" {
      marker += ")"
      i += 1
    }
    let text = String(chars[i...]).trimmed
    guard i < chars.count, chars[i].isWhitespace || marker.hasSuffix(")"), text.contains(where: \.isLetter) else { return nil }
    return (marker, text)
  }
}
