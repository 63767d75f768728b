import CPLZlib
import PLCore

/// A gzip (or zlib) stream inflated block by block, so a part is never held whole in memory.
///
/// Concatenated gzip members are read one after the other, as `gzip -d` does. A stream that
/// ends inside a member, or bytes that are not deflate data, are a data error naming the part.
final class GzipStream: ByteStream {
  let source: any ByteStream
  var name: String { source.name }
  var size: Int? { nil }
  var tally = StreamTally()
  private var z = z_stream()
  private let input: UnsafeMutableRawBufferPointer
  private var inputEOF = false
  private var memberEnded = false
  private var open = false

  init(source: any ByteStream) throws(PLError) {
    self.source = source
    input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
    // 15 + 32: a window of 32 KiB, with a gzip or zlib header detected.
    let rc = inflateInit2_(&z, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard rc == Z_OK else { throw .internalError("zlib: inflateInit2 failed (\(rc))") }
    open = true
  }

  deinit {
    if open { inflateEnd(&z) }
    input.deallocate()
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    guard let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
    z.next_out = out.assumingMemoryBound(to: Bytef.self)
    z.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
    while z.avail_out > 0 {
      if z.avail_in == 0 && !inputEOF {
        let n = try source.read(into: input)
        if n == 0 {
          inputEOF = true
        } else {
          z.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
          z.avail_in = UInt32(n)
        }
      }
      if z.avail_in == 0 && inputEOF {
        if memberEnded || (z.total_in == 0 && z.total_out == 0) { break }
        throw .malformed(source: name, location: nil, message: "the gzip stream ends before its end (a cut file)")
      }
      if memberEnded {
        // Another member follows the one that ended.
        inflateReset(&z)
        memberEnded = false
      }
      let rc = inflate(&z, Z_NO_FLUSH)
      switch rc {
      case Z_OK, Z_BUF_ERROR: break
      case Z_STREAM_END: memberEnded = true
      default:
        let message = z.msg.map { String(cString: $0) } ?? "code \(rc)"
        throw .malformed(source: name, location: nil, message: "not gzip data: \(message)")
      }
    }
    let produced = buffer.count - Int(z.avail_out)
    tally.count(buffer, produced)
    return produced
  }
}
