#if canImport(Glibc)
  import Glibc
#endif

/// Whole-file writes that never leave a half-written file behind: a hidden temporary beside the
/// target, written and fsynced, then renamed over it (metrics files, reports, charts).
public enum AtomicFile {
  /// The hidden temporary a file is written to before it is renamed to `path`.
  public static func temporary(for path: String) -> String {
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
  /// removed when anything fails. Moving into place fails for reasons of the target (a
  /// directory, no permission): the output cannot be created, which is not an I/O failure.
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
      throw .cannotCreate(target: path, message: code == EISDIR ? "is a directory, not a file" : systemMessage(code))
    }
  }

  /// Reads a small text file whole (metrics, specs); not for record data.
  public static func read(_ path: String) throws(PLError) -> String {
    String(decoding: try FileStream.readAll(path: path), as: UTF8.self)
  }
}
