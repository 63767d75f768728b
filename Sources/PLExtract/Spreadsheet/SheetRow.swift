import PLCore

/// One filled cell of a sheet: its 0-based column and its value as record text.
struct SheetCell: Equatable {
  var column: Int
  var text: String
}

/// One row of a sheet as read: its 1-based number, its filled cells left to right, and what
/// the reader noticed about them.
struct SheetRow: Equatable {
  var number: Int
  var cells: [SheetCell] = []
  /// Notes for `_pl.notes` (`C7: formula without a cached value`).
  var notes: [String] = []
  /// Merged ranges whose first cell is in this row, when the format says so only there (ODS).
  var merges: [CellRange] = []

  /// True when no cell holds text.
  var isEmpty: Bool { !cells.contains { !$0.text.isEmpty } }
}

/// A sheet of a workbook, its rows read one at a time.
protocol SheetRows: AnyObject {
  /// The next row that has a filled cell, a note or a merge, in row order; nil at the end.
  func nextRow() throws(PLError) -> SheetRow?
}
