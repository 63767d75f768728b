import CPLXML2

/// Collects the errors libxml2 reports for one reader, through the reader's own structured
/// error handler: no global handler, so readers on different threads do not race.
final class XMLErrorCollector {
  struct Diagnostic {
    /// Nil when libxml2 gave no place in the document.
    var line: Int?
    var column: Int?
    var message: String
  }

  /// The first errors reported, in order; capped, because a broken document can report many.
  private(set) var errors: [Diagnostic] = []
  private static let maximum = 16

  func record(_ error: UnsafePointer<xmlError>) {
    let e = error.pointee
    guard e.level.rawValue >= XML_ERR_ERROR.rawValue, errors.count < Self.maximum else { return }
    var message = e.message.map { String(cString: $0) } ?? "unknown libxml2 error (code \(e.code))"
    while let last = message.last, last.isWhitespace { message.removeLast() }
    // Some messages run over two lines ("… indicate encoding !\nBytes: 0xB5 …"): one line reads
    // as one error on a terminal and in an abort line.
    if message.contains("\n") { message = message.split(separator: "\n").joined(separator: " ") }
    // An error inside an entity's replacement text (a billion-laughs loop) has its place in
    // that text, line 1, and no file: the reader gives the parser's place in the document.
    if e.file == nil && e.domain == Int32(XML_FROM_PARSER.rawValue) {
      errors.append(Diagnostic(line: nil, column: nil, message: message))
      return
    }
    errors.append(Diagnostic(line: Int(e.line), column: e.int2 > 0 ? Int(e.int2) : nil, message: message))
  }

  /// Installs this collector on `reader`. The collector must outlive the reader.
  func install(on reader: xmlTextReaderPtr) {
    let context = Unmanaged.passUnretained(self).toOpaque()
    xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
      guard let context, let error else { return }
      Unmanaged<XMLErrorCollector>.fromOpaque(context).takeUnretainedValue().record(error)
    }, context)
  }
}
