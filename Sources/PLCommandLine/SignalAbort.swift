#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Ends standard output with an abort line when SIGTERM, SIGINT or SIGHUP stops a command that
/// writes records, so the next command in the pipe does not take the stream as complete.
///
/// A signal handler may only call async-signal-safe functions: the line is made in advance
/// (one per signal) and the handler writes it with write(2), then dies of the signal as it
/// would have, so the shell sees the usual status. The line starts with a newline, which ends
/// any record the signal interrupted half-written (a reader then fails on that record or skips
/// the blank line, and stops at the abort line either way).
enum SignalAbort {
  static let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

  static func install(tool: String) {
    for signal in signals {
      let text = "\n" + String(decoding: StreamAbort.line(tool: tool, message: "stopped by signal \(signalName(signal))"), as: UTF8.self)
      let bytes = Array(text.utf8)
      let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
      storage.initialize(from: bytes, count: bytes.count)
      abortLines[Int(signal)] = AbortLine(bytes: UnsafePointer(storage), count: bytes.count)
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { signal in
        if signal >= 0 && signal < 32, let line = abortLines[Int(signal)].bytes {
          _ = write(1, line, abortLines[Int(signal)].count)
        }
        Glibc.signal(signal, SIG_DFL)
        raise(signal)
      }
      sigemptyset(&action.sa_mask)
      action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
      sigaction(signal, &action, nil)
    }
    // A parent may have started the command with these signals blocked (the mask is
    // inherited): then a stop request would wait forever. A command asked to stop stops.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for signal in signals { sigaddset(&unblock, signal) }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
  }

  static func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGTERM: "TERM"
    case SIGINT: "INT"
    case SIGHUP: "HUP"
    default: "\(signal)"
    }
  }
}

struct AbortLine {
  var bytes: UnsafePointer<UInt8>?
  var count: Int
}

/// The prepared abort line of each signal, in plain memory (no Swift array, whose access is not
/// async-signal-safe); written at start-up, then only read by the handler.
nonisolated(unsafe) private let abortLines: UnsafeMutablePointer<AbortLine> = {
  let lines = UnsafeMutablePointer<AbortLine>.allocate(capacity: 32)
  lines.initialize(repeating: AbortLine(bytes: nil, count: 0), count: 32)
  return lines
}()
