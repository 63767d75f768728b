import PLCore

/// Why an XML document could not be read.
///
/// Every case names the source (a path, or the name given to an in-memory document) and, for
/// problems in the document, the line, so that it reads as it stands:
/// `results.xml: line 12, column 7: Opening and ending tag mismatch: sample line 3 and result`.
public enum XMLError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The document cannot be opened (missing, unreadable, a directory).
  case cannotOpen(source: String, message: String)
  /// The stream the document is read from failed (a read error, an archive member refused,
  /// bytes a transcoder could not decode). The stream's own error, which names it.
  case stream(PLError)
  /// The document is not well-formed XML. `message` is libxml2's; `column` is nil when unknown.
  case malformed(source: String, line: Int, column: Int?, message: String)
  /// The document refers to the entity `name`, which is never expanded: expansion is how
  /// "billion laughs" documents exhaust memory and how external entities leak local files.
  case entityReference(source: String, line: Int, name: String)

  public var description: String {
    switch self {
    case .cannotOpen(let source, let message):
      return "\(source): cannot open: \(message)"
    case .stream(let error):
      return error.description
    case .malformed(let source, let line, let column, let message):
      let place = column.map { "line \(line), column \($0)" } ?? "line \(line)"
      return "\(source): \(place): \(message)"
    case .entityReference(let source, let line, let name):
      return "\(source): line \(line): refused: reference to the entity &\(name); "
        + "(entities are not expanded, to resist entity-expansion and external-entity attacks)"
    }
  }
}
