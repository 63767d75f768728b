#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// CSV and TSV as a `RecordReader`: rows become records of string values, handed out as
/// compact lines written straight from the input bytes.
///
/// Any text may be one-column CSV, so this reader is the fallback: it claims every head
/// that could be text, with low confidence, and leaves the rest to readers that recognise
/// their bytes. A `.tsv` or `.tab` name means tab-separated unless a delimiter is given.
/// Each line is written by `CSVExtractor` into a buffer of the reader's own; a sink copies
/// it, which is the one copy more than writing to standard output directly.
public final class CSVRecordReader: RecordReader, CompactLineSource, ResumableSource {
  public static let format = "csv"
  public static let extensions = ["csv", "txt", "tsv", "tab"]

  /// `.low` for anything: even a head with a NUL byte, which no CSV file holds, is best
  /// reported by this reader, which names the line and field of the byte.
  public static func sniff(name: String, head: UnsafeBufferPointer<UInt8>) -> Confidence {
    .low
  }

  /// True when the last extension of `name` (an archive member's own, after `!`) is `tsv` or `tab`.
  static func namesTabSeparated(_ name: String) -> Bool {
    guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/"), !name[dot...].contains("!") else { return false }
    let ext = name[name.index(after: dot)...].lowercased()
    return ext == "tsv" || ext == "tab"
  }

  let extractor: CSVExtractor
  let includeMeta: Bool
  /// `csv`, or `tsv` when the name said so.
  let formatName: String
  /// The line last handed out, without its newline.
  let line = ByteBuffer(capacity: 1 << 12)
  /// Reused for the members of each line, when asked for.
  let members = MemberBuffer()
  /// The record `nextItem` parsed, until taken.
  var parsed = Record()
  var headerRead = false
  var ended = false

  /// - Throws: `PLError.io` when reading the first 64 KiB (to detect the delimiter) fails.
  public init(input: BlockBuffer, options: ReaderOptions) throws(PLError) {
    var csv = options.csv
    let tabSeparated = Self.namesTabSeparated(input.source.name)
    if tabSeparated && csv.delimiter == nil { csv.delimiter = 0x09 }
    // Tab-separated by name, by --format tsv or by -d tab: reported as TSV.
    formatName = tabSeparated || options.csv.delimiter == 0x09 ? "tsv" : Self.format
    extractor = try CSVExtractor(input: input, sourceName: input.source.name, options: csv, inheritedMeta: options.inheritedMeta)
    includeMeta = options.includeMeta
  }

  public var sourceName: String { extractor.sourceName }
  public var recordCount: Int { extractor.recordCount }

  public var details: [Field] {
    [Field("format", .string(formatName)), Field("delimiter_detected", .bool(extractor.delimiterDetected))]
      + extractor.decisions
  }

  /// What the sniffer was unsure of, as sentences.
  public var warnings: [String] { extractor.report?.warnings ?? [] }

  /// Reads the rest of the input without handing out records, for `--detect` and `--mode
  /// meta`: the footer is known only at the end.
  ///
  /// - Returns: the rows read and the first bad row's error, if any (reading goes on past bad rows).
  public func readThrough() throws(PLError) -> (rows: Int, firstError: PLError?) {
    var firstError: PLError?
    var lastError: PLError?
    let sink = ByteBuffer(capacity: 1 << 12)
    while true {
      do throws(PLError) {
        sink.removeAll()
        guard try readLine(into: sink) != nil else { break }
      } catch {
        guard case .malformed = error else { throw error }
        // A row the reader can read past comes once; an error that repeats ends the input.
        if let last = lastError, last.description == error.description { break }
        if firstError == nil { firstError = error }
        lastError = error
      }
    }
    return (recordCount, firstError)
  }

  /// Writes the next record into `line`, without its newline; false at the end.
  ///
  /// - Throws: `PLError.malformed` for bad rows (see `CSVExtractor.writeNext`).
  func readLine(into target: ByteBuffer? = nil) throws(PLError) -> UnsafeBufferPointer<UInt8>? {
    if ended { return nil }
    if !headerRead {
      headerRead = true
      guard try extractor.readHeader() else {
        ended = true
        return nil
      }
    }
    // Each buffer is passed down as it is (borrowed): picking one into a local would count a
    // reference per row.
    if let target { return try write(into: target) }
    line.removeAll()
    return try write(into: line)
  }

  /// Appends the next row to `out` as one compact line (no newline); nil at the end. A bad row
  /// leaves no part of itself behind in `out`.
  @inline(__always)
  func write(into out: ByteBuffer) throws(PLError) -> UnsafeBufferPointer<UInt8>? {
    let start = out.count
    do throws(PLError) {
      guard try extractor.writeNext(to: out, includeMeta: includeMeta) else {
        ended = true
        return nil
      }
    } catch {
      out.removeLast(out.count - start)
      throw error
    }
    out.removeLast(1)
    lineStart = start
    lineLength = out.count - start
    return UnsafeBufferPointer(rebasing: out.bytes[start...])
  }

  public var lineTarget: ByteBuffer?
  /// Where the line last written starts in its buffer, and its length.
  var lineStart = 0
  var lineLength = 0

  public func next() throws(PLError) -> Record? {
    guard let bytes = try readLine() else { return nil }
    return try CompactLine(bytes: bytes, metaMember: nil).record(source: sourceName)
  }

  /// The next record as the compact line `CSVExtractor` wrote for it.
  ///
  /// With `members`, a line whose keys hold escapes (a header with a quote or a backslash)
  /// comes as a parsed record: the scanner leaves such keys to the parser, which decides
  /// whether one spells `_pl`.
  public func takeRecord() -> Record {
    defer { parsed = Record() }
    return parsed
  }

  public func nextItem(members wanted: Bool) throws(PLError) -> StreamItem? {
    guard let bytes = try readLine(into: lineTarget) else { return nil }
    guard wanted else { return .line(CompactLine(bytes: bytes, metaMember: metaMember)) }
    guard let compact = JSONScanner.scanCompact(bytes, members: &members.found) else {
      // Out of the sink's buffer first (the bytes stay readable until the next append).
      lineTarget?.removeLast(bytes.count)
      parsed = try CompactLine(bytes: bytes, metaMember: nil).record(source: sourceName)
      return .record
    }
    return .line(CompactLine(bytes: bytes, metaMember: compact.metaMember, members: members.pointer()))
  }

  /// Where `"_pl":{…}` is in the line last written (it ends before the closing brace).
  var metaMember: Range<Int>? {
    guard includeMeta else { return nil }
    return (extractor.metaOffset - lineStart)..<(lineLength - 1)
  }
}
