/// The line a pl command writes at the end of its standard output when it fails mid-stream.
///
/// A pipe cannot tell its reader why it closed: `pl-extract late.csv | pl-load db` would look
/// complete to pl-load when pl-extract stopped at a bad line. So a failing pl command, after
/// writing the records it finished, ends its output with one line that is deliberately not
/// JSON — `!pl-abort pl-extract: late.csv: line 5002: …` — and every pl reader of NDJSON stops on
/// it with exit status 65, rolling back what it holds, and writes its own abort line when it
/// too writes records. `jq` and `mlr` fail on the line as well, so a truncated stream is not
/// passed on as complete by them either. See pl-records(5).
///
/// A command killed by a signal it can catch (SIGTERM, SIGINT, SIGHUP) writes the line too; one
/// killed with SIGKILL cannot, and then only a last line cut in the middle shows it (see
/// pl-records(5), "Limits").
public enum StreamAbort {
  /// The first bytes of the abort line.
  public static let marker = "!pl-abort"

  /// The start of the message readers give for an abort line, so the error is recognisable.
  public static let readerMessagePrefix = "the stream was cut short upstream"

  /// The abort line for `message` (one line, control characters replaced), with its newline.
  public static func line(tool: String, message: String) -> [UInt8] {
    var text = "\(marker) \(tool): \(message)"
    text = String(text.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
    return Array(text.utf8) + [0x0A]
  }

  /// The upstream message of an abort line, or nil when `line` is not one.
  public static func message(in line: UnsafeBufferPointer<UInt8>) -> String? {
    let marker = StreamAbort.marker.utf8
    guard line.count >= marker.count, line.prefix(marker.count).elementsEqual(marker) else { return nil }
    var rest = line.dropFirst(marker.count)
    while let first = rest.first, first == 0x20 { rest = rest.dropFirst() }
    return String(decoding: UnsafeBufferPointer(rebasing: rest), as: UTF8.self)
  }

  /// The error a reader raises on an abort line at `line` of `source`.
  public static func error(source: String, line: Int, upstream: String) -> PLError {
    .malformed(source: source, location: .line(line), message: "\(readerMessagePrefix): \(upstream)")
  }
}
