/// The words of `Data/lexicon_words.csv` that the analyte matcher reads around a name, each phrase as
/// the keys of its words (`of which` → `["of", "which"]`) or, for a basis, as one key (`i. Tr.` → `itr`).
struct MatchingWords: Sendable {
  var prefixes: [[String]] = []
  var leading: [[String]] = []
  var trailing: [[String]] = []
  var method: [[String]] = []
  var identity: Set<String> = []
  var dryBasis: Set<String> = []
  var asIsBasis: Set<String> = []
  var problems: [String] = []

  init(bytes: [UInt8]) {
    let table = LexiconTable(name: "lexicon_words.csv", bytes: bytes)
    problems = table.problems
    guard let k = table.column("kind"), let w = table.column("words") else {
      problems.append("lexicon_words.csv: the columns kind and words are missing")
      return
    }
    for row in table.rows {
      let terms = LexiconTable.terms(row[w])
      let phrases = terms.map { Self.wordKeys($0[...]) }
      switch row[k] {
      case "prefix": prefixes += phrases
      case "leading": leading += phrases
      case "trailing": trailing += phrases
      case "method": method += phrases
      case "identity": identity.formUnion(terms.map { LexiconKey.make($0) })
      case "dry_basis": dryBasis.formUnion(terms.map { LexiconKey.make($0) })
      case "as_is_basis": asIsBasis.formUnion(terms.map { LexiconKey.make($0) })
      default: problems.append("lexicon_words.csv: unknown kind \(row[k])")
      }
    }
    // Longer phrases first, so that "- davon" wins over "davon".
    prefixes.sort { $0.count > $1.count }
    leading.sort { $0.count > $1.count }
    trailing.sort { $0.count > $1.count }
  }

  /// The keys of the words of `text`, without words that have no letter or digit.
  static func wordKeys(_ text: Substring) -> [String] {
    text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { LexiconKey.make($0) }
      .filter { $0.first.map { $0.isLetter || $0.isNumber } ?? false }
  }

  func basis(_ key: String) -> AnalyteBasis? {
    if dryBasis.contains(key) { return .dryMatter }
    if asIsBasis.contains(key) { return .asReceived }
    return nil
  }
}
