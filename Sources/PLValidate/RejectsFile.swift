#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// A file written whole or not at all: built as `.NAME.pl-new-PID` beside its target, moved into
/// place by `publish()` (after fsync), removed by `discard()`. Rejects and reports use it, so a
/// failed or killed run never leaves a half-written one.
public final class AtomicFile {
  public let path: String
  let temporary: String
  public let stream: OutputStream
  let fd: Int32

  public init(path: String) throws(PLError) {
    self.path = path
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    temporary = (slash == nil ? "" : folder + "/") + ".\(name).pl-new-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
    self.fd = fd
    stream = OutputStream(fd: fd, name: path)
  }

  public func publish() throws(PLError) {
    try stream.flush()
    guard fsync(fd) == 0 || errno == EINVAL else { throw .io(target: path, message: systemMessage(errno)) }
    close(fd)
    guard rename(temporary, path) == 0 else {
      let code = errno
      unlink(temporary)
      throw .cannotCreate(target: path, message: systemMessage(code))
    }
  }

  public func discard() {
    close(fd)
    unlink(temporary)
  }
}

/// The rejects file: each rejected record as it came, with `_pl.errors`; whole or not at all.
public final class RejectsSink: RecordSink {
  let file: AtomicFile
  var done = false

  public init(path: String) throws(PLError) {
    file = try AtomicFile(path: path)
  }

  public func write(_ record: Record) throws(PLError) {
    JSONWriter.writeLine(record, to: file.stream.buffer)
    try file.stream.recordDone()
  }

  public func finish() throws(PLError) {
    guard !done else { return }
    done = true
    try file.publish()
  }

  public func abort() {
    guard !done else { return }
    done = true
    file.discard()
  }
}
