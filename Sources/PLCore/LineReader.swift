#if canImport(Glibc)
  import Glibc
#endif

/// Splits a `ByteStream` into lines, reading 1 MiB blocks and never the whole input.
///
/// A line is handed out without its `\n` (and without a `\r` before it). A UTF-8 byte-order
/// mark at the very start is skipped. Memory stays bounded by the longest line.
public final class LineReader {
  public let input: BlockBuffer
  /// The 1-based number of the line last returned.
  public private(set) var lineNumber = 0
  /// True when the last line returned had no `\n` after it (the input ended).
  public private(set) var lastLineUnterminated = false

  public static let blockSize = BlockBuffer.defaultBlockSize

  public init(source: any ByteStream, blockSize: Int = LineReader.blockSize) {
    input = BlockBuffer(source: source, blockSize: blockSize)
  }

  public init(input: BlockBuffer) {
    self.input = input
  }

  public var source: any ByteStream { input.source }

  /// The next line, valid until the next call; nil at the end of the input.
  ///
  /// - Throws: `PLError.io` when reading fails.
  public func nextLine() throws(PLError) -> UnsafeBufferPointer<UInt8>? {
    var scanFrom = input.start
    while true {
      let base = input.base
      let end = input.end
      if scanFrom < end, let nl = memchr(base + scanFrom, 0x0A, end - scanFrom) {
        let nlIndex = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
        let lineStart = input.start
        input.start = nlIndex + 1
        lineNumber += 1
        var lineEnd = nlIndex
        if lineEnd > lineStart && base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        return input.bytes(lineStart, lineEnd)
      }
      scanFrom = end
      if input.eof {
        guard input.start < end else { return nil }
        let lineStart = input.start
        input.start = end
        lineNumber += 1
        lastLineUnterminated = true
        var lineEnd = end
        if base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        return input.bytes(lineStart, lineEnd)
      }
      scanFrom -= try input.fill()
    }
  }
}
