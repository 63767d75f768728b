/// Why an archive or one of its members could not be read.
///
/// Every case names the archive, and the member when one is concerned, in the toolkit's
/// `archive.zip!inner/path.csv` form, so that a message can be shown as it stands:
/// `data.zip!../evil.csv: refused: the member name has a '..' component`.
public enum ArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The archive file cannot be opened (missing, unreadable, a directory).
  case cannotOpen(archive: String, message: String)
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
    case .cannotOpen(let archive, let message):
      return "\(archive): cannot open: \(message)"
    case .unreadable(let archive, let member, let message):
      return "\(Self.place(archive, member)): cannot read archive: \(message)"
    case .unsafeMemberPath(let archive, let member, let reason):
      return "\(Self.place(archive, member)): refused: \(reason)"
    case .tooLarge(let archive, let member, let limit):
      return "\(Self.place(archive, member)): refused: expands to more than \(limit) bytes"
        + " (possible zip bomb; raise the limit if the archive is trusted)"
    case .compressionRatioTooHigh(let archive, let member, let limit):
      return "\(Self.place(archive, member)): refused: expands more than \(Self.format(limit)) times"
        + " its compressed size (possible zip bomb; raise the limit if the archive is trusted)"
    }
  }

  private static func place(_ archive: String, _ member: String?) -> String {
    member.map { "\(archive)!\($0)" } ?? archive
  }

  private static func format(_ ratio: Double) -> String {
    ratio == ratio.rounded() && abs(ratio) < 1e15 ? String(Int(ratio)) : String(ratio)
  }
}
