/// Field names in snake case: lower-case ASCII letters, digits and `_`.
///
/// `Protein (%)` becomes `protein_pct`, `Moisture [%]` `moisture_pct`, `Temp (°C)` `temp_deg_c`,
/// `Vitamin B12 (µg/100 g)` `vitamin_b12_ug_per_100_g`, `Sample ID` and `SampleID` and
/// `sampleId` `sample_id`, `Kjeldahl-N` `kjeldahl_n`, `Fett (g/100g)` `fett_g_per_100g`, `Eiweiß`
/// `eiweiss`, `Matière sèche` `matiere_seche`, `pH` `ph`.
///
/// The rules: accents are folded to ASCII (é→e, ß→ss, æ→ae, ø→o, µ→u); a few symbols become words
/// (`%` pct, `‰` permille, `°` deg, `/` per, `#` no, `&` and, `+` plus); a lower-case
/// letter followed by an upper-case one starts a new word when the upper-case run goes on
/// with a lower-case letter (`sampleId`) or is two letters or more (`SampleID`), not when it is
/// one letter at the end (`pH`); every other character separates words; words join with `_`.
/// A name with no letter or digit left keeps its own form.
public enum SnakeCase {
  static let words: [Character: String] = [
    "%": "pct", "‰": "permille", "°": "deg", "º": "deg", "/": "per", "#": "no", "&": "and", "+": "plus",
  ]
  static let letters: [Character: String] = [
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
    "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i", "µ": "u", "μ": "u",
  ]

  /// `name` in snake case, or nil when nothing of it is left (the caller keeps the name).
  public static func convert(_ name: String) -> String? {
    // Fold to ASCII letters and digits, symbols as words, everything else a separator (" ").
    var folded: [Character] = []
    for c in name {
      if let word = words[c] {
        folded += [" "] + Array(word) + [" "]
      } else if let letter = letters[c] {
        folded += Array(letter)
      } else if c.isASCII {
        folded.append(c.isLetter || c.isNumber ? c : " ")
      } else {
        // Canonical decomposition, keeping the ASCII base letter (é → e).
        let base = String(c).decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.isASCII }
        let kept = base.filter { ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        folded += kept.isEmpty ? [" "] : kept.map(Character.init)
      }
    }
    // Words: split at separators and at lower→upper case boundaries.
    var out = ""
    var i = 0
    func separate() { if !out.isEmpty && out.last != "_" { out.append("_") } }
    while i < folded.count {
      let c = folded[i]
      if c == " " {
        separate()
      } else {
        if c.isUppercase, i > 0, folded[i - 1].isLowercase {
          var run = i
          while run < folded.count && folded[run].isUppercase { run += 1 }
          let runLength = run - i
          let nextIsLower = run < folded.count && folded[run].isLowercase
          if nextIsLower || runLength >= 2 { separate() }
        } else if c.isUppercase, i + 1 < folded.count, folded[i + 1].isLowercase, i > 0, folded[i - 1].isUppercase {
          // The last capital of a run starts the next word: `HPLCMethod` → hplc_method.
          separate()
        }
        out += c.lowercased()
      }
      i += 1
    }
    while out.last == "_" { out.removeLast() }
    return out.isEmpty ? nil : out
  }
}
