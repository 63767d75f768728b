import PLCore
import PLPDF

/// What pl-extract writes for a PDF (`--mode`).
public enum PDFMode: String, Sendable, CaseIterable {
  /// One record per result row of every results table, with the report's header fields.
  case records
  /// One record per table: its grid of cells.
  case tables
  /// One record per document of the header's key/values.
  case fields
  /// One record per printed line, with its position.
  case text
}

/// What one mode makes of a document's pages, one page at a time.
///
/// Contract: `read` is called for each page read that holds text, in page order; it returns
/// the records that are complete once that page is read (a table that may continue on the
/// next page is held back); `finish` returns what is held back when the pages end. Records
/// carry their own `_pl` members after `source` (page, table, row, bbox …); the reader puts
/// the source, and what the input inherits, in front.
protocol PDFPageHandler: AnyObject {
  func read(_ page: PDFPage) throws(PLError) -> [Record]
  func finish() throws(PLError) -> [Record]
}

/// Reads a PDF into records one page at a time: memory holds the document's bytes (poppler
/// needs them all: the cross-reference table is at the end), one page's text and layout, and
/// what a mode holds back across a page break (a table that continues), never all pages.
///
/// A page with images and no text is a scan: the document is refused at that page (exit 65),
/// never read as empty. So is a document none of whose pages read holds text.
final class PDFReader: RecordSource {
  let document: PDFDocument
  let sourceName: String
  let handler: any PDFPageHandler
  let includeMeta: Bool
  /// `_pl.meta` inherited from what held the PDF (an e-mail's headers).
  let inheritedMeta: [Field]
  /// The pages to read, 0-based.
  let pages: [Int]
  /// Opens the bytes again to look for images on a page without text.
  let probe: () -> PDFImageProbe?
  private var position = 0
  private var pending: [Record] = []
  private var finished = false
  /// Pages read that held text.
  private(set) var textPages = 0
  /// Pages read.
  private(set) var pagesRead = 0
  private(set) var recordCount = 0
  private var imageProbe: PDFImageProbe??

  init(
    document: PDFDocument, source: String, selection: PageSelection, handler: any PDFPageHandler,
    includeMeta: Bool, inheritedMeta: [Field], probe: @escaping () -> PDFImageProbe?
  ) throws(PLError) {
    self.document = document
    sourceName = source
    self.handler = handler
    self.includeMeta = includeMeta
    self.inheritedMeta = inheritedMeta
    self.probe = probe
    let count = document.pageCount
    pages = selection.indexes(pageCount: count)
    guard !pages.isEmpty else {
      throw .malformed(
        source: source, location: nil,
        message: count == 0
          ? "the PDF has no pages"
          : "--pages \(selection) selects no page of the \(count) the document has")
    }
  }

  func next() throws(PLError) -> Record? {
    while pending.isEmpty {
      if position < pages.count {
        let index = pages[position]
        position += 1
        try readPage(index)
      } else if !finished {
        finished = true
        guard textPages > 0 else {
          throw .malformed(
            source: sourceName, location: .page(pages[0] + 1),
            message: "no text layer: no page\(pages.count == 1 ? "" : " read") holds text (a scanned or empty document)")
        }
        pending = try handler.finish().reversed()
      } else {
        return nil
      }
    }
    var record = pending.removeLast()
    recordCount += 1
    if includeMeta {
      var meta = [Field(MetaKey.source, .string(sourceName))]
      meta += record.meta.filter { $0.key != MetaKey.source }
      if !inheritedMeta.isEmpty { meta.append(Field("meta", .object(inheritedMeta))) }
      record.meta = meta
    } else {
      record.meta = []
    }
    return record
  }

  private func readPage(_ index: Int) throws(PLError) {
    let page: PDFPage
    do { page = try document.page(index) } catch { throw PDFInput.plError(error) }
    pagesRead += 1
    guard page.text.contains(where: { !$0.isWhitespace }) else {
      if imageProbe == nil { imageProbe = .some(probe()) }
      if let found = imageProbe!, found.imageCount(page: index) > 0 {
        throw .malformed(
          source: sourceName, location: .page(index + 1),
          message: "no text layer: a scanned document (an image of the page, with no text to read; pl-extract does not recognise characters in images)")
      }
      return
    }
    textPages += 1
    pending = try handler.read(page).reversed()
  }
}

/// `--mode text`: one record per printed line: `page`, `x`, `y`, `width`, `height` (points
/// from the page's top-left corner) and `text`; `_pl.page` and `_pl.line` (the line's number
/// on its page) say where it is.
final class PDFTextLines: PDFPageHandler {
  func read(_ page: PDFPage) throws(PLError) -> [Record] {
    var records: [Record] = []
    for (number, line) in PDFLabReport.labReportPage(page).lines.enumerated() {
      let box = line.box
      records.append(Record(
        [
          Field("page", .integer(page.number)), Field("x", PDFNumbers.points(box.x1)), Field("y", PDFNumbers.points(box.y1)),
          Field("width", PDFNumbers.points(box.width)), Field("height", PDFNumbers.points(box.height)),
          Field("text", .string(line.words.map(\.text).joined(separator: " "))),
        ],
        meta: [Field(MetaKey.page, .integer(page.number)), Field(MetaKey.line, .integer(number + 1))]))
    }
    return records
  }

  func finish() throws(PLError) -> [Record] { [] }
}

/// Positions and scores as JSON numbers, rounded so that runs compare.
enum PDFNumbers {
  /// A length in points, to the hundredth.
  static func points(_ value: Double) -> JSONValue { decimal(value, places: 2) }

  /// A box as `[x1, y1, x2, y2]`.
  static func box(_ box: PDFRect) -> JSONValue {
    .array([points(box.x1), points(box.y1), points(box.x2), points(box.y2)])
  }

  /// `value` with at most `places` decimals, without trailing zeros (`12.5`, `3`).
  static func decimal(_ value: Double, places: Int) -> JSONValue {
    guard value.isFinite else { return .null }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (value * scale).rounded()
    let negative = scaled < 0
    let magnitude = Int(abs(scaled))
    var whole = String(magnitude / Int(scale))
    var fraction = String(magnitude % Int(scale))
    while fraction.count < places { fraction = "0" + fraction }
    while fraction.hasSuffix("0") { fraction.removeLast() }
    if negative && magnitude != 0 { whole = "-" + whole }
    return .number(fraction.isEmpty ? whole : whole + "." + fraction)
  }
}
