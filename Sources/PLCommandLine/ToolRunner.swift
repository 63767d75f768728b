#if canImport(Glibc)
  import Glibc
#endif
import ArgumentParser
import PLCore

/// What a running command can reach: its options, counts, progress meter and terminal facts.
public final class RunContext {
  public let tool: String
  public let options: CommonOptions
  public let stats = RunStats()
  public let terminal: Terminal
  public private(set) var progress = Progress(enabled: false, totalBytes: nil)
  /// Standard output, when the command writes records there: a failure then ends the stream
  /// with an abort line (pl-records(5)), and its count is the summary's `records_out`.
  public private(set) var recordOutput: OutputStream?
  /// The exit status of a run whose work completed: `.dataError` when bad input was passed
  /// over on request (`--on-error skip`). The output is complete by choice, so it gets no
  /// abort line; the status still tells cron that something was left out.
  public var completedStatus = ExitStatus.ok

  /// Standard output for records, set up once: signals that stop the command end the stream
  /// with an abort line too.
  public func openRecordOutput() -> OutputStream {
    if let recordOutput { return recordOutput }
    let output = OutputStream()
    recordOutput = output
    if !terminal.stdoutIsTerminal { SignalAbort.install(tool: tool) }
    return output
  }

  init(tool: String, options: CommonOptions, terminal: Terminal) {
    self.tool = tool
    self.options = options
    self.terminal = terminal
  }

  /// Starts the progress meter (only on a terminal and without --quiet) for `totalBytes` of input.
  public func startProgress(totalBytes: Int?) {
    progress = Progress(enabled: terminal.stderrIsTerminal && !options.quiet, totalBytes: totalBytes)
  }

  /// Starts the progress meter for reading `inputs`: the total is known when all are regular files.
  public func startProgress(inputs: [String]) {
    guard terminal.stderrIsTerminal && !options.quiet else { return }
    var total = 0
    for path in inputs {
      guard path != FileStream.standardInputName, let size = fileSize(path) else {
        startProgress(totalBytes: nil)
        return
      }
      total += size
    }
    startProgress(totalBytes: total)
  }

  /// Prints a warning on standard error: shown even with --quiet, since it reports input that
  /// was passed over.
  public func warn(_ message: String) {
    progress.finish()
    Terminal.writeError("\(tool): \(message)\n")
  }

  /// Prints a note for people on standard error (not with --quiet).
  public func note(_ message: String) {
    guard !options.quiet else { return }
    progress.finish()
    Terminal.writeError("\(tool): \(message)\n")
  }
}

/// Runs a command's work the same way for all five tools.
///
/// It decides once: a closed standard output (`| head`) ends the run quietly with status 0;
/// every other `PLError` is printed as `tool: source: place: message` on standard error and
/// becomes the exit status of DESIGN.md; the summary line and the metrics file are written
/// whether the run succeeded or not.
public struct ToolRunner {
  public let tool: String
  public let options: CommonOptions

  public init(tool: String, options: CommonOptions) {
    self.tool = tool
    self.options = options
  }

  public func run(_ body: (RunContext) throws(PLError) -> Void) throws(ExitCode) {
    signal(SIGPIPE, SIG_IGN)
    let context = RunContext(tool: tool, options: options, terminal: Terminal())
    let start = monotonicSeconds()
    var status = ExitStatus.ok
    var errorText: String?
    do {
      try body(context)
      status = context.completedStatus
    } catch .brokenPipe {
      status = .ok
    } catch {
      status = error.exitStatus
      errorText = error.description
      // On a terminal the person reads the error itself; in a pipe the next command must.
      if context.terminal.stdoutIsTerminal { try? context.recordOutput?.flush() } else {
        context.recordOutput?.abort(tool: tool, message: error.description)
      }
    }
    if let output = context.recordOutput { context.stats.recordsOut = output.recordsWritten }
    context.progress.finish()
    if let errorText { report(errorText, color: context.terminal.useColor) }
    if errorText == nil && status != .ok && !options.quiet {
      report("\(context.stats.skipped) bad input\(context.stats.skipped == 1 ? "" : "s") passed over (--on-error skip): exit \(status.rawValue)", color: context.terminal.useColor)
    }
    let seconds = monotonicSeconds() - start
    writeSummary(context, status: status, seconds: seconds, error: errorText)
    if let path = options.metrics {
      do {
        try MetricsFile(path: path).write(
          tool: tool, stats: context.stats, status: status, seconds: seconds, now: wallClockSeconds())
      } catch {
        report(error.description, color: context.terminal.useColor)
        if status == .ok { status = error.exitStatus }
      }
    }
    if status != .ok { throw ExitCode(status.rawValue) }
  }

  func report(_ message: String, color: Bool) {
    let line = color ? "\(tool): \u{1B}[1;31m\(message)\u{1B}[0m\n" : "\(tool): \(message)\n"
    Terminal.writeError(line)
  }

  func writeSummary(_ context: RunContext, status: ExitStatus, seconds: Double, error: String?) {
    guard !options.quiet else { return }
    let format: LogFormat
    if let chosen = options.logFormat {
      format = chosen
    } else if context.terminal.stderrIsTerminal && status == .ok {
      format = .text
    } else {
      return
    }
    switch format {
    case .json:
      Terminal.writeError(context.stats.summaryJSON(tool: tool, status: status, seconds: seconds, error: error) + "\n")
    case .text:
      if status == .ok { Terminal.writeError(context.stats.summaryText(tool: tool, seconds: seconds) + "\n") }
    }
  }
}
