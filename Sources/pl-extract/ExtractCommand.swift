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
      object per record to standard output. It reads delimited and fixed-width text (CSV, TSV, \
      instrument exports with preambles and footers), NDJSON, JSON, XML exports, XLSX and ODS \
      workbooks, PDF lab reports (one record per result row, with the report's header fields; \
      see --mode for tables, header fields and text lines of any PDF), and e-mails (.eml: every \
      attachment). The format comes from the first bytes, \
      the file name breaking ties. Values stay text: converting types is pl-clean's job. Every \
      record carries _pl.source and _pl.line, row or sheet (see pl-records(5)).

      Compressed files (gzip, xz, zstd, bzip2) are decompressed as they are read, decided by \
      their bytes, not their name; their records name the file as it is (results.csv.gz). Every \
      member of a zip, tar (also .tar.gz, .tgz, .tar.xz, .tar.zst) or 7z archive is read as if \
      it were a file, also archives inside archives, with _pl.source reading \
      bundle.tar.gz!logs/run1.csv. Nothing is ever unpacked to disk: a member named ../x.csv or \
      /etc/passwd is just a name. Junk members (__MACOSX/, .DS_Store, Thumbs.db, ~$ lock files, \
      hidden files) are passed over and counted; directories, links and devices are never \
      followed; a README or another member of a kind pl-extract does not read is reported \
      on standard error and passed over, not fatal. An e-mail is read the same way: each \
      attachment as a member (mail.eml!results.csv), its records carrying the message's sender, \
      date, subject and id in _pl.meta; a message without an attachment is an error. Archives that expand too much, nest too \
      deep or hold too many members are refused (exit 65) unless a limit is raised.

      A FILE that is a folder is read file by file in byte-wise order of the names; hidden \
      files and junk are passed over, sub-folders are reported and left out unless -r is given; \
      symbolic links to folders are never followed.

      With --on-error fail (the default) the first bad file, member or record stops the run with \
      status 65 and the output ends with an abort line. With --on-error skip each one is \
      reported on standard error and listed in the summary (with its sha256 when it was read \
      whole), and the run goes on; the output is then complete by choice (no abort line, so the \
      next command commits it), the summary's "skipped" count says what was left out, and the \
      exit status is 65 when anything was, so that cron hears of it. The summary (--log-format json) and --detect list every file and member read, with \
      the sha256 of its bytes as stored, computed while reading.

      With --files-from LIST the paths to read come from LIST as well (one a line, or \
      NUL-separated with -0), after the FILE arguments, so that a cluster stage (Spark's \
      RDD.pipe(), Hadoop Streaming) or find -print0 hands a share of the files to one process: \
      `pl-promote pending --format paths -0 | pl-extract --files-from - -0`. Every listed path is \
      looked up before anything is read; one that does not exist stops the run (exit 66, the \
      error naming LIST and its line) or, with --on-error skip, is reported and passed over. An \
      empty list with no FILE argument reads nothing (standard input is not read). When LIST is \
      standard input, - cannot name data as well (exit 64).
      """,
    version: PLVersion.string)

  static func main() { CommandMain.run(ExtractCommand.self) }

  @Argument(help: ArgumentHelp("Input files; - or none for standard input.", valueName: "FILE"))
  var files: [String] = []

  @Option(help: "Input format: auto (decided by content), ndjson, json, csv, tsv, xml or pdf.")
  var format: InputFormatArgument = .auto

  @Option(
    name: [.short, .long],
    help: ArgumentHelp("Field delimiter of CSV input: one ASCII character, or tab, comma, semicolon, pipe (default: detected).", valueName: "CHAR"))
  var delimiter: DelimiterArgument?

  @Option(
    help: ArgumentHelp(
      "Quote character of CSV input: \" or ', or none (default: detected).", valueName: "CHAR|none"))
  var quote: QuoteArgument?

  @Option(help: ArgumentHelp("How a quote is escaped inside a quoted field: doubled (\"\") or backslash (\\\") (default: detected).", valueName: "doubled|backslash"))
  var escape: EscapeArgument?

  @Option(name: .customLong("header-row"), help: ArgumentHelp("The line of the (first) header row; the lines above it are the preamble (default: detected).", valueName: "N"))
  var headerRow: Int?

  @Option(name: .customLong("header-rows"), help: ArgumentHelp("How many rows the header has, 0 to 3: names, then units; three rows are groups, names, units (default: detected).", valueName: "N"))
  var headerRows: Int?

  @Option(help: ArgumentHelp("Skip the first N lines: the table (its header) starts on line N+1 (default: detected).", valueName: "N"))
  var skip: Int?

  @Flag(name: .customLong("no-header"), help: "The table has no header row; keys are the column numbers 1, 2, ….")
  var noHeader = false

  @Option(help: ArgumentHelp("Lines starting with CHAR are comments, skipped wherever they are (default: # when lines start with it).", valueName: "CHAR"))
  var comment: String?

  @Option(help: ArgumentHelp("Read a fixed-width table with these column widths, in characters (the last column runs to the end of the line).", valueName: "W,W,…"))
  var widths: String?

  @Flag(help: "Print one JSON object per input with every decision about it (encoding, dialect, preamble, header, footer, confidence) instead of its records; save it for --dialect.")
  var detect = false

  @Option(help: ArgumentHelp("Read inputs with the decisions of a saved --detect output (one object per input, matched by source; a single object applies to every input). Flags override single decisions.", valueName: "FILE"))
  var dialect: String?

  @Option(help: ArgumentHelp("What to write: records (the default; for a PDF report, one per result row with the header's fields), or meta: one object per input with its preamble's key/values and other lines, its footer and its columns (for a PDF, its header fields). PDFs only: tables (one record per table: its rows of cells), fields (the header's key/values), text (one record per printed line with its position).", valueName: "records|meta|tables|fields|text"))
  var mode: ModeArgument = .records

  @Option(help: ArgumentHelp("The pages of PDFs to read, counted from 1: 1,3-5 or 2- (default: every page).", valueName: "LIST"))
  var pages: String?

  @Option(help: ArgumentHelp("The password of encrypted PDFs (visible to other users in the process list: prefer --password-file).", valueName: "TEXT"))
  var password: String?

  @Option(name: .customLong("password-file"), help: ArgumentHelp("Read the password of encrypted PDFs from the first line of FILE.", valueName: "FILE"))
  var passwordFile: String?

  @Option(name: .customLong("min-quality"), help: ArgumentHelp("PDF tables scoring under Q (0 to 1: words in exactly one cell, columns consistent) are not data: each is named on standard error and written to --rejects; without --rejects the run fails its quality gate, exit 1 (default 0.7).", valueName: "Q"))
  var minQuality: Double?

  @Option(help: ArgumentHelp("Write the PDF tables under --min-quality to FILE, one record each as --mode tables writes them, with _pl.errors; written whole or not at all.", valueName: "FILE"))
  var rejects: String?

  @Option(name: .customLong("max-rejects"), help: ArgumentHelp("Fail the quality gate (exit 1) when more than N PDF tables, or P percent of them, score under --min-quality (default: 0 without --rejects, unlimited with it).", valueName: "N|P%"))
  var maxRejects: String?

  @Option(help: ArgumentHelp("A lab's PDF layout, pinned: the table's area, column positions, header rows, header labels and the sample-id label (YAML; see pl-extract(1)). Checked before anything is read (exit 78).", valueName: "FILE"))
  var template: String?

  @Option(name: .customLong("max-row-size"), help: ArgumentHelp("The longest row or line read before giving up, in bytes, with K, M or G (default 16M).", valueName: "SIZE"))
  var maxRowSize: SizeArgument?

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
      "What to do with bad input: fail (stop, exit 65, end the output with an abort line) or skip (report each bad record, file or member on standard error, count it in the summary, go on; no abort line, exit 65 at the end if anything was passed over).",
      valueName: "fail|skip"))
  var onError: ErrorPolicyArgument = .fail

  @Flag(name: [.short, .customLong("recursive")], help: "Read the sub-folders of a FILE that is a folder too (without it they are reported and left out).")
  var recursive = false

  @Option(name: .customLong("max-total-size"), help: ArgumentHelp("The most bytes a compressed file or archive may expand to, with K, M or G (default 8G); an archive inside another gets what its parent has left.", valueName: "SIZE"))
  var maxTotalSize: SizeArgument?

  @Option(name: .customLong("max-expansion"), help: ArgumentHelp("The most times a compressed file or archive may expand its compressed size, checked past its first 64 MiB (default 250).", valueName: "RATIO"))
  var maxExpansion: Double?

  @Option(name: .customLong("max-depth"), help: ArgumentHelp("The most containers one inside another; bundle.tar.gz counts two (default 8).", valueName: "N"))
  var maxDepth: Int?

  @Option(name: .customLong("max-members"), help: ArgumentHelp("The most members one archive may hold (default 100000).", valueName: "N"))
  var maxMembers: Int?

  @Option(name: .customLong("record-path"), help: ArgumentHelp("The repeating element of an XML export, or the array of records in a JSON object (default: detected).", valueName: "PATH"))
  var recordPath: String?

  @Option(name: .customLong("sheet"), help: ArgumentHelp("A sheet of a workbook to read, by name or 1-based number; repeat for more (default: every visible sheet).", valueName: "NAME|N"))
  var sheets: [String] = []

  @Flag(name: .customLong("hidden-sheets"), help: "Read the hidden sheets of a workbook too.")
  var hiddenSheets = false

  @OptionGroup var fileList: FileListOptions

  @OptionGroup var common: CommonOptions

  func validate() throws {
    if let headerRows, !(0...3).contains(headerRows) { throw ValidationError("--header-rows takes 0 to 3.") }
    if let headerRow, headerRow < 1 { throw ValidationError("--header-row takes a line number from 1.") }
    if let skip, skip < 0 { throw ValidationError("--skip takes a number of lines from 0.") }
    if noHeader && (headerRows ?? 0) > 0 { throw ValidationError("--no-header and --header-rows \(headerRows!) contradict each other.") }
    if let comment, TextDialect.delimiter(named: comment) == nil || comment.utf8.count != 1 {
      throw ValidationError("--comment takes one ASCII character.")
    }
    if let maxExpansion, !(maxExpansion >= 1) || !maxExpansion.isFinite { throw ValidationError("--max-expansion takes a ratio of 1 or more.") }
    if let maxDepth, maxDepth < 1 { throw ValidationError("--max-depth takes a number from 1.") }
    if let maxMembers, maxMembers < 1 { throw ValidationError("--max-members takes a number from 1.") }
    if let recordPath, recordPath.isEmpty { throw ValidationError("--record-path takes a non-empty path.") }
    if sheets.contains(where: \.isEmpty) { throw ValidationError("--sheet takes a sheet name or number.") }
    if let widths, parsedWidths(widths) == nil { throw ValidationError("--widths takes column widths such as 10,8,12.") }
    if let minQuality, !(0...1).contains(minQuality) { throw ValidationError("--min-quality takes a score from 0 to 1.") }
    if let maxRejects, TableRejectLimit(maxRejects) == nil {
      throw ValidationError("--max-rejects must be a count (10) or a percentage (5%), not '\(maxRejects)'.")
    }
    if password != nil && passwordFile != nil { throw ValidationError("--password and --password-file: give one of them.") }
    if mode.value.readsOnlyPDFs && detect { throw ValidationError("--detect and --mode \(mode.value.rawValue): give one of them.") }
    if fileList.readsStandardInput && files.contains(FileStream.standardInputName) {
      throw ValidationError(FileList.standardInputTwice(line: nil, nulSeparated: fileList.nulSeparated).description)
    }
    if files.isEmpty && fileList.filesFrom == nil && Terminal().stdinIsTerminal {
      throw ValidationError("no input: give FILE arguments, or pipe data into standard input.")
    }
  }

  /// The `--files-from` list with its missing paths taken out: under `--on-error skip` each is
  /// reported and counted as passed over, else the first one stops the run (66). Standard
  /// output is opened first, so that a list that cannot be read ends the stream with an abort
  /// line, as a missing FILE does.
  static func listedInputs(_ options: FileListOptions, context: RunContext, policy: ErrorPolicy) throws(PLError) -> FileList? {
    guard options.filesFrom != nil else { return nil }
    _ = context.openRecordOutput()
    guard let list = try options.read() else { return nil }
    let missing = list.missingEntries()
    guard !missing.isEmpty else { return list }
    guard policy == .skip else { throw missing[0].error }
    for (entry, error) in missing {
      context.stats.skipped += 1
      context.warn("skipped: \(error.description)")
      context.stats.sources.append(
        SourceStat(name: entry.path, bytes: 0, records: 0, details: [Field("error", .string(error.description))]))
    }
    let gone = Set(missing.map(\.entry.line))
    return FileList(source: list.source, nulSeparated: list.nulSeparated, entries: list.entries.filter { !gone.contains($0.line) })
  }

  func parsedWidths(_ text: String) -> [Int]? {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.filter { $0 != " " }) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
    return parts.map { $0! }
  }

  func run() throws {
    var csv = CSVOptions(delimiter: delimiter?.byte, header: !noHeader, allowRagged: allowRagged)
    if let quote { csv.overrides.quote = .some(quote.value) }
    csv.overrides.escape = escape?.value
    csv.overrides.headerLine = headerRow
    if let headerRows { csv.overrides.headerRows = headerRows }
    csv.overrides.skip = skip
    if let comment { csv.overrides.comment = .some(comment.utf8.first) }
    csv.overrides.widths = widths.flatMap(parsedWidths)
    if let maxRowSize { csv.maxRowBytes = maxRowSize.bytes }
    var plan = ExtractPlan(
      inputs: files, format: format.value, csv: csv,
      includeMeta: !common.noMeta, errorPolicy: onError.value, encoding: encoding)
    plan.mode = detect ? .detect : mode.value
    plan.recursive = recursive
    if let maxTotalSize { plan.limits.archive.maxTotalBytes = maxTotalSize.bytes }
    if let maxExpansion { plan.limits.archive.maxRatio = maxExpansion }
    if let maxDepth { plan.limits.maxDepth = maxDepth }
    if let maxMembers { plan.limits.maxMembers = maxMembers }
    plan.recordPath = recordPath
    plan.sheets = sheets
    plan.includeHiddenSheets = hiddenSheets
    let fileList = fileList
    let dialectFile = dialect
    let pageList = pages, templateFile = template, passwordFile = passwordFile
    plan.pdf.password = password
    if let minQuality { plan.pdf.minQuality = minQuality }
    plan.pdf.rejectsPath = rejects
    plan.pdf.maxRejects = maxRejects.flatMap(TableRejectLimit.init)
    try ToolRunner(tool: "pl-extract", options: common).run { context throws(PLError) in
      if let list = try Self.listedInputs(fileList, context: context, policy: plan.errorPolicy) {
        plan.inputs = files + list.paths
      }
      if let dialectFile { try plan.loadDialects(from: dialectFile) }
      if let pageList { plan.pdf.pages = try PageSelection(parsing: pageList) }
      if let templateFile { plan.pdf.template = try PDFTemplate.load(path: templateFile) }
      if let passwordFile { plan.pdf.password = try PDFOptions.readPassword(path: passwordFile) }
      let observer = ExtractProgress(context: context, plan: plan)
      let sink = NDJSONSink(stream: context.openRecordOutput(), includeMeta: plan.includeMeta)
      let extractor = Extractor(plan: plan, sink: sink, observer: observer)
      defer { context.stats.recordsIn = extractor.pipeline.counts.read }
      try extractor.run()
      if context.stats.skipped > 0 { context.completedStatus = .dataError }
    }
  }
}

/// Counts, hashes and shows progress for pl-extract's sources.
///
/// Each file and member gets a digest of its own when it is opened (a member is read while
/// its archive is, so several are open at once); the progress meter counts the bytes of the
/// files named, not of their members, which would count bytes twice.
final class ExtractProgress: ExtractObserver {
  let context: RunContext
  var digests: [ObjectIdentifier: SHA256Digest] = [:]
  var finalized: [ObjectIdentifier: String] = [:]
  var bytesBefore = 0

  init(context: RunContext, plan: ExtractPlan) {
    self.context = context
    context.startProgress(inputs: plan.inputs)
  }

  func sourceOpened(_ source: any ByteStream) {
    // An identifier may be reused once an earlier stream was freed.
    finalized[ObjectIdentifier(source)] = nil
    guard let digest = try? SHA256Digest() else { return }
    digests[ObjectIdentifier(source)] = digest
    source.observers.append(digest)
  }

  func sha256(of source: any ByteStream) -> String? {
    let id = ObjectIdentifier(source)
    if let done = finalized[id] { return done }
    guard let digest = digests.removeValue(forKey: id) else { return nil }
    let hex = digest.finalize()
    finalized[id] = hex
    return hex
  }

  func recordsRead(_ records: Int, bytesRead: Int) {
    context.progress.update(bytes: bytesBefore + bytesRead, records: records)
  }

  func inputFinished(_ source: any ByteStream) {
    bytesBefore += source.bytesRead
  }

  func warning(_ message: String) {
    context.warn(message)
  }

  func note(_ message: String) {
    context.note(message)
  }

  func skipped(_ error: PLError) {
    context.stats.skipped += 1
    context.warn("skipped: \(error.description)")
  }

  func sourceFinished(_ source: any ByteStream, records: Int, details: [Field]) {
    context.stats.sources.append(
      SourceStat(name: source.name, bytes: source.bytesRead, records: records, sha256: sha256(of: source), details: details))
  }

  func sourceFailed(name: String, source: (any ByteStream)?, records: Int, error: PLError, complete: Bool) {
    let sha = source.flatMap { sha256(of: $0) }
    context.stats.sources.append(
      SourceStat(
        name: name, bytes: source?.bytesRead ?? 0, records: records, sha256: complete ? sha : nil,
        details: [Field("error", .string(error.description))]))
  }
}

/// `--format`, parsed from its name.
struct InputFormatArgument: ExpressibleByArgument {
  let value: InputFormat
  var defaultValueDescription: String { value.rawValue }
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
  var defaultValueDescription: String { value.rawValue }
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

/// `--quote`: a quote character, or none.
struct QuoteArgument: ExpressibleByArgument {
  let value: UInt8?
  init?(argument: String) {
    switch argument.lowercased() {
    case "none", "": value = nil
    case "\"", "double": value = UInt8(ascii: "\"")
    case "'", "single": value = UInt8(ascii: "'")
    default:
      guard argument.utf8.count == 1, let b = argument.utf8.first, b > 0x20, b < 0x7F else { return nil }
      value = b
    }
  }
}

/// `--escape`: doubled or backslash.
struct EscapeArgument: ExpressibleByArgument {
  let value: TextDialect.Escape
  init?(argument: String) {
    guard let escape = TextDialect.Escape(rawValue: argument.lowercased()) else { return nil }
    value = escape
  }
  static var allValueStrings: [String] { ["doubled", "backslash"] }
}

/// `--mode`: records or meta, or a mode of PDFs (tables, fields, text).
struct ModeArgument: ExpressibleByArgument {
  let value: ExtractMode
  var defaultValueDescription: String { value.rawValue }
  init?(argument: String) {
    switch argument.lowercased() {
    case "records": value = .records
    case "meta": value = .meta
    case "tables": value = .tables
    case "fields": value = .fields
    case "text": value = .text
    default: return nil
    }
  }
  static let records = ModeArgument(argument: "records")!
  static var allValueStrings: [String] { ["records", "meta", "tables", "fields", "text"] }
}

/// A size in bytes: `1048576`, `64K`, `16M`, `1G`.
struct SizeArgument: ExpressibleByArgument {
  let bytes: Int
  init?(argument: String) {
    var digits = argument.uppercased()
    var scale = 1
    if let last = digits.last, let s = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30][String(last)] {
      scale = s
      digits.removeLast()
    }
    guard let n = Int(digits), n > 0, n <= Int.max / scale else { return nil }
    bytes = n * scale
  }
}
