import CPLZstd
import PLCore

/// A zstd stream written with libzstd's streaming API.
///
/// With `threads` ≥ 1, libzstd compresses on that many worker threads of its own while the caller
/// goes on appending (when the library was built with multithreading; `threads` then reads 0 and
/// compression happens in `append`). Frames carry a content checksum, so a reader notices a
/// corrupted part. Memory is the library's window and job buffers plus one input and one output
/// buffer here.
public final class ZstdWriter: CompressingWriter {
  public let sink: any ByteSink
  public let level: Int
  /// Worker threads libzstd really uses (0: compression on the caller's thread).
  public let threads: Int
  public private(set) var bytesIn = 0
  public private(set) var bytesOut = 0

  let context: OpaquePointer
  let input: UnsafeMutableRawBufferPointer
  var inputCount = 0
  let output: UnsafeMutableRawBufferPointer
  var isOpen = true

  /// - Throws: `PLError.usage` for a level out of range; `PLError.internalError` when libzstd
  ///   refuses a parameter or cannot allocate.
  public init(sink: any ByteSink, level: Int = 3, threads: Int = defaultCompressionThreads) throws(PLError) {
    guard (1...Int(ZSTD_maxCLevel())).contains(level) else {
      throw .usage("zstd level \(level): levels are 1 to \(ZSTD_maxCLevel())")
    }
    guard let context = ZSTD_createCCtx() else { throw .internalError("libzstd could not allocate a compression context") }
    self.context = context
    self.sink = sink
    self.level = level
    input = .allocate(byteCount: 1 << 20, alignment: 16)
    output = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 16)
    var workers = 0
    if threads > 0 && ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, Int32(threads))) == 0 {
      workers = threads
    }
    self.threads = workers
    try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)), "setting the level")
    try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "asking for checksums")
  }

  deinit {
    ZSTD_freeCCtx(context)
    input.deallocate()
    output.deallocate()
  }

  public func append(_ bytes: UnsafeRawBufferPointer) throws(PLError) {
    guard isOpen else { throw .internalError("zstd stream for \(sink.name) used after it was finished or aborted") }
    var offset = 0
    while offset < bytes.count {
      let n = min(input.count - inputCount, bytes.count - offset)
      (input.baseAddress! + inputCount).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
      inputCount += n
      offset += n
      bytesIn += n
      if inputCount == input.count {
        try compress(end: false)
      }
    }
  }

  public func finish() throws(PLError) {
    guard isOpen else { throw .internalError("zstd stream for \(sink.name) finished twice or after an abort") }
    try compress(end: true)
    isOpen = false
  }

  public func abort() {
    guard isOpen else { return }
    isOpen = false
    // Drops the frame in progress and stops libzstd's workers.
    ZSTD_CCtx_reset(context, ZSTD_reset_session_only)
  }

  /// Feeds the buffered input to libzstd and writes what it gives back; with `end`, until the
  /// frame is complete.
  func compress(end: Bool) throws(PLError) {
    var source = ZSTD_inBuffer(src: input.baseAddress, size: inputCount, pos: 0)
    while true {
      var target = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
      let remaining = ZSTD_compressStream2(context, &target, &source, end ? ZSTD_e_end : ZSTD_e_continue)
      do {
        try check(remaining, "compressing")
        if target.pos > 0 {
          try sink.write(UnsafeRawBufferPointer(start: output.baseAddress, count: target.pos))
          bytesOut += target.pos
        }
      } catch {
        abort()
        throw error
      }
      if end ? remaining == 0 : source.pos == source.size { break }
    }
    inputCount = 0
  }

  func check(_ code: Int, _ doing: String) throws(PLError) {
    if ZSTD_isError(code) != 0 {
      throw .internalError("libzstd failed \(doing) for \(sink.name): \(String(cString: ZSTD_getErrorName(code)))")
    }
  }
}
