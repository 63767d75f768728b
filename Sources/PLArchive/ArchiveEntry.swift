/// One member of an archive, as described by its header.
///
/// Only what later stages need to choose a reader and report provenance; the member's bytes
/// come from `ArchiveReader.readData(into:)`.
public struct ArchiveEntry: Equatable, Sendable {
  /// The member's path inside the archive, as stored (`folder/`, `folder/data.csv`). Never
  /// absolute and never containing a `..` component: the reader refuses such members.
  public let pathname: String
  /// The expanded size the header declares, when it declares one (headers may lie; the reader
  /// counts real bytes against its limits).
  public let size: Int?
  /// Whether the member is a regular file.
  public let isRegularFile: Bool
  /// Whether the member is a directory.
  public let isDirectory: Bool

  public init(pathname: String, size: Int?, isRegularFile: Bool, isDirectory: Bool) {
    self.pathname = pathname
    self.size = size
    self.isRegularFile = isRegularFile
    self.isDirectory = isDirectory
  }
}
