/// The form in which the lexicon compares names: lower-case ASCII letters and digits only, so that case,
/// accents, punctuation and spacing do not matter (`Protéines` = `proteines`, `Vitamin B 1` =
/// `vitamin-B1`).
///
/// Two things survive the folding because they change what a name means: a break between two runs of
/// digits is kept as `_` (`C18:1` is `c18_1`, not `c181`; `Vitamin B1 2` is not `Vitamin B12`), and a
/// `*` right after a lone letter is kept (`a*` is the CIELAB coordinate, not `a` with a footnote).
/// Letters with diacritics lose them (`ä` → `a`, `é` → `e`), `ß` becomes `ss`, `æ`/`œ` become
/// `ae`/`oe`, the micro sign becomes `u` and Greek letters are spelt out (`β` → `beta`). A text with no
/// letter or digit at all is its own key (`#`, `±`), lower-cased.
enum LexiconKey {
  /// The key of `text`.
  static func make(_ text: Substring) -> String {
    var key = ""
    var lastWasDigit = false
    var gap = false
    var tokenLength = 0
    for scalar in text.unicodeScalars {
      let v = scalar.value
      if v < 0x80 {
        switch v {
        case 0x30...0x39:
          if lastWasDigit && gap { key.unicodeScalars.append("_") }
          key.unicodeScalars.append(scalar)
          lastWasDigit = true
          if gap { tokenLength = 0 }
          gap = false
          tokenLength += 1
        case 0x41...0x5A, 0x61...0x7A:
          key.unicodeScalars.append(Unicode.Scalar(UInt8(v | 0x20)))
          lastWasDigit = false
          if gap { tokenLength = 0 }
          gap = false
          tokenLength += 1
        case 0x2A where tokenLength == 1 && !gap && !lastWasDigit:
          key.unicodeScalars.append(scalar)
          tokenLength = 0
          gap = true
        default:
          gap = true
        }
        continue
      }
      guard let folded = fold(scalar) else {
        gap = true
        continue
      }
      key += folded
      lastWasDigit = false
      if gap { tokenLength = 0 }
      gap = false
      tokenLength += folded.utf8.count
    }
    if key.isEmpty {
      return text.trimmingWhitespace().lowercased()
    }
    return key
  }

  static func make(_ text: String) -> String { make(text[...]) }

  /// The letters a non-ASCII letter folds to, or nil for anything that is not a letter.
  static func fold(_ scalar: Unicode.Scalar) -> String? {
    switch scalar.value {
    case 0xC0...0xC5, 0xE0...0xE5, 0x100...0x105: return "a"
    case 0xC6, 0xE6: return "ae"
    case 0xC7, 0xE7, 0x106...0x10D: return "c"
    case 0xD0, 0xF0, 0x10E...0x111: return "d"
    case 0xC8...0xCB, 0xE8...0xEB, 0x112...0x11B: return "e"
    case 0xCC...0xCF, 0xEC...0xEF, 0x128...0x131: return "i"
    case 0xD1, 0xF1, 0x143...0x148: return "n"
    case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8, 0x14C...0x151: return "o"
    case 0x152, 0x153: return "oe"
    case 0xD9...0xDC, 0xF9...0xFC, 0x168...0x173: return "u"
    case 0xDD, 0xFD, 0xFF, 0x178: return "y"
    case 0xDF: return "ss"
    case 0xDE, 0xFE: return "th"
    case 0x141, 0x142: return "l"
    case 0x15A...0x161: return "s"
    case 0x179...0x17E: return "z"
    case 0x158...0x159: return "r"
    case 0x162...0x165: return "t"
    case 0x11C...0x123: return "g"
    case 0xB5, 0x3BC, 0x39C: return "u"
    case 0x3B1, 0x391: return "alpha"
    case 0x3B2, 0x392: return "beta"
    case 0x3B3, 0x393: return "gamma"
    case 0x3B4, 0x394: return "delta"
    case 0x3C9, 0x3A9: return "omega"
    case 0x3C1: return "rho"
    case 0x3B7: return "eta"
    case 0x3A3, 0x3C3: return "sum"
    default: return nil
    }
  }

  /// `text` with German umlauts written out (`Säure` → `Saeure`), or nil when it has none; the
  /// dictionary knows names in both spellings.
  static func umlautsWrittenOut(_ text: String) -> String? {
    guard text.unicodeScalars.contains(where: { "äöüÄÖÜ".unicodeScalars.contains($0) }) else { return nil }
    var out = ""
    for ch in text {
      switch ch {
      case "ä": out += "ae"
      case "ö": out += "oe"
      case "ü": out += "ue"
      case "Ä": out += "Ae"
      case "Ö": out += "Oe"
      case "Ü": out += "Ue"
      default: out.append(ch)
      }
    }
    return out
  }
}

extension StringProtocol {
  /// The text without white space (including no-break spaces) at either end.
  func trimmingWhitespace() -> Substring {
    let s = Substring(self)
    guard let first = s.firstIndex(where: { !$0.isWhitespace }) else { return s[s.endIndex...] }
    let last = s.lastIndex(where: { !$0.isWhitespace })!
    return s[first...last]
  }
}
