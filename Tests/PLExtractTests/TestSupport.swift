import Foundation
import PLCore
import PLExtract
import Testing

/// A fresh directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
  let path: String

  init() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("pl-extract-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    path = base.path
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  func file(_ name: String) -> String { path + "/" + name }

  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = file(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @discardableResult
  func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }
}

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
    BlockBuffer(source: try ByteSource(path: try dir.write("input", bytes)), blockSize: blockSize)
  }
}

/// Something that can be spelled out as bytes in a test input.
protocol BytesConvertible { var byteArray: [UInt8] { get } }
extension String: BytesConvertible { var byteArray: [UInt8] { Array(utf8) } }
extension Array: BytesConvertible where Element: BinaryInteger { var byteArray: [UInt8] { map { UInt8($0) } } }

/// Strings and raw byte values one after another, for inputs that need invalid UTF-8.
func bytes(_ parts: any BytesConvertible...) -> [UInt8] { parts.flatMap(\.byteArray) }

/// A record with string values and `_pl` {source, line}, as the extractors write them.
func row(_ line: Int, _ pairs: KeyValuePairs<String, String>, source: String = "t.csv") -> Record {
  var record = Record(pairs.map { ($0.key, JSONValue.string($0.value)) })
  record.setProvenance(source: source, line: line)
  return record
}

/// Creates a pipe; returns (read end, write end).
func makePipe() -> (read: Int32, write: Int32) {
  var fds: [Int32] = [0, 0]
  let rc = pipe(&fds)
  precondition(rc == 0, "pipe() failed")
  return (fds[0], fds[1])
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
  var offset = 0
  while offset < bytes.count {
    let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    precondition(n > 0, "write() failed")
    offset += n
  }
}

/// Feeds `bytes` into a pipe from another thread, `chunk` bytes per write(2) with a short
/// pause between writes, so that the reader sees many small reads. Returns a `BlockBuffer`
/// over the pipe. The result never depends on how the reads happen to be split.
func tricklingInput(_ bytes: [UInt8], chunk: Int, blockSize: Int = 16) throws -> BlockBuffer {
  let (r, w) = makePipe()
  defer { close(r) }
  let thread = Thread {
    withSIGPIPEBlocked {
      var offset = 0
      while offset < bytes.count {
        let end = min(offset + chunk, bytes.count)
        // A reader that stopped early closes its end: stop too (SIGPIPE is blocked).
        let n = bytes[offset..<end].withUnsafeBytes { write(w, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        offset += n
        usleep(100)
      }
    }
    close(w)
  }
  thread.start()
  return BlockBuffer(source: try ByteSource(path: "/dev/fd/\(r)"), blockSize: blockSize)
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
  for blockSize in chunkings { try body(BlockBuffer(source: try ByteSource(path: path), blockSize: blockSize), blockSize) }
}

/// Runs `body` with SIGPIPE blocked in this thread, then discards a SIGPIPE it raised: a
/// write to a closed pipe then fails with EPIPE, and the process's signal handling is left
/// alone (every test target shares one process, and children inherit an ignored SIGPIPE).
func withSIGPIPEBlocked<T>(_ body: () throws -> T) rethrows -> T {
  var set = sigset_t()
  var old = sigset_t()
  sigemptyset(&set)
  sigaddset(&set, SIGPIPE)
  pthread_sigmask(SIG_BLOCK, &set, &old)
  defer {
    var now = timespec(tv_sec: 0, tv_nsec: 0)
    while sigtimedwait(&set, nil, &now) == SIGPIPE {}
    pthread_sigmask(SIG_SETMASK, &old, nil)
  }
  return try body()
}
