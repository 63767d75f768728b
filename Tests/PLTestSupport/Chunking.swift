import Foundation
import PLCore

/// The block sizes every streaming reader is tried under.
///
/// `BlockBuffer` allocates at least 16 bytes, so sizes below 16 behave as 16; the sweep
/// 16…40 moves the block boundaries across every position of short test inputs.
public let chunkings: [Int] = [1, 2, 3, 5, 7] + Array(16...40) + [64, 4096]

/// A `FileStream` over a new temporary file holding `bytes`, named `name` in a fresh
/// directory. The directory is removed at once: the open descriptor keeps the data readable.
public func temporarySource(_ bytes: [UInt8], name: String = "in.txt") throws -> FileStream {
  let dir = try TemporaryDirectory()
  return try withExtendedLifetime(dir) {
    let path = try dir.write(name, bytes)
    return try FileStream(path: path)
  }
}

/// A `BlockBuffer` of `blockSize` over a new temporary file holding `bytes`.
public func temporaryInput(_ bytes: [UInt8], blockSize: Int, name: String = "in.txt") throws -> BlockBuffer {
  BlockBuffer(source: try temporarySource(bytes, name: name), blockSize: blockSize)
}

/// A `BlockBuffer` over a pipe fed `chunk` bytes per write(2) from another thread (see
/// `tricklePipe`). The result never depends on how the reads happen to be split.
public func tricklingInput(_ bytes: [UInt8], chunk: Int, blockSize: Int = 16) throws -> BlockBuffer {
  let (path, r) = tricklePipe(bytes, chunk: chunk, pauseMicroseconds: 100)
  defer { close(r) }
  return BlockBuffer(source: try FileStream(path: path), blockSize: blockSize)
}

/// Calls `body` with a fresh `FileStream` and a block size for each size of `chunkings`, all
/// over one temporary file holding `bytes` (named `name`, for messages). Readers take the
/// stream and the size: `LineReader(source: source, blockSize: blockSize)`.
public func forEachChunking(_ bytes: [UInt8], name: String = "in.txt", _ body: (FileStream, Int) throws -> Void) throws {
  let dir = try TemporaryDirectory()
  let path = try dir.write(name, bytes)
  for blockSize in chunkings { try body(try FileStream(path: path), blockSize) }
}

/// Reads `stream` to its end in blocks of `blockSize` bytes.
public func readToEnd(_ stream: any ByteStream, blockSize: Int) throws -> [UInt8] {
  var out: [UInt8] = []
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 1)
  defer { buffer.deallocate() }
  while true {
    let count = try stream.read(into: buffer)
    if count == 0 { return out }
    out += buffer[0..<count]
  }
}
