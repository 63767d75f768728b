#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// The `--rejects` file: each refused record as it came, with its reasons in `_pl.errors`;
/// written under a hidden temporary name and moved into place only when the batch completes,
/// so a failed or killed run leaves no half-written one.
public final class RejectsFile: RecordSink {
  public let path: String
  let temporary: String
  let stream: OutputStream
  let fd: Int32
  var done = false

  public init(path: String) throws(PLError) {
    self.path = path
    let (folder, name) = LakeFS.split(path)
    temporary = folder + "/.\(name).pl-new-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
    self.fd = fd
    stream = OutputStream(fd: fd, name: path)
  }

  deinit { abort() }

  public func write(_ record: Record) throws(PLError) {
    JSONWriter.writeLine(record, to: stream.buffer)
    try stream.recordDone()
  }

  public func finish() throws(PLError) {
    guard !done else { return }
    done = true
    try stream.flush()
    guard fsync(fd) == 0 || errno == EINVAL else { throw .io(target: path, message: systemMessage(errno)) }
    close(fd)
    try LakeFS.rename(temporary, to: path)
  }

  public func abort() {
    guard !done else { return }
    done = true
    close(fd)
    unlink(temporary)
  }
}

/// Tells a person about each refused record (one line on standard error with its place and
/// reasons), counts it for the manifest, and passes it on to the rejects file.
public final class RefusalReporter: RecordSink {
  let inner: (any RecordSink)?
  let silver: SilverSink
  let tell: (String) -> Void

  public init(inner: (any RecordSink)?, silver: SilverSink, tell: @escaping (String) -> Void) {
    self.inner = inner
    self.silver = silver
    self.tell = tell
  }

  public func write(_ record: Record) throws(PLError) {
    silver.rejected += 1
    var reasons: [String] = []
    if case .array(let errors)? = record.meta[key: MetaKey.errors] {
      for case .object(let e) in errors { if let m = e[key: "message"]?.stringValue { reasons.append(m) } }
    }
    let source = record.meta[key: MetaKey.source]?.stringValue ?? "-"
    let place = record.placeDescription.map { "\($0): " } ?? ""
    tell("\(source): \(place)refused: \(reasons.joined(separator: "; "))")
    try inner?.write(record)
  }

  public func finish() throws(PLError) { try inner?.finish() }
  public func abort() { inner?.abort() }
}
