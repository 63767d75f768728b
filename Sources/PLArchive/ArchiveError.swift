import PLCore

/// Why an archive or one of its members could not be read.
///
/// Every case names the archive, and the member when one is concerned, in the toolkit's
/// `archive.zip!inner/path.csv` form, so that a message can be shown as it stands:
/// `data.zip!../evil.csv: refused: the member name has a '..' component`.
public enum ArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The archive file cannot be opened (missing, unreadable, a directory).
  case cannotOpen(archive: String, message: String)
  /// The stream the archive is read from failed (a read error, or an enclosing archive or
  /// transcoder refusing its bytes). The stream's own error, which names it.
  case stream(PLError)
  /// libarchive could not read the archive: not an archive of an enabled format, truncated,
  /// corrupt, encrypted, or using an unsupported feature. `message` is libarchive's.
  case unreadable(archive: String, member: String?, message: String)
  /// A member's name is absolute or climbs out with `..`: refused, because a later step that
  /// writes members to disk would write outside its folder.
  case unsafeMemberPath(archive: String, member: String, reason: String)
  /// Expanding the archive would produce more than `limit` bytes.
  case tooLarge(archive: String, member: String?, limit: Int)
  /// The archive expands more than `limit` times the compressed bytes read so far.
  case compressionRatioTooHigh(archive: String, member: String?, limit: Double)

  public var description: String {
    switch self {
    case .stream(let error): error.description
    default: "\(place): \(detail)"
    }
  }

  /// The same error in the toolkit's terms, for a reader that reads a member as a
  /// `ByteStream`: a file that cannot be opened is missing input (66); everything the
  /// archive's bytes cause is malformed data (65); a failing stream keeps its own error.
  public var plError: PLError {
    switch self {
    case .cannotOpen(let archive, let message): .inputMissing(source: archive, message: message)
    case .stream(let error): error
    default: .malformed(source: place, location: nil, message: detail)
    }
  }

  /// `archive` or `archive!member`.
  private var place: String {
    switch self {
    case .cannotOpen(let archive, _): archive
    case .stream(let error): error.description
    case .unreadable(let archive, let member, _), .tooLarge(let archive, let member, _),
      .compressionRatioTooHigh(let archive, let member, _):
      MemberPath.display(archive: archive, member: member)
    case .unsafeMemberPath(let archive, let member, _): MemberPath.display(archive: archive, member: member)
    }
  }

  /// What went wrong, after the place.
  private var detail: String {
    switch self {
    case .cannotOpen(_, let message):
      "cannot open: \(message)"
    case .stream(let error):
      error.description
    case .unreadable(_, _, let message):
      "cannot read archive: \(message)"
    case .unsafeMemberPath(_, _, let reason):
      "refused: \(reason)"
    case .tooLarge(_, _, let limit):
      "refused: expands to more than \(limit) bytes"
        + " (possible zip bomb; raise the limit if the archive is trusted)"
    case .compressionRatioTooHigh(_, _, let limit):
      "refused: expands more than \(Self.format(limit)) times"
        + " its compressed size (possible zip bomb; raise the limit if the archive is trusted)"
    }
  }

  private static func format(_ ratio: Double) -> String {
    ratio == ratio.rounded() && abs(ratio) < 1e15 ? String(Int(ratio)) : String(ratio)
  }
}
