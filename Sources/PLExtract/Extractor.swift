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
  /// What to write: records, or one object per input.
  public var mode = ExtractMode.records
  /// Saved `--detect` objects to read inputs by (`--dialect`): by source name, and the one to
  /// use for any input when the file holds a single object.
  public var dialects: [String: [Field]] = [:]
  public var defaultDialect: [Field]?
  /// Walk sub-folders of a folder given as input (`-r`); without it they are reported and
  /// passed over.
  public var recursive = false
  /// Caps on archives and compressed files (bombs, nesting, member counts).
  public var limits = ContainerLimits()
  /// The repeating element of an XML export, or the array of records in a JSON object
  /// (`--record-path`).
  public var recordPath: String?
  /// The sheets of a workbook to read, by name or 1-based number (`--sheet`); empty reads all
  /// visible sheets.
  public var sheets: [String] = []
  /// Read hidden sheets too (`--hidden-sheets`).
  public var includeHiddenSheets = false
  /// How PDFs are read (`--pages`, `--password`, `--min-quality`, `--template`, `--rejects`).
  public var pdf = PDFOptions()

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

  /// Reads saved `--detect` objects (NDJSON: one per input) for `--dialect`.
  ///
  /// - Throws: `PLError.usage` naming the file when it cannot be read or holds no object.
  public mutating func loadDialects(from path: String) throws(PLError) {
    let stream: FileStream
    do throws(PLError) { stream = try FileStream(path: path) } catch { throw PLError.usage("--dialect \(path): \(error.description)") }
    let reader = NDJSONReader(input: BlockBuffer(source: stream))
    var objects: [[Field]] = []
    do throws(PLError) {
      while let record = try reader.next() { objects.append(record.fields) }
    } catch {
      throw PLError.usage("--dialect \(path): \(error.description)")
    }
    guard !objects.isEmpty else { throw PLError.usage("--dialect \(path): no object in the file (save the output of pl-extract --detect)") }
    for object in objects {
      do throws(PLError) {
        _ = try DialectOverrides(report: object)
      } catch {
        throw PLError.usage("--dialect \(path): \(error.description)")
      }
      if let source = object[key: "source"]?.stringValue { dialects[source] = object }
    }
    if objects.count == 1 { defaultDialect = objects[0] }
  }

  var readerOptions: ReaderOptions {
    var options = ReaderOptions(csv: csv, includeMeta: includeMeta)
    options.recordPath = recordPath
    options.sheets = sheets
    options.includeHiddenSheets = includeHiddenSheets
    if format == .tsv && options.csv.delimiter == nil { options.csv.delimiter = 0x09 }
    return options
  }
}

/// What pl-extract writes for each input.
public enum ExtractMode: String, Sendable, CaseIterable {
  /// Its records (the default).
  case records
  /// One object of what the text's preamble and footer say (`--mode meta`).
  case meta
  /// One object of every decision about the input (`--detect`), which `--dialect` reads back.
  case detect
  /// PDFs only: one record per table, its grid of cells.
  case tables
  /// PDFs only: one record of a report's header key/values.
  case fields
  /// PDFs only: one record per printed line with its position.
  case text
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
  /// A decision made with little confidence, or an input passed over (a member of a kind
  /// no reader reads), as a sentence naming the input.
  func warning(_ message: String)
  /// Something a person may like to know that changes nothing (hidden files passed over).
  func note(_ message: String)
  /// A source could not be read and was passed over (`--on-error skip`). `source` is its
  /// stream when it was opened; `complete` says whether all its bytes were read (so that
  /// its digest is the digest of the whole file or member).
  func sourceFailed(name: String, source: (any ByteStream)?, records: Int, error: PLError, complete: Bool)
  /// A file or standard input (not a member) was read to its end: the progress meter's
  /// bytes move on.
  func inputFinished(_ source: any ByteStream)
  /// The sha256 of every byte of `source` so far, when the observer computes it (for
  /// `--detect`); called once, after the source was read to its end.
  func sha256(of source: any ByteStream) -> String?
}

extension ExtractObserver {
  public func note(_ message: String) {}
  public func sourceFailed(name: String, source: (any ByteStream)?, records: Int, error: PLError, complete: Bool) {}
  public func inputFinished(_ source: any ByteStream) {}
  public func sha256(of source: any ByteStream) -> String? { nil }
}

/// Runs an `ExtractPlan`: each input in turn, through its reader, into `sink`.
///
/// Inputs are walked by `InputWalker`: folders, compressed files and archives become the
/// files and members that hold records, each read like a file. The first bad input stops
/// the run with its error; the records before it are written, and the runner then ends the
/// stream with an abort line (pl-records(5)). Under `ErrorPolicy.skip` bad records, files and
/// members are reported, counted and passed over instead.
public final class Extractor {
  let plan: ExtractPlan
  public let pipeline: Pipeline
  let observer: ExtractObserver?
  /// How the encoding of the input being opened was decided.
  var encodingDecision: EncodingDecision?
  var walker: InputWalker!
  /// The PDF tables set aside for scoring under `--min-quality`, opened by `run`.
  var pdfRejects: TableRejects?

  public init(plan: ExtractPlan, sink: any RecordSink, observer: ExtractObserver?) {
    self.plan = plan
    self.observer = observer
    pipeline = Pipeline(sink: sink, errorPolicy: plan.errorPolicy)
    pipeline.onSkip = { [weak observer] error in observer?.skipped(error) }
    walker = InputWalker(
      plan: plan, pipeline: pipeline, observer: observer,
      readLeaf: { [unowned self] input throws(PLError) in try self.extract(input) },
      unreadableKind: { [unowned self] name, head in self.unreadableKind(name: name, head: head) })
    pipeline.onProgress = { [weak observer, unowned walker = walker!] records in
      observer?.recordsRead(records, bytesRead: walker.top?.bytesRead ?? 0)
    }
  }

  public func run() throws(PLError) {
    do throws(PLError) {
      pdfRejects = try TableRejects(path: plan.pdf.rejectsPath, limit: plan.pdf.maxRejects)
      for path in plan.inputs {
        do throws(PLError) {
          try walker.walk(path)
        } catch {
          // Only a file that could not be opened arrives here under skip: everything read
          // was reported where it failed.
          guard plan.errorPolicy == .skip, error.isInputProblem, case .inputMissing = error else { throw error }
          pipeline.skipped(error)
          observer?.sourceFailed(name: path, source: nil, records: 0, error: error, complete: false)
        }
      }
      try pipeline.finish()
      try pdfRejects?.finish()
    } catch {
      pipeline.abort()
      // A quality gate failed after the rejects file was published; anything else discards it.
      if case .qualityGate = error {} else { pdfRejects?.abort() }
      throw error
    }
  }

  /// Reads the records of one input that holds them (a file, a member, decompressed bytes).
  func extract(_ input: LeafInput) throws(PLError) -> ReadResult {
    if try isPDF(input) { return try extractPDF(input) }
    if plan.mode.readsOnlyPDFs { return try notAPDF(input) }
    let stream = input.stream
    let (reader, encoding) = try openReader(for: input.formatName, source: stream.name, stream: stream, inheritedMeta: input.meta)
    if let text = reader as? CSVRecordReader {
      for warning in text.warnings { observer?.warning("\(stream.name): \(warning)") }
    }
    let decision = encodingDecision
    func details() -> [Field] {
      var details = reader.details
      var encodingFields = [Field("encoding", .string(encoding ?? "UTF-8"))]
      if plan.mode == .detect, let decision {
        encodingFields.append(Field("encoding_reason", .string(decision.reason)))
        encodingFields.append(Field("encoding_confidence", .number(DialectSniffer.rounded(decision.confidence))))
        if let runnerUp = decision.runnerUp { encodingFields.append(Field("encoding_runner_up", .string(runnerUp))) }
      }
      details.insert(contentsOf: encodingFields, at: min(1, details.count))
      return details
    }
    var result = ReadResult()
    switch plan.mode {
    case .records:
      try pipeline.run(reader)
    case .detect, .meta, .tables, .fields, .text:
      var firstError: PLError?
      var rows = 0
      if let text = reader as? CSVRecordReader {
        (rows, firstError) = try text.readThrough()
      } else {
        while try reader.next() != nil { rows += 1 }
      }
      if plan.mode == .detect {
        result.detectFields = details() + [Field("records", .integer(rows))]
        if let firstError { result.detectFields?.append(Field("first_error", .string(firstError.description))) }
      } else {
        let keep: Set<String> = ["meta", "preamble", "footer", "footer_text", "columns"]
        var record = Record()
        record.fields = details().filter { keep.contains($0.key) }
        if plan.includeMeta { record.meta = [Field(MetaKey.source, .string(stream.name))] }
        try pipeline.run(RecordList([record], sourceName: stream.name))
      }
    }
    result.records = reader.recordCount
    result.details = details()
    return result
  }

  /// The decisions given for `path`: a replayed `--detect` object, then the flags over it.
  func overrides(for path: String) throws(PLError) -> (DialectOverrides, String?) {
    guard let saved = plan.dialects[path] ?? plan.defaultDialect else { return (plan.csv.overrides, plan.encoding) }
    var merged = try DialectOverrides(report: saved)
    merged.merge(plan.csv.overrides)
    return (merged, plan.encoding ?? saved[key: "encoding"]?.stringValue)
  }

  /// The reader `--format` names, or else the one the content and name choose, over the
  /// input converted to UTF-8 when it is in another encoding (`--encoding`, or detected: see
  /// `TextEncoding`). With no format given, files of a kind no reader handles yet are refused
  /// by their kind.
  ///
  /// - Returns: the reader and the encoding converted from (nil for UTF-8).
  func openReader(
    for path: String, source: String, stream: any ByteStream, inheritedMeta: [Field] = []
  ) throws(PLError) -> (any RecordReader, String?) {
    let (overrides, told) = try overrides(for: source)
    var input = BlockBuffer(source: stream)
    try fillHead(input)
    // Detection is off when told the encoding, and when a UTF-8 byte-order mark (skipped by
    // the buffer) declares it. It sees the first 64 KiB, though a read may have brought more.
    let headEnd = min(input.end, Self.headSize)
    let decision: EncodingDecision
    if let told {
      decision = EncodingDecision(name: TextEncoding.isUTF8(told) ? nil : told, confidence: 1, reason: "given")
    } else if input.skippedByteOrderMark {
      decision = EncodingDecision(name: nil, confidence: 1, reason: "byte-order mark")
    } else {
      decision = TextEncoding.decide(input.bytes(0, headEnd), complete: input.eof && headEnd == input.end)
    }
    encodingDecision = decision
    let detected = told == nil ? decision.name : nil
    // Converted before a reader is chosen: an encoding told, or UTF-16, whose bytes say
    // nothing to the readers' sniffing.
    var encoding = told.flatMap { TextEncoding.isUTF8($0) ? nil : $0 }
    if encoding == nil, let utf16 = detected, utf16.hasPrefix("UTF-16") { encoding = utf16 }
    if let encoding { input = try transcoded(input, from: encoding, stream: stream) }
    let reader = try chooseReader(for: path, input: input)
    // A single-byte guess holds for CSV text only: JSON must be UTF-8 (RFC 8259), and its
    // reader says where it is not.
    if encoding == nil, let legacy = detected, reader.format == CSVRecordReader.format {
      input = try transcoded(input, from: legacy, stream: stream)
      encoding = legacy
    }
    var options = plan.readerOptions
    options.csv.overrides = overrides
    options.inheritedMeta = inheritedMeta
    if plan.format == .tsv && options.csv.delimiter == nil { options.csv.delimiter = 0x09 }
    return (try reader.init(input: input, options: options), encoding)
  }

  /// The reader `--format` names, or else the one the content and name of the input choose.
  func chooseReader(for path: String, input: BlockBuffer) throws(PLError) -> any RecordReader.Type {
    if let name = plan.format.readerFormat, let reader = ReaderRegistry.reader(format: name) { return reader }
    let head = input.bytes(input.start, input.end)
    if let kind = unreadableKind(name: path, head: input.bytes(0, input.end)) {
      throw PLError.malformed(
        source: input.source.name, location: nil,
        message: "this is \(kind), which this version of pl-extract cannot read (it reads delimited and fixed-width text, NDJSON, JSON, XML, XLSX/ODS, PDF, archives and e-mail; --format reads a file as one of those anyway)")
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

  /// The kind of an input no reader reads (`a PDF document`), judged by its name and first
  /// bytes; nil when a reader takes it. A reader other than the CSV reader that claims the
  /// content (one for XML or workbooks, say) wins over the refusal: the CSV reader takes any
  /// text, and would turn other formats into nonsense records.
  func unreadableKind(name: String, head: UnsafeBufferPointer<UInt8>) -> String? {
    guard let kind = InputFormat.unreadableKind(name: name, head: head) else { return nil }
    var content = head
    if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { content = UnsafeBufferPointer(rebasing: head[3...]) }
    if let reader = ReaderRegistry.choose(name: name, head: content), reader.format != CSVRecordReader.format { return nil }
    return kind
  }

  /// The size of the head that encodings and formats are decided from.
  static let headSize = InputWalker.headSize

  /// Reads at least 64 KiB (or the whole input when shorter), the head that encodings and
  /// formats are decided from.
  func fillHead(_ input: BlockBuffer) throws(PLError) {
    while !input.eof && input.end - input.start < Self.headSize { try input.fill() }
  }

  /// A new input over `stream` converted from `encoding`, starting again from its first byte
  /// (the head already read comes first).
  func transcoded(_ input: BlockBuffer, from encoding: String, stream: any ByteStream) throws(PLError) -> BlockBuffer {
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

/// A few records made in memory (the objects of `--detect` and `--mode meta`).
final class RecordList: RecordSource {
  var records: [Record]
  let sourceName: String

  init(_ records: [Record], sourceName: String) {
    self.records = records.reversed()
    self.sourceName = sourceName
  }

  func next() throws(PLError) -> Record? { records.popLast() }
}
