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

  /// Reads a PDF held in memory that may be encrypted, opening it with `password` (the user
  /// or the owner password) when it is; `name` stands for it in messages.
  ///
  /// poppler 22 crashes in `poppler_document_new_from_bytes` (and `_from_data`) when it is
  /// given a password that does not open the document: it retries on a copy of its stream
  /// that is null. So the bytes are opened without a password first, and only an encrypted
  /// document is opened again, with the password, from a file descriptor: an unlinked
  /// temporary file (in `TMPDIR`, else /tmp) holding the same, still encrypted, bytes.
  ///
  /// - Throws: `PDFError.encrypted` when it needs a password and `password` (if any) does
  ///   not open it; `PDFError.damaged` otherwise; `PDFError.cannotOpen` when the temporary
  ///   file cannot be written.
  public init(bytes: [UInt8], name: String, password: String?) throws(PDFError) {
    let data = bytes.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
    defer { g_bytes_unref(data) }
    var error: UnsafeMutablePointer<GError>?
    var document = poppler_document_new_from_bytes(data, nil, &error)
    if document == nil, let password, let failure = error, failure.pointee.domain == poppler_error_quark(),
      failure.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue)
    {
      g_error_free(failure)
      error = nil
      let fd = try Self.unlinkedCopy(of: bytes, name: name)
      // poppler takes the descriptor over, and closes it, whether or not it succeeds.
      document = poppler_document_new_from_fd(fd, password, &error)
      if document == nil {
        if let error { g_error_free(error) }
        throw .encrypted(source: name)
      }
    }
    handle = try Self.opened(document, error, source: name)
    source = name
  }

  /// A descriptor of a temporary file holding `bytes`, already unlinked (nothing is left on
  /// disk whatever happens), positioned at its start.
  private static func unlinkedCopy(of bytes: [UInt8], name: String) throws(PDFError) -> Int32 {
    let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array((folder + "/pl-pdf-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw .cannotOpen(source: name, message: "cannot create a temporary file in \(folder): \(systemMessage(errno))") }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else {
        let code = errno
        close(fd)
        throw .cannotOpen(source: name, message: "cannot write a temporary file in \(folder): \(systemMessage(code))")
      }
      written += n
    }
    lseek(fd, 0, SEEK_SET)
    return fd
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
