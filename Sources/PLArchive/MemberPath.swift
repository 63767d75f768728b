/// Checks of member names that would escape a folder if a member were written to disk.
public enum MemberPath {
  /// Why `name` is unsafe, or nil when it is a plain relative path.
  ///
  /// Both `/` and `\` count as separators: an archive made on Windows, or made to attack it,
  /// uses backslashes, and a name is refused if either reading would climb out.
  static func problem(in name: String) -> String? {
    if name.isEmpty { return "the member has an empty name" }
    if name.hasPrefix("/") || name.hasPrefix("\\") { return "the member name is an absolute path" }
    let components = name.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
    if let first = components.first, first.count == 2, first.last == ":",
      first.first?.isLetter == true
    {
      return "the member name starts with a drive letter"
    }
    if components.contains("..") { return "the member name has a '..' component" }
    return nil
  }

  /// How a member is named in messages and provenance: `batch.zip!folder/data.csv`, and for
  /// a member of a member `outer.zip!inner.tar!data.csv`.
  public static func display(archive: String, member: String?) -> String {
    member.map { "\(archive)!\($0)" } ?? archive
  }

  /// The name of the single entry of a compressed file: its base name without the
  /// compression suffix (`/in/data.csv.gz` → `data.csv`; `batch.zip!in/data.csv.gz` →
  /// `data.csv`).
  public static func decompressedName(of path: String) -> String {
    let base = path.split { $0 == "/" || $0 == "!" }.last.map(String.init) ?? path
    let lowered = base.lowercased()
    for suffix in [".gz", ".gzip", ".bz2", ".xz", ".lzma", ".zst", ".zstd", ".lz4", ".z"]
    where lowered.hasSuffix(suffix) && lowered.count > suffix.count {
      return String(base.dropLast(suffix.count))
    }
    return base.isEmpty ? "data" : base
  }
}
