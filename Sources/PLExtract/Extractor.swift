import PLCore

/// What pl-extract is asked to do: which inputs, read how, with or without metadata.
public struct ExtractPlan: Sendable {
  /// Paths, `-` for standard input, in order.
  public var inputs: [String]
  public var format: InputFormat
  public var csv: CSVOptions
  public var includeMeta: Bool
  public var errorPolicy: ErrorPolicy
  /// The encoding of the inputs (an iconv name), or nil to detect it.
  public var encoding: String?

  public init(
    inputs: [String], format: InputFormat = .auto, csv: CSVOptions = CSVOptions(), includeMeta: Bool = true,
    errorPolicy: ErrorPolicy = .fail, encoding: String? = nil
  ) {
    self.encoding = encoding
    self.inputs = inputs.isEmpty ? ["-"] : inputs
    self.format = format
    self.csv = csv
    self.includeMeta = includeMeta
    self.errorPolicy = errorPolicy
  }

  var readerOptions: ReaderOptions {
    var options = ReaderOptions(csv: csv, includeMeta: includeMeta)
    if format == .tsv && options.csv.delimiter == nil { options.csv.delimiter = 0x09 }
    return options
  }
}

/// Told about each source as it is read, so the command can count, hash and show progress.
public protocol ExtractObserver: AnyObject {
  /// A source was opened; attach byte observers (a digest) here.
  func sourceOpened(_ source: any ByteStream)
  /// Called every 1024 records with the records read so far (all sources) and the bytes read
  /// from the current source.
  func recordsRead(_ records: Int, bytesRead: Int)
  /// A source was read to its end.
  func sourceFinished(_ source: any ByteStream, records: Int, details: [Field])
  /// A bad record or input was passed over (`--on-error skip`).
  func skipped(_ error: PLError)
}

/// Runs an `ExtractPlan`: each input in turn, through its reader, into `sink`.
///
/// The first bad input stops the run with its error; the records before it are written, and
/// the runner then ends the stream with an abort line (pl-records(5)). Under
/// `ErrorPolicy.skip` bad records and inputs are reported, counted and passed over instead.
public final class Extractor {
  let plan: ExtractPlan
  public let pipeline: Pipeline
  let observer: ExtractObserver?

  public init(plan: ExtractPlan, sink: any RecordSink, observer: ExtractObserver?) {
    self.plan = plan
    self.observer = observer
    pipeline = Pipeline(sink: sink, errorPolicy: plan.errorPolicy)
    pipeline.onSkip = { [weak observer] error in observer?.skipped(error) }
  }

  public func run() throws(PLError) {
    do throws(PLError) {
      for path in plan.inputs {
        do throws(PLError) {
          try extract(path)
        } catch {
          guard plan.errorPolicy == .skip, error.isInputProblem else { throw error }
          pipeline.skipped(error)
        }
      }
      try pipeline.finish()
    } catch {
      pipeline.abort()
      throw error
    }
  }

  func extract(_ path: String) throws(PLError) {
    let stream = try FileStream(path: path)
    observer?.sourceOpened(stream)
    let (reader, encoding) = try openReader(for: path, stream: stream)
    pipeline.onProgress = { [weak observer, unowned stream] records in
      observer?.recordsRead(records, bytesRead: stream.bytesRead)
    }
    try pipeline.run(reader)
    observer?.sourceFinished(
      stream, records: reader.recordCount, details: reader.details + [Field("encoding", .string(encoding ?? "UTF-8"))])
  }

  /// The reader `--format` names, or else the one the content and name choose, over the
  /// input converted to UTF-8 when it is in another encoding (`--encoding`, or detected: see
  /// `TextEncoding`). With no format given, files of a kind no reader handles yet are refused
  /// by their kind.
  ///
  /// - Returns: the reader and the encoding converted from (nil for UTF-8).
  func openReader(for path: String, stream: FileStream) throws(PLError) -> (any RecordReader, String?) {
    var input = BlockBuffer(source: stream)
    try fillHead(input)
    // Detection is off when told the encoding, and when a UTF-8 byte-order mark (skipped by
    // the buffer) declares it. It sees the first 64 KiB, though a read may have brought more.
    let headEnd = min(input.end, Self.headSize)
    let detected =
      plan.encoding == nil && !input.skippedByteOrderMark
      ? TextEncoding.detect(input.bytes(0, headEnd), complete: input.eof && headEnd == input.end) : nil
    // Converted before a reader is chosen: an encoding told, or UTF-16, whose bytes say
    // nothing to the readers' sniffing.
    var encoding = plan.encoding.flatMap { TextEncoding.isUTF8($0) ? nil : $0 }
    if encoding == nil, let utf16 = detected, utf16.hasPrefix("UTF-16") { encoding = utf16 }
    if let encoding { input = try transcoded(input, from: encoding, stream: stream) }
    let reader = try chooseReader(for: path, input: input)
    // A single-byte guess holds for CSV text only: JSON must be UTF-8 (RFC 8259), and its
    // reader says where it is not.
    if encoding == nil, let legacy = detected, reader.format == CSVRecordReader.format {
      input = try transcoded(input, from: legacy, stream: stream)
      encoding = legacy
    }
    return (try reader.init(input: input, options: plan.readerOptions), encoding)
  }

  /// The reader `--format` names, or else the one the content and name of the input choose.
  func chooseReader(for path: String, input: BlockBuffer) throws(PLError) -> any RecordReader.Type {
    if let name = plan.format.readerFormat, let reader = ReaderRegistry.reader(format: name) { return reader }
    let head = input.bytes(input.start, input.end)
    if let kind = InputFormat.unreadableKind(name: path, head: input.bytes(0, input.end)) {
      throw PLError.malformed(
        source: input.source.name, location: nil,
        message: "this is \(kind), which this version of pl-extract cannot read (it reads CSV, TSV, NDJSON and JSON; --format reads a file as one of those anyway)")
    }
    guard let reader = ReaderRegistry.choose(name: path, head: head) else {
      let nul = head.firstIndex(of: 0) ?? 0
      let line = 1 + head[0..<nul].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
      throw PLError.malformed(
        source: input.source.name, location: .line(line),
        message: "NUL byte: this is binary data, not a format pl-extract reads (--format reads it as one anyway)")
    }
    return reader
  }

  /// The size of the head that encodings and formats are decided from.
  static let headSize = 1 << 16

  /// Reads at least 64 KiB (or the whole input when shorter), the head that encodings and
  /// formats are decided from.
  func fillHead(_ input: BlockBuffer) throws(PLError) {
    while !input.eof && input.end - input.start < Self.headSize { try input.fill() }
  }

  /// A new input over `stream` converted from `encoding`, starting again from its first byte
  /// (the head already read comes first).
  func transcoded(_ input: BlockBuffer, from encoding: String, stream: FileStream) throws(PLError) -> BlockBuffer {
    let again = PrefixedStream(prefix: Array(input.bytes(0, input.end)), rest: stream)
    let converted = BlockBuffer(source: try TranscodingStream(base: again, encoding: encoding))
    try fillHead(converted)
    return converted
  }
}

extension PLError {
  /// True for problems with one input as a whole (missing, unreadable, of no known kind, bad
  /// data), which `--on-error skip` passes over; false for failures of the run itself (output,
  /// internal errors, usage).
  var isInputProblem: Bool {
    switch self {
    case .inputMissing: return true
    case .malformed: return !isUpstreamAbort
    default: return false
    }
  }
}
