import Foundation
import PLCore
@_exported import PLTestSupport
import PLExtract
import Testing


/// The block sizes every streaming reader is tried under.
///
/// `BlockBuffer` allocates at least 16 bytes, so sizes below 16 behave as 16; the sweep
/// 16…40 moves the block boundaries across every position of short test inputs.
let chunkings: [Int] = [1, 2, 3, 5] + Array(16...40) + [64, 4096]

/// A `BlockBuffer` over a new temporary file holding `bytes`. The file is removed at once:
/// the open descriptor keeps the data readable.
func temporaryInput(_ bytes: [UInt8], blockSize: Int) throws -> BlockBuffer {
  let dir = try TemporaryDirectory()
  return try withExtendedLifetime(dir) {
    BlockBuffer(source: try FileStream(path: try dir.write("input", bytes)), blockSize: blockSize)
  }
}



/// A record with string values and `_pl` {source, line}, as the extractors write them.
func row(_ line: Int, _ pairs: KeyValuePairs<String, String>, source: String = "t.csv") -> Record {
  var record = Record(pairs.map { ($0.key, JSONValue.string($0.value)) })
  record.setProvenance(source: source, line: line)
  return record
}



/// Feeds `bytes` into a pipe from another thread, `chunk` bytes per write(2) with a short
/// pause between writes, so that the reader sees many small reads. Returns a `BlockBuffer`
/// over the pipe. The result never depends on how the reads happen to be split.
func tricklingInput(_ bytes: [UInt8], chunk: Int, blockSize: Int = 16) throws -> BlockBuffer {
  let (path, r) = tricklePipe(bytes, chunk: chunk, pauseMicroseconds: 100)
  defer { close(r) }
  return BlockBuffer(source: try FileStream(path: path), blockSize: blockSize)
}

/// The error `body` throws, when it is a `PLError`.
func plError(_ body: () throws -> Void) -> PLError? {
  do {
    try body()
    return nil
  } catch let error as PLError {
    return error
  } catch {
    Issue.record("unexpected error \(error)")
    return nil
  }
}

/// Calls `body` with a fresh `BlockBuffer` for each block size of `chunkings`, all over one
/// temporary file holding `bytes`.
func forEachChunking(_ bytes: [UInt8], _ body: (BlockBuffer, Int) throws -> Void) throws {
  let dir = try TemporaryDirectory()
  let path = try dir.write("input", bytes)
  for blockSize in chunkings { try body(BlockBuffer(source: try FileStream(path: path), blockSize: blockSize), blockSize) }
}

