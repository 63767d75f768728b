#if canImport(Glibc)
  import Glibc
#endif

/// Splits a `ByteSource` into lines, reading 1 MiB blocks and never the whole input.
///
/// A line is handed out without its `\n` (and without a `\r` before it). A UTF-8 byte-order
/// mark at the very start is skipped. The buffer grows only when one line is longer than it,
/// so memory stays bounded by the longest line.
public final class LineReader {
  public let source: ByteSource
  /// The 1-based number of the line last returned.
  public private(set) var lineNumber = 0
  /// True when the last line returned had no `\n` after it (the input ended).
  public private(set) var lastLineUnterminated = false

  var buffer: UnsafeMutableRawBufferPointer
  var start = 0  // first unconsumed byte
  var end = 0  // one past the last valid byte
  var eof = false
  var atStart = true

  public static let blockSize = 1 << 20

  public init(source: ByteSource, blockSize: Int = LineReader.blockSize) {
    self.source = source
    buffer = .allocate(byteCount: max(blockSize, 16), alignment: 16)
  }

  deinit { buffer.deallocate() }

  /// The next line, valid until the next call; nil at the end of the input.
  ///
  /// - Throws: `PLError.io` when reading fails.
  public func nextLine() throws(PLError) -> UnsafeBufferPointer<UInt8>? {
    var scanFrom = start
    while true {
      if scanFrom < end, let nl = memchr(buffer.baseAddress! + scanFrom, 0x0A, end - scanFrom) {
        let nlIndex = buffer.baseAddress!.distance(to: UnsafeMutableRawPointer(nl))
        let lineStart = start
        start = nlIndex + 1
        lineNumber += 1
        var lineEnd = nlIndex
        if lineEnd > lineStart && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        return bytes(lineStart, lineEnd)
      }
      scanFrom = end
      if eof {
        guard start < end else { return nil }
        let lineStart = start
        start = end
        lineNumber += 1
        lastLineUnterminated = true
        var lineEnd = end
        if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        return bytes(lineStart, lineEnd)
      }
      let shift = start
      try fill()
      scanFrom -= shift
    }
  }

  func bytes(_ from: Int, _ to: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + from, count: to - from)
  }

  /// Moves the unconsumed tail to the front, grows the buffer when it is full, reads a block.
  func fill() throws(PLError) {
    if start > 0 {
      let tail = end - start
      if tail > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, tail) }
      end = tail
      start = 0
    }
    if end == buffer.count {
      let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
      bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
      buffer.deallocate()
      buffer = bigger
    }
    let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
    if n == 0 {
      eof = true
      return
    }
    end += n
    if atStart {
      // A byte-order mark may arrive split across tiny reads (pipes); wait for three bytes.
      if end < 3 && !eof { return }
      atStart = false
      if end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { start = 3 }
    }
  }
}
