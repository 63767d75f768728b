import Foundation
import PLCore
import Testing

@Suite struct FileStreamTests {
  @Test func missingFileIsInputMissing() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("no-such-file.csv")
    let error = #expect(throws: PLError.self) { try FileStream(path: path) }
    guard case .inputMissing(let source, let message)? = error else {
      Issue.record("expected inputMissing, got \(String(describing: error))")
      return
    }
    #expect(source == path)
    #expect(message == "No such file or directory")
    #expect(error?.exitStatus == .noInput)
    #expect(error?.exitStatus.rawValue == 66)
    #expect(error?.description == "\(path): No such file or directory")
  }

  @Test func directoryIsInputMissing() throws {
    let dir = try TemporaryDirectory()
    let error = #expect(throws: PLError.self) { try FileStream(path: dir.path) }
    #expect(error == .inputMissing(source: dir.path, message: "is a directory, not a file"))
    #expect(error?.exitStatus.rawValue == 66)
  }

  @Test func dashIsStandardInput() throws {
    let source = try FileStream(path: "-")
    #expect(source.name == "-")
    #expect(FileStream.standardInputName == "-")
  }

  @Test func readsAFileInBlocksAndCountsBytes() throws {
    let dir = try TemporaryDirectory()
    let content = bytes(String(repeating: "0123456789", count: 100))
    let path = try dir.write("ten.txt", content)
    let source = try FileStream(path: path)
    #expect(source.name == path)
    #expect(source.size == 1000)
    final class Collector: ByteObserver {
      var seen: [UInt8] = []
      func observe(_ bytes: UnsafeRawBufferPointer) { seen += bytes }
    }
    let collector = Collector()
    source.observers.append(collector)
    var read: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 64)
    while true {
      let n = try block.withUnsafeMutableBytes { buffer throws(PLError) in try source.read(into: buffer) }
      if n == 0 { break }
      read += block[0..<n]
    }
    #expect(read == content)
    #expect(collector.seen == content)
    #expect(source.bytesRead == 1000)
  }

  @Test func emptyFileHasSizeZero() throws {
    let dir = try TemporaryDirectory()
    let source = try FileStream(path: try dir.write("empty", []))
    #expect(source.size == 0)
    var block = [UInt8](repeating: 0, count: 8)
    #expect(try block.withUnsafeMutableBytes { buffer throws(PLError) in try source.read(into: buffer) } == 0)
  }

  @Test func pipeHasNoSize() throws {
    let (r, w) = makePipe()
    defer { close(r) }
    writeAll(w, bytes("abc"))
    close(w)
    let source = try FileStream(path: "/dev/fd/\(r)")
    #expect(source.size == nil)
  }
}

@Suite struct OutputStreamTests {
  @Test func flushesToAPipe() throws {
    let (r, w) = makePipe()
    defer { close(r) }
    let stream = OutputStream(fd: w, name: "pipe")
    let sink = NDJSONSink(stream: stream)
    try sink.write(Record([("a", .string("x"))], meta: [Field("line", .integer(1))]))
    try sink.write(Record([("b", .number("2.50"))]))
    #expect(stream.bytesWritten == 0)  // still buffered
    try sink.finish()
    close(w)
    #expect(String(decoding: readAll(r), as: UTF8.self) == "{\"a\":\"x\",\"_pl\":{\"line\":1}}\n{\"b\":2.50}\n")
    #expect(sink.recordCount == 2)
    #expect(stream.bytesWritten == 38)
  }

  @Test func sinkCanLeaveMetaOut() throws {
    let (r, w) = makePipe()
    defer { close(r) }
    let sink = NDJSONSink(stream: OutputStream(fd: w), includeMeta: false)
    try sink.write(Record([("a", .integer(1))], meta: [Field("line", .integer(1))]))
    try sink.finish()
    close(w)
    #expect(readAll(r) == bytes(#"{"a":1}"#, "\n"))
  }

  @Test func writesLargeOutputToAFile() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("out.ndjson")
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    try #require(fd >= 0)
    let stream = OutputStream(fd: fd, name: path)
    let sink = NDJSONSink(stream: stream)
    let record = Record([("text", .string(String(repeating: "x", count: 1000)))])
    for _ in 0..<200 { try sink.write(record) }
    // Past 64 KiB the stream writes out without waiting for the end.
    #expect(stream.bytesWritten > 0)
    #expect(stream.buffer.count < 1 << 16)
    try sink.finish()
    close(fd)
    let written = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(written.count == 200 * (1000 + 12))
    #expect(stream.bytesWritten == written.count)
    #expect(String(decoding: written, as: UTF8.self).split(separator: "\n").allSatisfy { $0 == JSONWriter.string(record) })
  }

  @Test func fullDeviceIsAnIOError() throws {
    let fd = open("/dev/full", O_WRONLY)
    try #require(fd >= 0)
    defer { close(fd) }
    let stream = OutputStream(fd: fd, name: "/dev/full")
    stream.buffer.append("{}\n")
    let error = #expect(throws: PLError.self) { try stream.flush() }
    #expect(error == .io(target: "/dev/full", message: "No space left on device"))
    #expect(error?.exitStatus.rawValue == 74)
    #expect(stream.buffer.count == 0)
  }

  @Test func closedPipeIsBrokenPipe() throws {
    // The runner ignores SIGPIPE, so that a closed pipe is an error, not a signal.
    let (r, w) = makePipe()
    close(r)
    defer { close(w) }
    let stream = OutputStream(fd: w, name: "pipe")
    stream.buffer.append("{\"a\":1}\n")
    let error = withSIGPIPEBlocked { #expect(throws: PLError.self) { try stream.flush() } }
    #expect(error == .brokenPipe)
    #expect(error?.exitStatus == .ok)
  }

  @Test func emptyFlushWritesNothing() throws {
    let fd = open("/dev/full", O_WRONLY)
    try #require(fd >= 0)
    defer { close(fd) }
    try OutputStream(fd: fd).flush()
  }
}

@Suite struct PLErrorTests {
  @Test(arguments: [
    (PLError.malformed(source: "a.csv", location: .line(3), message: "bad"), "a.csv: line 3: bad", 65),
    (.malformed(source: "a.pdf", location: .page(2), message: "bad"), "a.pdf: page 2: bad", 65),
    (.malformed(source: "a.xlsx", location: .row(9), message: "bad"), "a.xlsx: row 9: bad", 65),
    (.malformed(source: "a", location: nil, message: "bad"), "a: bad", 65),
    (.inputMissing(source: "a", message: "gone"), "a: gone", 66),
    (.usage("no input"), "no input", 64),
    (.config(source: "s.yml", message: "bad"), "s.yml: bad", 78),
    (.cannotCreate(target: "db", message: "no"), "db: no", 73),
    (.io(target: "out", message: "full"), "out: full", 74),
    (.unavailable(target: "pg", message: "down"), "pg: down", 69),
    (.tempFail(target: "lake", message: "locked"), "lake: locked", 75),
    (.qualityGate("too many rejects"), "too many rejects", 1),
    (.internalError("oops"), "oops", 70),
    (.brokenPipe, "standard output was closed", 0),
  ])
  func descriptionAndExitStatus(error: PLError, description: String, status: Int32) {
    #expect(error.description == description)
    #expect(error.exitStatus.rawValue == status)
  }
}
