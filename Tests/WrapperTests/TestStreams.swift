import PLCore
import PLDigest

/// Keeps every byte it is shown, to compare what a stream's observers saw with the input.
final class CollectingObserver: ByteObserver {
  private(set) var bytes: [UInt8] = []
  func observe(_ chunk: UnsafeRawBufferPointer) { bytes += chunk }

  var count: Int { bytes.count }

  /// Whether the bytes seen are `expected` (a Bool, so that a failure does not print both).
  func isSame(as expected: [UInt8]) -> Bool { bytes == expected }
}

/// A stream with a collector and a sha256 attached, as the extract command attaches its
/// digest and progress meter.
struct Watched {
  let collector = CollectingObserver()
  let digest: SHA256Digest

  init(_ stream: ByteStream) throws {
    digest = try SHA256Digest()
    stream.observers += [collector, digest]
  }
}

/// Bytes in memory handed out at most `blockSize` at a time, so that the C libraries'
/// callbacks meet short reads.
final class TrickleStream: ByteStream {
  let name: String
  var size: Int? { bytes.count }
  var tally = StreamTally()
  private let bytes: [UInt8]
  private let blockSize: Int
  private var offset = 0

  init(_ bytes: [UInt8], name: String, blockSize: Int) {
    self.bytes = bytes
    self.name = name
    self.blockSize = blockSize
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    let count = min(buffer.count, blockSize, bytes.count - offset)
    guard count > 0 else { return 0 }
    bytes.withUnsafeBytes { source in
      buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
    }
    offset += count
    tally.count(buffer, count)
    return count
  }
}

/// Gives the first `failAfter` bytes of `bytes`, then fails as a dying disk does.
final class FailingStream: ByteStream {
  let name: String
  var size: Int? { nil }
  var tally = StreamTally()
  private let inner: TrickleStream
  private let failAfter: Int

  static func error(_ name: String) -> PLError { .io(target: name, message: "Input/output error") }

  init(_ bytes: [UInt8], name: String, failAfter: Int) {
    inner = TrickleStream(Array(bytes.prefix(failAfter)), name: name, blockSize: 512)
    self.name = name
    self.failAfter = failAfter
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    let count = try inner.read(into: buffer)
    if count == 0 { throw Self.error(name) }
    tally.count(buffer, count)
    return count
  }
}

/// Reads `stream` to its end in blocks of `blockSize` bytes.
func readToEnd(_ stream: ByteStream, blockSize: Int) throws -> [UInt8] {
  var out: [UInt8] = []
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 1)
  defer { buffer.deallocate() }
  while true {
    let count = try stream.read(into: buffer)
    if count == 0 { return out }
    out += buffer[0..<count]
  }
}
