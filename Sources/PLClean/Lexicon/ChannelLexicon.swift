/// What a logger column measures (`temperature`, `pressure`, `flow`, `speed`, `torque`, `level`,
/// `humidity`, `ph`, `conductivity`, `power`, …), from the words of its name and its unit, as listed
/// in `Data/channels.csv` and `Data/lexicon_units.csv`.
///
/// The name is read first for a whole word (`Temperatur`, `pressure`, `Drehzahl`, also inside a
/// compound: `Produkttemperatur`, `Homogenisierdruck`), then the unit (`psi`, `°F`, `L/h`), then the
/// letters of an instrument tag (`TT-101`, `PIC-201`), last a short stem (`T`, `P` in `T_inlet`,
/// `die_P`).
public struct ChannelLexicon: Sendable {
  public static let shared = ChannelLexicon(bytes: PackageResources.channels_csv)

  private var words: [String: String] = [:]
  /// Stems found inside compounds, longest first.
  private var stems: [(stem: String, quantity: String)] = []
  private var shorts: [String: String] = [:]
  private var tags: [String: String] = [:]
  /// Malformed lines of the data file, and terms given to two quantities.
  public private(set) var problems: [String] = []

  init(bytes: [UInt8]) {
    let table = LexiconTable(name: "channels.csv", bytes: bytes)
    problems = table.problems
    guard let q = table.column("quantity"), let k = table.column("kind"), let t = table.column("terms") else {
      problems.append("channels.csv: the columns quantity, kind and terms are missing")
      return
    }
    for row in table.rows {
      let quantity = row[q]
      for term in LexiconTable.terms(row[t]) {
        let key = LexiconKey.make(term)
        switch row[k] {
        case "word":
          if let other = words[key], other != quantity { problems.append("channels.csv: \(term) is \(other) and \(quantity)") }
          if words[key] == nil { words[key] = quantity }
          if key.count >= 4 { stems.append((key, quantity)) }
        case "short":
          if let other = shorts[key], other != quantity { problems.append("channels.csv: \(term) is \(other) and \(quantity)") }
          if shorts[key] == nil { shorts[key] = quantity }
        case "tag":
          if let other = tags[key], other != quantity { problems.append("channels.csv: tag \(term) is \(other) and \(quantity)") }
          if tags[key] == nil { tags[key] = quantity }
        default:
          problems.append("channels.csv: unknown kind \(row[k])")
        }
      }
    }
    stems.sort { $0.stem.count > $1.stem.count }
  }

  /// The quantity a column called `name` (a header: `TT-101 Preheat (°F)`, `die_P_bar`, or a channel
  /// name) measures, with `unit` when it is known apart from the name; nil when neither says.
  public func quantity(for name: String, unit: String? = nil) -> String? {
    let parts = HeaderText.parse(name)
    let words = Self.words(parts.name)
    if let quantity = quantity(ofWordKeys: words) { return quantity }
    for text in [unit, parts.unit].compactMap({ $0 }) {
      if let quantity = UnitSpellings.shared.lookup(text)?.quantity { return quantity }
    }
    if let tag = parts.tag ?? words.first.flatMap({ tags[$0] != nil ? $0 : nil }) {
      let letters = LexiconKey.make(tag).prefix { $0.isLetter }
      if let quantity = tags[String(letters)] ?? tags[String(letters.prefix(2))] { return quantity }
    }
    for word in words {
      if let quantity = shorts[word] { return quantity }
      let letters = String(word.prefix { $0.isLetter })
      if letters.count < word.count, let quantity = shorts[letters] { return quantity }
    }
    return nil
  }

  /// The quantity the whole words of `text` name (`Temp`, `Produkttemperatur`), ignoring units, tags
  /// and short stems.
  func quantity(ofWords text: some StringProtocol) -> String? {
    quantity(ofWordKeys: Self.words(String(text)))
  }

  private func quantity(ofWordKeys keys: [String]) -> String? {
    for key in keys {
      if let quantity = words[key] { return quantity }
    }
    for key in keys where key.count > 4 {
      for entry in stems where key.contains(entry.stem) { return entry.quantity }
    }
    return nil
  }

  /// The keys of the words of a channel name: split at anything but letters and digits, and between a
  /// lower-case and an upper-case letter (`outletTemp` → `outlet`, `temp`).
  static func words(_ name: String) -> [String] {
    var out: [String] = []
    var current = ""
    var previousLower = false
    for ch in name {
      let isWordChar = ch.isLetter || ch.isNumber
      if !isWordChar || (previousLower && ch.isUppercase && current.count > 1) {
        if !current.isEmpty { out.append(LexiconKey.make(current)) }
        current = ""
      }
      if isWordChar { current.append(ch) }
      previousLower = ch.isLowercase
    }
    if !current.isEmpty { out.append(LexiconKey.make(current)) }
    return out.filter { !$0.isEmpty }
  }
}
