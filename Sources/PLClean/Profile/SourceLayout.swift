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

  /// Source-field names that the profile turns into canonical fields on their own terms.
  static let reportWords: Set<String> = ["report", "reportno", "reportnumber", "bericht", "berichtsnr", "prufbericht", "pruefbericht", "certificate", "certificateno"]
  static let labWords: Set<String> = ["lab", "laboratory", "labor", "labname"]
  static let factorWords: Set<String> = ["factor", "faktor", "nfactor", "nitrogenfactor", "stickstofffaktor", "proteinfactor"]
  /// Header words saying a sample-id column holds the client's id (when a lab id is beside it).
  static let clientWords = ["customer", "client", "your", "kunde", "ihre", "klant", "uw ", "votre"]

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
    // Two sample-id columns: the client's (by its header words) is the sample id, the other the lab's.
    let sampleIDs = layout.columns.filter { $0.role == .sampleID }
    if sampleIDs.count >= 2 {
      // Without such words the first is the sample id and the others stay fields of their own.
      if let client = sampleIDs.first(where: { c in Self.clientWords.contains { c.name.lowercased().contains($0) } }) {
        layout.sampleColumn = client.name
        layout.labSampleColumn = layout.first(.labSampleID)?.name ?? sampleIDs.first { $0.name != client.name }?.name
      } else {
        layout.sampleColumn = sampleIDs[0].name
        layout.labSampleColumn = layout.first(.labSampleID)?.name
      }
    } else {
      layout.sampleColumn = sampleIDs.first?.name ?? layout.first(.sampleCode)?.name
      layout.labSampleColumn = layout.first(.labSampleID)?.name
    }
    let dateValues = layout.columns.filter { [.date, .timestamp].contains($0.role) }.flatMap { values[$0.name] ?? [] }
    layout.dateOrder = DateOrderDecision.decide(values: dateValues, hint: dateOrderHint).order ?? dateOrderHint

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
