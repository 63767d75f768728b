#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore

/// The secret key of `Pseudonymise`, loaded from a file or an environment variable.
///
/// The key's bytes are used as they are (a file's trailing newline is removed, so that
/// `echo secret > key` and `printf secret > key` give one key). Errors name the file or the
/// variable, never the key's content; `description` does not show it either.
public struct PseudonymKey: Equatable, Sendable, CustomStringConvertible {
  public let bytes: [UInt8]

  /// A key from its bytes.
  ///
  /// - Throws: `PLError.config` when `bytes` is empty.
  public init(bytes: [UInt8], source: String = "pseudonym key") throws(PLError) {
    guard !bytes.isEmpty else { throw .config(source: source, message: "the pseudonym key is empty") }
    self.bytes = bytes
  }

  public var description: String { "PseudonymKey(\(bytes.count) bytes)" }

  /// The key in the file at `path`.
  ///
  /// - Throws: `PLError.inputMissing` when the file cannot be read, `PLError.config` when it
  ///   holds no key.
  public static func load(file path: String) throws(PLError) -> PseudonymKey {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw .inputMissing(source: path, message: "cannot read the pseudonym key: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .inputMissing(source: path, message: "cannot read the pseudonym key: \(String(cString: strerror(errno)))")
      }
      if n == 0 { break }
      bytes += chunk[0..<n]
      guard bytes.count <= 1 << 20 else { throw .config(source: path, message: "the pseudonym key file is larger than 1 MiB; is it the right file?") }
    }
    if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
    return try PseudonymKey(bytes: bytes, source: path)
  }

  /// The key in the environment variable `name`.
  ///
  /// - Throws: `PLError.config` when the variable is unset or empty.
  public static func load(environment name: String) throws(PLError) -> PseudonymKey {
    guard let value = getenv(name) else { throw .config(source: "environment", message: "the pseudonym key variable \(name) is not set") }
    let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value)))
    return try PseudonymKey(bytes: bytes, source: "environment variable \(name)")
  }
}
