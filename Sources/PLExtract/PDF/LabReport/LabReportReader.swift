import PLCore

/// Reads a PDF lab report or certificate of analysis page by page into one record per result.
///
/// A report is a header block of key/value fields (lab, report number, client, sample id, lot,
/// dates…), one or more results tables, and footnotes. The reader keeps the header fields seen
/// so far (`fields`), finds each results table by its heading line (`ResultsTable`), and turns
/// every row into a record: the sample's identity (`sample_id`, `lab_sample_id`, when the
/// header names them), the row's `section`, the row's cells under their printed headings, then
/// the header fields under their printed labels (after the cells, so that a header label that
/// reads like a column heading, `Quantity` or `Description`, is not taken for the table's). Values stay as printed (`<0.05`, `n.d.`,
/// `1,25`); pl-clean interprets them. `_pl` gives the source, page, table and row (both from
/// 1), the row's box in points (`[x1, y1, x2, y2]`, top-left origin) and a footnote marker split
/// off the analyte's name.
///
/// Several samples in one report each print their own header fields (`Lab ref: … Customer
/// ref: …`) before their table: a field printed again replaces the earlier value for the rows
/// that follow. A table with one column per sample gives one record per sample and analyte.
/// A table whose heading is printed again at the top of the next page continues (same table
/// number, rows counted on). Page headers and footers (`Page 1 of 2`) are not data; a table
/// that is not a results table (a header grid, a signature block) gives no records.
///
/// State is the header fields and footnotes of the document and the last table's heading:
/// small and independent of the page count. Each page's records are returned when it is read.
public struct LabReportReader {
  public let source: String
  public let options: LabReportOptions
  /// The header fields read so far, under their printed labels (or a template's relabels), in
  /// the order first printed; a label printed again holds its latest value.
  public private(set) var fields: [(label: String, value: String)] = []
  /// The number of results tables found so far.
  public private(set) var tableCount = 0
  /// Footnote texts by marker (`*` → `Method not within the scope of accreditation.`).
  public private(set) var footnotes: [String: String] = [:]

  /// The last results table: its heading, number, rows so far, page, and the sample it was for.
  private var last: (columns: [ResultsTable.Column], index: Int, rows: Int, page: Int, sample: String?, section: String?)?
  private var relabels: [String: String]

  public init(source: String, options: LabReportOptions = LabReportOptions()) {
    self.source = source
    self.options = options
    var relabels: [String: String] = [:]
    for (printed, label) in options.headerLabels { relabels[LabText.key(printed)] = label }
    self.relabels = relabels
  }

  /// The records of one page, in reading order.
  public mutating func read(page: LabReportPage) -> [Record] {
    let phrases = page.lines.map { $0.phrases() }
    let boxes = page.lines.map(\.box)
    let furniture = Set(phrases.indices.filter { Self.isFurniture(phrases[$0]) })
    var records: [Record] = []
    var grid = HeaderGrid()
    var firstTableOnPage = true
    var i = 0
    while i < phrases.count {
      let line = phrases[i]
      if furniture.contains(i) {
        i += 1
        continue
      }
      if let columns = ResultsTable.heading(line)
        ?? ResultsTable.heading(ResultsTable.splitRunTogether(line, words: page.lines[i].words))
      {
        var table = ResultsTable(columns: columns)
        let end = table.collect(phrases, boxes: boxes, from: i + 1) { furniture.contains($0) }
        records += emit(table, page: page.number, continuing: firstTableOnPage)
        firstTableOnPage = false
        grid = HeaderGrid()
        i = end
        continue
      }
      // A table of the previous page continuing without its heading.
      // (A line of `Label: value` pairs is the page's header, not a row.)
      if firstTableOnPage, let last, last.page == page.number - 1, ResultsTable(columns: last.columns).isFullRow(line),
        HeaderField.pairs(line).pairs.isEmpty
      {
        var table = ResultsTable(columns: last.columns)
        let b = boxes[i]
        let above = LabReportBox(x1: b.x1, y1: b.y1 - 1.5 * b.height, x2: b.x2, y2: b.y2 - 1.5 * b.height)
        let end = max(i + 1, table.collect(phrases, boxes: boxes, from: i, above: above) { furniture.contains($0) })
        records += emit(table, page: page.number, continuing: true)
        firstTableOnPage = false
        grid = HeaderGrid()
        i = end
        continue
      }
      readHeader(line, box: boxes[i], grid: &grid)
      i += 1
    }
    // Footnotes are printed below their table: their texts join the page's records at its end.
    for r in records.indices {
      guard let marker = records[r].meta.first(where: { $0.key == "footnote" })?.value.stringValue,
        !records[r].meta.contains(where: { $0.key == "footnote_text" }), let text = footnotes[marker]
      else { continue }
      records[r].meta.append(Field("footnote_text", .string(text)))
    }
    return records
  }

  // MARK: - header fields

  /// Page numbers (`Page 1 of 2`, `Seite 1 von 2`, `Pagina 1 di 3`, `1/2`): the line is the page's furniture.
  static func isFurniture(_ line: [LabReportWord]) -> Bool {
    let pageWords: Set<Substring> = ["page", "seite", "pagina", "blad", "pag", "p", "sida", "strona", "side", "pg"]
    let ofWords: Set<Substring> = ["of", "von", "de", "di", "van", "sur", "af", "z", "fra"]
    return line.contains { phrase in
      // `Page 1 of 2` at the end of a phrase; `1 / 2` folds to `1 2` and is left alone.
      let words = LabText.words(phrase.text)
      let n = words.count
      guard n >= 4 else { return false }
      return pageWords.contains(words[n - 4]) && words[n - 3].allSatisfy(\.isNumber) && ofWords.contains(words[n - 2])
        && words[n - 1].allSatisfy(\.isNumber)
    }
  }

  private mutating func readHeader(_ line: [LabReportWord], box: LabReportBox, grid: inout HeaderGrid) {
    if line.count == 1, let (marker, text) = FootnoteMarker.footnote(line[0].text) {
      footnotes[marker] = text
      return
    }
    let (pairs, unlabelled) = HeaderField.pairs(line)
    // A value under a value of the colon line above continues it (a second address line).
    var continued = false
    var above: [HeaderField] = []
    if let (fieldsAbove, aboveBox) = grid.lastColonLine, box.midY - aboveBox.midY < 2.2 * max(box.height, 1) {
      above = fieldsAbove
      for phrase in unlabelled {
        guard let field = fieldsAbove.first(where: { abs($0.valueX - phrase.box.x1) < 2 }) else { continue }
        append(to: field.label, phrase.text.trimmed)
        continued = true
      }
    }
    for pair in pairs { set(pair) }
    if !pairs.isEmpty || continued {
      // The columns of this line's pairs replace those of the line above.
      let kept = above.filter { old in !pairs.contains { abs($0.valueX - old.valueX) < 2 || abs($0.box.x1 - old.box.x1) < 2 } }
      grid = HeaderGrid()
      grid.lastColonLine = (pairs + kept, box)
      return
    }
    grid.lastColonLine = nil
    if let numbered = Self.numberedTitle(line) {
      set(numbered)
      return
    }
    for pair in grid.add(line, box: box) { set(pair) }
  }

  /// `Prüfbericht Nr. 24-119009`, `Test report No. NLA-24-004817`: a title with its number.
  static func numberedTitle(_ line: [LabReportWord]) -> HeaderField? {
    for phrase in line {
      let parts = phrase.text.trimmed.split(separator: " ")
      guard parts.count >= 2, parts.count <= 5, let value = parts.last, value.contains(where: \.isNumber) else { continue }
      let marker = LabText.key(parts[parts.count - 2])
      guard ["no", "nr", "n", "no", "nro", "num"].contains(marker) else { continue }
      let label = parts.dropLast().joined(separator: " ")
      return HeaderField(label: label, value: String(value), box: phrase.box)
    }
    return nil
  }

  private func relabel(_ label: String) -> String { relabels[LabText.key(label)] ?? label }

  private mutating func set(_ field: HeaderField) {
    let label = relabel(field.label)
    if let i = fields.firstIndex(where: { $0.label == label }) {
      fields[i].value = field.value
    } else {
      fields.append((label, field.value))
    }
  }

  private mutating func append(to label: String, _ text: String) {
    guard let i = fields.firstIndex(where: { $0.label == relabel(label) }) else { return }
    fields[i].value = fields[i].value.isEmpty ? text : fields[i].value + ", " + text
  }

  // MARK: - identity

  /// The sample id and the lab's sample number among the current fields.
  var identity: (sample: String?, lab: String?) {
    if let pinned = options.sampleIDField {
      let key = LabText.key(pinned)
      let sample = fields.first { LabText.key($0.label) == key }?.value
      let lab = fields.first { HeaderField.identity(of: $0.label) == .labSample }?.value
      return (sample, lab)
    }
    var best: (HeaderField.Identity, String)?
    var lab: String?
    for field in fields where !field.value.isEmpty {
      guard let kind = HeaderField.identity(of: field.label) else { continue }
      if kind == .labSample {
        if lab == nil { lab = field.value }
        continue
      }
      if best == nil || kind < best!.0 { best = (kind, field.value) }
    }
    return (best?.1, lab)
  }

  // MARK: - records

  private mutating func emit(_ table: ResultsTable, page: Int, continuing: Bool) -> [Record] {
    let (sample, lab) = identity
    var index: Int
    var rowBase = 0
    var section: String?
    if continuing, let last, ResultsTable(columns: last.columns).signature == table.signature, last.page == page - 1,
      last.sample == sample
    {
      index = last.index
      rowBase = last.rows
      section = last.section
    } else {
      tableCount += 1
      index = tableCount
    }
    let headings = table.columns.map { relabel($0.heading) }
    let analyte = table.analyteColumn
    let samples = table.sampleColumns
    let headingUnit = table.resultColumn.flatMap { ResultColumnRole.unit(inHeading: table.columns[$0].heading) }
    let hasUnitColumn = table.columns.contains { $0.role == .unit }
    var records: [Record] = []
    for (n, row) in table.rows.enumerated() {
      if row.section != nil { section = row.section }
      var cells = row.cells
      let (name, marker) = FootnoteMarker.split(cells[analyte])
      cells[analyte] = name
      var base: [Field] = []
      let taken = Set(headings).union(["sample_id", "lab_sample_id", "section", "Unit", "Result"])
      var head: [Field] = []
      for field in fields {
        let key = taken.contains(field.label) ? field.label + " (header)" : field.label
        head.append(Field(key, .string(field.value)))
      }
      var meta: [Field] = [
        Field(MetaKey.source, .string(source)), Field(MetaKey.page, .integer(page)),
        Field(MetaKey.table, .integer(index)), Field(MetaKey.row, .integer(rowBase + n + 1)),
        Field("bbox", .array([row.box.x1, row.box.y1, row.box.x2, row.box.y2].map { .number(Self.points($0)) })),
      ]
      if let marker {
        meta.append(Field("footnote", .string(marker)))
        if let text = footnotes[marker] { meta.append(Field("footnote_text", .string(text))) }
      }
      let sectionField = (row.section ?? section).map { [Field("section", .string($0))] } ?? []
      if samples.isEmpty {
        if let sample { base.append(Field("sample_id", .string(sample))) }
        if let lab { base.append(Field("lab_sample_id", .string(lab))) }
        var record = base + sectionField
        for (c, heading) in headings.enumerated() { record.append(Field(heading, .string(cells[c]))) }
        if let headingUnit, !hasUnitColumn { record.append(Field("Unit", .string(headingUnit))) }
        records.append(Record(record + head, meta: meta))
      } else {
        for c in samples {
          var record: [Field] = [Field("sample_id", .string(table.columns[c].heading))]
          if let lab { record.append(Field("lab_sample_id", .string(lab))) }
          record += sectionField
          for (k, heading) in headings.enumerated() where !samples.contains(k) {
            record.append(Field(heading, .string(cells[k])))
          }
          record.append(Field("Result", .string(cells[c])))
          if let unit = ResultColumnRole.unit(inHeading: table.columns[c].heading), !hasUnitColumn {
            record.append(Field("Unit", .string(unit)))
          }
          records.append(Record(record + head, meta: meta + [Field("column", .string(table.columns[c].heading))]))
        }
      }
    }
    last = (table.columns, index, rowBase + table.rows.count, page, sample, section)
    return records
  }

  /// A coordinate with two decimals, as JSON number text.
  static func points(_ value: Double) -> String {
    let scaled = (value * 100).rounded()
    let whole = Int(scaled) / 100, frac = abs(Int(scaled) % 100)
    let sign = scaled < 0 && whole == 0 ? "-" : ""
    return frac == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(frac < 10 ? "0" : "")\(frac)".replacingZeros()
  }
}

extension String {
  /// `12.50` → `12.5`.
  fileprivate func replacingZeros() -> String {
    var s = self
    while s.contains("."), s.hasSuffix("0") { s.removeLast() }
    return s
  }
}
