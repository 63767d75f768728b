import PLCore
import PLXML

/// The rows of one worksheet part, streamed from its XML (`<sheetData><row><c>`).
///
/// A cell's text: shared (`t="s"`) or inline (`t="inlineStr"`) strings as they are, numbers
/// with their shortest exact text, or as an ISO 8601 date or time when the cell's style shows
/// them as one (`CellText.serial`), booleans as `true`/`false`, errors as their text
/// (`#DIV/0!`), formulas by their cached value (none: an empty text and a note). Cells and
/// rows without a `r` address follow the one before. Addresses past XFD1048576, or going
/// back, are malformed.
final class XLSXSheetRows: SheetRows {
  let xml: XMLReader
  let workbook: XLSXWorkbookContext
  /// `book.xlsx!xl/worksheets/sheet1.xml`, for messages.
  let place: String
  var lastRow = 0
  var done = false

  init(xml: XMLReader, workbook: XLSXWorkbookContext, place: String) {
    self.xml = xml
    self.workbook = workbook
    self.place = place
  }

  func malformed(_ message: String) -> PLError {
    .malformed(source: place, location: .line(xml.line), message: message)
  }

  // The cell being read.
  var column = -1
  var cellRef = ""
  var type = ""
  var style = 0
  var value = ""
  var inlineText = ""
  var formula: String?
  var hasValue = false
  var capture = Capture.none
  var phonetic = 0
  var row = SheetRow(number: 0)

  enum Capture { case none, value, inline, formula }

  func nextRow() throws(PLError) -> SheetRow? {
    if done { return nil }
    do {
      while try xml.advance() {
        switch xml.nodeType {
        case .element:
          // Names compared as bytes: a String per node was most of the time of a large sheet.
          if xml.localNameIs("c") {
            try startCell()
            if xml.isEmptyElement { try endCell() }
          } else if xml.localNameIs("v") {
            capture = .value
            hasValue = true
          } else if xml.localNameIs("t") {
            if phonetic == 0 && type == "inlineStr" {
              capture = .inline
              hasValue = true
            }
          } else if xml.localNameIs("rPh") {
            phonetic += 1
          } else if xml.localNameIs("f") {
            capture = .formula
            formula = ""
            if xml.isEmptyElement { capture = .none }
          } else if xml.localNameIs("row") {
            try startRow()
            if xml.isEmptyElement, let finished = finishRow() { return finished }
          }
        case .endElement:
          if xml.localNameIs("c") {
            try endCell()
          } else if xml.localNameIs("v") || xml.localNameIs("t") || xml.localNameIs("f") {
            capture = .none
          } else if xml.localNameIs("rPh") {
            phonetic -= 1
          } else if xml.localNameIs("row") {
            if let finished = finishRow() { return finished }
          } else if xml.localNameIs("sheetData") {
            done = true
            return nil
          }
        case .text, .cdata:
          switch capture {
          case .none: break
          // Assigned, not appended, when it is the first (mostly the only) piece of text.
          case .value: if value.isEmpty { value = xml.value ?? "" } else { value += xml.value ?? "" }
          case .inline: if inlineText.isEmpty { inlineText = xml.value ?? "" } else { inlineText += xml.value ?? "" }
          case .formula: formula! += xml.value ?? ""
          }
        case .other:
          break
        }
      }
    }
    done = true
    return nil
  }

  func startRow() throws(PLError) {
    var number = lastRow + 1
    if let r = try XLSXWorkbook.attributes(xml)["r"] {
      guard let n = Int(r), n >= 1, n <= CellText.maxRows else { throw malformed("row number '\(r)' is not one of 1…\(CellText.maxRows)") }
      number = n
    }
    guard number > lastRow else { throw malformed("row \(number) comes after row \(lastRow)") }
    lastRow = number
    row = SheetRow(number: number)
    column = -1
  }

  func finishRow() -> SheetRow? {
    let finished = row
    row = SheetRow(number: lastRow)
    return finished.isEmpty && finished.notes.isEmpty ? nil : finished
  }

  func startCell() throws(PLError) {
    type = ""
    style = 0
    value = ""
    inlineText = ""
    formula = nil
    hasValue = false
    var next = column + 1
    var ref: String?
    do throws(XMLError) {
      try xml.forEachAttribute { name, text in
        guard name.count == 1 else { return }
        switch name[0] {
        case UInt8(ascii: "r"): ref = String(decoding: text, as: UTF8.self)
        case UInt8(ascii: "t"): type = Self.cellType(text)
        case UInt8(ascii: "s"):
          var n = 0
          for b in text {
            guard b >= 0x30 && b <= 0x39, n < 1 << 40 else {
              n = 0
              break
            }
            n = n * 10 + Int(b - 0x30)
          }
          style = n
        default: break
        }
      }
    } catch {
      throw XLSXWorkbook.xmlError(error)
    }
    if let ref {
      guard let at = CellText.reference(Substring(ref)) else { throw malformed("'\(ref)' is not a cell address (A1…XFD1048576)") }
      // A cell of another row than its `<row>`'s: trust the cell.
      if at.row != row.number {
        guard at.row > lastRow || row.cells.isEmpty else { throw malformed("cell \(ref) is outside its row \(row.number)") }
        row.number = at.row
        lastRow = at.row
      }
      next = at.column
    }
    guard next < CellText.maxColumns else { throw malformed("a cell beyond column XFD") }
    guard next > column else { throw malformed("cell \(ref ?? "") comes after column \(CellText.letters(column: column))") }
    column = next
    cellRef = ref ?? CellText.letters(column: column) + String(row.number)
  }

  /// The `t` attribute of a cell, as one of the constant strings `endCell` switches on (no
  /// String made for the common ones).
  static func cellType(_ text: UnsafeBufferPointer<UInt8>) -> String {
    switch text.count {
    case 1:
      switch text[0] {
      case UInt8(ascii: "s"): return "s"
      case UInt8(ascii: "n"): return "n"
      case UInt8(ascii: "b"): return "b"
      case UInt8(ascii: "e"): return "e"
      case UInt8(ascii: "d"): return "d"
      default: break
      }
    case 3 where text.elementsEqual("str".utf8): return "str"
    case 9 where text.elementsEqual("inlineStr".utf8): return "inlineStr"
    default: break
    }
    return String(decoding: text, as: UTF8.self)
  }

  func endCell() throws(PLError) {
    capture = .none
    let text: String
    switch type {
    case "s":
      guard hasValue else {
        text = ""
        break
      }
      guard let index = Int(value.trimmingSpaces), index >= 0, index < workbook.sharedStrings.count else {
        throw malformed("cell \(cellRef): shared string '\(value)' does not exist (the workbook has \(workbook.sharedStrings.count))")
      }
      text = workbook.sharedStrings[index]
    case "inlineStr":
      text = CellText.unescapeOOXML(inlineText)
    case "str":
      text = CellText.unescapeOOXML(value)
    case "b":
      text = value == "1" || value == "true" ? "true" : value == "0" || value == "false" ? "false" : value
    case "e", "d":
      text = value
    default:
      let display = style < workbook.styles.count ? workbook.styles[style] : .number
      let trimmed = value.utf8.first == 0x20 || value.utf8.last == 0x20 ? value.trimmingSpaces : value
      if trimmed.isEmpty {
        text = ""
      } else if display.isNumber {
        text = CellText.number(trimmed)
      } else {
        text = CellText.serial(trimmed, display: display, date1904: workbook.date1904) ?? CellText.number(trimmed)
      }
    }
    if let formula, !hasValue || (type != "s" && type != "inlineStr" && value.isEmpty && type != "str") {
      let shown = formula.isEmpty ? "" : " (=\(formula))"
      row.notes.append("\(cellRef): formula without a cached value\(shown)")
    }
    if !text.isEmpty { row.cells.append(SheetCell(column: column, text: text)) }
  }
}

/// What the rows of any sheet of one XLSX workbook are read with.
final class XLSXWorkbookContext {
  let sharedStrings: [String]
  let styles: [NumberDisplay]
  let date1904: Bool

  init(_ workbook: XLSXWorkbook) {
    sharedStrings = workbook.sharedStrings
    styles = workbook.styles
    date1904 = workbook.date1904
  }
}
