import Synchronization

/// The analyte dictionary of `Data/analytes.csv`: canonical codes, their units, and the names labs
/// print for them in English, German, French, Dutch, Italian and Spanish.
///
/// `match(_:)` compares names by their `LexiconKey` (case, accents, punctuation and spacing do not
/// matter) and only exactly: `Vitamin B1` never matches `Vitamin B12`, nor `C18:1` `C18:1 trans`, nor
/// `Fat` `Saturated fat`. What labs add around a name is read and set aside first (see `AnalyteName`):
/// footnote markers, a unit in brackets, a nitrogen factor, a dry-matter basis, `davon`/`of which`, a
/// method remark, an incubation temperature. Every name's key is computed once, when the dictionary
/// loads; a plain name costs one key and one hash lookup, and names that needed the slower reading are
/// remembered.
public final class AnalyteDictionary: Sendable {
  public static let shared = AnalyteDictionary(bytes: PackageResources.analytes_csv)

  public let analytes: [Analyte]
  /// Malformed lines of the data file, and names given to two codes (the first code keeps the name).
  public let problems: [String]
  let index: [String: Int]
  let words: MatchingWords
  private let remembered = Mutex<[String: AnalyteMatch?]>([:])
  private static let rememberedLimit = 4096

  init(bytes: [UInt8]) {
    let table = LexiconTable(name: "analytes.csv", bytes: bytes)
    var problems = table.problems
    var analytes: [Analyte] = []
    var index: [String: Int] = [:]
    let nameColumns = ["en", "de", "fr", "nl", "it", "es", "other"].compactMap { table.column($0) }
    if let c = table.column("code"), let u = table.column("unit"), let k = table.column("kind"), let n = table.column("notes") {
      for row in table.rows {
        let code = row[c]
        var names = [code]
        for column in nameColumns { names += LexiconTable.terms(row[column]) }
        let position = analytes.count
        analytes.append(Analyte(code: code, canonicalUnit: row[u].isEmpty ? nil : row[u], kind: row[k], names: names, notes: row[n]))
        for name in names {
          for spelling in [name, LexiconKey.umlautsWrittenOut(name)].compactMap({ $0 }) {
            let key = LexiconKey.make(spelling)
            if let other = index[key] {
              if other != position { problems.append("analytes.csv: \"\(name)\" is a name of \(analytes[other].code) and of \(code)") }
            } else {
              index[key] = position
            }
          }
        }
      }
    } else {
      problems.append("analytes.csv: the columns code, unit, kind and notes are missing")
    }
    let words = MatchingWords(bytes: PackageResources.lexicon_words_csv)
    self.analytes = analytes
    self.index = index
    self.words = words
    self.problems = problems + words.problems
  }

  private init(analytes: [Analyte], index: [String: Int], words: MatchingWords, problems: [String]) {
    self.analytes = analytes
    self.index = index
    self.words = words
    self.problems = problems
  }

  /// This dictionary with more names for known analytes (a spec's `analytes:`), for one run.
  ///
  /// - Returns: the dictionary, or the first code it does not know.
  public func adding(synonyms: [(code: String, names: [String])]) -> Result<AnalyteDictionary, UnknownAnalyteCode> {
    var analytes = self.analytes
    var index = self.index
    for (code, names) in synonyms {
      guard let position = index[LexiconKey.make(code)], analytes[position].code == code else { return .failure(UnknownAnalyteCode(code: code)) }
      let a = analytes[position]
      analytes[position] = Analyte(code: a.code, canonicalUnit: a.canonicalUnit, kind: a.kind, names: a.names + names, notes: a.notes)
      for name in names {
        // The spec's word wins over the built-in one for this run.
        for spelling in [name, LexiconKey.umlautsWrittenOut(name)].compactMap({ $0 }) { index[LexiconKey.make(spelling)] = position }
      }
    }
    return .success(AnalyteDictionary(analytes: analytes, index: index, words: words, problems: problems))
  }

  /// A code `adding(synonyms:)` was given that is not an analyte's.
  public struct UnknownAnalyteCode: Error, Equatable, Sendable {
    public var code: String
  }

  /// The analyte with canonical code `code`.
  public func analyte(code: String) -> Analyte? {
    index[LexiconKey.make(code)].map { analytes[$0] }.flatMap { $0.code == code ? $0 : nil }
  }

  /// Whether `name`, exactly as it is (no footnote, unit or qualifier taken off), is a name of an analyte.
  public func knows(_ name: some StringProtocol) -> Bool {
    index[LexiconKey.make(Substring(name))] != nil
  }

  /// The analyte `printed` names, or nil when the dictionary does not know it.
  public func match(_ printed: String) -> AnalyteMatch? {
    if Self.isPlain(printed), let position = index[LexiconKey.make(printed)] {
      let analyte = analytes[position]
      return AnalyteMatch(code: analyte.code, canonicalUnit: analyte.canonicalUnit, kind: analyte.kind, name: printed)
    }
    if let known = remembered.withLock({ $0[printed] }) { return known }
    let found = AnalyteName(printed, words: words).match { key in index[key].map { analytes[$0] } }
    remembered.withLock { cache in
      if cache.count >= Self.rememberedLimit { cache.removeAll(keepingCapacity: true) }
      cache[printed] = .some(found)
    }
    return found
  }

  /// A snake_case code for a name the dictionary does not know: its footnote marker and unit taken off,
  /// umlauts written out (`Säure` → `saeure`), other accents dropped, anything but letters and digits
  /// turned into single underscores (`Gluten-Peptide (R5)` → `gluten_peptide_r5`). A name with no letter
  /// or digit gives `unnamed`. The caller notes that the analyte was not known.
  public static func fallbackCode(_ printed: String) -> String {
    let name = AnalyteName.cleaned(printed)
    let written = LexiconKey.umlautsWrittenOut(name) ?? name
    var code = ""
    var pendingUnderscore = false
    for scalar in written.unicodeScalars {
      let piece: String?
      if scalar.isASCII {
        let v = scalar.value
        piece = (0x30...0x39).contains(v) || (0x61...0x7A).contains(v) ? String(scalar)
          : (0x41...0x5A).contains(v) ? String(Unicode.Scalar(UInt8(v | 0x20))) : nil
      } else {
        piece = LexiconKey.fold(scalar)
      }
      guard let piece else {
        pendingUnderscore = true
        continue
      }
      if pendingUnderscore && !code.isEmpty { code += "_" }
      pendingUnderscore = false
      code += piece
    }
    return code.isEmpty ? "unnamed" : code
  }

  /// Whether the fast path may take `printed` as it is: no bracket, footnote or unit sign, no white
  /// space to tidy.
  static func isPlain(_ printed: String) -> Bool {
    var previousSpace = true
    for scalar in printed.unicodeScalars {
      switch scalar {
      case "(", ")", "[", "]", "{", "}", "*", "%", "#", "†", "‡", "§", "°", "\t", "\n", "\r", "\u{A0}", "\u{FEFF}":
        return false
      case " ":
        if previousSpace { return false }
        previousSpace = true
        continue
      default:
        if (0x2070...0x209F).contains(scalar.value) || scalar == "¹" || scalar == "²" || scalar == "³" { return false }
      }
      previousSpace = false
    }
    return !previousSpace
  }
}
