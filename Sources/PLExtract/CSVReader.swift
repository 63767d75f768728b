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
/// breaks. CRLF and LF both end rows; a UTF-8 byte-order mark at the start is skipped. Rows are
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
  let quote = UInt8(ascii: "\"")

  /// The fields of the row last returned.
  public private(set) var spans: [CSVSpan] = []
  /// The 1-based line where the row last returned starts.
  public private(set) var rowLine = 0
  /// Lines consumed so far.
  var linesConsumed = 0

  let input: BlockBuffer
  /// Bytes that end an unquoted field: the delimiter, `\n`, `\r`.
  var stops = [Bool](repeating: false, count: 256)

  /// The delimiters considered when none is given.
  public static let candidateDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]

  /// - Parameter delimiter: the field separator, or nil to detect it among `,` `;` tab `|`.
  public convenience init(source: any ByteStream, delimiter: UInt8?, blockSize: Int = LineReader.blockSize) throws(PLError) {
    try self.init(input: BlockBuffer(source: source, blockSize: blockSize), delimiter: delimiter)
  }

  /// Reads from an input some of which may already have been read (to sniff its format).
  public init(input: BlockBuffer, delimiter: UInt8?) throws(PLError) {
    self.source = input.source
    self.sourceName = input.source.name
    self.input = input
    self.delimiter = delimiter ?? UInt8(ascii: ",")
    delimiterDetected = delimiter == nil
    if delimiter == nil {
      while !input.eof && input.end < 64 * 1024 { try input.fill() }
      self.delimiter = CSVReader.detectDelimiter(in: input.bytes(input.start, input.end))
    }
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
  /// Quoted sections are skipped. For each candidate the most common non-zero per-line count
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
      if b == 0x0A {
        if lineHasContent {
          for i in counts.indices { counts[i].append(current[i]) }
          lines += 1
        }
        current = [Int](repeating: 0, count: candidateDelimiters.count)
        lineHasContent = false
        if lines >= 50 { break }
        continue
      }
      if b != 0x0D && b != 0x20 { lineHasContent = true }
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
  /// - Throws: `PLError.malformed` for a quote left open at the end of the input or text
  ///   after a closing quote; `PLError.io` when reading fails.
  public func nextRow() throws(PLError) -> Bool {
    while true {
      if input.start >= input.end {
        if input.eof { return false }
        try input.fill()
        continue
      }
      if let rowEnd = try parseRow() {
        rowLine = linesConsumed + 1
        linesConsumed += pendingNewlines
        input.start = rowEnd
        if spans.count == 1 && spans[0].start == spans[0].end && !lastRowQuoted { continue }
        return true
      }
      if input.eof { return false }
      try input.fill()
    }
  }

  var pendingNewlines = 0
  var lastRowQuoted = false

  /// Parses one row from `start`; nil when the buffer ends before the row does (and more may come).
  func parseRow() throws(PLError) -> Int? {
    spans.removeAll(keepingCapacity: true)
    let base = self.base
    let end = input.end
    let eof = input.eof
    var p = input.start
    var newlines = 0
    lastRowQuoted = false
    while true {
      // At the start of a field.
      if p < end && base[p] == quote {
        lastRowQuoted = true
        // Where the field starts: an earlier field of the row may have spanned lines.
        let fieldLine = linesConsumed + 1 + newlines
        let fieldStart = p + 1
        var q = fieldStart
        var doubled = false
        var closing = -1
        while true {
          guard q < end, let hit = memchr(base + q, Int32(quote), end - q) else {
            if eof {
              throw PLError.malformed(
                source: sourceName, location: .line(fieldLine),
                message: "a quoted field is never closed (the input ends inside it)")
            }
            return nil
          }
          let qi = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
          newlines += countNewlines(base + q, qi - q)
          if qi + 1 >= end && !eof { return nil }
          if qi + 1 < end && base[qi + 1] == quote {
            doubled = true
            q = qi + 2
            continue
          }
          closing = qi
          break
        }
        spans.append(CSVSpan(start: fieldStart, end: closing, hasDoubledQuotes: doubled))
        p = closing + 1
      } else {
        // An unquoted field runs to the delimiter or the end of the line; a lone CR is data.
        let fieldStart = p
        while true {
          while p < end && !stops[Int(base[p])] { p += 1 }
          if p < end && base[p] == 0x0D && p + 1 < end && base[p + 1] != 0x0A {
            p += 1
            continue
          }
          break
        }
        spans.append(CSVSpan(start: fieldStart, end: p, hasDoubledQuotes: false))
      }
      switch separator(at: p, end: end, eof: eof) {
      case .nextField(let next):
        p = next
      case .rowEnd(let next):
        pendingNewlines = newlines + 1
        return next
      case .needMore:
        return nil
      case .other(let c):
        throw PLError.malformed(
          source: sourceName, location: .line(linesConsumed + 1 + newlines),
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
      if p + 1 >= end { return eof ? .rowEnd(p + 1) : .needMore }
      if base[p + 1] == 0x0A { return .rowEnd(p + 2) }
    }
    return .other(c)
  }

  func describe(_ b: UInt8) -> String {
    if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
    if b == 0x20 { return "space" }
    return "byte 0x" + String(b, radix: 16, uppercase: true)
  }

  @inline(__always)
  func countNewlines(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    var count = 0
    var q = p
    var left = n
    while left > 0, let hit = memchr(q, 0x0A, left) {
      count += 1
      let next = hit.assumingMemoryBound(to: UInt8.self) + 1
      left -= q.distance(to: UnsafePointer(next))
      q = UnsafePointer(next)
    }
    return count
  }
}
