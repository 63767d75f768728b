import Foundation

/// Creates a pipe; returns (read end, write end).
public func makePipe() -> (read: Int32, write: Int32) {
  var fds: [Int32] = [0, 0]
  let rc = pipe(&fds)
  precondition(rc == 0, "pipe() failed")
  return (fds[0], fds[1])
}

/// Writes all of `bytes` to `fd`.
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
  var offset = 0
  while offset < bytes.count {
    let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    precondition(n > 0, "write() failed")
    offset += n
  }
}

/// Reads `fd` to its end.
public func readAll(_ fd: Int32) -> [UInt8] {
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
/// `ByteStream` can open (the pipe's read end through /dev/fd).
///
/// The result never depends on how the reads happen to be split; the pauses only make
/// small reads likely.
public func tricklePipe(_ bytes: [UInt8], chunk: Int = 1, pauseMicroseconds: UInt32 = 200) -> (path: String, readFD: Int32) {
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

/// Runs `body` with SIGPIPE blocked in this thread, then discards a SIGPIPE it raised: a
/// write to a closed pipe then fails with EPIPE, and the process's signal handling is left
/// alone (every test target shares one process, and children inherit an ignored SIGPIPE).
public func withSIGPIPEBlocked<T>(_ body: () throws -> T) rethrows -> T {
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
