#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// A field of a CSV row: a byte range of the reader's buffer.
public struct CSVSpan: Sendable {
  public var start: Int
  public var end: Int
  /// True when the field was quoted and holds doubled quotes (`""`) still to be undone.
  public var hasDoubledQuotes: Bool
}

/// An RFC 4180 CSV/TSV parser over a `ByteStream`, reading 1 MiB blocks.
///
/// Fields may be quoted with `"`; a quoted field can hold delimiters, doubled quotes and line
/// breaks. LF, CRLF and a lone CR (old Mac files) all end rows, also mixed in one file, and all
/// count as lines; a UTF-8 byte-order mark at the start is skipped. Rows are
/// handed out as spans into the buffer (no copy, no String), valid until the next call, so the
/// extractor can write JSON straight from the input bytes.
public final class CSVReader {
  public let source: any ByteStream
  /// The name errors give the source: the path by default; `CSVExtractor` sets its source
  /// name, so that both name an input the same way (an archive member, for one).
  public var sourceName: String
  public private(set) var delimiter: UInt8
  /// True when the delimiter was detected rather than given.
  public let delimiterDetected: Bool
  /// The quote character; `quoting` is false when fields are never quoted.
  let quote: UInt8
  let quoting: Bool
  /// `\"` escapes a quote inside a quoted field (instead of `""`).
  let backslashEscape: Bool
  /// Lines starting with this byte are skipped as comments.
  let comment: UInt8?
  /// Splits lines at these character columns instead of at delimiters.
  let fixedWidth: FixedWidthLayout?
  /// The longest row read before giving up, in bytes.
  public var maxRowBytes = CSVReader.defaultMaxRowBytes
  public static let defaultMaxRowBytes = 16 << 20
  /// Comment lines and lines skipped before the table, so far.
  public private(set) var commentLines = 0
  /// The bytes of the line last read, in a fixed-width table.
  public private(set) var lastLineRange: Range<Int>?
  /// Field ranges of a fixed-width line, reused.
  var fixedRanges: [Range<Int>] = []

  /// The fields of the row last returned.
  public private(set) var spans: [CSVSpan] = []
  /// The 1-based line where the row last returned starts.
  public private(set) var rowLine = 0
  /// Lines consumed so far.
  var linesConsumed = 0

  let input: BlockBuffer
  /// Bytes that end an unquoted field: the delimiter, `\n`, `\r`.
  /// A table of 256 entries, in memory of its own so that the hot loop reads it without the
  /// checks and reference counting of an array held by a class.
  let stops: UnsafeMutablePointer<Bool> = {
    let table = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
    table.initialize(repeating: false, count: 256)
    return table
  }()

  deinit { stops.deallocate() }

  /// The delimiters considered when none is given.
  public static let candidateDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]

  /// - Parameter delimiter: the field separator, or nil to detect it among `,` `;` tab `|`.
  public convenience init(source: any ByteStream, delimiter: UInt8?, blockSize: Int = LineReader.blockSize) throws(PLError) {
    try self.init(input: BlockBuffer(source: source, blockSize: blockSize), delimiter: delimiter)
  }

  /// Reads from an input some of which may already have been read (to sniff its format).
  public convenience init(input: BlockBuffer, delimiter: UInt8?) throws(PLError) {
    var dialect = TextDialect()
    if let delimiter {
      dialect.delimiter = delimiter
    } else {
      while !input.eof && input.end < 64 * 1024 { try input.fill() }
      dialect.delimiter = CSVReader.detectDelimiter(in: input.bytes(input.start, input.end))
    }
    self.init(input: input, dialect: dialect, detected: delimiter == nil)
  }

  /// Reads rows as `dialect` says they are written (from its first line: see `skipLines`).
  public init(input: BlockBuffer, dialect: TextDialect, detected: Bool) {
    self.source = input.source
    self.sourceName = input.source.name
    self.input = input
    delimiter = dialect.delimiter
    delimiterDetected = detected
    quote = dialect.quote ?? 0
    quoting = dialect.quote != nil
    backslashEscape = dialect.escape == .backslash
    comment = dialect.comment
    fixedWidth = dialect.fixedWidth
    stops[Int(self.delimiter)] = true
    stops[0x0A] = true
    stops[0x0D] = true
  }

  /// The base of the buffer, for reading spans.
  public var base: UnsafePointer<UInt8> { UnsafePointer(input.base) }

  /// The bytes of a span of the last row (doubled quotes not yet undone).
  public func bytes(of span: CSVSpan) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
  }

  /// Picks the candidate that splits the first lines most consistently, and most often.
  ///
  /// Quoted sections are skipped; LF, CRLF and CR end lines. For each candidate the most common non-zero per-line count
  /// and how many lines show it are scored; a file with none of them is one column wide (`,`).
  public static func detectDelimiter(in sample: UnsafeBufferPointer<UInt8>) -> UInt8 {
    var counts: [[Int]] = Array(repeating: [], count: candidateDelimiters.count)
    var current = [Int](repeating: 0, count: candidateDelimiters.count)
    var inQuotes = false
    var lines = 0
    var lineHasContent = false
    for b in sample {
      if b == UInt8(ascii: "\"") { inQuotes.toggle() }
      if inQuotes { continue }
      if b == 0x0A || b == 0x0D {
        if lineHasContent {
          for i in counts.indices { counts[i].append(current[i]) }
          lines += 1
        }
        current = [Int](repeating: 0, count: candidateDelimiters.count)
        lineHasContent = false
        if lines >= 50 { break }
        continue
      }
      if b != 0x20 { lineHasContent = true }
      if let i = candidateDelimiters.firstIndex(of: b) { current[i] += 1 }
    }
    if lineHasContent { for i in counts.indices { counts[i].append(current[i]) } }
    var best: (delimiter: UInt8, lines: Int, fields: Int)? = nil
    for (i, perLine) in counts.enumerated() {
      var frequency: [Int: Int] = [:]
      for c in perLine where c > 0 { frequency[c, default: 0] += 1 }
      guard let (mode, seen) = frequency.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { continue }
      if best == nil || (seen, mode) > (best!.lines, best!.fields) {
        best = (candidateDelimiters[i], seen, mode)
      }
    }
    return best?.delimiter ?? UInt8(ascii: ",")
  }

  /// Reads the next row into `spans`; false at the end of the input. Blank lines are skipped.
  ///
  /// A row that does not fit in the buffer is read on after each refill from where its scan
  /// stopped, so reading a row costs time in proportion to its length however small the
  /// reads of the source are (a pipe delivers 64 KiB or less at a time).
  ///
  /// - Throws: `PLError.malformed` for a quote left open at the end of the input or text
  ///   after a closing quote; `PLError.io` when reading fails.
  public func nextRow() throws(PLError) -> Bool {
    while true {
      if input.start >= input.end {
        if input.eof { return false }
        try refill()
        continue
      }
      if scan.position == nil, let comment, base[input.start] == comment {
        guard try skipLine() else { return false }
        commentLines += 1
        continue
      }
      if fixedWidth != nil {
        guard try nextFixedWidthRow() else { return false }
        return true
      }
      if scan.position != nil && input.end - input.start > maxRowBytes { throw rowTooLong() }
      if let rowEnd = try parseRow() {
        rowLine = linesConsumed + 1
        linesConsumed += scan.lineEnds
        input.start = rowEnd
        if spans.count == 1 && spans[0].start == spans[0].end && !lastRowQuoted { continue }
        return true
      }
      if input.eof { return false }
      try refill()
    }
  }

  /// Skips `count` lines without parsing them (the preamble above a table).
  ///
  /// - Returns: false when the input ends first.
  public func skipLines(_ count: Int) throws(PLError) -> Bool {
    for _ in 0..<max(count, 0) {
      guard try skipLine() else { return false }
    }
    return true
  }

  /// Skips one line; false at the end of the input.
  func skipLine() throws(PLError) -> Bool {
    while true {
      let base = self.base
      var p = input.start
      let end = input.end
      if p >= end && input.eof { return false }
      if let hit = memchr2(base + p, end - p) {
        p = hit
        if base[p] == 0x0D {
          if p + 1 >= end && !input.eof {
            try refillKeepingRow()
            continue
          }
          if p + 1 < end && base[p + 1] == 0x0A { p += 1 }
        }
        input.start = p + 1
        linesConsumed += 1
        return true
      }
      if input.eof {
        input.start = end
        linesConsumed += 1
        return true
      }
      if end - input.start > maxRowBytes { throw rowTooLong() }
      try refillKeepingRow()
    }
  }

  /// The offset of the first LF or CR in `count` bytes from `from`, or nil.
  func memchr2(_ from: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    var i = 0
    while i < count {
      let b = from[i]
      if b == 0x0A || b == 0x0D { return base.distance(to: from) + i }
      i += 1
    }
    return nil
  }

  func refillKeepingRow() throws(PLError) {
    try input.fill()
  }

  func rowTooLong() -> PLError {
    PLError.malformed(
      source: sourceName, location: .line(linesConsumed + 1),
      message: "a row longer than \(maxRowBytes >> 20) MiB (no line end, or a quote left open?); --max-row-size raises the limit")
  }

  /// Reads the next line of a fixed-width table into `spans`: each field trimmed of spaces.
  func nextFixedWidthRow() throws(PLError) -> Bool {
    while true {
      let base = self.base
      let end = input.end
      let p = input.start
      var q = p
      while q < end && base[q] != 0x0A && base[q] != 0x0D { q += 1 }
      if q >= end && !input.eof {
        if end - p > maxRowBytes { throw rowTooLong() }
        try refillKeepingRow()
        continue
      }
      if q + 1 >= end && q < end && base[q] == 0x0D && !input.eof {
        try refillKeepingRow()
        continue
      }
      if p >= end && input.eof { return false }
      lastLineRange = p..<q
      fixedWidth!.split(UnsafeBufferPointer(start: base + p, count: q - p), into: &fixedRanges)
      spans.removeAll(keepingCapacity: true)
      for r in fixedRanges { spans.append(CSVSpan(start: p + r.lowerBound, end: p + r.upperBound, hasDoubledQuotes: false)) }
      rowLine = linesConsumed + 1
      linesConsumed += 1
      var next = q
      if next < end {
        next += (base[next] == 0x0D && next + 1 < end && base[next + 1] == 0x0A) ? 2 : 1
      }
      input.start = next
      lastRowQuoted = false
      if q == p { continue }
      return true
    }
  }

  /// Reads more input, moving the offsets of the row scanned so far with the bytes.
  func refill() throws(PLError) {
    let shift = try input.fill()
    // The buffer moves only while `start` is past its front, so once per row at most.
    guard shift != 0 && scan.position != nil else { return }
    scan.shift(by: shift)
    for i in spans.indices {
      spans[i].start -= shift
      spans[i].end -= shift
    }
  }

  /// Where the scan of a row stands when the buffer ran out before the row did.
  ///
  /// Plain values, no enum payloads: the hot loop keeps them in registers.
  struct RowScan {
    enum Place: UInt8 {
      /// At the start of a field.
      case fieldStart
      /// Inside a quoted field.
      case quoted
      /// Inside an unquoted field.
      case unquoted
      /// After a field, at what separates it from the next.
      case afterField
    }

    var place = Place.fieldStart
    /// The offset the scan goes on from; nil when no row is under way.
    var position: Int?
    /// Where the content of the field under way starts.
    var fieldStart = 0
    /// The quoted field under way holds doubled quotes.
    var doubled = false
    /// The line where the quoted field under way starts.
    var fieldLine = 0
    /// Line ends passed inside quoted fields of the row, then the one that ends it.
    var lineEnds = 0

    mutating func shift(by n: Int) {
      position = position.map { $0 - n }
      fieldStart -= n
    }
  }

  var scan = RowScan()
  var lastRowQuoted = false
  /// Bytes the row scanner has stepped over, counted once per call (tests check that reading
  /// a row is linear in its length).
  var bytesScanned = 0

  /// Scans one row on from where the last call stopped; returns where the next row starts, or
  /// nil when the buffer ends before the row does (and more may come). Outside quotes LF,
  /// CRLF and a lone CR each end the row; inside quotes they are data but still count as lines.
  func parseRow() throws(PLError) -> Int? {
    let base = self.base
    let end = input.end
    let eof = input.eof
    var p: Int
    if let position = scan.position {
      p = position
    } else {
      p = input.start
      scan = RowScan()
      spans.removeAll(keepingCapacity: true)
      lastRowQuoted = false
    }
    let entry = p
    // The row's fields gather in a local array: appending to the class's own would check
    // uniqueness and count references on every field.
    var spans: [CSVSpan] = []
    swap(&spans, &self.spans)
    let stops = self.stops
    defer {
      bytesScanned += p - entry
      swap(&spans, &self.spans)
    }
    var place = scan.place
    var fieldStart = scan.fieldStart
    var doubled = scan.doubled
    var fieldLine = scan.fieldLine
    var lineEnds = scan.lineEnds
    // An unquoted field cut short before its first byte may yet turn out to be quoted.
    if place == .unquoted && p == fieldStart { place = .fieldStart }
    /// Keeps where the scan stands for the next call, once the buffer has run out.
    @inline(__always)
    func suspend() -> Int? {
      scan = RowScan(place: place, position: p, fieldStart: fieldStart, doubled: doubled, fieldLine: fieldLine, lineEnds: lineEnds)
      return nil
    }
    while true {
      if place == .fieldStart {
        // Spaces before a quote (`a, "b"`) are no part of the field.
        if quoting && p < end && base[p] == 0x20 && delimiter != 0x20 {
          var q = p
          while q < end && base[q] == 0x20 { q += 1 }
          if q >= end && !eof { return suspend() }
          if q < end && base[q] == quote { p = q }
        }
        if quoting && p < end && base[p] == quote {
          lastRowQuoted = true
          p += 1
          place = .quoted
          doubled = false
          fieldLine = linesConsumed + 1 + lineEnds
        } else {
          place = .unquoted
        }
        fieldStart = p
      }
      if place == .unquoted {
        // An unquoted field runs to the delimiter or the end of the line.
        while p < end && !stops[Int(base[p])] { p += 1 }
        if p >= end && !eof { return suspend() }
        spans.append(CSVSpan(start: fieldStart, end: p, hasDoubledQuotes: false))
        place = .afterField
      } else if place == .quoted {
        while true {
          guard p < end, let hit = memchr(base + p, Int32(quote), end - p) else {
            lineEnds += countLineEnds(p, end)
            p = end
            if eof {
              throw PLError.malformed(
                source: sourceName, location: .line(fieldLine),
                message: "a quoted field is never closed (the input ends inside it)")
            }
            return suspend()
          }
          let qi = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
          lineEnds += countLineEnds(p, qi)
          p = qi
          if backslashEscape {
            // A quote after an odd number of backslashes is part of the field.
            var k = qi - 1
            var backslashes = 0
            while k >= fieldStart && base[k] == 0x5C {
              backslashes += 1
              k -= 1
            }
            if backslashes % 2 == 1 {
              doubled = true
              p = qi + 1
              continue
            }
            if backslashes > 0 { doubled = true }
            break
          }
          // Whether the quote is doubled is known only once the next byte is.
          if qi + 1 >= end && !eof { return suspend() }
          guard qi + 1 < end && base[qi + 1] == quote else { break }
          doubled = true
          p = qi + 2
        }
        spans.append(CSVSpan(start: fieldStart, end: p, hasDoubledQuotes: doubled))
        p += 1
        place = .afterField
      }
      switch separator(at: p, end: end, eof: eof) {
      case .nextField(let next):
        p = next
        place = .fieldStart
      case .rowEnd(let next):
        p = next
        scan = RowScan(lineEnds: lineEnds + 1)
        return next
      case .needMore:
        return suspend()
      case .other(0x20), .other(0x09):
        // Spaces between a closing quote and the delimiter belong to nothing.
        p += 1
      case .other(let c):
        throw PLError.malformed(
          source: sourceName, location: .line(linesConsumed + 1 + lineEnds),
          message: "unexpected \(describe(c)) after the closing quote of field \(spans.count)")
      }
    }
  }

  /// What follows a field.
  enum Separator {
    /// A delimiter: the next field starts at the offset.
    case nextField(Int)
    /// The end of the row (a line break or the end of the input): the next row starts at the offset.
    case rowEnd(Int)
    /// The buffer ends before it can tell.
    case needMore
    /// Something else (only possible after a closing quote).
    case other(UInt8)
  }

  @inline(__always)
  func separator(at p: Int, end: Int, eof: Bool) -> Separator {
    if p >= end { return eof ? .rowEnd(p) : .needMore }
    let c = base[p]
    if c == delimiter { return .nextField(p + 1) }
    if c == 0x0A { return .rowEnd(p + 1) }
    if c == 0x0D {
      // CRLF or a lone CR (old Mac files): which one is known only once the next byte is.
      if p + 1 >= end { return eof ? .rowEnd(p + 1) : .needMore }
      return .rowEnd(base[p + 1] == 0x0A ? p + 2 : p + 1)
    }
    return .other(c)
  }

  func describe(_ b: UInt8) -> String {
    if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
    if b == 0x20 { return "space" }
    return "byte 0x" + String(b, radix: 16, uppercase: true)
  }

  /// The line ends among bytes `from..<to` of a quoted field: each CR, and each LF that does
  /// not follow a CR (CRLF is one line end). The byte before `from` is in the buffer (the
  /// opening quote at least), so a CRLF split between two calls is still counted once.
  @inline(__always)
  func countLineEnds(_ from: Int, _ to: Int) -> Int {
    guard from < to else { return 0 }
    let base = self.base
    var count = 0
    if to - from < 32 {
      for i in from..<to where base[i] <= 0x0D {
        if base[i] == 0x0D || (base[i] == 0x0A && base[i - 1] != 0x0D) { count += 1 }
      }
      return count
    }
    var q = from
    while q < to, let hit = memchr(base + q, 0x0A, to - q) {
      let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      if base[i - 1] != 0x0D { count += 1 }
      q = i + 1
    }
    q = from
    while q < to, let hit = memchr(base + q, 0x0D, to - q) {
      count += 1
      q = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
    }
    return count
  }
}
