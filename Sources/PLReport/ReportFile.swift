#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Writes a report file whole or not at all: into a hidden temporary beside it, flushed, then
/// renamed over the target, so that a reader never sees half a report.
public enum ReportFile {
  /// - Throws: `.cannotCreate` (73) when the file cannot be created or moved into place;
  ///   `.io` (74) when writing fails.
  public static func write(_ text: String, to path: String) throws(PLError) { try AtomicFile.write(text, to: path) }

  /// Runs `fill` with a temporary path to write, then renames it to `path`.
  public static func write(path: String, _ fill: (String) throws(PLError) -> Void) throws(PLError) { try AtomicFile.write(path: path, fill) }

  /// Makes the output folder of chart files when missing (its parent must exist).
  ///
  /// - Throws: `.cannotCreate` (73) when it is a file or cannot be made.
  public static func prepareFolder(_ path: String) throws(PLError) {
    var st = stat()
    if stat(path, &st) == 0 {
      guard st.st_mode & S_IFMT == S_IFDIR else { throw .cannotCreate(target: path, message: "is not a folder (svg and png write one file per chart into --out)") }
      return
    }
    guard mkdir(path, 0o755) == 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
  }
}
