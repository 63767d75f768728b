/// A key/value pair of a report's header block, under its printed label (`Lot / batch`,
/// `Kunden-Proben-ID`), and what it says about the sample.
///
/// Reports print their header in a few ways: `Label: value` in one column, two such columns
/// side by side (`Client: … Sample ID: …`), a label column and a value column without colons
/// (often a small ruled grid), and `Label: value` pairs run into one line
/// (`Sample 1 of 3  Lab ref: …  Customer ref: …`). `HeaderField.pairs` reads the colon forms
/// from one line; `LabReportReader` finds the colon-less grids from the alignment of lines.
struct HeaderField: Equatable, Sendable {
  var label: String
  var value: String
  /// Where the label and value stand.
  var box: LabReportBox
  /// Where the value starts (a value-only line below it continues it).
  var valueX: Double

  init(label: String, value: String, box: LabReportBox, valueX: Double? = nil) {
    self.label = label
    self.value = value
    self.box = box
    self.valueX = valueX ?? box.x1
  }

  /// What a header label says about the sample the rows belong to.
  enum Identity: Int, Comparable {
    /// The laboratory's own number of the sample (`Lab sample no.`, `Labor-Proben-Nr.`, `Lab ref`).
    case labSample
    /// A label naming the sample's id (`Sample ID`, `Kunden-Proben-ID`, `N° échantillon`).
    case sample
    /// The client's reference of the sample (`Customer ref`, `Your reference`), not an order's.
    case clientReference
    /// The lot or batch, the sample id of a certificate of analysis that names no sample.
    case lot

    static func < (a: Identity, b: Identity) -> Bool { a.rawValue < b.rawValue }
  }

  static let sampleWords: Set<String> = [
    "sample", "samples", "specimen", "probe", "proben", "probennummer", "probennr", "monster", "monsternummer",
    "echantillon", "campione", "muestra", "muster",
  ]
  static let labWords: Set<String> = ["lab", "labor", "laboratory", "laboratoire", "laboratorium", "laboratorio", "lims", "our", "unsere", "notre", "onze", "nostro", "nuestra", "internal", "intern", "interne"]
  static let idWords: Set<String> = [
    "id", "no", "nr", "number", "nummer", "code", "ref", "reference", "referenz", "numero", "n", "nummer", "kennung",
    "identification", "referentie", "riferimento", "referencia", "probennummer", "monsternummer", "probennr",
  ]
  static let clientWords: Set<String> = ["customer", "client", "clients", "your", "kunde", "kunden", "ihr", "ihre", "klant", "uw", "votre", "vostro", "su", "cliente"]
  static let orderWords: Set<String> = [
    "order", "orders", "po", "purchase", "auftrag", "auftrags", "bestellung", "bestell", "commande", "bestelling", "opdracht",
    "ordine", "pedido", "contract", "invoice", "project", "zeichen",
  ]
  /// `Number of samples` counts samples, it names none.
  static let countPrefixes = ["number of", "no of", "anzahl", "nombre", "aantal", "numero di", "numero de", "cantidad"]
  static let lotWords: Set<String> = ["lot", "batch", "charge", "chargen", "los", "partij", "partie", "lotto", "lote", "partita", "partida", "chargennummer", "losnummer"]

  /// What the label says about the sample, or nil when it says nothing of it.
  static func identity(of label: String) -> Identity? {
    // Compound words (`Kunden-Proben-ID`, `Labor-Proben-Nr.`) fold into their parts.
    let words = Set(LabText.words(label).map(String.init))
    let joined = LabText.key(label)
    let hasSample = !words.isDisjoint(with: sampleWords) || joined.hasPrefix("sampleid") || joined.contains("probenid")
    let hasLab = !words.isDisjoint(with: labWords)
    let hasID = !words.isDisjoint(with: idWords) || joined.hasSuffix("id") || joined.hasSuffix("nr") || joined.hasSuffix("nummer")
    let hasClient = !words.isDisjoint(with: clientWords)
    let hasOrder = !words.isDisjoint(with: orderWords)
    if hasOrder || countPrefixes.contains(where: { LabText.fold(label).hasPrefix($0) }) { return nil }
    if hasLab && (hasID || hasSample) { return .labSample }
    if hasSample && hasID { return .sample }
    if hasClient && hasID && !words.contains("no") && !words.contains("nr") { return .clientReference }
    if hasClient && hasSample { return .sample }
    if !words.isDisjoint(with: lotWords) { return .lot }
    return nil
  }

  /// The `Label: value` pairs of one line's phrases.
  ///
  /// A phrase ending in a colon labels the next phrase (`Client:` `Polderland Foods B.V.`);
  /// a phrase holding `Label: value` is split at its first colon that follows a letter and is
  /// followed by a space (times like `10:30` and `C18:1` stay whole). The label is the text
  /// after the last separator (` - `, ` | `, ` · `) before the colon, so
  /// `Sample 3 of 3 (continued) - Lab ref: X` gives `Lab ref`. A phrase with no label of its
  /// own is returned in `unlabelled`.
  static func pairs(_ phrases: [LabReportWord]) -> (pairs: [HeaderField], unlabelled: [LabReportWord]) {
    var out: [HeaderField] = []
    var unlabelled: [LabReportWord] = []
    var i = 0
    while i < phrases.count {
      let phrase = phrases[i]
      let text = phrase.text.trimmed
      if text.count > 1, text.hasSuffix(":") {
        let label = cleanLabel(String(text.dropLast()))
        if i + 1 < phrases.count, !phrases[i + 1].text.trimmed.hasSuffix(":"), let label {
          out.append(HeaderField(label: label, value: phrases[i + 1].text.trimmed, box: phrase.box.union(phrases[i + 1].box), valueX: phrases[i + 1].box.x1))
          i += 2
          continue
        }
        if let label { out.append(HeaderField(label: label, value: "", box: phrase.box)) }
        i += 1
        continue
      }
      if let (label, value) = splitInline(text) {
        // The value's own start is not known inside the phrase: no line below continues it.
        out.append(HeaderField(label: label, value: value, box: phrase.box, valueX: .infinity))
      } else {
        unlabelled.append(phrase)
      }
      i += 1
    }
    return (out, unlabelled)
  }

  /// `Report No: MFT-24-03391` → (`Report No`, `MFT-24-03391`); nil when the text holds no such colon.
  static func splitInline(_ text: String) -> (String, String)? {
    var index = text.startIndex
    while let colon = text[index...].firstIndex(of: ":") {
      let after = text.index(after: colon)
      defer { index = after }
      guard colon > text.startIndex, after < text.endIndex, text[after].isWhitespace else { continue }
      let before = text[text.index(before: colon)]
      guard before.isLetter || before == "." || before == ")" else { continue }
      let value = text[after...].trimmed
      guard !value.isEmpty, let label = cleanLabel(String(text[..<colon])) else { return nil }
      return (label, value)
    }
    return nil
  }

  /// The label as printed, trimmed, from the last separator on; nil when it cannot be a label
  /// (empty, a sentence: longer than six words).
  static func cleanLabel(_ raw: String) -> String? {
    var label = Substring(raw)
    for separator in [" - ", " – ", " | ", " · ", " • ", "; "] {
      if let end = label.lastEnd(of: separator) { label = label[end...] }
    }
    let trimmed = label.trimmed
    guard !trimmed.isEmpty, trimmed.split(separator: " ").count <= 6, trimmed.contains(where: \.isLetter) else { return nil }
    return trimmed
  }
}

extension Substring {
  /// The index just after the last occurrence of `needle`, or nil.
  func lastEnd(of needle: String) -> Substring.Index? {
    let n = Array(needle)
    guard !n.isEmpty, count >= n.count else { return nil }
    var end = endIndex
    while true {
      var i = end
      var matched = true
      for ch in n.reversed() {
        guard i > startIndex else { return nil }
        i = index(before: i)
        if self[i] != ch { matched = false; break }
      }
      if matched { return end }
      guard end > startIndex else { return nil }
      end = index(before: end)
    }
  }
}
