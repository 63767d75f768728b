/// A table found on one page, or joined across pages: a rectangular grid of cells.
///
/// Every row has one entry per column. A cell that spans several columns or rows sits at its
/// top-left slot with `colSpan`/`rowSpan` above 1; the slots it covers hold empty cells with a
/// span of 0, so `rows[r][c]` always exists and the grid compares as a whole.
///
/// Contract: `rows.count == rowPages.count == rowKinds.count`; the first `headerRows` rows are
/// the header (their kind is `.header`); boxes are in points, top-left origin, on the page
/// their row is on.
public struct PDFTable: Equatable, Sendable {
  /// How the table's cells are drawn.
  public enum Kind: String, Equatable, Sendable {
    /// Rules around the cells: rows and columns come from the rules.
    case ruled
    /// Horizontal rules only (above and below the header, under the last row, between rows):
    /// columns come from the gaps between words.
    case horizontalRulesOnly = "horizontal-rules"
    /// No rules: columns come from the gaps between words, rows from the text lines.
    case whitespace
  }

  /// What a row holds.
  public enum RowKind: String, Equatable, Sendable {
    /// A header row (column labels, group labels over several columns).
    case header
    /// A section label inside the table (`Fatty acids`): one cell spanning the table.
    case section
    /// A row of data.
    case data
  }

  /// The pages (from 0) the table is on: one, or several for a table that continues.
  public var pages: [Int]
  /// The table's box on its first page.
  public var bbox: PDFRect
  public var rows: [[PDFCell]]
  /// The page (from 0) each row is on.
  public var rowPages: [Int]
  public var rowKinds: [RowKind]
  public var headerRows: Int
  public var kind: Kind
  public var quality: PDFTableQuality
  /// The x positions of the boundaries between columns, on the first page (`columnCount - 1` of them).
  public var columnBoundaries: [Double]

  public init(
    pages: [Int], bbox: PDFRect, rows: [[PDFCell]], rowPages: [Int], rowKinds: [RowKind], headerRows: Int,
    kind: Kind, quality: PDFTableQuality, columnBoundaries: [Double]
  ) {
    self.pages = pages
    self.bbox = bbox
    self.rows = rows
    self.rowPages = rowPages
    self.rowKinds = rowKinds
    self.headerRows = headerRows
    self.kind = kind
    self.quality = quality
    self.columnBoundaries = columnBoundaries
  }

  public var columnCount: Int { rows.first?.count ?? 0 }

  /// The cells' texts, row by row (covered slots are empty strings).
  public var grid: [[String]] { rows.map { $0.map(\.text) } }
}

/// One cell of a `PDFTable`.
public struct PDFCell: Equatable, Sendable {
  /// The cell's words joined by single spaces, its lines by single spaces too.
  public var text: String
  /// The box of the cell's slot (its rules, or its column and row extent), in points.
  public var box: PDFRect
  /// How many rows and columns the cell covers: 1 for a plain cell, 0 for a slot covered by a
  /// spanning cell above or to the left.
  public var rowSpan: Int
  public var colSpan: Int
  /// How many text lines the cell's text was printed on (0 for an empty cell).
  public var lines: Int

  public init(text: String, box: PDFRect, rowSpan: Int = 1, colSpan: Int = 1, lines: Int) {
    self.text = text
    self.box = box
    self.rowSpan = rowSpan
    self.colSpan = colSpan
    self.lines = lines
  }

  /// Whether the slot is covered by a spanning cell rather than holding its own.
  public var isCovered: Bool { rowSpan == 0 || colSpan == 0 }
}

/// How well the words of a region fit the grid found for it, like camelot's parsing report.
///
/// A low score says the table is probably not a table, or its columns were found wrong; callers
/// keep such tables out of data (`--min-quality`).
public struct PDFTableQuality: Equatable, Sendable {
  /// The share of the words inside the table that went to exactly one cell (not across a
  /// column boundary of a data row).
  public var assigned: Double
  /// The share of the cells (covered slots not counted) that are empty.
  public var whitespace: Double
  /// The share of data rows that fill at least two columns and cross no column boundary.
  public var columnConsistency: Double

  public init(assigned: Double, whitespace: Double, columnConsistency: Double) {
    self.assigned = assigned
    self.whitespace = whitespace
    self.columnConsistency = columnConsistency
  }

  /// One figure from 0 to 1: mostly the assigned share, lowered by inconsistent columns and by
  /// a grid that is more than half empty.
  public var score: Double {
    let emptiness = max(0, whitespace - 0.5) * 0.6
    let value = assigned * (0.7 + 0.3 * columnConsistency) - emptiness
    return (min(1, max(0, value)) * 1000).rounded() / 1000
  }
}
