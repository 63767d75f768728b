/// One member of an archive, as described by its header.
///
/// Only what later stages need to choose a reader and report provenance; the member's bytes
/// come from `ArchiveReader.readData(into:)`.
public struct ArchiveEntry: Equatable, Sendable {
  /// What a member is: only regular files have bytes worth reading.
  public enum Kind: String, Equatable, Sendable {
    case regularFile = "regular file"
    case directory
    case symbolicLink = "symbolic link"
    /// A tar hard link: a second name for an earlier member, with no bytes of its own.
    case hardLink = "hard link"
    /// A device, a FIFO or a socket.
    case special = "special file"
  }

  /// The member's path inside the archive, as stored (`folder/`, `folder/data.csv`). Never
  /// absolute and never containing a `..` component unless the reader was told to keep such
  /// names (`ArchiveReader.UnsafeNames.keep`); then `nameProblem` says what is wrong with it.
  public let pathname: String
  /// The expanded size the header declares, when it declares one (headers may lie; the reader
  /// counts real bytes against its limits).
  public let size: Int?
  public let kind: Kind
  /// Why the name would be unsafe to write to disk (absolute, a `..` component), when it is.
  public let nameProblem: String?

  /// Whether the member is a regular file.
  public var isRegularFile: Bool { kind == .regularFile }
  /// Whether the member is a directory.
  public var isDirectory: Bool { kind == .directory }

  public init(pathname: String, size: Int?, kind: Kind, nameProblem: String? = nil) {
    self.pathname = pathname
    self.size = size
    self.kind = kind
    self.nameProblem = nameProblem
  }

  public init(pathname: String, size: Int?, isRegularFile: Bool, isDirectory: Bool) {
    self.init(pathname: pathname, size: size, kind: isRegularFile ? .regularFile : isDirectory ? .directory : .special)
  }
}
