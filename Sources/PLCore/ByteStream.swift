/// Something that wants to see every byte of a stream as it is read (a digest, a progress meter).
public protocol ByteObserver: AnyObject {
  func observe(_ bytes: UnsafeRawBufferPointer)
}

/// Bytes arriving in blocks: a file, standard input, a buffer in memory, an archive member, or
/// another stream transcoded to UTF-8.
///
/// Every reader of the toolkit reads through one, so what must see all the bytes of an input
/// (its sha256, the progress meter) is attached once, to the stream, whatever the format.
/// Implementations report each block to `tally` (`StreamTally.count`), which keeps the count
/// and calls the observers.
public protocol ByteStream: AnyObject {
  /// The name used in messages and provenance: a path, `-`, or `outer.zip!inner.csv`.
  var name: String { get }
  /// The size in bytes when known in advance, for progress and ETA.
  var size: Int? { get }
  /// The bytes read so far, and who watches them.
  var tally: StreamTally { get set }
  /// Reads up to `buffer.count` bytes; returns 0 at the end of the stream, never before.
  ///
  /// - Throws: `PLError.io` when reading fails; `PLError.malformed` when a transcoder meets
  ///   bytes that fit no character of its encoding.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int
}

extension ByteStream {
  /// The bytes read so far.
  public var bytesRead: Int { tally.bytesRead }

  /// Who sees every block read from now on.
  public var observers: [ByteObserver] {
    get { tally.observers }
    set { tally.observers = newValue }
  }

  /// Reads the rest of the stream into memory, for the formats that need a whole document at
  /// once (PDF, a zip's central directory): refused past `limit` bytes.
  ///
  /// - Throws: `PLError.malformed` when the stream holds more than `limit` bytes.
  public func readAll(limit: Int = 1 << 30) throws(PLError) -> [UInt8] {
    var bytes: [UInt8] = []
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { block.deallocate() }
    while true {
      let n = try read(into: block)
      if n == 0 { return bytes }
      if bytes.count + n > limit {
        throw .malformed(source: name, location: nil, message: "larger than the \(limit >> 20) MiB this format is read into memory up to")
      }
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: block[0..<n]))
    }
  }
}

/// The count of bytes read from a stream and the observers that see them.
public struct StreamTally {
  public private(set) var bytesRead = 0
  public var observers: [ByteObserver] = []

  public init() {}

  /// Counts the first `count` bytes of `buffer` and shows them to every observer.
  @inline(__always)
  public mutating func count(_ buffer: UnsafeMutableRawBufferPointer, _ count: Int) {
    guard count > 0 else { return }
    bytesRead += count
    if observers.isEmpty { return }
    let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
    for observer in observers { observer.observe(chunk) }
  }
}

/// Bytes already in memory: a test fixture, a decoded e-mail attachment, a sniffed head.
///
/// `maxRead` hands out at most that many bytes per read, as a pipe does: tests use it to meet
/// every way an input can arrive in pieces, deterministically.
public final class MemoryStream: ByteStream {
  public let name: String
  public var size: Int? { bytes.count }
  public var tally = StreamTally()
  /// Calls of `read` so far.
  public private(set) var reads = 0
  let bytes: [UInt8]
  let maxRead: Int
  var offset = 0

  public init(_ bytes: [UInt8], name: String, maxRead: Int = .max) {
    self.bytes = bytes
    self.name = name
    self.maxRead = max(1, maxRead)
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    reads += 1
    let n = min(buffer.count, maxRead, bytes.count - offset)
    guard n > 0 else { return 0 }
    bytes.withUnsafeBytes { source in
      buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: n)
    }
    offset += n
    tally.count(buffer, n)
    return n
  }
}

/// Bytes already read from a stream (a sniffed head), then the rest of that stream: lets a
/// reader chosen after sniffing, or a transcoder, start from the first byte again.
public final class PrefixedStream: ByteStream {
  public let rest: any ByteStream
  public var name: String { rest.name }
  public var size: Int? { rest.size }
  public var tally = StreamTally()
  let prefix: [UInt8]
  var offset = 0

  public init(prefix: [UInt8], rest: any ByteStream) {
    self.prefix = prefix
    self.rest = rest
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    if offset < prefix.count {
      let n = min(buffer.count, prefix.count - offset)
      prefix.withUnsafeBytes { source in
        buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: n)
      }
      offset += n
      tally.count(buffer, n)
      return n
    }
    let n = try rest.read(into: buffer)
    tally.count(buffer, n)
    return n
  }
}
