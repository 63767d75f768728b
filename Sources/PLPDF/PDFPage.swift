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
  let handle: OpaquePointer
  /// `textLayout`, read once: the size, the words and the rules all need it.
  private var glyphs: [PDFGlyph]?

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

  /// The width and height of the page in points, as poppler-glib reports them: of the page
  /// unturned, even when the page is shown turned (`/Rotate 90`), while text positions are on
  /// the page as shown. poppler-glib (22.12) also drops the text of a turned page that lies
  /// beyond the unturned width; such pages lose that text here too.
  public var size: PDFSize { unturnedSize }

  /// The size as poppler reports it: of the page unturned.
  var unturnedSize: PDFSize {
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
    var area = wholeArea
    guard let text = poppler_page_get_text_for_area(handle, &area) else { return "" }
    defer { cpl_g_free(text) }
    return String(cString: text)
  }

  /// An area that holds the whole page turned or not. poppler-glib's own whole-page calls use
  /// the unturned size as the area, with positions on the page as shown, and so lose the text
  /// of a turned page beyond its unturned width.
  private var wholeArea: PopplerRectangle {
    let raw = unturnedSize
    let side = max(raw.width, raw.height)
    return PopplerRectangle(x1: 0, y1: 0, x2: side, y2: side)
  }

  /// Every character of `text` with its box, in the same order.
  ///
  /// poppler reports one rectangle per Unicode scalar of the text; they are paired here. Empty
  /// for a page without text.
  public var textLayout: [PDFGlyph] {
    if let glyphs { return glyphs }
    let read = readLayout()
    glyphs = read
    return read
  }

  private func readLayout() -> [PDFGlyph] {
    var rectangles: UnsafeMutablePointer<PopplerRectangle>?
    var count: UInt32 = 0
    var area = wholeArea
    let found = poppler_page_get_text_layout_for_area(handle, &area, &rectangles, &count)
    defer { if let rectangles { cpl_g_free(rectangles) } }
    guard found != 0, let rectangles, count > 0 else { return [] }
    let boxes = UnsafeBufferPointer(start: rectangles, count: Int(count))
    var glyphs: [PDFGlyph] = []
    glyphs.reserveCapacity(boxes.count)
    for (scalar, r) in zip(text.unicodeScalars, boxes) {
      let box = PDFRect(x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2)
      glyphs.append(PDFGlyph(character: Character(scalar), box: box))
    }
    // Font sizes and weights come as runs over the same character positions.
    if let attributes = poppler_page_get_text_attributes_for_area(handle, &area) {
      defer { poppler_page_free_text_attributes(attributes) }
      var node: UnsafeMutablePointer<GList>? = attributes
      while let current = node {
        if let data = current.pointee.data {
          let run = data.assumingMemoryBound(to: PopplerTextAttributes.self).pointee
          let bold = run.font_name.map { PDFGlyph.isBold(fontName: String(cString: $0)) } ?? false
          let first = max(0, Int(run.start_index))
          let last = min(glyphs.count - 1, Int(run.end_index))
          if first <= last {
            for i in first...last {
              glyphs[i].fontSize = run.font_size
              glyphs[i].isBold = bold
            }
          }
        }
        node = current.pointee.next
      }
    }
    return glyphs
  }

  /// The page's words, found from the positions of its characters (see `PDFWord.group`).
  public func words(gapFactor: Double = 0.25) -> [PDFWord] {
    PDFWord.group(textLayout, gapFactor: gapFactor)
  }

  /// The page's text lines in reading order (see `PDFTextLine.group`).
  public func lines(gapFactor: Double = 0.25) -> [PDFTextLine] {
    PDFTextLine.group(words(gapFactor: gapFactor))
  }
}
