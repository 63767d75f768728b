#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import CPLPoppler
import PLCore

/// A PDF document opened with poppler-glib, to read the text and text positions of its pages.
///
/// Contract labs send results as PDF reports. This type owns the poppler document; its pages
/// (`page(_:)`) keep it alive as long as they are used. A damaged, truncated or non-PDF file
/// and a password-protected one are refused with a `PDFError` when opening, never later.
/// Not thread-safe: use a document and its pages from one thread at a time.
public final class PDFDocument {
  /// The path or the name given, used in messages.
  public let source: String
  /// The PopplerDocument; owned, unreferenced in `deinit` only.
  let handle: OpaquePointer

  /// Opens the PDF file at `path`.
  ///
  /// The file is read in place, never loaded whole.
  ///
  /// - Throws: `PDFError.cannotOpen` when the file cannot be opened or is a directory;
  ///   `PDFError.encrypted` when it needs a password; `PDFError.damaged` otherwise.
  public init(path: String) throws(PDFError) {
    let fd: Int32
    switch openFileForReading(path) {
    case .success(let opened): fd = opened
    case .failure(let failure): throw .cannotOpen(source: path, message: failure.message)
    }
    var error: UnsafeMutablePointer<GError>?
    // poppler takes the descriptor over, and closes it, whether or not it succeeds.
    let document = poppler_document_new_from_fd(fd, nil, &error)
    handle = try Self.opened(document, error, source: path)
    source = path
  }

  /// Reads the PDF held in `stream`; the stream's name stands for it in messages.
  ///
  /// poppler needs the whole document at once (the cross-reference table is at its end), so
  /// the stream is read into memory, up to `limit` bytes; its observers see every byte.
  ///
  /// - Throws: `PDFError.stream` when reading the stream fails or it holds more than `limit`
  ///   bytes; `PDFError.encrypted` when the document needs a password; `PDFError.damaged`
  ///   otherwise.
  public convenience init(stream: ByteStream, limit: Int = 1 << 30) throws(PDFError) {
    let bytes: [UInt8]
    do {
      bytes = try stream.readAll(limit: limit)
    } catch {
      throw .stream(error)
    }
    try self.init(bytes: bytes, name: stream.name)
  }

  /// Reads a PDF held in memory; `name` stands for it in messages. The bytes are copied.
  ///
  /// - Throws: `PDFError.encrypted` when it needs a password; `PDFError.damaged` otherwise.
  public init(bytes: [UInt8], name: String = "(memory)") throws(PDFError) {
    let data = bytes.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
    defer { g_bytes_unref(data) }
    var error: UnsafeMutablePointer<GError>?
    let document = poppler_document_new_from_bytes(data, nil, &error)
    handle = try Self.opened(document, error, source: name)
    source = name
  }

  deinit {
    cpl_g_object_unref(UnsafeMutableRawPointer(handle))
  }

  /// The number of pages.
  public var pageCount: Int { Int(poppler_document_get_n_pages(handle)) }

  /// The page at `index`, counted from 0.
  ///
  /// - Throws: `PDFError.noSuchPage` when `index` is outside `0..<pageCount`;
  ///   `PDFError.unreadablePage` when poppler cannot load it.
  public func page(_ index: Int) throws(PDFError) -> PDFPage {
    let count = pageCount
    guard index >= 0, index < count else {
      throw .noSuchPage(source: source, page: index + 1, pageCount: count)
    }
    guard let page = poppler_document_get_page(handle, Int32(index)) else {
      throw .unreadablePage(source: source, page: index + 1)
    }
    return PDFPage(handle: page, document: self, index: index)
  }

  /// The document poppler returned, or the error it reported turned into a `PDFError`.
  /// Frees the GError either way.
  private static func opened(
    _ document: OpaquePointer?, _ error: UnsafeMutablePointer<GError>?, source: String
  ) throws(PDFError) -> OpaquePointer {
    defer { if let error { g_error_free(error) } }
    if let document { return document }
    guard let error else { throw .damaged(source: source, message: "poppler could not open the document") }
    let message = error.pointee.message.map { String(cString: $0) } ?? "unknown poppler error"
    if error.pointee.domain == poppler_error_quark() {
      if error.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) { throw .encrypted(source: source) }
      throw .damaged(source: source, message: message)
    }
    if error.pointee.domain == g_file_error_quark() {
      throw .cannotOpen(source: source, message: message)
    }
    throw .damaged(source: source, message: message)
  }
}
