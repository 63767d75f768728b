import PLCore

/// What the columns of one source are, decided once from the first records (the keys of the
/// first, the values of a bounded window): the shape its records take, and the part each
/// column plays in it.
struct SourceLayout {
  enum Kind: Equatable {
    /// One row per result: analyte, result and unit columns.
    case longResult
    /// One row per sample, one column per analyte.
    case wideResult
    /// A timestamp (or time of day) and one column per channel.
    case reading
    /// One row per panelist and sample, one column per attribute.
    case score
    /// None of them: records go on as they came, with a note.
    case unknown
  }

  struct Column {
    var name: String
    var role: ColumnRole?
    var header: HeaderParts
    /// The decimal mark its values use (decided from the window).
    var decimal: DecimalMark = .point
    /// For an analyte column of a wide file.
    var analyte: AnalyteMatch?
    /// For a channel of a logger file.
    var quantity: String?
  }

  var kind: Kind = .unknown
  var columns: [Column] = []
  /// Why the shape was chosen (or not), for the note on an unknown source.
  var reason = ""

  func first(_ role: ColumnRole) -> Column? { columns.first { $0.role == role } }

  var sampleColumn: String?
  var labSampleColumn: String?
  /// Columns whose values are the analytes (wide), channels (reading) or attributes (score).
  var valueColumns: [String] = []
  /// The decimal mark of a column, by name.
  var decimals: [String: DecimalMark] = [:]
  var dateOrder: DateOrder?
  /// The column whose date is when a result was measured (see `measuredDateColumn(_:values:order:)`).
  var measuredDateColumn: String?

  /// Source-field names that the profile turns into canonical fields on their own terms.
  static let reportWords: Set<String> = ["report", "reportno", "reportnumber", "bericht", "berichtsnr", "prufbericht", "pruefbericht", "certificate", "certificateno"]
  /// Whether a heading names the report's number: a report word with or without a number
  /// word after it (`Report No.`, `Prüfbericht Nr.`, `CoA No.`, `Certificate number`).
  static func isReportNumber(_ name: String) -> Bool {
    var key = LexiconKey.make(name)
    if reportWords.contains(key) { return true }
    for suffix in ["number", "nummer", "numero", "nr", "no", "n"] where key.hasSuffix(suffix) {
      key.removeLast(suffix.count)
      return reportWords.contains(key) || reportNumberWords.contains(key)
    }
    return false
  }
  /// Words that name a report only with a number word after them (`CoA No.`, `Rapport n°`).
  static let reportNumberWords: Set<String> = ["coa", "testreport", "analysisreport", "berichts", "prufberichts", "pruefberichts", "rapport", "verslag", "informe", "rapporto", "certificateofanalysis", "analysenbericht", "untersuchungsbericht"]
  static let labWords: Set<String> = ["lab", "laboratory", "labor", "labname"]
  static let factorWords: Set<String> = ["factor", "faktor", "nfactor", "nitrogenfactor", "stickstofffaktor", "proteinfactor"]
  /// Header words saying a sample-id column holds the client's id (when a lab id is beside it).
  static let clientWords = ["customer", "client", "your", "kunde", "ihre", "klant", "uw ", "votre", "vostro", "cliente"]
  /// Header words (as lexicon keys) saying a column names the sample itself, not a reference
  /// that may be an order's (`Sample ID`, `Kunden-Proben-ID` beside `Client reference`).
  static let sampleWords = ["sample", "probe", "muster", "monster", "echantillon", "muestra", "campione", "specimen"]

  /// The sample-id column and the lab's sample-id column among `columns`.
  ///
  /// Of several sample-id columns, ranked: a column named exactly `sample_id` (the extractor
  /// or an earlier stage decided it); then one that names a sample and says it is the
  /// client's (`Client sample ID`, `Kunden-Proben-ID`); then one that names a sample
  /// (`Sample ID`, `Probe`); then a mere reference (`Client reference`, `Your reference`),
  /// which is often an order's. Within a rank the first column wins (a results table's cells
  /// come before the report's header fields). The lab's id is a column named exactly
  /// `lab_sample_id`, else the first lab-id column; failing both, when the sample id is the
  /// client's by its words, the next column that names a sample.
  static func sampleColumns(_ columns: [Column]) -> (sample: String?, lab: String?) {
    func rank(_ name: String) -> Int {
      if name == "sample_id" { return 0 }
      let key = LexiconKey.make(name)
      let namesSample = sampleWords.contains { key.contains($0) }
      let client = clientWords.contains { name.lowercased().contains($0) }
      switch (namesSample, client) {
      case (true, true): return 1
      case (true, false): return 2
      default: return 3
      }
    }
    let candidates = columns.filter { $0.role == .sampleID }.map(\.name)
    let labs = columns.filter { $0.role == .labSampleID }.map(\.name)
    let lab = labs.first { $0 == "lab_sample_id" } ?? labs.first
    guard let best = candidates.enumerated().min(by: { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) })?.element else {
      return (columns.first { $0.role == .sampleCode }?.name, lab)
    }
    if lab == nil, rank(best) == 1 {
      return (best, candidates.first { $0 != best && rank($0) <= 2 })
    }
    return (best, lab)
  }

  /// Stems (of lexicon keys) of a date heading that says when the analysis was done: `Date
  /// tested`, `Analysis date`, `Prüfdatum`, `Date d'analyse`, `Testing started`, `Prüfzeitraum`.
  static let measuredDateWords = [
    "test", "analys", "analyz", "analis", "pruf", "pruef", "untersuch", "measur", "mess", "mesure", "meet", "misur", "medid",
    "bepaling", "determin", "essai", "ensayo",
  ]
  /// Stems of a date heading that says something else happened then: the sample was taken,
  /// made, received or ordered, the report issued, the product keeps until.
  static let otherDateWords = [
    "receiv", "receipt", "eingang", "empfang", "ontvang", "reception", "ricev", "recepcion", "issue", "ausstell", "emission",
    "report", "bericht", "rapport", "informe", "sampl", "probenahme", "prelev", "bemonster", "monstername", "campionam",
    "muestreo", "product", "produkt", "produzion", "herstell", "manufact", "fabric", "bestbefore", "mhd", "haltbar",
    "expir", "verfall", "tht", "dluo", "dlc", "scaden", "caducid", "order", "auftrag", "bestell", "approv", "freigabe",
    "sign", "print", "birth",
  ]

  /// The column that dates the measurement of a result, or nil.
  ///
  /// A date column whose heading says it is the date of the analysis (`Date tested`, `Analysis
  /// date`, `Prüfdatum`), or a column so named whose values are dates (`Testing started`),
  /// comes first, in the order of the columns (a results table's own column before a header
  /// field of the report). Only where there is none does a plain date column (`Date`,
  /// `Datum`) date the results. A date of another event (received, sampled, produced, issued,
  /// reported, best before) never does. When the first analysis date is a period (`Analysis
  /// period: 26 Feb 2024 - 28 Feb 2024`), the results were measured on some day within it:
  /// none is chosen, and the plain date columns are not asked either.
  static func measuredDateColumn(_ columns: [Column], values: [String: [Substring]], order: DateOrder?) -> String? {
    func says(_ words: [String], _ name: String) -> Bool {
      let key = LexiconKey.make(name)
      return words.contains { key.contains($0) }
    }
    func isDate(_ text: Substring) -> Bool {
      switch TimestampText.parse(text, order: order ?? .dmy)?.value {
      case .date?, .local?, .instant?: true
      default: false
      }
    }
    func isPeriod(_ text: Substring) -> Bool {
      for separator in [" - ", " \u{2013} ", " \u{2014} ", " bis ", " to ", " au ", " tot ", " al ", " a "] {
        guard let r = text.range(of: separator) else { continue }
        if isDate(text[..<r.lowerBound].trimmingWhitespace()), isDate(text[r.upperBound...].trimmingWhitespace()) { return true }
      }
      return false
    }
    var plain: String?
    for c in columns where c.role == .date || c.role == nil {
      guard !says(otherDateWords, c.name) else { continue }
      let vs = values[c.name] ?? []
      if says(measuredDateWords, c.name) {
        if !vs.isEmpty, vs.allSatisfy(isPeriod) { return nil }
        if c.role == .date || (!vs.isEmpty && vs.allSatisfy(isDate)) { return c.name }
      } else if c.role == .date, plain == nil {
        plain = c.name
      }
    }
    return plain
  }

  static func folded(_ name: String) -> String { name.lowercased().filter { $0.isLetter || $0.isNumber } }

  static func decide(window: [Record], pinned: CleanSpec.Shape?, dateOrderHint: DateOrder?, decimalHint: DecimalMark?, analytes: AnalyteDictionary = .shared) -> SourceLayout {
    var layout = SourceLayout()
    var names: [String] = []
    for record in window {
      for f in record.fields where !names.contains(f.key) { names.append(f.key) }
    }
    var values: [String: [Substring]] = [:]
    for record in window {
      for f in record.fields { if case .string(let s) = f.value, !s.isEmpty { values[f.key, default: []].append(s[...]) } }
    }
    func numericShare(_ name: String) -> Double {
      let vs = values[name] ?? []
      guard !vs.isEmpty else { return 0 }
      let numeric = vs.filter { NumberText.parse($0, decimal: .comma) != nil || NumberText.parse($0, decimal: .point) != nil }
      return Double(numeric.count) / Double(vs.count)
    }
    // A column's decimal mark from its own values; a column whose values allow either mark
    // (`2,219`) or have none takes the mark the other columns of the source prove, then the hint.
    var proven: [String: DecimalMark] = [:]
    for name in names {
      let vs = values[name] ?? []
      let a = NumberColumnStyle.decide(values: vs, hint: .comma), b = NumberColumnStyle.decide(values: vs, hint: .point)
      if a == b, let mark = a.mark { proven[name] = mark }
    }
    let commas = proven.values.filter { $0 == .comma }.count, points = proven.values.filter { $0 == .point }.count
    let sourceMark: DecimalMark? = commas > points ? .comma : points > commas ? .point : nil
    for name in names {
      let header = HeaderText.parse(name)
      var role = ColumnRole.classify(header: name)
      if role == nil, Self.factorWords.contains(Self.folded(header.name)) { role = .instrumentDetail }
      var column = Column(name: name, role: role, header: header)
      column.decimal = proven[name] ?? decimalHint ?? sourceMark ?? .point
      layout.decimals[name] = column.decimal
      layout.columns.append(column)
    }
    (layout.sampleColumn, layout.labSampleColumn) = Self.sampleColumns(layout.columns)
    let dateValues = layout.columns.filter { [.date, .timestamp].contains($0.role) }.flatMap { values[$0.name] ?? [] }
    layout.dateOrder = DateOrderDecision.decide(values: dateValues, hint: dateOrderHint).order ?? dateOrderHint
    layout.measuredDateColumn = Self.measuredDateColumn(layout.columns, values: values, order: layout.dateOrder)

    let hasPanelist = layout.first(.panelist) != nil
    let hasTime = layout.columns.contains { [.timestamp, .time].contains($0.role) || Self.folded($0.name) == "ts" }
    let hasLong = layout.first(.analyte) != nil && layout.first(.result) != nil
    // Analyte columns (wide): no other role, and the dictionary knows the name or the unit is a concentration.
    let concentration: Set<String> = ["mass-fraction", "mass-concentration", "energy", "count", "energy-density"]
    var analyteColumns: [String] = []
    // A header the dictionary knows, with a concentration unit, names an analyte whatever a short
    // name also means as a role (`N [%]` is nitrogen, not the `N°` of a position).
    let keepRoles: Set<ColumnRole> = [.sampleID, .labSampleID, .sampleCode, .result, .loq, .lod, .unit, .analyte]
    for i in layout.columns.indices {
      let c = layout.columns[i]
      let match = analytes.match(c.header.name)
      let unitKind = (c.header.unitSymbol ?? c.header.unit).flatMap(UnitTable.lookup)?.dimension
      let concentrationUnit = unitKind.map(concentration.contains) == true
      if let role = c.role {
        guard match != nil, concentrationUnit, !keepRoles.contains(role), role != .instrumentDetail else { continue }
        layout.columns[i].role = nil
      }
      if match != nil || concentrationUnit {
        layout.columns[i].analyte = match
        analyteColumns.append(c.name)
      }
    }
    // Channels (reading): numeric columns of no role other than an instrument detail.
    var channels: [String] = []
    for i in layout.columns.indices where layout.columns[i].role == nil || layout.columns[i].role == .instrumentDetail {
      let c = layout.columns[i]
      guard Self.folded(c.name) != "ts", numericShare(c.name) >= 0.5 || (values[c.name] ?? []).isEmpty else { continue }
      layout.columns[i].quantity = ChannelLexicon.shared.quantity(for: c.name)
      channels.append(c.name)
    }

    var kind: Kind = .unknown
    if hasPanelist && layout.sampleColumn != nil {
      kind = .score
    } else if hasLong {
      kind = .longResult
    } else if layout.sampleColumn != nil && !analyteColumns.isEmpty {
      kind = .wideResult
    } else if hasTime && !channels.isEmpty && layout.sampleColumn == nil {
      kind = .reading
    }
    if let pinned {
      switch (pinned, kind) {
      case (.result, .longResult), (.result, .wideResult), (.reading, .reading), (.score, .score): break
      case (.result, _): kind = hasLong ? .longResult : (analyteColumns.isEmpty ? .unknown : .wideResult)
      case (.reading, _): kind = channels.isEmpty || !hasTime ? .unknown : .reading
      case (.score, _): kind = hasPanelist ? .score : .unknown
      case (.none, _): kind = .unknown
      }
    }
    layout.kind = kind
    switch kind {
    case .wideResult: layout.valueColumns = analyteColumns
    case .reading: layout.valueColumns = channels
    case .score:
      let skip: Set<ColumnRole> = [.panelist, .sampleID, .sampleCode, .labSampleID, .session, .date, .time, .timestamp, .comment, .position, .product, .replicate, .operator, .lot]
      layout.valueColumns = layout.columns.filter { c in c.role.map { !skip.contains($0) } ?? true }.map(\.name)
    case .longResult, .unknown: break
    }
    if kind == .unknown {
      layout.reason = "columns \(names.joined(separator: ", ")) show no result, reading or score table"
        + (pinned.map { " of the shape \($0.rawValue) asked for" } ?? "")
    }
    return layout
  }
}
