import CPLRsvg
import PLCore

/// Renders an SVG document to a PNG file with librsvg and cairo.
public enum PNGRenderer {
  /// Renders `svg` at `scale` pixels per SVG unit into a `width` × `height` (SVG units) image
  /// and writes it to `path` (whole: see `ReportFile`).
  ///
  /// - Throws: `.internalError` (70) when librsvg cannot read the SVG or cairo cannot draw;
  ///   `.cannotCreate` (73) when the file cannot be written.
  public static func write(svg: String, width: Double, height: Double, scale: Double, to path: String) throws(PLError) {
    let bytes = Array(svg.utf8)
    var error: UnsafeMutablePointer<GError>?
    let handle = bytes.withUnsafeBufferPointer { b in rsvg_handle_new_from_data(b.baseAddress, gsize(b.count), &error) }
    guard let handle else {
      let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
      if let error { g_error_free(error) }
      throw .internalError("librsvg cannot read a chart: \(message)")
    }
    defer { cpl_rsvg_unref(UnsafeMutableRawPointer(handle)) }
    let pixelsW = Int32((width * scale).rounded()), pixelsH = Int32((height * scale).rounded())
    guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pixelsW, pixelsH) else {
      throw .internalError("cairo cannot make a \(pixelsW)×\(pixelsH) image")
    }
    defer { cairo_surface_destroy(surface) }
    guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let cr = cairo_create(surface) else {
      throw .internalError("cairo cannot make a \(pixelsW)×\(pixelsH) image")
    }
    defer { cairo_destroy(cr) }
    var viewport = RsvgRectangle(x: 0, y: 0, width: Double(pixelsW), height: Double(pixelsH))
    guard rsvg_handle_render_document(handle, cr, &viewport, &error) != 0 else {
      let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
      if let error { g_error_free(error) }
      throw .internalError("librsvg cannot draw a chart: \(message)")
    }
    cairo_surface_flush(surface)
    try ReportFile.write(path: path) { (temp) throws(PLError) in
      let status = cairo_surface_write_to_png(surface, temp)
      guard status == CAIRO_STATUS_SUCCESS else {
        throw .cannotCreate(target: path, message: String(cString: cairo_status_to_string(status)))
      }
    }
  }
}
