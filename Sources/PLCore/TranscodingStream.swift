#if canImport(Glibc)
  import Glibc
#endif

/// Another stream's text, converted to UTF-8 as it is read (Latin-1, Windows-1252, UTF-16, …).
///
/// Conversion is iconv's, from the C library: no code-page tables of our own. Readers see only
/// UTF-8 and never know the file was anything else; the underlying stream's observers (a
/// digest) still see the bytes as they were on disk. A byte sequence that is no character of
/// the encoding is an error naming the line, never a silent U+FFFD.
public final class TranscodingStream: ByteStream {
  public let base: any ByteStream
  /// The encoding converted from, as iconv names it (`WINDOWS-1252`, `UTF-16LE`, `SHIFT_JIS`).
  public let encoding: String
  public var name: String { base.name }
  public var size: Int? { nil }
  public var tally = StreamTally()

  private let converter: iconv_t
  /// Bytes read from `base`, not yet converted.
  private let input: UnsafeMutableRawBufferPointer
  private var inputStart = 0
  private var inputEnd = 0
  private var baseDone = false
  /// UTF-8 converted, not yet handed out.
  private let output: UnsafeMutableRawBufferPointer
  private var outputStart = 0
  private var outputEnd = 0
  /// The line being converted, for naming the place of a bad byte.
  private var line = 1

  /// - Throws: `PLError.usage` when iconv does not know `encoding`.
  public init(base: any ByteStream, encoding: String) throws(PLError) {
    let converter = iconv_open("UTF-8", encoding)
    guard let converter, converter != iconv_t(bitPattern: -1) else {
      throw .usage("unknown encoding '\(encoding)' (see `iconv --list` for the names)")
    }
    self.base = base
    self.encoding = encoding
    self.converter = converter
    input = .allocate(byteCount: 1 << 16, alignment: 16)
    output = .allocate(byteCount: 1 << 18, alignment: 16)
  }

  deinit {
    iconv_close(converter)
    input.deallocate()
    output.deallocate()
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    while outputStart == outputEnd {
      guard try convertMore() else { return 0 }
    }
    let n = min(buffer.count, outputEnd - outputStart)
    buffer.baseAddress!.copyMemory(from: output.baseAddress! + outputStart, byteCount: n)
    outputStart += n
    tally.count(buffer, n)
    return n
  }

  /// Converts what is buffered (reading more from `base` when needed) into `output`.
  /// Returns false at the end of the stream.
  private func convertMore() throws(PLError) -> Bool {
    outputStart = 0
    outputEnd = 0
    if inputStart == inputEnd {
      if baseDone { return false }
      inputStart = 0
      inputEnd = try base.read(into: input)
      if inputEnd == 0 {
        baseDone = true
        return false
      }
    }
    var inPointer: UnsafeMutablePointer<CChar>? = (input.baseAddress! + inputStart).assumingMemoryBound(to: CChar.self)
    var inLeft = inputEnd - inputStart
    var outPointer: UnsafeMutablePointer<CChar>? = output.baseAddress!.assumingMemoryBound(to: CChar.self)
    var outLeft = output.count
    let failure = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) == -1 ? errno : 0
    inputStart = inputEnd - inLeft
    outputEnd = output.count - outLeft
    for b in UnsafeRawBufferPointer(rebasing: output[0..<outputEnd]) where b == 0x0A { line += 1 }
    switch failure {
    case EILSEQ:
      if outputEnd > 0 { return true }  // hand out what came before; the next call throws
      let byte = (input.baseAddress! + inputStart).load(as: UInt8.self)
      throw .malformed(
        source: name, location: .line(line),
        message: "byte 0x\(String(byte, radix: 16, uppercase: true)) is not a character of \(encoding) (give the right one with --encoding)")
    case EINVAL:
      // A character split across reads: keep its first bytes and read on.
      let tail = inputEnd - inputStart
      memmove(input.baseAddress!, input.baseAddress! + inputStart, tail)
      inputStart = 0
      inputEnd = tail
      let n = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: input[tail...]))
      if n == 0 {
        baseDone = true
        if outputEnd > 0 { return true }
        throw .malformed(source: name, location: .line(line), message: "the input ends inside a character of \(encoding)")
      }
      inputEnd += n
      return true
    default:
      return true
    }
  }
}
