import Foundation
import PLCompress
import PLCore
import PLTestSupport
import Testing

@Suite struct GzipWriterTests {
  @Test(arguments: [0, 1, 5, 65535, 65536, 65537, 200_000, 1_000_000], [0, 1, 2, 4])
  func roundTripsText(count: Int, threads: Int) throws {
    let input = sampleBytes(count: count, binary: false)
    let gz = try compress(input, .gzip(level: 6), threads: threads, piece: 7777)
    #expect(try decompress(gz) == input)
  }

  @Test(arguments: [1, 100, 300_000])
  func roundTripsBinary(count: Int) throws {
    let input = sampleBytes(count: count, binary: true)
    let gz = try compress(input, .gzip(level: 6), threads: 2, piece: 100_003)
    #expect(try decompress(gz, readSize: 999) == input)
  }

  @Test func emptyInputIsOneEmptyMember() throws {
    let gz = try compress([], .gzip(level: 6), threads: 2)
    #expect(gz.starts(with: [0x1F, 0x8B]))
    #expect(try decompress(gz).isEmpty)
  }

  @Test func oneMemberPerBlock() throws {
    let sink = MemorySink()
    let writer = try GzipWriter(sink: sink, threads: 2, blockSize: 1 << 16)
    try writer.append(sampleBytes(count: 10 * 65536 + 1, binary: false))
    try writer.finish()
    #expect(writer.members == 11)
    let reader = DecompressingReader(source: MemoryStream(sink.bytes, name: "x.gz"))
    _ = try readToEnd(reader, blockSize: 4096)
    #expect(reader.membersRead == 11)
  }

  /// Block boundaries depend only on the byte count: the threads never change the output.
  @Test func sameBytesWhateverTheThreadsAndPieces() throws {
    let input = sampleBytes(count: 500_000, binary: false)
    let inline = try compress(input, .gzip(level: 6), threads: 0, piece: 65536)
    #expect(try compress(input, .gzip(level: 6), threads: 2, piece: 1000) == inline)
    #expect(try compress(input, .gzip(level: 6), threads: 3, piece: 500_000) == inline)
  }

  @Test(arguments: [0, 1, 9, 12])
  func everyLevelRoundTrips(level: Int) throws {
    let input = sampleBytes(count: 150_000, binary: false)
    #expect(try decompress(try compress(input, .gzip(level: level), threads: 2)) == input)
  }

  @Test func levelOutOfRangeIsAUsageError() {
    #expect(plError { _ = try GzipWriter(sink: MemorySink(), level: 13) }?.exitStatus == .usage)
  }

  @Test func aFullDiskIsAnIOError() throws {
    let fd = open("/dev/full", O_WRONLY)
    try #require(fd >= 0)
    defer { close(fd) }
    let writer = try GzipWriter(sink: FileDescriptorSink(fd: fd, name: "part.ndjson.gz"), threads: 2, blockSize: 1 << 16)
    let error = plError {
      try writer.append(sampleBytes(count: 2_000_000, binary: true))
      try writer.finish()
    }
    #expect(error == .io(target: "part.ndjson.gz", message: systemMessage(ENOSPC)))
    writer.abort()
  }

  @Test func usedAfterFinishIsRefused() throws {
    let writer = try GzipWriter(sink: MemorySink(), threads: 1)
    try writer.finish()
    #expect(plError { try writer.append([1, 2, 3]) }?.exitStatus == .software)
    #expect(plError { try writer.finish() }?.exitStatus == .software)
  }

  /// A writer dropped half-way stops its threads and frees its blocks.
  @Test func abortedMidStream() throws {
    for _ in 0..<20 {
      let writer = try GzipWriter(sink: MemorySink(), threads: 2, blockSize: 1 << 16)
      try writer.append(sampleBytes(count: 300_000, binary: true))
      writer.abort()
      writer.abort()
    }
  }

  @Test func writesToAFileDescriptor() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("part.ndjson.gz")
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    try #require(fd >= 0)
    let input = sampleBytes(count: 400_000, binary: false)
    let sink = FileDescriptorSink(fd: fd, name: path)
    let writer = try GzipWriter(sink: sink, threads: 2, blockSize: 1 << 16)
    try writer.append(input)
    try writer.finish()
    close(fd)
    #expect(sink.bytesWritten == writer.bytesOut)
    #expect(try readToEnd(DecompressingReader(path: path), blockSize: 1 << 16) == input)
  }
}
