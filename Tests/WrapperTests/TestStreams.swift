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
func trickleStream(_ bytes: [UInt8], name: String, blockSize: Int) -> MemoryStream {
  MemoryStream(bytes, name: name, maxRead: blockSize)
}

/// Gives the first `failAfter` bytes of `bytes`, then fails as a dying disk does.
final class FailingStream: ByteStream {
  let name: String
  var size: Int? { nil }
  var tally = StreamTally()
  private let inner: MemoryStream
  private let failAfter: Int

  static func error(_ name: String) -> PLError { .io(target: name, message: "Input/output error") }

  init(_ bytes: [UInt8], name: String, failAfter: Int) {
    inner = trickleStream(Array(bytes.prefix(failAfter)), name: name, blockSize: 512)
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

