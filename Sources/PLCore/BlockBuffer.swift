#if canImport(Glibc)
  import Glibc
#endif

/// The unread bytes of a `ByteStream`, refilled a block at a time.
///
/// Readers consume from `start` up to `end` and call `fill()` when they need more: the unread
/// tail moves to the front, the buffer doubles only when one item (a line, a row, an array
/// element) is larger than it, and a block is read. Memory stays bounded by the largest item.
/// A UTF-8 byte-order mark at the very start of the source is skipped.
public final class BlockBuffer {
  public let source: any ByteStream
  public private(set) var storage: UnsafeMutableRawBufferPointer
  /// The first unread byte.
  public var start = 0
  /// One past the last byte read.
  public private(set) var end = 0
  /// True once the source has no more bytes.
  public private(set) var eof = false
  var atStart = true
  /// True when the source began with a UTF-8 byte-order mark (skipped): it declares UTF-8.
  public private(set) var skippedByteOrderMark = false

  public static let defaultBlockSize = 1 << 20

  public init(source: any ByteStream, blockSize: Int = BlockBuffer.defaultBlockSize) {
    self.source = source
    storage = .allocate(byteCount: max(blockSize, 16), alignment: 16)
  }

  deinit { storage.deallocate() }

  /// The first byte of the buffer; offsets `start` and `end` are relative to it.
  public var base: UnsafeMutablePointer<UInt8> { storage.baseAddress!.assumingMemoryBound(to: UInt8.self) }

  /// Bytes `from..<to` of the buffer.
  public func bytes(_ from: Int, _ to: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + from, count: to - from)
  }

  /// Reads more bytes. Offsets held by the caller shift down by the `start` before the call
  /// (returned, so the caller can adjust them); at the end of the source sets `eof`.
  ///
  /// - Throws: `PLError.io` when reading fails.
  @discardableResult
  public func fill() throws(PLError) -> Int {
    let shift = start
    if start > 0 {
      let tail = end - start
      if tail > 0 { memmove(storage.baseAddress!, storage.baseAddress! + start, tail) }
      end = tail
      start = 0
    }
    if end == storage.count {
      let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: storage.count * 2, alignment: 16)
      bigger.copyMemory(from: UnsafeRawBufferPointer(storage))
      storage.deallocate()
      storage = bigger
    }
    let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
    if n == 0 {
      eof = true
      return shift
    }
    end += n
    if atStart {
      // A byte-order mark may arrive split across small reads from a pipe: read on until it is
      // whole or cannot be one, so that no reader ever sees part of it. Only the very first
      // bytes of the source are looked at: later, `storage[0]` is the middle of the input.
      atStart = false
      let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
      while end < 3 && (0..<end).allSatisfy({ storage[$0] == mark[$0] }) {
        let more = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
        if more == 0 {
          eof = true
          break
        }
        end += more
      }
      if end >= 3 && storage[0] == 0xEF && storage[1] == 0xBB && storage[2] == 0xBF {
        start = 3
        skippedByteOrderMark = true
      }
    }
    return shift
  }
}
