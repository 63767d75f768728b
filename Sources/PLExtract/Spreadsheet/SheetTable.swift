import PLCore

/// One sheet as a table: its rows of cells become records under the sheet's header.
///
/// The header is found as for text exports: the first `sampleRows` rows of the sheet (from
/// its first filled row) go through `TableAnalysis`, which finds the rows above the table
/// (their key/value pairs become `_pl.meta`, as in CSV), the header rows (a row of units or
/// of group labels joins the names) and the table's first row. The table's left edge is the
/// leftmost filled column of those rows. Every later row with a filled cell is a record:
/// every column under the header, `""` for an empty cell; a filled cell outside the header's
/// columns gets the column's letters as its key (`K`). Empty rows are no records.
///
/// Merged cells: the value of a merged range is repeated into every cell of the range in
/// the records (a sample code merged down three panelists' rows is on all three), and each
/// record whose row crosses a merged range lists it in `_pl.merged` (`["A5:A7"]`), so the
/// repetition can be told from typed values. The header is read from the cells as stored:
/// a label merged over several columns is carried over them by the header's own rules.
///
/// Every record's `_pl`: `source`, `sheet` (its name), `row` (1-based, as the sheet numbers
/// it), then `merged` and `notes` (a formula without a cached value) when there are any, and
/// `meta` (the reader's inherited meta, then the preamble's).
final class SheetTable {
  let rows: SheetRows
  let sheet: String
  let source: String
  let includeMeta: Bool
  let inheritedMeta: [Field]

  /// Rows analysed for the header.
  static let sampleRows = 200

  /// Merges known before their rows (XLSX lists them ahead, see `XLSXWorkbook`).
  var pendingMerges: [CellRange]
  /// Merges whose first row has been read, with the text of their first cell.
  var activeMerges: [(range: CellRange, text: String)] = []

  var started = false
  var buffered: [SheetRow] = []
  var bufferIndex = 0
  var keys: [String] = []
  var extraKeys: [Int: String] = [:]
  var leftEdge = 0
  var firstDataRow = 1
  var meta: [Field] = []
  /// What the analysis decided, for the summary.
  var analysis: TableAnalysis?
  var firstRowNumber = 0
  public private(set) var recordCount = 0

  init(rows: SheetRows, sheet: String, source: String, merges: [CellRange], includeMeta: Bool, inheritedMeta: [Field]) {
    self.rows = rows
    self.sheet = sheet
    self.source = source
    self.pendingMerges = merges.sorted { ($0.firstRow, $0.firstColumn) < ($1.firstRow, $1.firstColumn) }
    self.includeMeta = includeMeta
    self.inheritedMeta = inheritedMeta
  }

  /// The next record of the sheet; nil after its last row.
  func next() throws(PLError) -> Record? {
    if !started { try start() }
    while true {
      if !pending.isEmpty { return pending.removeFirst() }
      let row: SheetRow
      if bufferIndex < buffered.count {
        row = buffered[bufferIndex]
        bufferIndex += 1
        if bufferIndex == buffered.count {
          buffered = []
          bufferIndex = 0
        }
      } else {
        guard let next = try rows.nextRow() else {
          // Rows held back at the end of the sheet are its footer.
          for held in held { footer.add(cells: held.cells.map(\.text).filter { !$0.isEmpty }) }
          footerRows += held.count
          held.removeAll()
          return nil
        }
        row = next
      }
      let merged = applyMerges(to: row)
      guard row.number >= firstDataRow, !merged.cells.isEmpty || !merged.notes.isEmpty else { continue }
      let item = HeldRow(cells: merged.cells, row: row.number, notes: merged.notes, ranges: merged.ranges)
      // A total or a `Key: value` line may be the footer: known once a data row follows or
      // the sheet ends.
      if isFooterLike(merged.cells) {
        held.append(item)
        continue
      }
      if !held.isEmpty {
        pending = (held + [item]).map { record($0.cells, row: $0.row, notes: $0.notes, ranges: $0.ranges) }
        recordCount += pending.count
        held.removeAll()
        continue
      }
      recordCount += 1
      return record(merged.cells, row: row.number, notes: merged.notes, ranges: merged.ranges)
    }
  }

  /// A row kept aside until it is known to be data or footer.
  struct HeldRow {
    var cells: [SheetCell]
    var row: Int
    var notes: [String]
    var ranges: [String]
  }

  var held: [HeldRow] = []
  var pending: [Record] = []
  /// What the rows under the table said (`Records: 12`, a total), and how many there were.
  var footer = PreambleMeta()
  var footerRows = 0

  /// Words a footer row opens with, as in text exports.
  static let footerWords = ["total", "totals", "sum", "summe", "gesamt", "end of", "ende", "records", "anzahl", "mean", "average", "mittelwert"]

  /// A row that opens with a footer word, or a lone `Key: value` cell in a table of three or
  /// more columns.
  func isFooterLike(_ cells: [SheetCell]) -> Bool {
    let filled = cells.filter { !$0.text.isEmpty }
    guard let first = filled.first else { return false }
    let lower = first.text.lowercased()
    for word in Self.footerWords where lower.hasPrefix(word) {
      let rest = lower.dropFirst(word.count)
      if rest.isEmpty || rest.first == " " || rest.first == ":" { return true }
    }
    return filled.count == 1 && keys.count >= 3 && PreambleMeta.split(first.text) != nil
  }

  /// Reads the first rows and decides the header.
  func start() throws(PLError) {
    started = true
    while buffered.count < Self.sampleRows, let row = try rows.nextRow() {
      buffered.append(row)
      if row.number - buffered[0].number >= Self.sampleRows - 1 { break }
    }
    guard let first = buffered.first else { return }
    firstRowNumber = first.number
    let filled = buffered.filter { !$0.isEmpty && $0.number < first.number + Self.sampleRows }
    leftEdge = filled.compactMap { $0.cells.first { !$0.text.isEmpty }?.column }.min() ?? 0
    // The rows as text from the left edge, blank rows in the gaps.
    var texts: [[String]] = []
    var number = first.number
    // The row that ended the sample by its number (past a gap) is read as data, not analysed.
    for row in buffered where row.number < first.number + Self.sampleRows {
      while number < row.number {
        texts.append([])
        number += 1
      }
      texts.append(cellTexts(row))
      number += 1
    }
    let analysis = TableAnalysis.analyze(texts)
    self.analysis = analysis
    keys = analysis.columns
    firstDataRow = first.number + analysis.tableStart + analysis.headerRows
    meta = inheritedMeta + analysis.meta
  }

  func cellTexts(_ row: SheetRow) -> [String] {
    guard let last = row.cells.last(where: { !$0.text.isEmpty }), last.column >= leftEdge else { return [] }
    var texts = [String](repeating: "", count: last.column - leftEdge + 1)
    for cell in row.cells where cell.column >= leftEdge { texts[cell.column - leftEdge] = cell.text }
    return texts
  }

  /// The row's cells with merged values repeated into their ranges, its notes, and the
  /// merged ranges it crosses.
  func applyMerges(to row: SheetRow) -> (cells: [SheetCell], notes: [String], ranges: [String]) {
    if !row.merges.isEmpty {
      pendingMerges += row.merges
      pendingMerges.sort { ($0.firstRow, $0.firstColumn) < ($1.firstRow, $1.firstColumn) }
    }
    if pendingMerges.isEmpty && activeMerges.isEmpty { return (row.cells, row.notes, []) }
    activeMerges.removeAll { $0.range.lastRow < row.number }
    // Merges starting at or above this row begin now (a first row with no filled cell was
    // never handed out: its merge is empty).
    while let range = pendingMerges.first, range.firstRow <= row.number {
      pendingMerges.removeFirst()
      guard range.lastRow >= row.number else { continue }
      let text = range.firstRow == row.number ? row.cells.first { $0.column == range.firstColumn }?.text ?? "" : ""
      activeMerges.append((range, text))
    }
    guard !activeMerges.isEmpty else { return (row.cells, row.notes, []) }
    var byColumn: [Int: String] = [:]
    for cell in row.cells { byColumn[cell.column] = cell.text }
    var ranges: [String] = []
    for (range, text) in activeMerges {
      ranges.append(range.text)
      guard !text.isEmpty else { continue }
      for column in range.firstColumn...range.lastColumn { byColumn[column] = text }
    }
    let cells = byColumn.sorted { $0.key < $1.key }.map { SheetCell(column: $0.key, text: $0.value) }
    return (cells, row.notes, ranges)
  }

  func record(_ cells: [SheetCell], row: Int, notes: [String], ranges: [String]) -> Record {
    var fields: [Field] = []
    fields.reserveCapacity(keys.count)
    var index = 0
    for (j, key) in keys.enumerated() {
      let column = leftEdge + j
      while index < cells.count && cells[index].column < column {
        fields.append(Field(extraKey(cells[index].column), .string(cells[index].text)))
        index += 1
      }
      if index < cells.count && cells[index].column == column {
        fields.append(Field(key, .string(cells[index].text)))
        index += 1
      } else {
        fields.append(Field(key, .string("")))
      }
    }
    while index < cells.count {
      fields.append(Field(extraKey(cells[index].column), .string(cells[index].text)))
      index += 1
    }
    var record = Record(fields)
    if includeMeta {
      var pl = [Field(MetaKey.source, .string(source)), Field(MetaKey.sheet, .string(sheet)), Field(MetaKey.row, .integer(row))]
      if !ranges.isEmpty { pl.append(Field("merged", .array(ranges.map { .string($0) }))) }
      if !notes.isEmpty { pl.append(Field(MetaKey.notes, .array(notes.map { .string($0) }))) }
      if !meta.isEmpty { pl.append(Field("meta", .object(meta))) }
      record.meta = pl
    }
    return record
  }

  /// The key of a filled cell outside the header's columns: its column's letters, made
  /// unique among the keys.
  func extraKey(_ column: Int) -> String {
    if let key = extraKeys[column] { return key }
    let base = CellText.letters(column: column)
    var key = base
    var n = 2
    while keys.contains(key) || extraKeys.values.contains(key) || key == Record.metaKey {
      key = "\(base)_\(n)"
      n += 1
    }
    extraKeys[column] = key
    return key
  }

  /// What was decided about this sheet, for the summary.
  var details: [Field] {
    var fields = [Field("name", .string(sheet))]
    if let analysis {
      fields.append(Field("header_row", .integer(firstRowNumber + analysis.tableStart)))
      fields.append(Field("header_rows", .integer(analysis.headerRows)))
      fields.append(Field("columns", .array(keys.map { .string($0) })))
      if !analysis.meta.isEmpty { fields.append(Field("meta", .object(analysis.meta))) }
      if !analysis.preamble.isEmpty { fields.append(Field("preamble", .array(analysis.preamble.map { .string($0) }))) }
    }
    fields.append(Field("records", .integer(recordCount)))
    if footerRows > 0 {
      fields.append(Field("footer_rows", .integer(footerRows)))
      if !footer.fields.isEmpty { fields.append(Field("footer", .object(footer.fields))) }
      if !footer.lines.isEmpty { fields.append(Field("footer_text", .array(footer.lines.map { .string($0) }))) }
    }
    return fields
  }
}
