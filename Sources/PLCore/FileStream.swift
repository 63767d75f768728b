#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file or standard input, read in large blocks with read(2).
///
/// Opening checks what a person would be told about: a missing file (66), a directory (66),
/// an unreadable file (66). Reading never loads the whole input.
public final class FileStream: ByteStream {
  /// The name used in messages and provenance: the path as given, or `-` for standard input.
  public let name: String
  /// The size in bytes when known (a regular file), for progress and ETA.
  public let size: Int?
  public var tally = StreamTally()
  let fd: Int32
  let ownsDescriptor: Bool

  /// The display name of standard input in messages.
  public static let standardInputName = "-"

  /// Opens `path`; `-` is standard input.
  ///
  /// - Throws: `PLError.inputMissing` when the path cannot be opened or is a directory.
  public init(path: String) throws(PLError) {
    if path == "-" {
      self.name = FileStream.standardInputName
      self.fd = 0
      self.ownsDescriptor = false
    } else {
      switch openFileForReading(path) {
      case .success(let fd): self.fd = fd
      case .failure(let failure): throw .inputMissing(source: path, message: failure.message)
      }
      self.name = path
      self.ownsDescriptor = true
    }
    var info = stat()
    size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
  }

  deinit {
    if ownsDescriptor { close(fd) }
  }

  /// Reads up to `buffer.count` bytes; returns 0 at the end of the input.
  ///
  /// - Throws: `PLError.io` when the read fails.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    while true {
      let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
      if n >= 0 {
        tally.count(buffer, n)
        return n
      }
      if errno == EINTR { continue }
      throw .io(target: name, message: systemMessage(errno))
    }
  }
}

/// The text of a system error number.
public func systemMessage(_ code: Int32) -> String {
  String(cString: strerror(code))
}
