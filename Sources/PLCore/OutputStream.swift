#if canImport(Glibc)
  import Glibc
#endif

/// Buffered output to a file descriptor (standard output by default) with write(2).
///
/// Records are serialised into `buffer`; `recordDone()` counts one and flushes once 64 KiB have
/// gathered. The buffer only ever holds whole records, so what reaches the descriptor is whole
/// lines, and `recordsWritten` counts the records that really left (after `| head` closed the
/// pipe, only those it took). A closed pipe becomes `PLError.brokenPipe` (the runner stops
/// quietly); any other failure, such as a full disk, is `PLError.io` (exit status 74).
public final class OutputStream {
  public let buffer = ByteBuffer(capacity: 1 << 17)
  public let name: String
  let fd: Int32
  public private(set) var bytesWritten = 0
  /// Records that reached the descriptor.
  public private(set) var recordsWritten = 0
  /// Records in `buffer`, not yet written.
  @usableFromInline var recordsBuffered = 0
  /// False once a write failed: nothing more is written (an abort line included).
  public private(set) var isUsable = true

  public init(fd: Int32 = 1, name: String = "standard output") {
    self.fd = fd
    self.name = name
  }

  /// Call after each complete record: writes out the buffer once it is large enough.
  @inlinable @inline(__always)
  public func recordDone() throws(PLError) {
    recordsBuffered += 1
    if buffer.count >= 1 << 16 { try flush() }
  }

  public func flush() throws(PLError) {
    guard isUsable else {
      buffer.removeAll()
      return
    }
    var offset = 0
    let bytes = buffer.bytes
    while offset < bytes.count {
      let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        let code = errno
        // Count the whole records that did get out before the failure.
        var lines = 0
        for b in bytes[0..<offset] where b == 0x0A { lines += 1 }
        recordsWritten += lines
        bytesWritten += offset
        recordsBuffered = 0
        buffer.removeAll()
        isUsable = false
        if code == EPIPE { throw .brokenPipe }
        throw .io(target: name, message: systemMessage(code))
      }
      offset += n
    }
    bytesWritten += offset
    recordsWritten += recordsBuffered
    recordsBuffered = 0
    buffer.removeAll()
  }

  /// After a failure: writes the whole records still buffered, then the abort line that tells a
  /// downstream reader the stream is incomplete (see `StreamAbort`). Errors are ignored: there
  /// is nothing left to tell the reader with.
  public func abort(tool: String, message: String) {
    try? flush()
    guard isUsable else { return }
    buffer.removeAll()
    StreamAbort.line(tool: tool, message: message).withUnsafeBufferPointer { buffer.append($0) }
    var offset = 0
    let bytes = buffer.bytes
    while offset < bytes.count {
      let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      offset += n
    }
    buffer.removeAll()
    isUsable = false
  }
}

/// Writes records as NDJSON to an `OutputStream`; compact lines are copied as they are.
public final class NDJSONSink: CompactLineSink {
  public let stream: OutputStream
  /// `stream.buffer`, held here too so that the per-record path reads one stored constant.
  let buffer: ByteBuffer
  public let includeMeta: Bool
  public var wantsMembers: Bool { false }

  public init(stream: OutputStream = OutputStream(), includeMeta: Bool = true) {
    self.stream = stream
    self.buffer = stream.buffer
    self.includeMeta = includeMeta
  }

  /// Records that reached the output (not those still buffered or lost to a closed pipe).
  public var recordCount: Int { stream.recordsWritten }

  public func write(_ record: Record) throws(PLError) {
    JSONWriter.writeLine(record, includeMeta: includeMeta, to: stream.buffer)
    try stream.recordDone()
  }

  /// Standard output's buffer: sources may build lines there (see `CompactLineSource`).
  public var lineTarget: ByteBuffer? { buffer }

  public func write(line: CompactLine) throws(PLError) -> Bool {
    let out = buffer
    let count = line.bytes.count
    if count > 0, count <= out.count, line.bytes.baseAddress == out.bytes.baseAddress! + (out.count - count) {
      // Built in place: only the newline is missing (and `_pl` may have to go).
      if let meta = line.metaMember, !includeMeta {
        var cut = meta.lowerBound
        if cut > 1 && line.bytes[cut - 1] == UInt8(ascii: ",") { cut -= 1 }
        out.removeLast(count - cut)
        out.append(UInt8(ascii: "}"))
      }
      out.append(UInt8(ascii: "\n"))
      try stream.recordDone()
      return true
    }
    if let meta = line.metaMember, !includeMeta {
      // `_pl` is the last member: cut it and the comma before it.
      var cut = meta.lowerBound
      if cut > 1 && line.bytes[cut - 1] == UInt8(ascii: ",") { cut -= 1 }
      out.append(UnsafeBufferPointer(rebasing: line.bytes[0..<cut]))
      out.append("}\n" as StaticString)
    } else {
      out.append(line.bytes)
      out.append(UInt8(ascii: "\n"))
    }
    try stream.recordDone()
    return true
  }

  public func finish() throws(PLError) {
    try stream.flush()
  }

  /// Standard output cannot be taken back: the whole records written stay written, and the
  /// runner ends the stream with an abort line.
  public func abort() {}
}
