#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Writes a report file whole or not at all: into a hidden temporary beside it, flushed, then
/// renamed over the target, so that a reader never sees half a report.
public enum ReportFile {
  /// The temporary a file is written to before it is renamed to `path`.
  static func temporary(for path: String) -> String {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    return folder + "." + name + ".pl-tmp-\(getpid())"
  }

  /// - Throws: `.cannotCreate` (73) when the file cannot be created or moved into place;
  ///   `.io` (74) when writing fails.
  public static func write(_ text: String, to path: String) throws(PLError) {
    try write(path: path) { (temp) throws(PLError) in
      let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      guard fd >= 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
      var failure: Int32 = 0
      var text = text
      text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
          let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
          if n < 0 {
            if errno == EINTR { continue }
            failure = errno
            return
          }
          offset += n
        }
      }
      if failure == 0 && fsync(fd) != 0 { failure = errno }
      if close(fd) != 0 && failure == 0 { failure = errno }
      if failure != 0 { throw .io(target: path, message: systemMessage(failure)) }
    }
  }

  /// Runs `fill` with a temporary path to write, then renames it to `path`; the temporary is
  /// removed when anything fails.
  public static func write(path: String, _ fill: (String) throws(PLError) -> Void) throws(PLError) {
    let temp = temporary(for: path)
    do {
      try fill(temp)
    } catch {
      unlink(temp)
      throw error
    }
    if rename(temp, path) != 0 {
      let code = errno
      unlink(temp)
      throw .cannotCreate(target: path, message: code == EISDIR ? "is a folder, not a file" : systemMessage(code))
    }
  }

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
