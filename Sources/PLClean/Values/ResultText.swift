/// A lab result cell taken apart: `12.3`, `<0,05 mg/kg`, `n.d.`, `12.3 ± 0.4`, `Absent/25 g`.
///
/// A censored or qualitative result has no `value`: nothing here substitutes LOQ/2 or zero.
/// ``substitute(_:)`` does that for callers that ask for it by name.
public struct ParsedResult: Hashable, Sendable {
  public enum Kind: String, Hashable, Sendable {
    /// A plain number (`value` is set).
    case number
    /// Below or above a limit (`<0.05`, `>100`, `n.d.`, `<LOQ`): `qualifier` and maybe `limit`.
    case censored
    /// A word result: `positive`, `absent`, `trace`, `conforms`.
    case qualitative
    /// Nothing in the cell (``, `-`, `—`).
    case empty
    /// The lab says it did not analyse this (`n.a.`, `n.b.`, `not analysed`).
    case notAnalysed
    /// Text that is none of the above; the caller keeps it and notes it.
    case unparsed
  }

  /// Where `limit` came from.
  public enum LimitSource: String, Hashable, Sendable {
    /// Printed in the cell (`<0.05`).
    case printed
    /// The LOQ the caller passed (`<LOQ`, `<BG`, `n.d.` without a LOD).
    case loq
    /// The LOD the caller passed (`<LOD`, `<NG`, `n.d.`).
    case lod
  }

  public var kind: Kind
  public var value: LabNumber?
  /// `<`, `>`, `<=`, `>=`, `ND`, `trace`, `positive`, `negative`, `conforms`, `not-conforming`,
  /// `absent`, `present`, `detected`.
  public var qualifier: String?
  public var limit: LabNumber?
  public var limitSource: LimitSource?
  public var uncertainty: LabNumber?
  /// A unit written in the cell after the number, as printed (`g/100g`, `KbE/g`, `%`).
  public var unitText: String?
  /// A footnote marker removed from the end (`*`, `*)`, `¹`, `a)`).
  public var footnote: String?
  /// The test portion of a presence/absence result (`25 g` in `absent in 25 g`).
  public var portion: String?

  public init(
    kind: Kind, value: LabNumber? = nil, qualifier: String? = nil, limit: LabNumber? = nil,
    limitSource: LimitSource? = nil, uncertainty: LabNumber? = nil, unitText: String? = nil,
    footnote: String? = nil, portion: String? = nil
  ) {
    self.kind = kind
    self.value = value
    self.qualifier = qualifier
    self.limit = limit
    self.limitSource = limitSource
    self.uncertainty = uncertainty
    self.unitText = unitText
    self.footnote = footnote
    self.portion = portion
  }

  /// How a censored result may be replaced by a number, when a caller explicitly asks.
  public enum Substitution: String, Hashable, Sendable, CaseIterable {
    /// Half the limit (`<0.05` → 0.025).
    case half
    /// The limit itself.
    case limit
    /// Zero.
    case zero
  }

  /// The number to use for this result under `policy`: the value of a plain number; for a
  /// result below a known limit (`<`, `<=`, `ND`) the policy's substitute; for one above a limit
  /// (`>`, `>=`) only the limit itself. Nil otherwise: a word result never becomes a number.
  public func substitute(_ policy: Substitution) -> LabNumber? {
    switch kind {
    case .number:
      return value
    case .censored:
      guard let limit, let parts = limit.parts else { return nil }
      let below = qualifier == "<" || qualifier == "<=" || qualifier == "ND"
      switch policy {
      case .limit: return limit
      case .half: return below ? parts.halved().number(percent: false) : nil
      case .zero: return below ? LabNumber(text: "0", value: 0) : nil
      }
    default:
      return nil
    }
  }
}

/// Parses result cells. Numbers go first and stay on bytes; words are looked up in a small table
/// of the forms English, German, French and Dutch labs print.
public enum ResultText {
  /// The parts of `text`. `loq` and `lod` are the limits printed elsewhere for this result
  /// (a LOQ column); they fill `limit` for `<LOQ`, `<LOD`, `<BG`, `<NG` and `n.d.`.
  public static func parse(
    _ text: String, decimal: DecimalMark, loq: LabNumber? = nil, lod: LabNumber? = nil
  ) -> ParsedResult {
    var text = text
    return text.withUTF8 { parse(bytes: $0, decimal: decimal, loq: loq, lod: lod) }
  }

  /// ``parse(_:decimal:loq:lod:)`` for a `Substring`.
  public static func parse(
    _ text: Substring, decimal: DecimalMark, loq: LabNumber? = nil, lod: LabNumber? = nil
  ) -> ParsedResult {
    var text = text
    return text.withUTF8 { parse(bytes: $0, decimal: decimal, loq: loq, lod: lod) }
  }

  static func parse(
    bytes p: UnsafeBufferPointer<UInt8>, decimal: DecimalMark, loq: LabNumber?, lod: LabNumber?
  ) -> ParsedResult {
    var start = Bytes.skipSpaces(p, 0, p.count)
    var end = Bytes.trimSpacesBack(p, start, p.count)
    if start == end { return ParsedResult(kind: .empty) }
    // Most cells are a plain number: read them without looking for anything else.
    if let scan = NumberText.scan(p, start, end, decimal: decimal, percentSign: false), scan.end == end {
      return ParsedResult(kind: .number, value: scan.number)
    }
    var footnote: String? = nil
    if let (markerStart, newEnd) = footnoteMarker(p, start, end) {
      footnote = String(decoding: UnsafeBufferPointer(rebasing: p[markerStart..<end]), as: UTF8.self)
      end = newEnd
      if start == end { return ParsedResult(kind: .unparsed, footnote: footnote) }
    }
    var result: ParsedResult
    if let comparison = comparison(p, start, end) {
      start = Bytes.skipSpaces(p, comparison.end, end)
      result = censored(p, start, end, qualifier: comparison.qualifier, decimal: decimal, loq: loq, lod: lod)
    } else if let numeric = numberWithExtras(p, start, end, decimal: decimal) {
      result = numeric
    } else {
      let word = UnsafeBufferPointer(rebasing: p[start..<end])
      result = words(word, decimal: decimal, loq: loq, lod: lod)
    }
    result.footnote = footnote
    return result
  }

  // MARK: Numbers

  /// `12.3`, `12,3 ± 0,4 mg/kg`, `12.3 g/100g`.
  static func numberWithExtras(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, decimal: DecimalMark) -> ParsedResult? {
    guard let scan = NumberText.scan(p, start, end, decimal: decimal, percentSign: false) else { return nil }
    if scan.end == end { return ParsedResult(kind: .number, value: scan.number) }
    var i = Bytes.skipSpaces(p, scan.end, end)
    var uncertainty: LabNumber? = nil
    if let after = plusMinus(p, i, end) {
      let j = Bytes.skipSpaces(p, after, end)
      guard let u = NumberText.scan(p, j, end, decimal: decimal, percentSign: false) else { return nil }
      uncertainty = u.number
      i = Bytes.skipSpaces(p, u.end, end)
      if i == end { return ParsedResult(kind: .number, value: scan.number, uncertainty: uncertainty) }
    }
    guard i > scan.end || startsUnit(p[i]), let unit = unitText(p, i, end) else { return nil }
    return ParsedResult(kind: .number, value: scan.number, uncertainty: uncertainty, unitText: unit)
  }

  /// `±`, `+/-`, `+-`.
  static func plusMinus(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
    guard i < end else { return nil }
    if p[i] == 0xC2 && i + 1 < end && p[i + 1] == 0xB1 { return i + 2 }
    if p[i] == UInt8(ascii: "+") {
      if i + 2 < end && p[i + 1] == UInt8(ascii: "/") && p[i + 2] == UInt8(ascii: "-") { return i + 3 }
      if i + 1 < end && p[i + 1] == UInt8(ascii: "-") { return i + 2 }
    }
    return nil
  }

  /// A unit may follow a number directly (`12mg/kg`, `12%`) but not as more digits or marks.
  private static func startsUnit(_ b: UInt8) -> Bool {
    !(Bytes.isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: ",") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+"))
  }

  /// The rest of the cell as a unit: it must start like one and hold no further number-only text.
  private static func unitText(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> String? {
    guard i < end, startsUnit(p[i]) else { return nil }
    let b = p[i]
    // A unit starts with a letter, `%`, `°`, `µ`/`μ`, `/` or a bracket.
    let ok = (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b == UInt8(ascii: "%") || b == UInt8(ascii: "/") || b == UInt8(ascii: "(") || b == UInt8(ascii: "[") || b >= 0xC2
    guard ok else { return nil }
    return String(decoding: UnsafeBufferPointer(rebasing: p[i..<end]), as: UTF8.self)
  }

  // MARK: Censored

  struct Comparison { var qualifier: String; var end: Int }

  /// `<`, `<=`, `≤`, `>`, `>=`, `≥` at the start of the cell.
  static func comparison(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Comparison? {
    let b = p[i]
    if b == UInt8(ascii: "<") || b == UInt8(ascii: ">") {
      let less = b == UInt8(ascii: "<")
      if i + 1 < end && p[i + 1] == UInt8(ascii: "=") { return Comparison(qualifier: less ? "<=" : ">=", end: i + 2) }
      return Comparison(qualifier: less ? "<" : ">", end: i + 1)
    }
    if b == 0xE2 && i + 2 < end && p[i + 1] == 0x89 && (p[i + 2] == 0xA4 || p[i + 2] == 0xA5) {
      return Comparison(qualifier: p[i + 2] == 0xA4 ? "<=" : ">=", end: i + 3)
    }
    return nil
  }

  /// What follows a comparison: a number (with an optional unit), or the name of a limit.
  static func censored(
    _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, qualifier: String, decimal: DecimalMark,
    loq: LabNumber?, lod: LabNumber?
  ) -> ParsedResult {
    guard start < end else { return ParsedResult(kind: .unparsed) }
    if let numeric = numberWithExtras(p, start, end, decimal: decimal), numeric.uncertainty == nil, let limit = numeric.value {
      return ParsedResult(kind: .censored, qualifier: qualifier, limit: limit, limitSource: .printed, unitText: numeric.unitText)
    }
    let word = normalised(String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self))
    switch limitNames[word] {
    case .loq?: return ParsedResult(kind: .censored, qualifier: qualifier, limit: loq, limitSource: loq == nil ? nil : .loq)
    case .lod?: return ParsedResult(kind: .censored, qualifier: qualifier, limit: lod, limitSource: lod == nil ? nil : .lod)
    default: return ParsedResult(kind: .unparsed)
    }
  }

  enum LimitName { case loq, lod }

  /// Names of limits written after `<`, normalised (lower case, no spaces or dots).
  static let limitNames: [String: LimitName] = [
    "loq": .loq, "lq": .loq, "ql": .loq, "bg": .loq, "bestimmungsgrenze": .loq, "lc": .loq, "lod": .lod,
    "ld": .lod, "dl": .lod, "ng": .lod, "nwg": .lod, "nachweisgrenze": .lod, "aantoonbaarheidsgrens": .lod,
    "rapportagegrens": .loq, "limitededétection": .lod, "limitedequantification": .loq,
  ]

  // MARK: Words

  /// What a word result means.
  enum Word {
    case notDetected
    case qualitative(String)
    case empty
    case notAnalysed
  }

  /// Word results, normalised: lower case, without spaces, dots and hyphens.
  static let wordTable: [String: Word] = {
    var table: [String: Word] = [:]
    func add(_ word: Word, _ spellings: [String]) { for s in spellings { table[normalised(s)] = word } }
    add(.notDetected, [
      "ND", "n.d.", "n. d.", "n.n.", "not detected", "non detected", "not detectable", "nicht nachweisbar",
      "nicht nachgewiesen", "non détecté", "non detecte", "non détectable", "niet aantoonbaar",
      "niet gedetecteerd", "bdl", "below detection limit",
    ])
    add(.qualitative("absent"), ["absent", "absence", "abwesend", "afwezig", "nicht vorhanden"])
    add(.qualitative("present"), ["present", "présent", "presence", "anwesend", "vorhanden", "aanwezig"])
    add(.qualitative("detected"), ["detected", "nachweisbar", "nachgewiesen", "détecté", "aantoonbaar", "gedetecteerd"])
    add(.qualitative("trace"), ["trace", "traces", "Spuren", "Spur", "sporen", "spoor"])
    add(.qualitative("positive"), ["positive", "positiv", "pos.", "pos", "positief", "positif", "positivo", "+"])
    add(.qualitative("negative"), ["negative", "negativ", "neg.", "neg", "negatief", "négatif", "negatif", "negativo"])
    add(.qualitative("conforms"), [
      "conforms", "conform", "complies", "compliant", "pass", "passes", "entspricht", "konform", "conforme", "voldoet",
    ])
    add(.qualitative("not-conforming"), [
      "not conforming", "does not conform", "non conforming", "nonconforming", "not compliant", "does not comply",
      "fail", "fails", "entspricht nicht", "nicht konform", "non conforme", "voldoet niet",
    ])
    add(.empty, ["-", "--", "—", "–", "/", "·", "…", "..."])
    add(.notAnalysed, [
      "n.a.", "n/a", "n.b.", "n.t.", "not analysed", "not analyzed", "not tested", "not determined",
      "nicht bestimmt", "nicht analysiert", "nicht untersucht", "non analysé", "non déterminé", "niet bepaald",
      "niet geanalyseerd",
    ])
    return table
  }()

  /// Lower case without spaces, dots and hyphens, so `N.D.`, `n. d.` and `nd` are one key.
  /// Dashes alone are kept: they are the empty markers.
  static func normalised(_ text: String) -> String {
    let lower = text.lowercased()
    let stripped = String(lower.unicodeScalars.filter { $0 != " " && $0 != "." && $0 != "\u{A0}" && $0 != "-" && $0 != "\t" }.map(Character.init))
    return stripped.isEmpty ? String(lower.filter { $0 != " " }) : stripped
  }

  /// ``normalised(_:)`` for ASCII text without building intermediate strings; nil for other text.
  static func asciiKey(_ p: UnsafeBufferPointer<UInt8>) -> String? {
    guard p.count <= 32 else { return nil }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { out -> String? in
      var n = 0
      for b in p {
        guard b < 0x80 else { return nil }
        if b == 0x20 || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == 0x09 { continue }
        out[n] = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b
        n += 1
      }
      guard n > 0 else { return nil }
      return String(decoding: UnsafeBufferPointer(rebasing: out[..<n]), as: UTF8.self)
    }
  }

  static func words(_ p: UnsafeBufferPointer<UInt8>, decimal: DecimalMark, loq: LabNumber?, lod: LabNumber?) -> ParsedResult {
    if let word = lookupWord(p) { return result(word, portion: nil, loq: loq, lod: lod) }
    // `absent in 25 g`, `Absent/25 g`, `n.n. in 25 g`: a word and the test portion.
    if let (phraseEnd, portionStart) = splitPortion(p, decimal: decimal),
      let word = lookupWord(UnsafeBufferPointer(rebasing: p[0..<phraseEnd]))
    {
      let portion = String(decoding: UnsafeBufferPointer(rebasing: p[portionStart...]), as: UTF8.self)
      return result(word, portion: portion, loq: loq, lod: lod)
    }
    return ParsedResult(kind: .unparsed)
  }

  private static func lookupWord(_ p: UnsafeBufferPointer<UInt8>) -> Word? {
    if let key = asciiKey(p) { return wordTable[key] }
    return wordTable[normalised(String(decoding: p, as: UTF8.self))]
  }

  private static func result(_ word: Word, portion: String?, loq: LabNumber?, lod: LabNumber?) -> ParsedResult {
    switch word {
    case .notDetected:
      if let portion { return ParsedResult(kind: .qualitative, qualifier: "absent", portion: portion) }
      if let lod { return ParsedResult(kind: .censored, qualifier: "ND", limit: lod, limitSource: .lod) }
      if let loq { return ParsedResult(kind: .censored, qualifier: "ND", limit: loq, limitSource: .loq) }
      return ParsedResult(kind: .censored, qualifier: "ND")
    case .qualitative(let q):
      return ParsedResult(kind: .qualitative, qualifier: q, portion: portion)
    case .empty:
      return portion == nil ? ParsedResult(kind: .empty) : ParsedResult(kind: .unparsed)
    case .notAnalysed:
      return portion == nil ? ParsedResult(kind: .notAnalysed) : ParsedResult(kind: .unparsed)
    }
  }

  /// Separators between a word and its test portion, lower case.
  private static let portionSeparators: [[UInt8]] = [" in ", "/", " per ", " pro ", " dans ", " en "].map { Array($0.utf8) }
  /// Units a test portion is weighed or measured in, lower case.
  private static let portionUnits: Set<[UInt8]> = Set(["g", "kg", "mg", "ml", "l", "g.", "ml."].map { Array($0.utf8) })

  /// Where the word ends and the portion starts in `word in 25 g`, `word/25 g`, `word per 25 g`,
  /// `word in 25g`: the portion is a number and a unit of mass or volume.
  static func splitPortion(_ p: UnsafeBufferPointer<UInt8>, decimal: DecimalMark) -> (Int, Int)? {
    for separator in portionSeparators {
      var k = p.count - separator.count
      while k > 0 {
        var match = true
        for (j, s) in separator.enumerated() where (p[k + j] >= 0x41 && p[k + j] <= 0x5A ? p[k + j] | 0x20 : p[k + j]) != s {
          match = false
          break
        }
        if match { break }
        k -= 1
      }
      guard k > 0 else { continue }
      let portionStart = Bytes.skipSpaces(p, k + separator.count, p.count)
      var i = portionStart
      while i < p.count && (Bytes.isDigit(p[i]) || p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",")) { i += 1 }
      guard i > portionStart, NumberText.parse(bytes: UnsafeBufferPointer(rebasing: p[portionStart..<i]), decimal: decimal) != nil else { continue }
      let unitStart = Bytes.skipSpaces(p, i, p.count)
      let unit = p[unitStart...].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
      guard portionUnits.contains(unit) else { continue }
      return (Bytes.trimSpacesBack(p, 0, k), portionStart)
    }
    return nil
  }

  // MARK: Footnotes

  /// A footnote marker at the end of `p[start..<end]`: `*`, `**`, `*)`, `¹`, ` a)`, ` 1)`, `†`;
  /// returns where the marker starts and where the text before it (without spaces) ends.
  static func footnoteMarker(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int)? {
    var i = end
    // `*`, `**`, `*)`
    if p[i - 1] == UInt8(ascii: ")") && i - 2 >= start && p[i - 2] == UInt8(ascii: "*") { i -= 1 }
    if p[i - 1] == UInt8(ascii: "*") {
      while i > start && p[i - 1] == UInt8(ascii: "*") { i -= 1 }
      return (i, Bytes.trimSpacesBack(p, start, i))
    }
    // ` a)`, ` 1)`: a single letter or digit and a parenthesis after a space.
    if end - start >= 4 && p[end - 1] == UInt8(ascii: ")") && p[end - 3] == 0x20 {
      let c = p[end - 2]
      if (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "1") && c <= UInt8(ascii: "9")) {
        return (end - 2, Bytes.trimSpacesBack(p, start, end - 2))
      }
    }
    // Superscript digits ¹ ² ³ (C2 B9/B2/B3) and ⁴–⁹ (E2 81 B4–B9), daggers † ‡ (E2 80 A0/A1).
    var j = end
    while j > start {
      if j - 2 >= start && p[j - 2] == 0xC2 && (p[j - 1] == 0xB9 || p[j - 1] == 0xB2 || p[j - 1] == 0xB3) {
        j -= 2
      } else if j - 3 >= start && p[j - 3] == 0xE2 && p[j - 2] == 0x81 && p[j - 1] >= 0xB4 && p[j - 1] <= 0xB9 {
        j -= 3
      } else if j - 3 >= start && p[j - 3] == 0xE2 && p[j - 2] == 0x80 && (p[j - 1] == 0xA0 || p[j - 1] == 0xA1) {
        j -= 3
      } else {
        break
      }
    }
    if j < end { return (j, Bytes.trimSpacesBack(p, start, j)) }
    return nil
  }
}
