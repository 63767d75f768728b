import PLCore
import PLPDF

/// `--mode tables`: one record per table of any PDF, its grid of cells as printed, and the
/// judgement of `--min-quality` on it.
///
/// A table that may continue on the next page is held back until that page is read (the
/// stitcher decides), so a table is one record however many pages it spans; that table is the
/// only state kept across pages.
final class PDFTables: PDFPageHandler {
  let source: String
  let gate: PDFQualityGate
  /// The finder for the pages a template pins, and for the others.
  let pinned: PDFTableFinder
  let detecting = PDFTableFinder()
  let pinnedPages: PageSelection?
  var stitcher = PDFTableStitcher()
  /// Tables emitted or set aside so far in this document.
  private var count = 0

  init(source: String, template: PDFTemplate?, gate: PDFQualityGate) {
    self.source = source
    self.gate = gate
    pinned = PDFTableFinder(options: template?.tableOptions ?? PDFTableOptions())
    pinnedPages = template?.pages ?? (template == nil ? nil : PageSelection.all)
  }

  func read(_ page: PDFPage) throws(PLError) -> [Record] {
    let finder = pinnedPages?.contains(page.number) == true ? pinned : detecting
    let found = finder.tables(on: page)
    return try records(stitcher.add(found, size: page.size, lines: page.lines()))
  }

  func finish() throws(PLError) -> [Record] {
    try records(stitcher.finish())
  }

  private func records(_ tables: [PDFTable]) throws(PLError) -> [Record] {
    var out: [Record] = []
    for table in tables {
      count += 1
      let record = Self.record(table, number: count)
      if try gate.admits(record, score: table.quality.score, source: source, page: table.pages[0] + 1, table: count) {
        out.append(record)
      }
    }
    return out
  }

  /// `{"rows": [[cell, …], …], "header_rows": N, "_pl": {page, pages, table, bbox, quality, kind}}`.
  static func record(_ table: PDFTable, number: Int) -> Record {
    let rows = JSONValue.array(table.grid.map { .array($0.map { .string($0) }) })
    let first = (table.pages.first ?? 0) + 1
    let last = (table.pages.last ?? 0) + 1
    return Record(
      [Field("rows", rows), Field("header_rows", .integer(table.headerRows))],
      meta: [
        Field(MetaKey.page, .integer(first)), Field("pages", .array([.integer(first), .integer(last)])),
        Field(MetaKey.table, .integer(number)), Field("bbox", PDFNumbers.box(table.bbox)),
        Field("quality", PDFNumbers.decimal(table.quality.score, places: 3)), Field("kind", .string(table.kind.rawValue)),
      ])
  }
}
