import Foundation
import PLCompress
import PLCore
import PLTestSupport
import Testing

@Suite struct DecompressingReaderTests {
  let input = sampleBytes(count: 300_000, binary: false)

  /// The compressed bytes arrive in pieces of every size: the output never changes.
  @Test(arguments: [1, 2, 3, 17, 4096])
  func sourceChunkingDoesNotMatter(sourceRead: Int) throws {
    let small = Array(input.prefix(5000))
    let gz = try compress(small, .gzip(level: 6), threads: 1, piece: 700)
    #expect(try decompress(gz, readSize: 333, sourceRead: sourceRead) == small)
    let zst = try compress(small, .zstd(level: 3), threads: 1, piece: 700)
    #expect(try decompress(zst, name: "p.zst", readSize: 333, sourceRead: sourceRead) == small)
  }

  @Test(arguments: [0, 1, 2])
  func zstdRoundTrips(threads: Int) throws {
    for count in [0, 1, 300_000, 3_000_000] {
      let bytes = sampleBytes(count: count, binary: count == 1)
      #expect(try decompress(try compress(bytes, .zstd(level: 3), threads: threads, piece: 99_999), name: "p.zst") == bytes)
    }
  }

  /// A part cut anywhere — inside the header, the data or the trailer — is an error, never a
  /// short read. (One member: a multi-member file cut exactly between members is a valid
  /// shorter stream, which the manifest's size and sha256 catch.)
  @Test(arguments: [CompressionFormat.gzip(level: 6), .zstd(level: 3)])
  func truncatedStreamsAreErrors(format: CompressionFormat) throws {
    let full = try compress(input, format, threads: 2, blockSize: 1 << 20)
    for cut in [1, 3, 5, 10, 100, full.count / 2, full.count - 8, full.count - 1] {
      let error = plError { _ = try decompress(Array(full.prefix(cut)), name: "part.\(format.fileExtension)") }
      guard case .malformed(let source, nil, let message)? = error else {
        Issue.record("cut at \(cut): \(String(describing: error))")
        continue
      }
      #expect(source == "part.\(format.fileExtension)")
      #expect(message.hasPrefix("byte "), "\(message)")
      #expect(message.contains("truncated") || message.contains("not a gzip or zstd"), "cut at \(cut): \(message)")
      #expect(error?.exitStatus == .dataError)
    }
  }

  @Test func aFlippedByteInGzipDataIsReportedWithItsOffset() throws {
    var gz = try compress(input, .gzip(level: 6), threads: 2, blockSize: 1 << 20)
    let at = gz.count / 2
    gz[at] ^= 0x55
    let error = plError { _ = try decompress(gz, name: "part-7.ndjson.gz") }
    guard case .malformed("part-7.ndjson.gz", nil, let message)? = error else {
      Issue.record("\(String(describing: error))")
      return
    }
    #expect(message.contains("corrupt gzip data"), "\(message)")
    let offset = Int(message.dropFirst("byte ".count).prefix { $0.isNumber })!
    #expect(offset >= at - 16 && offset <= gz.count, "\(message)")
  }

  @Test func aWrongCRCIsAnError() throws {
    var gz = try compress(Array(input.prefix(1000)), .gzip(level: 6), threads: 0)
    gz[gz.count - 6] ^= 0x01   // inside the CRC-32 of the only member
    let error = plError { _ = try decompress(gz, name: "p.gz") }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.contains("incorrect data check") == true, "\(String(describing: error))")
  }

  @Test func aFlippedByteInZstdDataIsAnError() throws {
    var zst = try compress(input, .zstd(level: 3), threads: 0)
    zst[zst.count / 2] ^= 0x55
    let error = plError { _ = try decompress(zst, name: "p.zst") }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.hasPrefix("p.zst: byte ") == true, "\(String(describing: error))")
  }

  @Test func trailingGarbageIsAnError() throws {
    let gz = try compress(Array(input.prefix(1000)), .gzip(level: 6), threads: 0)
    let error = plError { _ = try decompress(gz + Array("junk".utf8), name: "p.gz") }
    #expect(error == .malformed(source: "p.gz", location: nil, message: "byte \(gz.count): bytes that are not a gzip member after the end of member 1"))
  }

  @Test func plainAndEmptyFilesAreRefused() {
    #expect(plError { _ = try decompress(Array("{\"a\":1}\n".utf8), name: "p.ndjson") }
      == .malformed(source: "p.ndjson", location: nil, message: "byte 0: not a gzip or zstd stream (it starts with 7b 22 61 22)"))
    #expect(plError { _ = try decompress([], name: "p.gz") }
      == .malformed(source: "p.gz", location: nil, message: "byte 0: empty file, not a gzip or zstd stream"))
  }

  @Test func missingFileIsNoInput() {
    #expect(plError { _ = try DecompressingReader(path: "no/such/part.gz") }?.exitStatus == .noInput)
  }

  @Test func formatsParse() throws {
    #expect(try CompressionFormat(parsing: "gzip") == .gzip(level: 6))
    #expect(try CompressionFormat(parsing: "zstd:19") == .zstd(level: 19))
    #expect(try CompressionFormat(parsing: "gz:1") == .gzip(level: 1))
    for bad in ["lz4", "gzip:x", "gzip:13", "zstd:0", ""] {
      #expect(plError { _ = try CompressionFormat(parsing: bad) }?.exitStatus == .usage, "\(bad)")
    }
  }
}
