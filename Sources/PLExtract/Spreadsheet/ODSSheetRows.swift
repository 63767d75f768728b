import PLCore
import PLXML

/// The tables of an OpenDocument spreadsheet's `content.xml`, streamed one after another,
/// each read row by row.
///
/// A cell's value comes from its type: `float`, `percentage` and `currency` from
/// `office:value` (shortest exact text), `date` from `office:date-value` (already ISO 8601),
/// `time` from `office:time-value` (`PT09H15M00S` → `09:15:00`), `boolean` as `true`/`false`,
/// strings and error results (`#DIV/0!`) from the cell's paragraphs (joined by a line break;
/// `<text:s>` spaces, tabs and line breaks kept, annotations left out). A formula with no
/// value type has no cached value: an empty text and a note.
///
/// Repetition (`table:number-rows-repeated`, `table:number-columns-repeated`) is how a few
/// bytes describe a million empty rows: empty repeats cost nothing, and filled cells made by
/// repetition are counted and refused past `maxRepeatedCells`, so that a tiny file cannot
/// claim 1,048,576 × 16,384 filled cells. Merged cells are told by their first cell
/// (`table:number-columns-spanned`, `-rows-spanned`), in `SheetRow.merges`.
final class ODSSheetRows: SheetRows {
  let xml: XMLReader
  let place: String
  /// Table styles that hide their table (`table:display="false"`).
  var hiddenStyles: Set<String> = []
  var styleName: String?
  var inTable = false
  var finished = false
  /// The 1-based number of the next row, and filled cells made by repetition so far.
  var nextRowNumber = 1
  var repeatedCells = 0
  /// A filled row still to be handed out `repeatsLeft` more times.
  var repeating: SheetRow?
  var repeatsLeft = 0

  /// The most filled cells repetition may make in one workbook.
  static let maxRepeatedCells = 5_000_000

  init(xml: XMLReader, place: String) {
    self.xml = xml
    self.place = place
  }

  func malformed(_ message: String) -> PLError {
    .malformed(source: place, location: .line(xml.line), message: message)
  }

  func read() throws(PLError) -> Bool { try xml.advance() }

  /// Moves to the next table; nil after the last.
  func nextTable() throws(PLError) -> (name: String, hidden: Bool)? {
    // The rest of the current table is passed over.
    while inTable { _ = try nextRow() }
    while !finished, try read() {
      guard xml.nodeType == .element else { continue }
      switch xml.localName {
      case "style":
        styleName = try XLSXWorkbook.attributes(xml)["name"]
      case "table-properties":
        if let styleName, try XLSXWorkbook.attributes(xml)["display"] == "false" { hiddenStyles.insert(styleName) }
      case "table":
        let a = try XLSXWorkbook.attributes(xml)
        inTable = !xml.isEmptyElement
        nextRowNumber = 1
        return (a["name"] ?? "Sheet", a["style-name"].map { hiddenStyles.contains($0) } ?? false)
      default:
        break
      }
    }
    finished = true
    return nil
  }

  func nextRow() throws(PLError) -> SheetRow? {
    if repeatsLeft > 0, var row = repeating {
      repeatsLeft -= 1
      row.number = nextRowNumber
      row.merges = []
      nextRowNumber += 1
      return row
    }
    guard inTable else { return nil }
    while try read() {
      switch xml.nodeType {
      case .element where xml.localName == "table-row":
        let repeats = try XLSXWorkbook.attributes(xml)["number-rows-repeated"].flatMap { Int($0) } ?? 1
        var row = SheetRow(number: nextRowNumber)
        if !xml.isEmptyElement { try readCells(into: &row) }
        guard repeats >= 1 else { throw malformed("table:number-rows-repeated is not a positive number") }
        nextRowNumber += repeats
        guard nextRowNumber - 1 <= CellText.maxRows else { throw malformed("more than \(CellText.maxRows) rows") }
        if row.isEmpty && row.notes.isEmpty && row.merges.isEmpty { continue }
        if repeats > 1 {
          repeatedCells += (repeats - 1) * row.cells.count
          guard repeatedCells <= Self.maxRepeatedCells else { throw repetitionError() }
          repeating = row
          repeatsLeft = repeats - 1
          nextRowNumber = row.number + 1
        }
        return row
      case .element where xml.localName == "table" && xml.depth > 0:
        // A table inside a cell is not part of this table's rows.
        try skipElement()
      case .endElement where xml.localName == "table":
        inTable = false
        return nil
      default:
        break
      }
    }
    inTable = false
    finished = true
    return nil
  }

  func repetitionError() -> PLError {
    malformed("repeated cells (table:number-rows-repeated, table:number-columns-repeated) would make more than \(Self.maxRepeatedCells) filled cells: refused")
  }

  /// Skips the element the reader is on, with everything in it.
  func skipElement() throws(PLError) {
    guard !xml.isEmptyElement else { return }
    let depth = xml.depth
    while try read() {
      if xml.nodeType == .endElement && xml.depth == depth { return }
    }
  }

  /// Reads the cells of the row element the reader is on, to its end tag.
  func readCells(into row: inout SheetRow) throws(PLError) {
    var column = 0
    while try read() {
      switch xml.nodeType {
      case .element:
        let name = xml.localName
        guard name == "table-cell" || name == "covered-table-cell" else {
          try skipElement()
          continue
        }
        let a = try cellAttributes()
        let repeats = a["number-columns-repeated"].flatMap { Int($0) } ?? 1
        guard repeats >= 1 else { throw malformed("table:number-columns-repeated is not a positive number") }
        let paragraphs = xml.isEmptyElement ? "" : try readParagraphs()
        defer { column += repeats }
        guard column + repeats <= CellText.maxColumns || (column < CellText.maxColumns && name == "covered-table-cell") else {
          // Trailing empty cells to the sheet's edge are how LibreOffice ends a row.
          if cellText(a, paragraphs: paragraphs) == nil { continue }
          throw malformed("a cell beyond column \(CellText.letters(column: CellText.maxColumns - 1))")
        }
        guard name == "table-cell" else { continue }
        let across = a["number-columns-spanned"].flatMap { Int($0) } ?? 1
        let down = a["number-rows-spanned"].flatMap { Int($0) } ?? 1
        if across > 1 || down > 1 {
          row.merges.append(
            CellRange(firstColumn: column, firstRow: row.number, lastColumn: min(column + across, CellText.maxColumns) - 1, lastRow: min(row.number + down - 1, CellText.maxRows)))
        }
        let ref = CellText.letters(column: column) + String(row.number)
        if a["formula"] != nil && a["value-type"] == nil {
          row.notes.append("\(ref): formula without a cached value (\(a["formula"]!))")
        }
        guard let text = cellText(a, paragraphs: paragraphs), !text.isEmpty else { continue }
        if repeats > 1 {
          repeatedCells += repeats - 1
          guard repeatedCells <= Self.maxRepeatedCells else { throw repetitionError() }
        }
        for k in 0..<repeats { row.cells.append(SheetCell(column: column + k, text: text)) }
      case .endElement:
        if xml.localName == "table-row" { return }
      default:
        break
      }
    }
  }

  /// The attributes of the cell the reader is on by local name, LibreOffice's extension
  /// attributes (`calcext:value-type="error"`) apart under their qualified names.
  func cellAttributes() throws(PLError) -> [String: String] {
    do throws(XMLError) {
      var result: [String: String] = [:]
      for (name, value) in try xml.attributes() {
        if name.hasPrefix("calcext:") {
          result[name] = value
        } else {
          result[name.split(separator: ":").last.map(String.init) ?? name] = value
        }
      }
      return result
    } catch {
      throw XLSXWorkbook.xmlError(error)
    }
  }

  /// The text of a cell from its attributes (by local name) and its paragraphs.
  func cellText(_ a: [String: String], paragraphs: String) -> String? {
    if a["calcext:value-type"] == "error" { return paragraphs }
    // LibreOffice keeps a boolean of another format as the formula TRUE() or FALSE().
    if let formula = a["formula"], a["value-type"] == "float" {
      if formula.hasSuffix(":=TRUE()") { return "true" }
      if formula.hasSuffix(":=FALSE()") { return "false" }
    }
    switch a["value-type"] {
    case "float", "percentage", "currency":
      return a["value"].map(CellText.number) ?? paragraphs
    case "date":
      return a["date-value"] ?? paragraphs
    case "time":
      return a["time-value"].flatMap(CellText.isoDuration) ?? paragraphs
    case "boolean":
      guard let v = a["boolean-value"] else { return paragraphs }
      return v == "true" || v == "1" ? "true" : v == "false" || v == "0" ? "false" : v
    case "string":
      return a["string-value"] ?? paragraphs
    default:
      return paragraphs
    }
  }

  /// The text of the cell element the reader is on: its paragraphs, joined by line breaks.
  func readParagraphs() throws(PLError) -> String {
    let depth = xml.depth
    var text = ""
    var paragraphs = 0
    var annotation = 0
    while try read() {
      switch xml.nodeType {
      case .element:
        let name = xml.localName
        if name == "annotation" {
          if !xml.isEmptyElement { annotation += 1 }
          continue
        }
        guard annotation == 0 else { continue }
        switch name {
        case "p", "h":
          if paragraphs > 0 { text += "\n" }
          paragraphs += 1
        case "s":
          let count = try XLSXWorkbook.attributes(xml)["c"].flatMap { Int($0) } ?? 1
          text += String(repeating: " ", count: max(1, min(count, 1 << 16)))
        case "tab": text += "\t"
        case "line-break": text += "\n"
        default: break
        }
      case .endElement:
        if xml.depth == depth { return text }
        if xml.localName == "annotation" { annotation -= 1 }
      case .text, .cdata:
        if annotation == 0 && paragraphs > 0 { text += xml.value ?? "" }
      case .other:
        break
      }
    }
    return text
  }
}
