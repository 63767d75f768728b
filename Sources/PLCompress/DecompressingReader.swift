import CPLZlib
import CPLZstd
import PLCore

/// The decompressed bytes of a gzip or zstd stream, read a block at a time.
///
/// The format is told by the first bytes (gzip `1f 8b`, zstd `28 b5 2f fd`). gzip is inflated
/// with zlib, member after member (a parallel writer's output has one member per block); zstd
/// frames follow one another the same way. Memory is constant: one input buffer and the
/// library's window.
///
/// A stream that is damaged or cut short is an error naming the file and the byte offset in the
/// compressed file where reading failed (`PLError.malformed`, exit status 65): a truncated part,
/// bytes that are not gzip after the last member, a CRC or length that does not match.
public final class DecompressingReader: ByteStream {
  public enum Format: String, Sendable { case gzip, zstd }

  public let source: any ByteStream
  public var name: String { source.name }
  public var size: Int? { nil }
  public var tally = StreamTally()
  /// The format, once the first bytes were read.
  public private(set) var format: Format?
  /// gzip members or zstd frames read to their end so far.
  public private(set) var membersRead = 0

  let input: UnsafeMutableRawBufferPointer
  var inputStart = 0
  var inputEnd = 0
  /// Compressed bytes read from the source before `input[0]`.
  var inputBase = 0
  var sourceEnded = false
  var ended = false
  var inflater: UnsafeMutablePointer<z_stream>?
  var memberOpen = false
  var decompressor: OpaquePointer?
  /// False once a zstd frame was read to its end and no byte of another was read since.
  var frameOpen = true

  public init(source: any ByteStream) {
    self.source = source
    input = .allocate(byteCount: 1 << 18, alignment: 16)
  }

  /// Opens `path` and reads it decompressed.
  ///
  /// - Throws: `PLError.inputMissing` when the file cannot be opened.
  public convenience init(path: String) throws(PLError) {
    self.init(source: try FileStream(path: path))
  }

  deinit {
    if let inflater {
      inflateEnd(inflater)
      inflater.deallocate()
    }
    if let decompressor { ZSTD_freeDCtx(decompressor) }
    input.deallocate()
  }

  /// The offset in the compressed file of the next byte not yet decompressed.
  var offset: Int { inputBase + inputStart }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    guard !ended, buffer.count > 0 else { return 0 }
    if format == nil { try start() }
    let n = format == .gzip ? try readGzip(into: buffer) : try readZstd(into: buffer)
    tally.count(buffer, n)
    return n
  }

  /// Reads the first bytes and sets up the decompressor they call for.
  func start() throws(PLError) {
    while inputEnd < 4 && !sourceEnded { try refill() }
    let head = Array(UnsafeRawBufferPointer(rebasing: input[0..<inputEnd]))
    if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B {
      let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
      stream.initialize(to: z_stream())
      // 15 + 16: a 32 KiB window and a gzip wrapper (header and CRC-32 trailer checked).
      guard inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        stream.deallocate()
        throw .internalError("zlib could not start inflating \(name)")
      }
      inflater = stream
      format = .gzip
    } else if head.count >= 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD {
      guard let context = ZSTD_createDCtx() else { throw .internalError("libzstd could not allocate a decompression context for \(name)") }
      decompressor = context
      format = .zstd
    } else if head.isEmpty {
      throw malformed(at: 0, "empty file, not a gzip or zstd stream")
    } else {
      throw malformed(at: 0, "not a gzip or zstd stream (it starts with \(head.prefix(4).map { hex($0) }.joined(separator: " ")))")
    }
  }

  func readGzip(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    let stream = inflater!
    while true {
      if !memberOpen {
        while inputEnd - inputStart < 2 && !sourceEnded { try refill() }
        let available = inputEnd - inputStart
        if available == 0 {
          ended = true
          return 0
        }
        guard available >= 2, input[inputStart] == 0x1F, input[inputStart + 1] == 0x8B else {
          throw malformed(at: offset, "bytes that are not a gzip member after the end of member \(membersRead)")
        }
        inflateReset(stream)
        memberOpen = true
      }
      let available = inputEnd - inputStart
      stream.pointee.next_in = (input.baseAddress! + inputStart).assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_in = UInt32(available)
      stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
      let status = inflate(stream, Z_NO_FLUSH)
      inputStart += available - Int(stream.pointee.avail_in)
      let produced = min(buffer.count, Int(UInt32.max)) - Int(stream.pointee.avail_out)
      switch status {
      case Z_OK, Z_BUF_ERROR:
        break
      case Z_STREAM_END:
        memberOpen = false
        membersRead += 1
      case Z_DATA_ERROR, Z_NEED_DICT:
        let reason = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
        throw malformed(at: offset, "corrupt gzip data in member \(membersRead + 1): \(reason)")
      default:
        throw .internalError("zlib failed inflating \(name) (status \(status))")
      }
      if produced > 0 { return produced }
      if memberOpen && inputStart == inputEnd {
        if sourceEnded { throw malformed(at: offset, "truncated: the gzip stream ends inside member \(membersRead + 1)") }
        try refill()
      }
    }
  }

  func readZstd(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    let context = decompressor!
    while true {
      var source = ZSTD_inBuffer(src: input.baseAddress! + inputStart, size: inputEnd - inputStart, pos: 0)
      var target = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
      let status = ZSTD_decompressStream(context, &target, &source)
      if ZSTD_isError(status) != 0 {
        throw malformed(at: offset + source.pos, "corrupt zstd data in frame \(membersRead + 1): \(String(cString: ZSTD_getErrorName(status)))")
      }
      inputStart += source.pos
      // Called with no input between frames, libzstd returns the next header's size: only a
      // call that made progress tells whether a frame is open.
      if source.pos > 0 || target.pos > 0 {
        if frameOpen && status == 0 { membersRead += 1 }
        frameOpen = status != 0
      }
      if target.pos > 0 { return target.pos }
      if inputStart == inputEnd {
        if sourceEnded {
          if frameOpen { throw malformed(at: offset, "truncated: the zstd stream ends inside frame \(membersRead + 1)") }
          ended = true
          return 0
        }
        try refill()
      }
    }
  }

  /// Moves the unread bytes to the front of the input buffer and reads more after them.
  func refill() throws(PLError) {
    if inputStart > 0 {
      let unread = inputEnd - inputStart
      if unread > 0 { input.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: unread) }
      inputBase += inputStart
      inputEnd = unread
      inputStart = 0
    }
    let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: input[inputEnd...]))
    if n == 0 { sourceEnded = true } else { inputEnd += n }
  }

  func malformed(at offset: Int, _ message: String) -> PLError {
    .malformed(source: name, location: nil, message: "byte \(offset): \(message)")
  }

  func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
  }
}
