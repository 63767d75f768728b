import CPLPoppler

/// One page of a `PDFDocument`: its size, its text, and where each character of the text is.
///
/// Contract: positions are in points with the origin at the page's top-left corner. The page
/// keeps its document open. Not thread-safe, like its document.
public final class PDFPage {
  /// The page's position in the document, counted from 0.
  public let index: Int
  /// The document the page belongs to, kept alive by the page.
  public let document: PDFDocument
  /// The PopplerPage; owned, unreferenced in `deinit` only.
  private let handle: OpaquePointer

  init(handle: OpaquePointer, document: PDFDocument, index: Int) {
    self.handle = handle
    self.document = document
    self.index = index
  }

  deinit {
    cpl_g_object_unref(UnsafeMutableRawPointer(handle))
  }

  /// The page number a person reads, counted from 1 (for messages).
  public var number: Int { index + 1 }

  /// The width and height of the page in points.
  public var size: PDFSize {
    var width = 0.0
    var height = 0.0
    poppler_page_get_size(handle, &width, &height)
    return PDFSize(width: width, height: height)
  }

  /// The page's text in poppler's reading order, lines separated by `\n`.
  ///
  /// Adjacent table cells may run together with no separator; use `textLayout` or `words()`
  /// when positions matter.
  public var text: String {
    guard let text = poppler_page_get_text(handle) else { return "" }
    defer { cpl_g_free(text) }
    return String(cString: text)
  }

  /// Every character of `text` with its box, in the same order.
  ///
  /// poppler reports one rectangle per Unicode scalar of the text; they are paired here. Empty
  /// for a page without text.
  public var textLayout: [PDFGlyph] {
    var rectangles: UnsafeMutablePointer<PopplerRectangle>?
    var count: UInt32 = 0
    let found = poppler_page_get_text_layout(handle, &rectangles, &count)
    defer { if let rectangles { cpl_g_free(rectangles) } }
    guard found != 0, let rectangles, count > 0 else { return [] }
    let boxes = UnsafeBufferPointer(start: rectangles, count: Int(count))
    var glyphs: [PDFGlyph] = []
    glyphs.reserveCapacity(boxes.count)
    for (scalar, r) in zip(text.unicodeScalars, boxes) {
      let box = PDFRect(x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2)
      glyphs.append(PDFGlyph(character: Character(scalar), box: box))
    }
    return glyphs
  }

  /// The page's words, found from the positions of its characters (see `PDFWord.group`).
  public func words(gapFactor: Double = 0.25) -> [PDFWord] {
    PDFWord.group(textLayout, gapFactor: gapFactor)
  }
}
