import PLCore

/// Why a PDF or one of its pages could not be read.
///
/// Every case names the source (a path, or the name given to an in-memory document) and, for
/// a page, its number counted from 1 as a person reads it: `report.pdf: page 4: no such page`.
public enum PDFError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file cannot be opened (missing, unreadable, a directory).
  case cannotOpen(source: String, message: String)
  /// The stream the document is read from failed, or holds more than can be read into
  /// memory. The stream's own error, which names it.
  case stream(PLError)
  /// The document needs a password to be read.
  case encrypted(source: String)
  /// The bytes are not a readable PDF (damaged, truncated, not a PDF). `message` is poppler's.
  case damaged(source: String, message: String)
  /// Page `page` (from 1) was asked for, but the document has `pageCount` pages.
  case noSuchPage(source: String, page: Int, pageCount: Int)
  /// Page `page` (from 1) exists but poppler could not load it.
  case unreadablePage(source: String, page: Int)

  public var description: String {
    switch self {
    case .cannotOpen(let source, let message):
      "\(source): cannot open: \(message)"
    case .stream(let error):
      error.description
    case .encrypted(let source):
      "\(source): the PDF is encrypted and needs a password"
    case .damaged(let source, let message):
      "\(source): not a readable PDF: \(message)"
    case .noSuchPage(let source, let page, let pageCount):
      "\(source): page \(page): no such page (the document has \(pageCount))"
    case .unreadablePage(let source, let page):
      "\(source): page \(page): the page cannot be read"
    }
  }
}
