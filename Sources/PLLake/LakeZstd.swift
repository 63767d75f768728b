import CPLZstd
import PLCore

/// A streaming Zstandard compressor on libzstd (level 3, one frame per part).
final class ZstdPartWriter: PartByteWriter {
  let context: OpaquePointer
  let output: any PartOutput
  let out: UnsafeMutableRawPointer
  let outSize = ZSTD_CStreamOutSize()

  init(output: any PartOutput, level: Int32 = 3) throws(PLError) {
    guard let context = ZSTD_createCCtx() else { throw .internalError("libzstd: ZSTD_createCCtx failed (out of memory)") }
    self.context = context
    self.output = output
    out = .allocate(byteCount: outSize, alignment: 16)
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
    ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
  }

  deinit {
    ZSTD_freeCCtx(context)
    out.deallocate()
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws(PLError) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    var input = ZSTD_inBuffer(src: base, size: bytes.count, pos: 0)
    while input.pos < input.size {
      _ = try step(&input, ZSTD_e_continue)
    }
  }

  func finish() throws(PLError) {
    var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    while try step(&input, ZSTD_e_end) != 0 {}
  }

  func step(_ input: inout ZSTD_inBuffer, _ directive: ZSTD_EndDirective) throws(PLError) -> Int {
    var outBuffer = ZSTD_outBuffer(dst: out, size: outSize, pos: 0)
    let remaining = ZSTD_compressStream2(context, &outBuffer, &input, directive)
    if ZSTD_isError(remaining) != 0 {
      throw .internalError("libzstd: \(String(cString: ZSTD_getErrorName(remaining)))")
    }
    if outBuffer.pos > 0 { try output.write(UnsafeRawBufferPointer(start: out, count: outBuffer.pos)) }
    return remaining
  }
}

/// The decompressed bytes of a Zstandard stream (every frame), read as they are needed.
public final class ZstdInputStream: ByteStream {
  public let source: any ByteStream
  public var name: String { source.name }
  public var size: Int? { nil }
  public var tally = StreamTally()
  let context: OpaquePointer
  let input = UnsafeMutableRawBufferPointer.allocate(byteCount: ZSTD_DStreamInSize(), alignment: 16)
  var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
  var inputEnded = false
  /// 0 once a frame is complete (libzstd's hint), so the end of input there is a clean end.
  var frameRemaining = 0

  public init(source: any ByteStream) throws(PLError) {
    guard let context = ZSTD_createDCtx() else { throw .internalError("libzstd: ZSTD_createDCtx failed (out of memory)") }
    self.context = context
    self.source = source
  }

  deinit {
    ZSTD_freeDCtx(context)
    input.deallocate()
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    guard buffer.count > 0 else { return 0 }
    while true {
      if inBuffer.pos == inBuffer.size && !inputEnded {
        let n = try source.read(into: input)
        if n == 0 { inputEnded = true } else { inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: n, pos: 0) }
      }
      if inBuffer.pos == inBuffer.size && inputEnded {
        if frameRemaining == 0 { return 0 }
        throw .malformed(source: name, location: nil, message: "the zstd stream ends early (the file is truncated)")
      }
      var out = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
      let hint = ZSTD_decompressStream(context, &out, &inBuffer)
      if ZSTD_isError(hint) != 0 {
        throw .malformed(source: name, location: nil, message: "not a valid zstd stream: \(String(cString: ZSTD_getErrorName(hint)))")
      }
      frameRemaining = hint
      if out.pos > 0 {
        tally.count(buffer, out.pos)
        return out.pos
      }
    }
  }
}
