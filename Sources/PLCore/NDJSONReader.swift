/// Reads records from newline-delimited JSON, one object per line, as they arrive.
///
/// Blank lines are skipped; CRLF and a leading byte-order mark are accepted. A line that is not
/// exactly one JSON object is an error naming the source, line and column (exit status 65),
/// and so is a last record cut short by the end of the input, and an upstream pl command's
/// abort line (`StreamAbort`). After a bad line the reader can go on with the next one.
///
/// With `provenance` set (pl-extract), a record without `_pl.source` gets `_pl.source` and
/// `_pl.line`; records that already say where they came from keep it.
public final class NDJSONReader: CompactLineSource, ResumableSource {
  public let lines: LineReader
  /// Records returned so far.
  public private(set) var recordCount = 0
  /// Attach `_pl.source` and `_pl.line` to records that have no `_pl.source`.
  public var provenance = false
  /// Holds a compact line with provenance appended, unless the sink offers its buffer.
  let scratch = ByteBuffer(capacity: 1 << 12)
  public var lineTarget: ByteBuffer?
  /// `"_pl":{"source":"NAME","line":`, encoded once.
  lazy var provenancePrefix: [UInt8] = {
    let prefix = ByteBuffer(capacity: 64)
    prefix.append("\"_pl\":{\"source\":" as StaticString)
    JSONWriter.writeString(sourceName, to: prefix)
    prefix.append(",\"line\":" as StaticString)
    return Array(prefix.bytes)
  }()
  let members = MemberBuffer()
  /// The record `nextItem` parsed, until taken.
  var parsed = Record()

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
      var record = try parse(line)
      recordCount += 1
      if provenance && record.meta[key: MetaKey.source] == nil {
        record.setProvenance(source: sourceName, line: lines.lineNumber)
      }
      return record
    }
    return nil
  }

  /// Like `next()`, but a line that is already in the form the writer would give it comes as
  /// a compact line, not parsed (see `JSONScanner`).
  public func nextItem(members wantMembers: Bool) throws(PLError) -> StreamItem? {
    while let line = try lines.nextLine() {
      let compact = wantMembers ? JSONScanner.scanCompact(line, members: &members.found) : JSONScanner.scanCompact(line)
      if let scan = compact {
        recordCount += 1
        let found = wantMembers ? members.pointer() : UnsafeBufferPointer(start: nil, count: 0)
        guard provenance else { return .line(CompactLine(bytes: line, metaMember: scan.metaMember, members: found)) }
        if let meta = scan.metaMember {
          if hasSource(UnsafeBufferPointer(rebasing: line[meta])) {
            return .line(CompactLine(bytes: line, metaMember: meta, members: found))
          }
          parsed = try parse(line)
          parsed.setProvenance(source: sourceName, line: lines.lineNumber)
          return .record
        }
        return .line(withProvenance(line, members: found))
      }
      if isBlank(line) { continue }
      parsed = try parse(line)
      recordCount += 1
      if provenance && parsed.meta[key: MetaKey.source] == nil {
        parsed.setProvenance(source: sourceName, line: lines.lineNumber)
      }
      return .record
    }
    return nil
  }

  public func takeRecord() -> Record {
    defer { parsed = Record() }
    return parsed
  }

  /// `line` (a compact object without `_pl`) with `"_pl":{"source":…,"line":N}` appended.
  func withProvenance(_ line: UnsafeBufferPointer<UInt8>, members: UnsafeBufferPointer<RawMember>) -> CompactLine {
    let out = lineTarget ?? scratch
    if lineTarget == nil { scratch.removeAll() }
    let start = out.count
    out.append(UnsafeBufferPointer(rebasing: line[0..<(line.count - 1)]))
    if line.count > 2 { out.append(UInt8(ascii: ",")) }
    let metaStart = out.count - start
    provenancePrefix.withUnsafeBufferPointer { out.append($0) }
    out.append(decimal: lines.lineNumber)
    out.append(UInt8(ascii: "}"))
    let metaEnd = out.count - start
    out.append(UInt8(ascii: "}"))
    return CompactLine(bytes: UnsafeBufferPointer(rebasing: out.bytes[start...]), metaMember: metaStart..<metaEnd, members: members)
  }

  /// True when a `"_pl":{…}` member has a `source` of its own.
  func hasSource(_ member: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let colon = member.firstIndex(of: UInt8(ascii: ":")),
      case .object(let fields)? = try? JSONParser.parseValue(UnsafeBufferPointer(rebasing: member[(colon + 1)...]))
    else { return false }
    return fields[key: MetaKey.source] != nil
  }

  /// Parses one line; an abort line of an upstream command becomes its error.
  func parse(_ line: UnsafeBufferPointer<UInt8>) throws(PLError) -> Record {
    if let upstream = StreamAbort.message(in: line) {
      throw StreamAbort.error(source: sourceName, line: lines.lineNumber, upstream: upstream)
    }
    do throws(JSONSyntaxError) {
      return try JSONParser.parseRecord(line)
    } catch {
      throw describe(error, in: line)
    }
  }

  func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    for b in line where b != 0x20 && b != 0x09 && b != 0x0D { return false }
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
