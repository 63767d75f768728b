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
  /// - Parameters:
  ///   - glyphs: the page's glyphs, to tell text strokes from rules; `textLayout` when nil.
  ///   - area: only this part of the page is rendered and scanned (the rest of the page costs
  ///     poppler's parsing but neither pixels nor scanning); the whole page when nil. Rules
  ///     are cut at its edges.
  public func rulings(
    scale: Double = 1, detector: PDFRulingDetector = PDFRulingDetector(), glyphs: [PDFGlyph]? = nil,
    area: PDFRect? = nil
  ) -> [PDFRuling] {
    let size = renderSize
    let whole = PDFRect(x1: 0, y1: 0, x2: size.width, y2: size.height)
    let part = area.map {
      PDFRect(x1: max(0, $0.x1), y1: max(0, $0.y1), x2: min(size.width, $0.x2), y2: min(size.height, $0.y2))
    } ?? whole
    guard part.x2 > part.x1, part.y2 > part.y1 else { return [] }
    let left = (part.x1 * scale).rounded(.down) / scale
    let top = (part.y1 * scale).rounded(.down) / scale
    let width = Int(((part.x2 - left) * scale).rounded(.up))
    let height = Int(((part.y2 - top) * scale).rounded(.up))
    guard width > 0, height > 0, width < 20_000, height < 20_000 else { return [] }
    guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else { return [] }
    defer { cairo_surface_destroy(surface) }
    guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let cr = cairo_create(surface) else { return [] }
    cairo_set_source_rgb(cr, 1, 1, 1)
    cairo_paint(cr)
    cairo_scale(cr, scale, scale)
    cairo_translate(cr, -left, -top)
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
    let boxes = (glyphs ?? textLayout).filter { !$0.character.isWhitespace }.map {
      PDFRect(x1: $0.box.x1 - left, y1: $0.box.y1 - top, x2: $0.box.x2 - left, y2: $0.box.y2 - top)
    }
    let found = gray.withUnsafeBufferPointer {
      detector.detect(gray: $0, width: width, height: height, scale: scale, glyphBoxes: boxes)
    }
    guard left != 0 || top != 0 else { return found }
    return found.map { rule in
      var rule = rule
      rule.box = PDFRect(x1: rule.box.x1 + left, y1: rule.box.y1 + top, x2: rule.box.x2 + left, y2: rule.box.y2 + top)
      return rule
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
