import PLCore

/// What pl-extract is asked to do: which inputs, read how, with or without metadata.
public struct ExtractPlan: Sendable {
  /// Paths, `-` for standard input, in order.
  public var inputs: [String]
  public var format: InputFormat
  public var csv: CSVOptions
  public var includeMeta: Bool

  public init(inputs: [String], format: InputFormat = .auto, csv: CSVOptions = CSVOptions(), includeMeta: Bool = true) {
    self.inputs = inputs.isEmpty ? ["-"] : inputs
    self.format = format
    self.csv = csv
    self.includeMeta = includeMeta
  }
}

/// Told about each source as it is read, so the command can count, hash and show progress.
public protocol ExtractObserver: AnyObject {
  /// A source was opened; attach byte observers (a digest) here.
  func sourceOpened(_ source: any ByteStream)
  /// Called every 1024 records with the records written and bytes read so far from the current source.
  func recordsWritten(_ records: Int, bytesRead: Int)
  /// A source was read to its end.
  func sourceFinished(_ source: any ByteStream, records: Int, details: [Field])
}

/// Runs an `ExtractPlan`: each input in turn, records to `output`.
///
/// The first bad input stops the run with its error (records already written stay written;
/// the error says where the input broke).
public final class Extractor {
  let plan: ExtractPlan
  let output: OutputStream
  let observer: ExtractObserver?

  public init(plan: ExtractPlan, output: OutputStream, observer: ExtractObserver?) {
    self.plan = plan
    self.output = output
    self.observer = observer
  }

  public func run() throws(PLError) {
    for path in plan.inputs {
      let source = try FileStream(path: path)
      observer?.sourceOpened(source)
      let input = BlockBuffer(source: source)
      let format = try resolveFormat(for: path, input: input)
      switch format {
      case .csv, .tsv: try extractCSV(input, format: format)
      case .ndjson: try passThroughNDJSON(input)
      case .json, .auto: try extractRecords(JSONDocumentReader(input: input), input: input, format: .json) { reader in reader.recordLine }
      }
    }
    try output.flush()
  }

  /// The format given, or else the one the name suggests, or else the one the first bytes
  /// suggest. With no format given, files this version cannot read are refused by their kind.
  func resolveFormat(for path: String, input: BlockBuffer) throws(PLError) -> InputFormat {
    if plan.format != .auto { return plan.format }
    while !input.eof && input.end < 4096 { try input.fill() }
    let head = input.bytes(0, input.end)
    if let kind = InputFormat.unreadableKind(name: path, head: head) {
      throw PLError.malformed(
        source: input.source.name, location: nil,
        message: "this is \(kind), which this version of pl-extract cannot read (it reads CSV, TSV, NDJSON and JSON; --format reads a file as one of those anyway)")
    }
    if let byName = InputFormat.fromName(path) { return byName }
    return InputFormat.sniff(input.bytes(input.start, input.end))
  }

  func extractCSV(_ input: BlockBuffer, format: InputFormat) throws(PLError) {
    var options = plan.csv
    if format == .tsv && options.delimiter == nil { options.delimiter = 0x09 }
    let extractor = try CSVExtractor(input: input, sourceName: input.source.name, options: options)
    let out = output.buffer
    let includeMeta = plan.includeMeta
    if try extractor.readHeader() {
      while try extractor.writeNext(to: out, includeMeta: includeMeta) {
        try output.recordDone()
        if extractor.recordCount & 1023 == 0 { observer?.recordsWritten(extractor.recordCount, bytesRead: input.source.bytesRead) }
      }
    }
    let delimiter = String(Character(Unicode.Scalar(extractor.delimiter)))
    observer?.sourceFinished(
      input.source, records: extractor.recordCount,
      details: [
        Field("format", .string(format.rawValue)),
        Field("delimiter", .string(delimiter)),
        Field("delimiter_detected", .bool(extractor.delimiterDetected)),
      ])
  }

  /// NDJSON to NDJSON: compact lines are copied with `_pl` appended; others are parsed and rewritten.
  func passThroughNDJSON(_ input: BlockBuffer) throws(PLError) {
    let reader = NDJSONReader(input: input)
    let out = output.buffer
    let name = input.source.name
    let includeMeta = plan.includeMeta
    let metaPrefix = ByteBuffer(capacity: 64)
    metaPrefix.append("\"_pl\":{\"source\":" as StaticString)
    JSONWriter.writeString(name, to: metaPrefix)
    metaPrefix.append(",\"line\":" as StaticString)
    while let item = try reader.nextItem() {
      switch item {
      case .compact(let line, nil):
        if includeMeta {
          out.append(line.extracting(0..<(line.count - 1)))
          if line.count > 2 { out.append(UInt8(ascii: ",")) }
          out.append(metaPrefix.bytes)
          out.append(decimal: reader.lineNumber)
          out.append("}}\n" as StaticString)
        } else {
          out.append(line)
          out.append(UInt8(ascii: "\n"))
        }
      case .compact(let line, let meta?):
        // Records that already say where they came from keep it, as the parsed path does.
        if includeMeta {
          if hasSource(UnsafeBufferPointer(rebasing: line[meta])) {
            out.append(line)
            out.append(UInt8(ascii: "\n"))
          } else {
            try writeParsed(line, reader: reader, name: name)
          }
        } else {
          line.withoutMember(meta).withUnsafeBufferPointer { out.append($0) }
          out.append(UInt8(ascii: "\n"))
        }
      case .record(var record):
        if includeMeta && record.meta[key: MetaKey.source] == nil {
          record.setProvenance(source: name, line: reader.lineNumber)
        }
        JSONWriter.writeLine(record, includeMeta: includeMeta, to: out)
      }
      try output.recordDone()
      if reader.recordCount & 1023 == 0 { observer?.recordsWritten(reader.recordCount, bytesRead: input.source.bytesRead) }
    }
    observer?.sourceFinished(input.source, records: reader.recordCount, details: [Field("format", .string("ndjson"))])
  }

  /// Rewrites a line through the parser (adding `source` and `line` to its `_pl`).
  func writeParsed(_ line: UnsafeBufferPointer<UInt8>, reader: NDJSONReader, name: String) throws(PLError) {
    do throws(JSONSyntaxError) {
      var record = try JSONParser.parseRecord(line)
      record.setProvenance(source: name, line: reader.lineNumber)
      JSONWriter.writeLine(record, includeMeta: true, to: output.buffer)
    } catch {
      throw PLError.internalError("\(name): line \(reader.lineNumber): \(error.message)")
    }
  }

  /// True when a `"_pl":{…}` member has a `source` of its own.
  func hasSource(_ member: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let colon = member.firstIndex(of: UInt8(ascii: ":")),
      case .object(let fields)? = try? JSONParser.parseValue(UnsafeBufferPointer(rebasing: member[(colon + 1)...]))
    else { return false }
    return fields[key: MetaKey.source] != nil
  }

  func extractRecords<Reader: RecordSource>(
    _ reader: Reader, input: BlockBuffer, format: InputFormat, line: (Reader) -> Int
  ) throws(PLError) {
    var reader = reader
    let out = output.buffer
    let name = input.source.name
    var count = 0
    while var record = try reader.next() {
      if plan.includeMeta && record.meta[key: MetaKey.source] == nil {
        record.setProvenance(source: name, line: line(reader))
      }
      JSONWriter.writeLine(record, includeMeta: plan.includeMeta, to: out)
      count += 1
      try output.recordDone()
      if count & 1023 == 0 { observer?.recordsWritten(count, bytesRead: input.source.bytesRead) }
    }
    observer?.sourceFinished(input.source, records: count, details: [Field("format", .string(format.rawValue))])
  }
}

extension UnsafeBufferPointer where Element == UInt8 {
  /// This compact object without the member at `member`, and the comma that joined it.
  func withoutMember(_ member: Range<Int>) -> [UInt8] {
    var from = member.lowerBound
    var to = member.upperBound
    if from > 1 && self[from - 1] == UInt8(ascii: ",") {
      from -= 1
    } else if to < count && self[to] == UInt8(ascii: ",") {
      to += 1
    }
    return Array(self[0..<from]) + Array(self[to...])
  }
}
