import ArgumentParser
import PLCommandLine
import PLCore
import PLDigest
import PLExtract

@main
struct ExtractCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pl-extract",
    abstract: "Read lab data files and write their records as newline-delimited JSON.",
    discussion: """
      Reads each FILE in turn (standard input when there is none, or for -) and writes one JSON \
      object per record to standard output. The format comes from the file name (.csv .txt .tsv \
      .ndjson .jsonl .json) or, failing that, from the first bytes. Values stay text: converting \
      types is pl-clean's job. Every record carries _pl.source and _pl.line (see pl-records(5)).
      """,
    version: PLVersion.string)

  static func main() { CommandMain.run(ExtractCommand.self) }

  @Argument(help: ArgumentHelp("Input files; - or none for standard input.", valueName: "FILE"))
  var files: [String] = []

  @Option(help: "Input format: auto, ndjson, json, csv or tsv.")
  var format: InputFormatArgument = .auto

  @Option(
    name: [.short, .long],
    help: ArgumentHelp("Field delimiter of CSV input: one ASCII character, or tab, comma, semicolon, pipe (default: detected among , ; tab |).", valueName: "CHAR"))
  var delimiter: DelimiterArgument?

  @Flag(name: .customLong("no-header"), help: "CSV input has no header row; keys are the column numbers 1, 2, ….")
  var noHeader = false

  @Flag(
    name: .customLong("allow-ragged"),
    help: "Keep CSV rows with more or fewer fields than the header: extra fields are keyed by column number, missing ones are empty.")
  var allowRagged = false

  @Option(
    help: ArgumentHelp(
      "Character encoding of the input, as iconv names it (utf-8, windows-1252, iso-8859-1, utf-16le, shift_jis, …). Default: detected from the first 64 KiB — UTF-8, UTF-16 by its byte-order mark or its zero bytes; for CSV text that is not UTF-8, Japanese (Shift_JIS, EUC-JP, ISO-2022-JP), Chinese (GB18030, Big5), Korean (EUC-KR), Cyrillic, Greek, Hebrew, Arabic, Thai and Central European encodings when uchardet names them and the text bears it out, else Windows-1252.",
      valueName: "NAME"))
  var encoding: String?

  @Option(
    name: .customLong("on-error"),
    help: ArgumentHelp(
      "What to do with bad input: fail (stop, exit 65, end the output with an abort line) or skip (report each bad record or input on standard error, count it in the summary, go on; exit 0).",
      valueName: "fail|skip"))
  var onError: ErrorPolicyArgument = .fail

  @OptionGroup var common: CommonOptions

  func validate() throws {
    if files.isEmpty && Terminal().stdinIsTerminal {
      throw ValidationError("no input: give FILE arguments, or pipe data into standard input.")
    }
  }

  func run() throws {
    let plan = ExtractPlan(
      inputs: files, format: format.value,
      csv: CSVOptions(delimiter: delimiter?.byte, header: !noHeader, allowRagged: allowRagged),
      includeMeta: !common.noMeta, errorPolicy: onError.value, encoding: encoding)
    try ToolRunner(tool: "pl-extract", options: common).run { context throws(PLError) in
      let observer = ExtractProgress(context: context, plan: plan)
      let sink = NDJSONSink(stream: context.openRecordOutput(), includeMeta: plan.includeMeta)
      let extractor = Extractor(plan: plan, sink: sink, observer: observer)
      defer { context.stats.recordsIn = extractor.pipeline.counts.read }
      try extractor.run()
    }
  }
}

/// Counts, hashes and shows progress for pl-extract's sources.
final class ExtractProgress: ExtractObserver {
  let context: RunContext
  var digest: SHA256Digest?
  var bytesBefore = 0

  init(context: RunContext, plan: ExtractPlan) {
    self.context = context
    context.startProgress(inputs: plan.inputs)
  }

  func sourceOpened(_ source: any ByteStream) {
    digest = try? SHA256Digest()
    if let digest { source.observers.append(digest) }
  }

  func recordsRead(_ records: Int, bytesRead: Int) {
    context.progress.update(bytes: bytesBefore + bytesRead, records: records)
  }

  func skipped(_ error: PLError) {
    context.stats.skipped += 1
    context.warn("skipped: \(error.description)")
  }

  func sourceFinished(_ source: any ByteStream, records: Int, details: [Field]) {
    bytesBefore += source.bytesRead
    context.stats.sources.append(
      SourceStat(name: source.name, bytes: source.bytesRead, records: records, sha256: digest?.finalize(), details: details))
  }
}

/// `--format`, parsed from its name.
struct InputFormatArgument: ExpressibleByArgument {
  let value: InputFormat
  init?(argument: String) {
    guard let format = InputFormat(rawValue: argument.lowercased()) else { return nil }
    value = format
  }
  static let auto = InputFormatArgument(argument: "auto")!
  static var allValueStrings: [String] { InputFormat.allCases.map(\.rawValue) }
}

/// `--on-error`, parsed from its name.
struct ErrorPolicyArgument: ExpressibleByArgument {
  let value: ErrorPolicy
  init?(argument: String) {
    guard let policy = ErrorPolicy(rawValue: argument.lowercased()) else { return nil }
    value = policy
  }
  static let fail = ErrorPolicyArgument(argument: "fail")!
  static var allValueStrings: [String] { ErrorPolicy.allCases.map(\.rawValue) }
}

/// `--delimiter`: one ASCII character or its name.
struct DelimiterArgument: ExpressibleByArgument {
  let byte: UInt8
  init?(argument: String) {
    switch argument.lowercased() {
    case "tab", "\\t", "\t": byte = 0x09
    case "comma": byte = UInt8(ascii: ",")
    case "semicolon": byte = UInt8(ascii: ";")
    case "pipe": byte = UInt8(ascii: "|")
    default:
      guard argument.utf8.count == 1, let b = argument.utf8.first, b != UInt8(ascii: "\""), b != 0x0A, b != 0x0D
      else { return nil }
      byte = b
    }
  }
}
