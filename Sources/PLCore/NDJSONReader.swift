/// Reads records from newline-delimited JSON, one object per line, as they arrive.
///
/// Blank lines are skipped; CRLF and a leading byte-order mark are accepted. A line that is not
/// exactly one JSON object is an error naming the source, line and column (exit status 65),
/// and so is a last record cut short by the end of the input.
public final class NDJSONReader: RecordSource {
  public let lines: LineReader
  /// Records returned so far.
  public private(set) var recordCount = 0

  public init(source: any ByteStream, blockSize: Int = LineReader.blockSize) {
    lines = LineReader(source: source, blockSize: blockSize)
  }

  /// Reads from an input some of which may already have been read (to sniff its format).
  public init(input: BlockBuffer) {
    lines = LineReader(input: input)
  }

  public var sourceName: String { lines.source.name }
  /// The line the last record came from.
  public var lineNumber: Int { lines.lineNumber }

  public func next() throws(PLError) -> Record? {
    while let line = try lines.nextLine() {
      if isBlank(line) { continue }
      do throws(JSONSyntaxError) {
        let record = try JSONParser.parseRecord(line)
        recordCount += 1
        return record
      } catch {
        throw describe(error, in: line)
      }
    }
    return nil
  }

  /// A line read by `nextItem`: either a compact object that may be copied as it is, or a parsed record.
  public enum Item {
    /// One compact JSON object, already validated, valid until the next call, with the
    /// place of its `_pl` member if it has one.
    case compact(UnsafeBufferPointer<UInt8>, metaMember: Range<Int>?)
    case record(Record)
  }

  /// Like `next()`, but a line that can pass through unchanged is not parsed (see `JSONScanner`).
  public func nextItem() throws(PLError) -> Item? {
    var unused: [RawMember] = []
    return try nextItem(collecting: false, members: &unused)
  }

  /// Like `nextItem()`, and for a compact line fills `members` with its top-level members.
  public func nextItem(members: inout [RawMember]) throws(PLError) -> Item? {
    try nextItem(collecting: true, members: &members)
  }

  @inline(__always)
  func nextItem(collecting: Bool, members: inout [RawMember]) throws(PLError) -> Item? {
    while let line = try lines.nextLine() {
      let compact = collecting ? JSONScanner.scanCompact(line, members: &members) : JSONScanner.scanCompact(line)
      if let scan = compact {
        recordCount += 1
        return .compact(line, metaMember: scan.metaMember)
      }
      if isBlank(line) { continue }
      do throws(JSONSyntaxError) {
        let record = try JSONParser.parseRecord(line)
        recordCount += 1
        return .record(record)
      } catch {
        throw describe(error, in: line)
      }
    }
    return nil
  }

  func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    for b in line where b != 0x20 && b != 0x09 { return false }
    return true
  }

  func describe(_ error: JSONSyntaxError, in line: UnsafeBufferPointer<UInt8>) -> PLError {
    let n = lines.lineNumber
    if error.atEnd && lines.lastLineUnterminated {
      return .malformed(
        source: sourceName, location: .line(n),
        message: "the input ends inside a record (\(error.message)); the last record is incomplete")
    }
    // Columns count characters, as editors do, not bytes.
    let prefix = UnsafeBufferPointer(rebasing: line[0..<min(error.offset, line.count)])
    let column = prefix.reduce(1) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
    return .malformed(source: sourceName, location: .lineColumn(n, column), message: error.message)
  }
}
