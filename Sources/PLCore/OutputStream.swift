#if canImport(Glibc)
  import Glibc
#endif

/// Buffered output to a file descriptor (standard output by default) with write(2).
///
/// Records are serialised into `buffer`; `recordDone()` flushes once 64 KiB have gathered.
/// A closed pipe becomes `PLError.brokenPipe` (the runner stops quietly); any other failure,
/// such as a full disk, is `PLError.io` (exit status 74).
public final class OutputStream {
  public let buffer = ByteBuffer(capacity: 1 << 17)
  public let name: String
  let fd: Int32
  let flushThreshold = 1 << 16
  public private(set) var bytesWritten = 0

  public init(fd: Int32 = 1, name: String = "standard output") {
    self.fd = fd
    self.name = name
  }

  /// Call after each complete record: writes out the buffer once it is large enough.
  @inlinable @inline(__always)
  public func recordDone() throws(PLError) {
    if buffer.count >= 1 << 16 { try flush() }
  }

  public func flush() throws(PLError) {
    var offset = 0
    let bytes = buffer.bytes
    while offset < bytes.count {
      let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        buffer.removeAll()
        if errno == EPIPE { throw .brokenPipe }
        throw .io(target: name, message: systemMessage(errno))
      }
      offset += n
    }
    bytesWritten += offset
    buffer.removeAll()
  }
}

/// Writes records as NDJSON to an `OutputStream`.
public final class NDJSONSink: RecordSink {
  public let stream: OutputStream
  public let includeMeta: Bool
  public private(set) var recordCount = 0

  public init(stream: OutputStream = OutputStream(), includeMeta: Bool = true) {
    self.stream = stream
    self.includeMeta = includeMeta
  }

  public func write(_ record: Record) throws(PLError) {
    JSONWriter.writeLine(record, includeMeta: includeMeta, to: stream.buffer)
    recordCount += 1
    try stream.recordDone()
  }

  public func finish() throws(PLError) {
    try stream.flush()
  }

  /// Standard output cannot be taken back; what was written stays written.
  public func abort() {}
}
