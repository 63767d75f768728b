#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// The lock that lets one writer at a time change a dataset: `flock(2)` on
/// `LAKE/_locks/<layer>.<dataset>.lock`.
///
/// The kernel releases it when the process ends, however it ends (a `kill -9` included), so a
/// crashed run never leaves the dataset locked. flock works on local file systems and on NFS
/// (Linux emulates it with fcntl locks there).
public final class LakeLock {
  var fd: Int32
  public let path: String

  /// Takes the lock, waiting up to `wait` seconds for another run to release it.
  ///
  /// - Throws: `.tempFail` (75) when it is still held after `wait` seconds (the run then has
  ///   touched nothing); `.cannotCreate` (73) when the lock file cannot be made.
  public init(lake: Lake, layer: LakeLayer, dataset: String, wait: Double) throws(PLError) {
    let folder = lake.path("_locks")
    try LakeFS.makeDirectories(folder, mode: lake.directoryMode)
    path = folder + "/\(layer.rawValue).\(dataset).lock"
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, lake.fileMode)
    guard fd >= 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
    let deadline = LakeLock.seconds() + max(0, wait)
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      if code == EINTR { continue }
      guard code == EWOULDBLOCK else {
        close(fd)
        throw .cannotCreate(target: path, message: "cannot lock: \(systemMessage(code))")
      }
      if LakeLock.seconds() >= deadline {
        close(fd)
        let waited = wait > 0 ? " after waiting \(LakeLock.format(wait)) s" : ""
        throw .tempFail(target: "\(layer.rawValue)/\(dataset)", message: "another run is promoting to this dataset (lock \(path) held)\(waited); try again later")
      }
      usleep(50_000)
    }
    self.fd = fd
  }

  deinit { release() }

  /// Lets the next writer in. Harmless when called again.
  public func release() {
    guard fd >= 0 else { return }
    close(fd)
    fd = -1
  }

  static func seconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }

  static func format(_ s: Double) -> String {
    s == s.rounded() ? String(Int(s)) : String(s)
  }
}
