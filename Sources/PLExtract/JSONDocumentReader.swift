#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Reads records from a JSON document: an array of objects, one object, or objects one after
/// another (pretty-printed output of jq), streaming, one element at a time.
///
/// The scanner finds where each top-level value (or each element of a top-level array) ends by
/// tracking strings and nesting, so a 10 GB array is read in constant memory; each element is
/// then parsed with `JSONParser`. Elements that are not objects are errors naming their line.
public final class JSONDocumentReader: RecordSource {
  let source: any ByteStream
  let input: BlockBuffer
  /// Lines before `start`.
  var line = 1
  /// Inside a top-level array.
  var inArray = false
  var arrayDone = false
  var elementIndex = 0
  /// The 1-based line where the record last returned starts.
  public private(set) var recordLine = 0

  public convenience init(source: any ByteStream, blockSize: Int = LineReader.blockSize) {
    self.init(input: BlockBuffer(source: source, blockSize: blockSize))
  }

  public init(input: BlockBuffer) {
    self.source = input.source
    self.input = input
  }

  public var sourceName: String { source.name }

  var base: UnsafeMutablePointer<UInt8> { input.base }
  var start: Int {
    get { input.start }
    set { input.start = newValue }
  }
  var end: Int { input.end }
  var eof: Bool { input.eof }

  /// Attach `_pl.source` and `_pl.line` to records that have no `_pl.source`.
  public var provenance = false
  /// Records returned so far.
  public private(set) var recordCount = 0

  public func next() throws(PLError) -> Record? {
    guard var record = try nextElement() else { return nil }
    recordCount += 1
    if provenance && record.meta[key: MetaKey.source] == nil {
      record.setProvenance(source: source.name, line: recordLine)
    }
    return record
  }

  func nextElement() throws(PLError) -> Record? {
    while true {
      try skipWhitespace()
      if start >= end {
        if inArray && !arrayDone {
          throw PLError.malformed(source: source.name, location: .line(line), message: "the input ends inside the array (missing ']')")
        }
        return nil
      }
      let b = base[start]
      if b == UInt8(ascii: "!"), let upstream = try abortLine() {
        throw StreamAbort.error(source: source.name, line: line, upstream: upstream)
      }
      if inArray {
        if b == UInt8(ascii: "]") {
          start += 1
          inArray = false
          arrayDone = true
          continue
        }
        if elementIndex > 0 {
          guard b == UInt8(ascii: ",") else { throw unexpected(b, "',' or ']' between array elements") }
          start += 1
          try skipWhitespace()
          guard start < end else { continue }
        }
        elementIndex += 1
        // `[,` and `,]` have no element where one must be (read as one, it is empty).
        let first = base[start]
        if first == UInt8(ascii: "!"), let upstream = try abortLine() {
          throw StreamAbort.error(source: source.name, line: line, upstream: upstream)
        }
        if first == UInt8(ascii: ",") || first == UInt8(ascii: "]") { throw unexpected(first, "array element \(elementIndex)") }
        return try readValue(what: "array element \(elementIndex)")
      }
      if arrayDone {
        // One array is the document; a value after it is a mistake, not more records.
        throw unexpected(b, "the end of the input after the top-level array")
      }
      if b == UInt8(ascii: "[") {
        start += 1
        inArray = true
        elementIndex = 0
        continue
      }
      return try readValue(what: "the value")
    }
  }

  /// The upstream message when the input at `start` is a pl abort line (pl-records(5)).
  func abortLine() throws(PLError) -> String? {
    while !eof && memchr(base + start, 0x0A, end - start) == nil && end - start < (1 << 16) { try input.fill() }
    let rest = input.bytes(start, end)
    let length = rest.firstIndex(of: 0x0A) ?? rest.count
    return StreamAbort.message(in: UnsafeBufferPointer(rebasing: rest[0..<length]))
  }

  func unexpected(_ b: UInt8, _ expected: String) -> PLError {
    let found = b >= 0x21 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16, uppercase: true))"
    return PLError.malformed(source: source.name, location: .line(line), message: "expected \(expected), found \(found)")
  }

  /// Skips whitespace (counting lines), reading more as needed.
  func skipWhitespace() throws(PLError) {
    while true {
      while start < end {
        let b = base[start]
        if b == 0x0A {
          line += 1
        } else if b != 0x20 && b != 0x09 && b != 0x0D {
          return
        }
        start += 1
      }
      if eof { return }
      try input.fill()
    }
  }

  /// Scans one value from `start` to its end, then parses it as a record.
  func readValue(what: String) throws(PLError) -> Record {
    var p = start
    var depth = 0
    var inString = false
    var newlines = 0
    let first = base[start]
    // A scalar at the top level or in the array is scanned to the next delimiter.
    let isContainer = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    while true {
      while p < end {
        let b = base[p]
        if inString {
          if b == UInt8(ascii: "\\") {
            p += 2
            continue
          }
          if b == UInt8(ascii: "\"") { inString = false }
          if b == 0x0A { newlines += 1 }
        } else {
          switch b {
          case UInt8(ascii: "\""): inString = true
          case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
          case UInt8(ascii: "}"), UInt8(ascii: "]"):
            if !isContainer { break }
            depth -= 1
          case UInt8(ascii: ","):
            if !isContainer { break }
          case 0x0A: newlines += 1
          default: break
          }
          if isContainer && depth == 0 {
            return try parse(from: start, to: p + 1, newlines: newlines, what: what)
          }
          if !isContainer && (b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || b <= 0x20) {
            return try parse(from: start, to: p, newlines: newlines, what: what)
          }
          if depth > JSONParser.maxDepth {
            throw PLError.malformed(source: source.name, location: .line(line), message: "\(what) is nested deeper than \(JSONParser.maxDepth) levels")
          }
        }
        p += 1
      }
      if eof {
        if !isContainer { return try parse(from: start, to: end, newlines: newlines, what: what) }
        throw PLError.malformed(source: source.name, location: .line(line), message: "the input ends inside \(what)")
      }
      p -= try input.fill()
    }
  }

  func parse(from: Int, to: Int, newlines: Int, what: String) throws(PLError) -> Record {
    let bytes = UnsafeBufferPointer(start: base + from, count: to - from)
    recordLine = line
    do throws(JSONSyntaxError) {
      let record = try JSONParser.parseRecord(bytes)
      start = to
      line += newlines
      return record
    } catch {
      // Count lines up to the error for a precise place.
      let upTo = min(error.offset, bytes.count)
      var errorLine = line
      for b in bytes[0..<upTo] where b == 0x0A { errorLine += 1 }
      let message = error.message.hasPrefix("not a JSON object") ? "\(what) is \(error.message)" : error.message
      throw PLError.malformed(source: source.name, location: .line(errorLine), message: message)
    }
  }
}
