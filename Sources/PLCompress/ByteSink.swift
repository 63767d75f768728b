#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Where a compressing writer puts its output: a file descriptor, memory.
public protocol ByteSink: AnyObject {
  /// The name used in messages: a path.
  var name: String { get }
  /// Writes all of `bytes`, or throws.
  ///
  /// - Throws: `PLError.io` when the bytes cannot be written (a full disk, a failing device).
  func write(_ bytes: UnsafeRawBufferPointer) throws(PLError)
}

/// Bytes written to a file descriptor with write(2), retried until all are out.
///
/// The descriptor stays the caller's: it is neither synced nor closed here, because the caller
/// decides when a file is durable (fsync before the rename that publishes it).
public final class FileDescriptorSink: ByteSink {
  public let name: String
  public let fd: Int32
  public private(set) var bytesWritten = 0

  public init(fd: Int32, name: String) {
    self.fd = fd
    self.name = name
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws(PLError) {
    var offset = 0
    while offset < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw .io(target: name, message: systemMessage(errno))
      }
      offset += n
    }
    bytesWritten += offset
  }
}

/// Bytes gathered in memory: small outputs, and tests.
public final class MemorySink: ByteSink {
  public let name: String
  public private(set) var bytes: [UInt8] = []

  public init(name: String = "memory") { self.name = name }

  public func write(_ bytes: UnsafeRawBufferPointer) throws(PLError) {
    self.bytes.append(contentsOf: bytes)
  }
}
