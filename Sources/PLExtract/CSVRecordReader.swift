import PLCore
// INTERIM (replaced by the csv branch): adapter so the registry builds.
public final class CSVRecordReader: RecordReader, CompactLineSource {
  public static let format = "csv"
  public static let extensions = ["csv", "txt", "tsv", "tab"]
  public static func sniff(name: String, head: UnsafeBufferPointer<UInt8>) -> Confidence {
    .low
  }
  let extractor: CSVExtractor
  let includeMeta: Bool
  let buffer = ByteBuffer(capacity: 4096)
  var started = false
  let tsv: Bool
  var members: [RawMember] = []
  public init(input: BlockBuffer, options: ReaderOptions) throws(PLError) {
    var csv = options.csv
    let name = input.source.name.lowercased()
    tsv = csv.delimiter == nil && (name.hasSuffix(".tsv") || name.hasSuffix(".tab"))
    if tsv { csv.delimiter = 0x09 }
    extractor = try CSVExtractor(input: input, sourceName: input.source.name, options: csv)
    includeMeta = options.includeMeta
  }
  public var sourceName: String { extractor.sourceName }
  public var recordCount: Int { extractor.recordCount }
  public var details: [Field] {
    [Field("format", .string(tsv || extractor.delimiter == 0x09 ? "tsv" : "csv")),
     Field("delimiter", .string(String(Character(Unicode.Scalar(extractor.delimiter))))),
     Field("delimiter_detected", .bool(extractor.delimiterDetected))]
  }
  public func next() throws(PLError) -> Record? {
    guard let item = try nextItem(members: false) else { return nil }
    switch item {
    case .line(let line): return try line.record(source: sourceName)
    case .record(let r): return r
    }
  }
  public func nextItem(members wantMembers: Bool) throws(PLError) -> StreamItem? {
    if !started {
      started = true
      guard try extractor.readHeader() else { return nil }
    }
    buffer.removeAll()
    guard try extractor.writeNext(to: buffer, includeMeta: includeMeta) else { return nil }
    let line = UnsafeBufferPointer(rebasing: buffer.bytes.dropLast())
    let scan = wantMembers ? JSONScanner.scanCompact(line, members: &members) : JSONScanner.scanCompact(line)
    guard let scan else { return .record(try CompactLine(bytes: line, metaMember: nil).record(source: sourceName)) }
    return .line(CompactLine(bytes: line, metaMember: scan.metaMember, members: wantMembers ? members : []))
  }
}
