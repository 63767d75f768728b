import Foundation
import PLCore

/// A fresh directory under the system's temporary directory, removed when released.
///
/// Tests run in parallel; each gets its own directory so that files never collide.
final class TemporaryDirectory {
  let path: String

  init() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("pl-core-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    path = base.path
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// A path inside the directory.
  func file(_ name: String) -> String { path + "/" + name }

  /// Writes `bytes` to a new file in the directory and returns its path.
  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = file(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    try write(name, Array(text.utf8))
  }
}

/// The block sizes every streaming reader is tried under.
///
/// `BlockBuffer` allocates at least 16 bytes, so sizes below 16 behave as 16; the sweep
/// 16…40 moves the block boundaries across every position of short test inputs.
let chunkings: [Int] = [1, 2, 3, 7] + Array(16...40) + [64, 4096]

/// Parses `bytes` as a record, keeping the typed error.
func parseRecord(_ bytes: [UInt8]) -> Result<Record, JSONSyntaxError> {
  bytes.withUnsafeBufferPointer { buffer in
    do throws(JSONSyntaxError) { return .success(try JSONParser.parseRecord(buffer)) } catch { return .failure(error) }
  }
}

func parseRecord(_ text: String) -> Result<Record, JSONSyntaxError> { parseRecord(Array(text.utf8)) }

/// Parses `text` as one JSON value.
func parseValue(_ text: String) -> Result<JSONValue, JSONSyntaxError> {
  Array(text.utf8).withUnsafeBufferPointer { buffer in
    do throws(JSONSyntaxError) { return .success(try JSONParser.parseValue(buffer)) } catch { return .failure(error) }
  }
}

/// The scanner's verdict on `bytes`.
func scanCompact(_ bytes: [UInt8]) -> JSONScanner.Compact? {
  bytes.withUnsafeBufferPointer { JSONScanner.scanCompact($0) }
}

/// Something that can be spelled out as bytes in a test input.
protocol BytesConvertible { var byteArray: [UInt8] { get } }
extension String: BytesConvertible { var byteArray: [UInt8] { Array(utf8) } }
extension Array: BytesConvertible where Element: BinaryInteger { var byteArray: [UInt8] { map { UInt8($0) } } }

/// The bytes of strings and raw byte values one after another, for inputs that need
/// invalid UTF-8: `bytes("{\"a\":\"", [0xFF], "\"}")`.
func bytes(_ parts: any BytesConvertible...) -> [UInt8] {
  parts.flatMap(\.byteArray)
}

extension Result {
  var failure: Failure? {
    if case .failure(let e) = self { return e }
    return nil
  }
  var success: Success? {
    if case .success(let v) = self { return v }
    return nil
  }
}

/// Creates a pipe; returns (read end, write end).
func makePipe() -> (read: Int32, write: Int32) {
  var fds: [Int32] = [0, 0]
  let rc = pipe(&fds)
  precondition(rc == 0, "pipe() failed")
  return (fds[0], fds[1])
}

/// Writes all of `bytes` to `fd`.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
  var offset = 0
  while offset < bytes.count {
    let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    precondition(n > 0, "write() failed")
    offset += n
  }
}

/// Reads `fd` to its end.
func readAll(_ fd: Int32) -> [UInt8] {
  var out: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n <= 0 { return out }
    out += buffer[0..<n]
  }
}

/// Feeds `bytes` into a pipe from another thread, `chunk` bytes per write(2) with a short
/// pause between writes, so that the reader sees many small reads. Returns a path that
/// `ByteSource` can open (the pipe's read end through /dev/fd).
///
/// The result never depends on how the reads happen to be split; the pauses only make
/// small reads likely.
func tricklePipe(_ bytes: [UInt8], chunk: Int = 1, pauseMicroseconds: UInt32 = 200) -> (path: String, readFD: Int32) {
  let (r, w) = makePipe()
  let thread = Thread {
    withSIGPIPEBlocked {
      var offset = 0
      while offset < bytes.count {
        let end = min(offset + chunk, bytes.count)
        // A reader that stopped early closes its end: stop too (SIGPIPE is blocked).
        let n = bytes[offset..<end].withUnsafeBytes { write(w, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        offset += n
        if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
      }
    }
    close(w)
  }
  thread.start()
  return ("/dev/fd/\(r)", r)
}

/// A `ByteSource` over a new temporary file holding `bytes`, named `name` in a fresh
/// directory. The directory is removed at once: the open descriptor keeps the data readable.
func temporarySource(_ bytes: [UInt8], name: String = "in.txt") throws -> ByteSource {
  let dir = try TemporaryDirectory()
  return try withExtendedLifetime(dir) {
    let path = try dir.write(name, bytes)
    return try ByteSource(path: path)
  }
}

/// Calls `body` with a fresh `ByteSource` for each block size of `chunkings`, all over one
/// temporary file holding `bytes` (named `name`, for messages).
func forEachChunking(_ bytes: [UInt8], name: String = "in.txt", _ body: (ByteSource, Int) throws -> Void) throws {
  let dir = try TemporaryDirectory()
  let path = try dir.write(name, bytes)
  for blockSize in chunkings { try body(try ByteSource(path: path), blockSize) }
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
