/// Joins a table that continues on the next page into one table.
///
/// A table continues when it is the last one on its page and ends in the page's lower half
/// with at most a couple of lines (a footer) below it, and the next page's first table starts
/// with at most three lines above it (a running header, a "continued" note), has as many
/// columns at about the same places, and either no header or the same header. The repeated
/// header rows are dropped: they are not data.
///
/// Streaming: feed pages in order with `add`, which returns the tables that are complete; only
/// the last table of the previous page is held, so memory does not grow with the page count.
/// Call `finish` after the last page.
public struct PDFTableStitcher: Sendable {
  /// The last table of the previous page, while it may continue.
  private var open: PDFTable?
  /// How far column boundaries may move between pages, in points.
  public var columnTolerance: Double = 20

  public init() {}

  /// Takes the tables of the next page (top to bottom), with the page's size and text lines
  /// (page headers and footers included), and returns the tables that are now complete.
  public mutating func add(_ tables: [PDFTable], size: PDFSize, lines: [PDFTextLine]) -> [PDFTable] {
    var done: [PDFTable] = []
    var tables = tables
    if let previous = open {
      if let first = tables.first, continues(previous, with: first, lines: lines) {
        tables[0] = join(previous, first)
      } else {
        done.append(previous)
      }
      open = nil
    }
    guard let last = tables.popLast() else { return done }
    done += tables
    let below = lines.filter { $0.box.y1 >= last.bbox.y2 - 0.5 && $0.box.x2 > last.bbox.x1 && $0.box.x1 < last.bbox.x2 }
    if last.bbox.y2 > size.height / 2, below.count <= 2 {
      open = last
    } else {
      done.append(last)
    }
    return done
  }

  /// The table still held after the last page.
  public mutating func finish() -> [PDFTable] {
    defer { open = nil }
    return open.map { [$0] } ?? []
  }

  private func continues(_ previous: PDFTable, with next: PDFTable, lines: [PDFTextLine]) -> Bool {
    guard next.columnCount == previous.columnCount, next.columnCount >= 2 else { return false }
    let above = lines.filter { $0.box.y2 <= next.bbox.y1 + 0.5 }
    guard above.count <= 3 else { return false }
    for (a, b) in zip(previous.columnBoundaries, next.columnBoundaries) where abs(a - b) > columnTolerance {
      return false
    }
    if next.headerRows > 0 {
      guard next.headerRows == previous.headerRows else { return false }
      let header = { (t: PDFTable) in t.grid.prefix(t.headerRows).map { $0.map { Self.normalised($0) } } }
      return header(previous) == header(next)
    }
    return true
  }

  private func join(_ previous: PDFTable, _ next: PDFTable) -> PDFTable {
    var table = previous
    let skip = next.headerRows
    table.rows += next.rows.dropFirst(skip)
    table.rowPages += next.rowPages.dropFirst(skip)
    table.rowKinds += next.rowKinds.dropFirst(skip)
    for page in next.pages where !table.pages.contains(page) { table.pages.append(page) }
    let a = Double(previous.rows.count)
    let b = Double(next.rows.count)
    func mean(_ x: Double, _ y: Double) -> Double { ((x * a + y * b) / (a + b) * 1000).rounded() / 1000 }
    table.quality = PDFTableQuality(
      assigned: mean(previous.quality.assigned, next.quality.assigned),
      whitespace: mean(previous.quality.whitespace, next.quality.whitespace),
      columnConsistency: mean(previous.quality.columnConsistency, next.quality.columnConsistency))
    return table
  }

  private static func normalised(_ text: String) -> String {
    text.lowercased().filter { !$0.isWhitespace }
  }
}
