import CPLPoppler
import PLCore
import PLPDF

/// Recognising a PDF among pl-extract's inputs and opening it with poppler.
///
/// A PDF is known by its content (`%PDF-` in its first 1024 bytes, where the format allows
/// the header to sit) or, when its content says nothing else, by its name (`.pdf`): a damaged
/// report named `.pdf` then gets poppler's reason rather than a CSV reader's nonsense.
enum PDFInput {
  /// The format name in summaries, `--detect` and `--format`.
  static let format = "pdf"

  /// True when `head` (the first bytes) holds the PDF header within its first 1024 bytes.
  static func hasMagic(_ head: UnsafeBufferPointer<UInt8>) -> Bool {
    let magic: [UInt8] = Array("%PDF-".utf8)
    let end = min(head.count, 1024)
    guard end >= magic.count else { return false }
    var i = 0
    while i + magic.count <= end {
      if head[i] == magic[0], head[(i + 1)..<(i + magic.count)].elementsEqual(magic[1...]) { return true }
      i += 1
    }
    return false
  }

  /// True when the input called `name` whose first bytes are `head` is to be read as a PDF.
  static func recognise(name: String, head: UnsafeBufferPointer<UInt8>) -> Bool {
    if hasMagic(head) { return true }
    return ReaderRegistry.fileExtension(name) == "pdf"
  }

  /// The document in `bytes`, opened with `password` when one is given.
  ///
  /// - Throws: `PLError.malformed` (65) naming `source`: poppler's reason for a damaged or
  ///   truncated file; for an encrypted one, that it needs a password (or that the one given
  ///   does not open it).
  static func open(bytes: [UInt8], source: String, password: String?) throws(PLError) -> PDFDocument {
    do {
      return try PDFDocument(bytes: bytes, name: source, password: password)
    } catch {
      throw plError(error, passwordGiven: password != nil)
    }
  }

  /// `error` as pl-extract reports it.
  static func plError(_ error: PDFError, passwordGiven: Bool = false) -> PLError {
    switch error {
    case .cannotOpen(let source, let message):
      return .inputMissing(source: source, message: message)
    case .stream(let error):
      return error
    case .encrypted(let source):
      return .malformed(
        source: source, location: nil,
        message: passwordGiven
          ? "encrypted PDF: the password given (--password or --password-file) does not open it"
          : "encrypted PDF: it needs a password (--password or --password-file)")
    case .damaged(let source, let message):
      return .malformed(source: source, location: nil, message: "damaged or truncated PDF: \(message)")
    case .noSuchPage(let source, let page, let count):
      return .malformed(source: source, location: .page(page), message: "no such page (the document has \(count))")
    case .unreadablePage(let source, let page):
      return .malformed(source: source, location: .page(page), message: "poppler cannot read the page")
    }
  }
}

/// The images drawn on pages of a PDF, which tell a scanned page (an image and no text) from
/// a blank one.
///
/// `PDFPage` gives text only; this opens the same bytes a second time with poppler, and only
/// when a page without text is met (rare outside scans), so text pages pay nothing for it.
final class PDFImageProbe {
  /// The PopplerDocument; owned, unreferenced in `deinit` only.
  private let handle: OpaquePointer

  /// nil when poppler cannot open the bytes (they were opened once already, so this is only
  /// a failure to allocate).
  init?(bytes: [UInt8], password: String?) {
    let data = bytes.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
    defer { g_bytes_unref(data) }
    var error: UnsafeMutablePointer<GError>?
    let document = poppler_document_new_from_bytes(data, password, &error)
    if let error { g_error_free(error) }
    guard let document else { return nil }
    handle = document
  }

  deinit {
    cpl_g_object_unref(UnsafeMutableRawPointer(handle))
  }

  /// How many images page `index` (from 0) draws.
  func imageCount(page index: Int) -> Int {
    guard let page = poppler_document_get_page(handle, Int32(index)) else { return 0 }
    defer { cpl_g_object_unref(UnsafeMutableRawPointer(page)) }
    guard let list = poppler_page_get_image_mapping(page) else { return 0 }
    defer { poppler_page_free_image_mapping(list) }
    return Int(g_list_length(list))
  }
}
