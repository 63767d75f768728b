import CPLZlib
import PLCore

/// A streaming gzip compressor on zlib: the lake's own, until a faster one is swapped in at
/// `PartCompression.makeWriter`.
///
/// The z_stream lives at a fixed address (zlib keeps a pointer back to it).
final class GzipPartWriter: PartByteWriter {
  let stream: UnsafeMutablePointer<z_stream>
  let output: any PartOutput
  let name: String
  let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 17)
  let outSize = 1 << 17
  var ended = false

  init(output: any PartOutput, name: String, level: Int32 = 6) throws(PLError) {
    self.output = output
    self.name = name
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
    let rc = deflateInit2_(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard rc == Z_OK else {
      stream.deallocate()
      out.deallocate()
      ended = true
      throw .internalError("\(name): zlib deflateInit2 failed (\(rc))")
    }
  }

  deinit {
    if !ended { deflateEnd(stream) }
    stream.deallocate()
    out.deallocate()
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws(PLError) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
    stream.pointee.avail_in = UInt32(bytes.count)
    while stream.pointee.avail_in > 0 {
      try deflateStep(Z_NO_FLUSH)
    }
  }

  func finish() throws(PLError) {
    stream.pointee.next_in = nil
    stream.pointee.avail_in = 0
    while try deflateStep(Z_FINISH) != Z_STREAM_END {}
    deflateEnd(stream)
    ended = true
  }

  @discardableResult
  func deflateStep(_ flush: Int32) throws(PLError) -> Int32 {
    stream.pointee.next_out = out
    stream.pointee.avail_out = UInt32(outSize)
    let rc = deflate(stream, flush)
    guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
      throw .internalError("\(name): zlib deflate failed (\(rc))")
    }
    let produced = outSize - Int(stream.pointee.avail_out)
    if produced > 0 { try output.write(UnsafeRawBufferPointer(start: out, count: produced)) }
    return rc
  }
}

/// The decompressed bytes of a gzip stream (every member of a multi-member file), read as
/// they are needed.
///
/// A stream that ends inside a member, or whose check value is wrong, is an error naming the
/// source: a damaged part is never read as a shorter one.
public final class GzipInputStream: ByteStream {
  public let source: any ByteStream
  public var name: String { source.name }
  public var size: Int? { nil }
  public var tally = StreamTally()
  let stream: UnsafeMutablePointer<z_stream>
  let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 16)
  var inputEnded = false
  var memberEnded = false
  var ended = false

  public init(source: any ByteStream) throws(PLError) {
    self.source = source
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let rc = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard rc == Z_OK else {
      ended = true
      throw .internalError("\(source.name): zlib inflateInit2 failed (\(rc))")
    }
  }

  deinit {
    if !ended { inflateEnd(stream) }
    stream.deallocate()
    input.deallocate()
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    guard buffer.count > 0 else { return 0 }
    while true {
      if stream.pointee.avail_in == 0 && !inputEnded {
        let n = try source.read(into: input)
        if n == 0 { inputEnded = true } else {
          stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
          stream.pointee.avail_in = UInt32(n)
        }
      }
      if memberEnded {
        // Another member follows, or the stream is over.
        if stream.pointee.avail_in == 0 {
          if inputEnded { return 0 }
          continue
        }
        inflateReset(stream)
        memberEnded = false
      }
      if stream.pointee.avail_in == 0 && inputEnded {
        throw .malformed(source: name, location: nil, message: "the gzip stream ends early (the file is truncated)")
      }
      stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
      stream.pointee.avail_out = UInt32(buffer.count)
      let rc = inflate(stream, Z_NO_FLUSH)
      let produced = buffer.count - Int(stream.pointee.avail_out)
      switch rc {
      case Z_STREAM_END: memberEnded = true
      case Z_OK, Z_BUF_ERROR: break
      default:
        let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
        throw .malformed(source: name, location: nil, message: "not a valid gzip stream: \(message)")
      }
      if produced > 0 {
        tally.count(buffer, produced)
        return produced
      }
    }
  }
}
