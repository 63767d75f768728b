#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore

/// A database file that does not exist yet, built under a hidden temporary name beside its
/// final path and moved into place only when the load commits.
///
/// Why: a load that creates a database and then fails (a bad line, a missing input, a kill)
/// must not leave an empty database behind, where the next step of a job would find it and
/// take it for a load that happened. The temporary is `.NAME.pl-new-PID` in the same
/// directory, so that the move is a link within one file system. The move uses `link(2)`,
/// which fails rather than replace a file someone else created at the final path meanwhile.
final class NewDatabaseFile {
  /// The path the database gets on commit.
  let finalPath: String
  /// Where it is built.
  let temporaryPath: String
  private var done = false

  /// Names the temporary for `finalPath` and removes leftovers of loads that were killed
  /// (SIGKILL gives no chance to clean up): temporaries of this name whose process is gone.
  init(finalPath: String) {
    self.finalPath = finalPath
    let slash = finalPath.lastIndex(of: "/")
    let directory = slash.map { String(finalPath[...$0]) } ?? ""
    let name = slash.map { String(finalPath[finalPath.index(after: $0)...]) } ?? finalPath
    temporaryPath = "\(directory).\(name).pl-new-\(getpid())"
    removeTemporary()
    Self.removeLeftovers(directory: directory, prefix: ".\(name).pl-new-")
  }

  /// Removes `prefix<PID>` files (and their journals) of `directory` whose process no longer runs.
  static func removeLeftovers(directory: String, prefix: String) {
    guard let handle = opendir(directory.isEmpty ? "." : directory) else { return }
    defer { closedir(handle) }
    var stale: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      guard name.hasPrefix(prefix) else { continue }
      let rest = name.dropFirst(prefix.count)
      let digits = rest.prefix { $0.isASCII && $0.isNumber }
      guard let pid = Int32(digits), pid > 0, kill(pid, 0) == -1, errno == ESRCH else { continue }
      stale.append(name)
    }
    for name in stale { unlink(directory + name) }
  }

  deinit {
    if !done { removeTemporary() }
  }

  /// Moves the committed database into place. The database must be closed.
  ///
  /// - Throws: `.tempFail` (75) when a file appeared at the final path during the load (the
  ///   load is then discarded: run it again against that file); `.cannotCreate` (73) when the
  ///   file system refuses the link.
  func publish() throws(PLError) {
    defer {
      done = true
      removeTemporary()
    }
    guard link(temporaryPath, finalPath) == 0 else {
      let code = errno
      if code == EEXIST {
        throw .tempFail(
          target: finalPath,
          message: "the database file was created by another process during the load; nothing was loaded, try again")
      }
      throw .cannotCreate(
        target: finalPath, message: "cannot move the new database into place: \(String(cString: strerror(code)))")
    }
    syncDirectory()
  }

  /// Removes the temporary and its journal; for a load that failed. The database must be closed.
  func discard() {
    done = true
    removeTemporary()
  }

  private func removeTemporary() {
    for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporaryPath + suffix) }
  }

  /// Makes the new directory entry durable, as the commit made the file's contents durable.
  private func syncDirectory() {
    let directory = finalPath.lastIndex(of: "/").map { String(finalPath[...$0]) } ?? "."
    let descriptor = open(directory, O_RDONLY)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }
}
