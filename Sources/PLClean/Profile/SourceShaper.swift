import Foundation
import PLCore

/// Shapes the records of one source by its `SourceLayout`.
struct SourceShaper {
  let layout: SourceLayout
  let context: SourceContext
  let config: LabShaper.Config
  private var parser: LocalTimeSeries
  private var days: TimeOfDaySeries?
  private var filler: FillTimestampGaps?
  private let sentinels = NullSentinels()
  private var noted = false
  private static let units = UnitTable.standard

  init(layout: SourceLayout, context: SourceContext, config: LabShaper.Config) {
    self.layout = layout
    self.context = context
    self.config = config
    parser = LocalTimeSeries(parser: TimestampParser(order: layout.dateOrder, zone: context.zone))
    if let date = context.date(order: layout.dateOrder) { days = TimeOfDaySeries(startDate: date) }
    if layout.kind == .reading {
      filler = FillTimestampGaps(.init(field: "ts", maxHeld: config.maxHeld, keepRaw: config.keepRaw))
    }
  }

  mutating func shape(_ record: Record) throws(PLError) -> [Record] {
    switch layout.kind {
    case .unknown:
      var r = record
      if !noted {
        r.addNote(CleanNote(field: "_shape", code: "shape-not-detected", message: "left as it came: \(layout.reason)"))
        noted = true
      }
      return [r]
    case .longResult: return [longResult(record)]
    case .wideResult: return wideResults(record)
    case .score: return scores(record)
    case .reading:
      let row = readingRow(record)
      guard var filler else { return [] }
      let outcome = try filler.apply(row)
      self.filler = filler
      switch outcome {
      case .pass: return readings(row)
      case .change(let r): return readings(r)
      case .emit(let rs): return rs.flatMap(readings)
      default: return []
      }
    }
  }

  mutating func finish() throws(PLError) -> [Record] {
    guard var filler else { return [] }
    let rows = try filler.finish()
    self.filler = nil
    return rows.flatMap(readings)
  }

  // MARK: - fields

  static func text(_ value: JSONValue?) -> String? {
    switch value {
    case .string(let s)?: s.trimmingCharacters(in: .whitespacesAndNewlines)
    case .number(let n)?: n
    case .bool(let b)?: b ? "true" : "false"
    default: nil
    }
  }

  func text(_ record: Record, _ column: String?) -> String? {
    guard let column, let t = Self.text(record.fields[key: column]), !t.isEmpty else { return nil }
    return t
  }

  func column(_ role: ColumnRole) -> String? { layout.first(role)?.name }

  /// Source fields the shape has no place for, under their snake-case names.
  func extras(_ record: Record, used: Set<String>) -> [Field] {
    record.fields.compactMap { f in
      guard !used.contains(f.key) else { return nil }
      let name = SnakeCase.convert(f.key) ?? f.key
      return Field(name, f.value)
    }
  }

  static func number(_ n: LabNumber) -> JSONValue { .number(n.text) }

  mutating func note(_ r: inout Record, _ field: String, _ code: String, _ message: String) {
    r.addNote(CleanNote(field: field, code: code, message: message))
  }

  // MARK: - time

  /// `measured_at` or `ts` from a timestamp column, or a date and a time column, in UTC.
  mutating func instant(_ record: Record, notes: inout [CleanNote], field: String) -> String? {
    var parsed: ParsedTime?
    // A result is dated by the date of its measurement only; a reading by its log's date.
    let dateColumn = field == "ts" ? column(.date) : layout.measuredDateColumn
    if let ts = text(record, column(.timestamp) ?? layout.columns.first { SourceLayout.folded($0.name) == "ts" }?.name) {
      parsed = parser.parse(ts[...])
    } else if let d = text(record, dateColumn), let t = text(record, column(.time)) {
      var dp = TimestampParser(order: layout.dateOrder)
      if case .date(let date)? = dp.parse(d)?.value, case .timeOfDay(let time)? = dp.parse(t)?.value {
        parsed = parser.combine(date: date, time: time)
      }
    } else if let t = text(record, column(.time)) {
      var dp = TimestampParser(order: layout.dateOrder)
      switch dp.parse(t)?.value {
      case .timeOfDay(let time)?:
        if var days {
          let date = days.date(for: time)
          self.days = days
          parsed = parser.combine(date: date, time: time)
        } else {
          notes.append(CleanNote(field: field, code: "no-date", message: "the time \(t) has no date: neither the source nor its preamble gives one"))
          return nil
        }
      default: parsed = parser.parse(t[...])
      }
    } else if let d = text(record, dateColumn) {
      return parser.parse(d[...]).map(\.iso)
    } else {
      return nil
    }
    guard let parsed else { return nil }
    if let flag = parsed.flag {
      notes.append(CleanNote(field: field, code: flag.rawValue, message: "local time around a daylight-saving change in \(context.zone.label): \(flag.rawValue)"))
    }
    if case .instant = parsed.value, context.zoneOrigin == .assumedUTC, !hadOffset(record) {
      notes.append(CleanNote(field: field, code: "assumed-utc", message: "the source gives no time zone and none is set (timezone: or --tz): the local time is read as UTC"))
    }
    return parsed.iso
  }

  func hadOffset(_ record: Record) -> Bool {
    guard let ts = text(record, column(.timestamp) ?? layout.columns.first { SourceLayout.folded($0.name) == "ts" }?.name) else { return false }
    return ts.hasSuffix("Z") || ts.dropFirst(10).contains("+") || ts.dropFirst(10).contains("-")
  }

  // MARK: - results

  /// The canonical value and unit of a parsed result: converted to the analyte's unit when the printed one differs.
  func convert(_ n: LabNumber, from unitRaw: String?, to canonical: String?, field: String, notes: inout [CleanNote]) -> (LabNumber, String?) {
    guard let canonical else { return (n, unitRaw.map { Self.units.lookup($0)?.code ?? $0 }) }
    guard let unitRaw, !unitRaw.isEmpty else { return (n, canonical) }
    guard let from = Self.units.lookup(unitRaw), let to = Self.units.lookup(canonical) else {
      notes.append(CleanNote(field: field, code: "unit-not-converted", message: "the unit \(unitRaw) is not in the unit table; the value is kept as printed"))
      return (n, unitRaw)
    }
    do {
      return (try UnitTable.convert(n, from: from, to: to), canonical)
    } catch {
      notes.append(CleanNote(field: field, code: "unit-not-converted", message: "\(unitRaw) does not convert to \(canonical): \(error)"))
      return (n, unitRaw)
    }
  }

  /// A result record from its parts.
  mutating func result(
    _ record: Record, analyteRaw: String, match: AnalyteMatch?, cell: String, unitRaw: String?, decimal: DecimalMark,
    loq loqText: String?, used: Set<String>, extra: [Field]
  ) -> Record {
    var notes: [CleanNote] = []
    var fields: [Field] = []
    func put(_ key: String, _ value: String?) { if let value { fields.append(Field(key, .string(value))) } }
    put("sample_id", text(record, layout.sampleColumn))
    put("lab_sample_id", text(record, layout.labSampleColumn))
    put("lot", text(record, column(.lot)))
    put("product", text(record, column(.product)))
    let code = match?.code ?? AnalyteDictionary.fallbackCode(analyteRaw)
    if match == nil { notes.append(CleanNote(field: "analyte", code: "unknown-analyte", message: "\(analyteRaw) is not in the analyte dictionary")) }
    put("analyte", code)
    put("analyte_raw", analyteRaw)
    put("result_text", cell)
    let loq = loqText.flatMap { NumberText.parse($0, decimal: decimal) }
    let parsed = ResultText.parse(cell, decimal: decimal, loq: loq)
    let printedUnit = unitRaw ?? parsed.unitText
    let canonical = match?.canonicalUnit
    var unit: String? = printedUnit ?? canonical
    switch parsed.kind {
    case .number:
      if let v = parsed.value {
        let (c, u) = convert(v, from: printedUnit, to: canonical, field: "value", notes: &notes)
        fields.append(Field("value", Self.number(c)))
        unit = u
      }
    case .censored:
      fields.append(Field("value", .null))
      // Below a limit is `<` (`n.d.`, `<LOQ`, `<0.05`); above one is `>`; `<=`/`>=` as printed.
      put("qualifier", parsed.qualifier.map { q in q.hasPrefix("<") || q.hasPrefix(">") ? q : "<" })
      if let limit = parsed.limit {
        let (c, u) = convert(limit, from: printedUnit, to: canonical, field: "limit", notes: &notes)
        fields.append(Field("limit", Self.number(c)))
        unit = u
      } else if canonical != nil, printedUnit == nil || Self.units.lookup(printedUnit!) != nil {
        unit = canonical
      }
    case .qualitative, .notAnalysed, .empty:
      fields.append(Field("value", .null))
    case .unparsed:
      fields.append(Field("value", .null))
      notes.append(CleanNote(field: "value", code: "not-a-result", message: "\(cell) reads as no number, limit or word result"))
    }
    put("unit", unit)
    put("unit_raw", printedUnit)
    if let loqText, Self.printedUnit(loqText) != nil { fields.append(Field("loq", loq.map(Self.number) ?? .string(loqText))) }
    put("method", text(record, column(.method)) ?? context.method)
    var timeNotes: [CleanNote] = []
    put("measured_at", instant(record, notes: &timeNotes, field: "measured_at"))
    notes += timeNotes
    put("lab", layout.columns.first { SourceLayout.labWords.contains(SourceLayout.folded($0.name)) }.flatMap { text(record, $0.name) })
    put("report_no", layout.columns.first { SourceLayout.isReportNumber($0.name) }.flatMap { text(record, $0.name) })
    let have = Set(fields.map(\.key))
    for f in extra + extras(record, used: used) where !have.contains(f.key) && !fields.contains(where: { $0.key == f.key }) {
      fields.append(f)
    }
    var out = Record(fields, meta: record.meta)
    for n in notes { out.addNote(n) }
    return out
  }

  /// The columns a result record takes its canonical fields from.
  var resultColumns: Set<String> {
    var used: Set<String> = []
    for name in [layout.sampleColumn, layout.labSampleColumn, column(.lot), column(.product), column(.method), column(.timestamp), layout.measuredDateColumn, column(.time)] {
      if let name { used.insert(name) }
    }
    for c in layout.columns where SourceLayout.labWords.contains(SourceLayout.folded(c.name)) || SourceLayout.isReportNumber(c.name) || SourceLayout.folded(c.name) == "ts" {
      used.insert(c.name)
    }
    return used
  }

  mutating func longResult(_ record: Record) -> Record {
    let analyteColumn = column(.analyte)!, resultColumn = column(.result)!
    var used = resultColumns
    used.formUnion([analyteColumn, resultColumn])
    // Without a column of the limit of quantification, the limit of detection stands for it
    // (both are the limit below which no number is given); the LoD is kept as `lod` too.
    let unitColumn = column(.unit), lodColumn = column(.lod), loqColumn = column(.loq) ?? lodColumn
    if let unitColumn { used.insert(unitColumn) }
    if let loqColumn { used.insert(loqColumn) }
    var extra: [Field] = []
    if let lodColumn {
      used.insert(lodColumn)
      if let lod = Self.printedUnit(text(record, lodColumn)) { extra.append(Field("lod", .string(lod))) }
    }
    let raw = text(record, analyteColumn) ?? ""
    let cell = text(record, resultColumn) ?? ""
    let header = layout.columns.first { $0.name == resultColumn }?.header
    return result(
      record, analyteRaw: AnalyteName.printed(raw), match: config.analytes.match(raw), cell: cell,
      unitRaw: Self.printedUnit(text(record, unitColumn)) ?? header?.unit, decimal: layout.decimals[resultColumn] ?? .point,
      loq: text(record, loqColumn), used: used, extra: extra)
  }

  /// A unit (or LOQ) cell's text, or nil when it is a dash or `n/a` (none, as for a word result).
  static func printedUnit(_ cell: String?) -> String? {
    guard let cell else { return nil }
    let blank: Set<String> = ["-", "--", "\u{2013}", "\u{2014}", "n/a", "na", "n.a.", "/"]
    return blank.contains(cell.lowercased()) ? nil : cell
  }

  mutating func wideResults(_ record: Record) -> [Record] {
    var used = resultColumns
    used.formUnion(layout.valueColumns)
    var extra: [Field] = []
    if let factor = layout.columns.first(where: { SourceLayout.factorWords.contains(SourceLayout.folded($0.header.name)) }) {
      used.insert(factor.name)
      if let t = text(record, factor.name), let n = NumberText.parse(t, decimal: factor.decimal) {
        extra.append(Field("nitrogen_factor", Self.number(n)))
      }
    }
    var out: [Record] = []
    for name in layout.valueColumns {
      guard let cell = text(record, name), let c = layout.columns.first(where: { $0.name == name }) else { continue }
      out.append(
        result(
          record, analyteRaw: c.analyte?.name ?? c.header.name, match: c.analyte, cell: cell, unitRaw: c.header.unit,
          decimal: c.decimal, loq: nil, used: used, extra: extra + [Field("column", .string(name))]))
    }
    if out.isEmpty {
      var r = record
      r.addNote(CleanNote(field: "_shape", code: "no-result", message: "the row has no value in any analyte column (\(layout.valueColumns.joined(separator: ", ")))"))
      out.append(r)
    }
    return out
  }

  // MARK: - readings

  /// The row with `ts` in UTC (missing when the row has no stamp), before gap filling.
  mutating func readingRow(_ record: Record) -> Record {
    var notes: [CleanNote] = []
    let ts = instant(record, notes: &notes, field: "ts")
    var r = record
    r.fields.removeAll { $0.key == "ts" }
    r.fields.insert(Field("ts", ts.map(JSONValue.string) ?? .null), at: 0)
    for n in notes { r.addNote(n) }
    return r
  }

  func readings(_ row: Record) -> [Record] {
    var timeFields: Set<String> = ["ts"]
    for role in [ColumnRole.timestamp, .date, .time] { if let c = column(role) { timeFields.insert(c) } }
    let others = extras(row, used: timeFields.union(layout.valueColumns))
    let run = context.runID
    var out: [Record] = []
    for name in layout.valueColumns {
      guard let c = layout.columns.first(where: { $0.name == name }) else { continue }
      // An instrument tag (`TT-101` of `TT-101 Preheat (°F)`) names the channel; the header is kept in `column`.
      var fields: [Field] = [Field("ts", row.fields[key: "ts"] ?? .null), Field("channel", .string(c.header.tag ?? name))]
      if let q = c.quantity { fields.append(Field("quantity", .string(q))) }
      let unitRaw = c.header.unitSymbol ?? c.header.unit
      let canonical: String? =
        switch c.quantity {
        case "temperature": "degC"
        case "pressure": "bar"
        default: unitRaw.map { Self.units.lookup($0)?.code ?? $0 }
        }
      var notes: [CleanNote] = []
      let cell = Self.text(row.fields[key: name]) ?? ""
      var value: JSONValue = .null
      if cell.isEmpty {
        notes.append(CleanNote(field: "value", code: "empty-value", message: "\(name) is blank"))
      } else if sentinels.isSentinel(cell) {
        notes.append(CleanNote(field: "value", code: "sentinel", message: "\(cell) in \(name) stands for no value"))
      } else if let n = NumberText.parse(cell, decimal: c.decimal) {
        var n2 = n
        if let unitRaw, let canonical, let from = Self.units.lookup(unitRaw), let to = Self.units.lookup(canonical), from.code != to.code {
          if let converted = try? UnitTable.convert(n, from: from, to: to) { n2 = converted }
        }
        value = Self.number(n2)
      } else {
        value = .string(cell)
        notes.append(CleanNote(field: "value", code: "not-a-number", message: "\(cell) in \(name) is not a number"))
      }
      fields.append(Field("value", value))
      if let canonical { fields.append(Field("unit", .string(canonical))) }
      if let unitRaw { fields.append(Field("unit_raw", .string(unitRaw))) }
      if let run { fields.append(Field("run", .string(run))) }
      if c.header.tag != nil { fields.append(Field("column", .string(name))) }
      fields += others
      var r = Record(fields, meta: row.meta)
      if cell != "", value != .null, case .number(let t) = value, t != cell { r.keepRaw("value", .string(cell)) }
      for n in notes { r.addNote(n) }
      out.append(r)
    }
    return out
  }

  // MARK: - scores

  func scores(_ record: Record) -> [Record] {
    let panelist = text(record, column(.panelist))
    var sample = text(record, layout.sampleColumn)
    if let s = sample, let n = Double(s), n == n.rounded(), !s.hasPrefix("0"), abs(n) < 1e15 { sample = String(Int(n)) }
    let session = text(record, column(.session)) ?? context.value(["session", "sitzung", "sessie"])
    var used: Set<String> = Set(layout.valueColumns)
    for name in [column(.panelist), layout.sampleColumn, column(.session)] { if let name { used.insert(name) } }
    let others = extras(record, used: used)
    let metaScale = context.value(["scale", "skala", "schaal", "echelle"])
    var out: [Record] = []
    for name in layout.valueColumns {
      var fields: [Field] = [Field("panelist", panelist.map(JSONValue.string) ?? .null), Field("sample", sample.map(JSONValue.string) ?? .null)]
      fields.append(Field("attribute", .string(name)))
      let cell = text(record, name)
      var notes: [CleanNote] = []
      if let cell {
        if let n = NumberText.parse(cell, decimal: layout.decimals[name] ?? .point) {
          fields.append(Field("score", Self.number(n)))
        } else {
          fields.append(Field("score", .string(cell)))
          notes.append(CleanNote(field: "score", code: "not-a-number", message: "\(cell) in \(name) is not a score"))
        }
      } else {
        fields.append(Field("score", .null))
      }
      if let session { fields.append(Field("session", .string(session))) }
      if let scale = Self.scale(attribute: name, meta: metaScale) { fields.append(Field("scale", .string(scale))) }
      fields += others
      var r = Record(fields, meta: record.meta)
      if panelist == nil { notes.append(CleanNote(field: "panelist", code: "missing-panelist", message: "the row names no panelist")) }
      if sample == nil { notes.append(CleanNote(field: "sample", code: "missing-sample", message: "the row names no sample")) }
      for n in notes { r.addNote(n) }
      out.append(r)
    }
    return out
  }

  /// `1-5` of `Purchase intent (1-5)`; else the preamble's scale: `1-9` of `9-point hedonic`, or its `a-b`.
  static func scale(attribute: String, meta: String?) -> String? {
    if let range = firstRange(attribute) { return range }
    guard let meta else { return nil }
    let lower = meta.lowercased()
    if let r = lower.range(of: "-point") ?? lower.range(of: "-punkt") ?? lower.range(of: " point") {
      let digits = lower[..<r.lowerBound].reversed().prefix { $0.isNumber }
      if !digits.isEmpty { return "1-" + String(digits.reversed()) }
    }
    return firstRange(meta)
  }

  static func firstRange(_ text: String) -> String? {
    let chars = Array(text)
    var i = 0
    while i < chars.count {
      if chars[i].isNumber {
        var j = i
        while j < chars.count, chars[j].isNumber { j += 1 }
        if j + 1 < chars.count, chars[j] == "-" || chars[j] == "\u{2013}", chars[j + 1].isNumber {
          var k = j + 1
          while k < chars.count, chars[k].isNumber { k += 1 }
          return String(chars[i..<j]) + "-" + String(chars[(j + 1)..<k])
        }
        i = j
      } else {
        i += 1
      }
    }
    return nil
  }
}
