import CPLPoppler

extension PDFPage {
  /// The page's horizontal and vertical rules, found in a rendering of the page.
  ///
  /// The page is rendered with cairo into a 24-bit image at `scale` pixels per point (1 is
  /// enough: poppler widens hairlines to a whole pixel) and scanned by `detector`. Rendering
  /// costs a few milliseconds per page, most of it drawing the text; callers that need no rules
  /// (a template with pinned columns) should not ask. Memory: one image of the page and one
  /// grey copy, freed on return.
  ///
  /// - Parameter glyphs: the page's glyphs, to tell text strokes from rules; `textLayout` when nil.
  public func rulings(
    scale: Double = 1, detector: PDFRulingDetector = PDFRulingDetector(), glyphs: [PDFGlyph]? = nil
  ) -> [PDFRuling] {
    let size = renderSize
    let width = Int((size.width * scale).rounded(.up))
    let height = Int((size.height * scale).rounded(.up))
    guard width > 0, height > 0, width < 20_000, height < 20_000 else { return [] }
    guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else { return [] }
    defer { cairo_surface_destroy(surface) }
    guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let cr = cairo_create(surface) else { return [] }
    cairo_set_source_rgb(cr, 1, 1, 1)
    cairo_paint(cr)
    cairo_scale(cr, scale, scale)
    poppler_page_render(handle, cr)
    cairo_destroy(cr)
    cairo_surface_flush(surface)
    guard let data = cairo_image_surface_get_data(surface) else { return [] }
    let stride = Int(cairo_image_surface_get_stride(surface))
    let gray = [UInt8](unsafeUninitializedCapacity: width * height) { out, count in
      for y in 0..<height {
        let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
        let base = y * width
        for x in 0..<width {
          let p = row[x] & 0xFF_FFFF
          if p == 0xFF_FFFF {
            out[base + x] = 255
            continue
          }
          let r = (p >> 16) & 0xFF
          let g = (p >> 8) & 0xFF
          let b = p & 0xFF
          out[base + x] = UInt8(truncatingIfNeeded: (r * 5 + g * 9 + b * 2) >> 4)
        }
      }
      count = width * height
    }
    let boxes = (glyphs ?? textLayout).filter { !$0.character.isWhitespace }.map(\.box)
    return gray.withUnsafeBufferPointer {
      detector.detect(gray: $0, width: width, height: height, scale: scale, glyphBoxes: boxes)
    }
  }

  /// The area poppler draws the page into: the page as shown, which for a turned page is as
  /// wide as the unturned page is tall. poppler-glib does not tell the turn, so a square of the
  /// longer side is drawn unless the text reaches below the shorter side (then the page is
  /// upright, as most are).
  var renderSize: PDFSize {
    let raw = unturnedSize
    let reach = textLayout.reduce(0.0) { max($0, $1.box.y2) }
    if reach > min(raw.width, raw.height) + 1 { return raw }
    let side = max(raw.width, raw.height)
    return PDFSize(width: side, height: side)
  }
}
