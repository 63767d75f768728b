#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Reads records from a JSON document: an array of objects, one object, objects one after
/// another (pretty-printed output of jq), or an object holding the array of records
/// (`{"meta":{…},"results":[{…},…]}`), streaming, one element at a time.
///
/// The scanner finds where each top-level value (or each element of a top-level array) ends by
/// tracking strings and nesting, so a 10 GB array is read in constant memory; each element is
/// then parsed with `JSONParser`. Elements that are not objects are errors naming their line.
///
/// The array of records inside an object: `recordPath` names it (`results`, or `data/results`
/// through nested objects; a leading `/` is allowed). Without a path, the first member of the
/// first top-level object that is an array starting with an object is taken as the records
/// (`details` says which), and a later such member is an error, being ambiguous; a top-level
/// object with no such member is one record, as before. The scalar members before the array,
/// and those of objects before it (flattened with dots: `meta.instrument`), are the records'
/// `_pl.meta`; members after the array come too late for the records and are left out.
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

  /// The member path of the array of records inside the top-level object (`--record-path`).
  let recordPath: [String]?
  /// The path of the array of records found in an object, once found (joined by `/`).
  public private(set) var recordsMember: String?
  /// Objects of the wrapper open around the array of records, while reading it.
  var wrapperDepth = 0
  /// The wrapper was read to its closing brace: nothing may follow.
  var wrapperDone = false
  /// The wrapper's members before the records, flattened, for `_pl.meta`.
  public private(set) var wrapperMeta: [Field] = []
  /// The most members of `_pl.meta` taken from the wrapper.
  public static let maxWrapperMeta = 256

  public convenience init(source: any ByteStream, blockSize: Int = LineReader.blockSize) {
    self.init(input: BlockBuffer(source: source, blockSize: blockSize))
  }

  public init(input: BlockBuffer) {
    self.source = input.source
    self.input = input
    recordPath = nil
  }

  /// A reader of the array of records at `recordPath` (see the type's overview).
  ///
  /// - Throws: `PLError.usage` when `recordPath` has an empty step (`a//b`).
  public init(input: BlockBuffer, recordPath: String?) throws(PLError) {
    self.source = input.source
    self.input = input
    if let recordPath {
      let trimmed = recordPath.hasPrefix("/") ? recordPath.dropFirst() : Substring(recordPath)
      let steps = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      guard !steps.isEmpty, steps.allSatisfy({ !$0.isEmpty }) else {
        throw PLError.usage("--record-path \(recordPath): not a member path (a name, or names joined by '/')")
      }
      self.recordPath = steps
    } else {
      self.recordPath = nil
    }
  }

  /// What the reader decided about the document's shape, for `details`.
  public var shapeDetails: [Field] {
    guard let recordsMember else { return [] }
    var details = [Field("record_path", .string(recordsMember)),
                   Field("record_path_reason", .string(recordPath == nil ? "detected" : "given"))]
    if !wrapperMeta.isEmpty { details.append(Field("meta", .object(wrapperMeta))) }
    return details
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
      if !wrapperMeta.isEmpty && inArray && wrapperDepth > 0 { record.meta.append(Field("meta", .object(wrapperMeta))) }
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
          if wrapperDepth > 0 {
            try closeWrapper()
            wrapperDone = true
          } else {
            arrayDone = true
          }
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
      if wrapperDone {
        throw unexpected(b, "the end of the input after the object holding the records")
      }
      if b == UInt8(ascii: "{") && (recordPath != nil || recordCount == 0) {
        if let record = try openWrapper() { return record }
        continue
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

  /// Reads the members of the top-level object at `start` up to the array of records,
  /// keeping what they say for `_pl.meta`, and leaves the reader inside that array.
  ///
  /// - Returns: nil once inside the array; the object itself as one record when it holds no
  ///   array of records and no path was given.
  /// - Throws: `PLError.malformed` when the object is not JSON, or has no member at the path.
  func openWrapper() throws(PLError) -> Record? {
    let objectLine = line
    let endsInside = PLError.malformed(source: source.name, location: .line(objectLine), message: "the input ends inside the value")
    var fields: [Field] = []
    var recordMeta: [Field] = []
    // The keys of the objects entered on the way to the records, and each one's members so far.
    var keys: [String] = []
    var counts = [0]
    start += 1
    wrapperDepth = 1
    wrapperMeta = []
    while true {
      try skipWhitespace()
      guard start < end else { throw endsInside }
      var b = base[start]
      if b == UInt8(ascii: "}") {
        start += 1
        counts.removeLast()
        wrapperDepth -= 1
        if wrapperDepth > 0 {
          keys.removeLast()
          continue
        }
        if let recordPath {
          throw PLError.malformed(
            source: source.name, location: .line(objectLine),
            message: "the object has no member \(recordPath.joined(separator: "/")) holding the records (--record-path)")
        }
        wrapperMeta = []
        recordLine = objectLine
        return Record(fields, meta: recordMeta)
      }
      if counts[counts.count - 1] > 0 {
        guard b == UInt8(ascii: ",") else { throw unexpected(b, "',' or '}' between members") }
        start += 1
        try skipWhitespace()
        guard start < end else { continue }
        b = base[start]
      }
      counts[counts.count - 1] += 1
      let key = try readKey(endsInside: endsInside)
      let path = keys + [key]
      let name = path.joined(separator: "/")
      let first = base[start]
      if let recordPath {
        let level = wrapperDepth - 1
        if level < recordPath.count && key == recordPath[level] {
          if level == recordPath.count - 1 {
            guard first == UInt8(ascii: "[") else {
              throw PLError.malformed(
                source: source.name, location: .line(line), message: "member \(name) is not an array of records (--record-path)")
            }
            enterRecords(name)
            return nil
          }
          guard first == UInt8(ascii: "{") else {
            throw PLError.malformed(source: source.name, location: .line(line), message: "member \(name) is not an object (--record-path)")
          }
          start += 1
          wrapperDepth += 1
          counts.append(0)
          keys.append(key)
          continue
        }
      } else if first == UInt8(ascii: "["), try startsArrayOfObjects() {
        enterRecords(name)
        return nil
      }
      let value = try readMember(name)
      if wrapperDepth == 1 {
        if key == Record.metaKey, case .object(let members) = value {
          recordMeta = members
        } else {
          fields.append(Field(key, value))
        }
      }
      addMeta(path, value)
    }
  }

  func enterRecords(_ name: String) {
    start += 1
    inArray = true
    elementIndex = 0
    recordsMember = name
  }

  /// After the array of records: reads the rest of the objects around it to their closing
  /// braces. Their members come too late for the records; a second array of records is an
  /// error when the first was detected, not given.
  func closeWrapper() throws(PLError) {
    while wrapperDepth > 0 {
      try skipWhitespace()
      guard start < end else {
        throw PLError.malformed(source: source.name, location: .line(line), message: "the input ends inside the object holding the records (missing '}')")
      }
      let b = base[start]
      if b == UInt8(ascii: "}") {
        start += 1
        wrapperDepth -= 1
        continue
      }
      guard b == UInt8(ascii: ",") else { throw unexpected(b, "',' or '}' between members") }
      start += 1
      try skipWhitespace()
      guard start < end else { continue }
      let key = try readKey(
        endsInside: PLError.malformed(source: source.name, location: .line(line), message: "the input ends inside the object holding the records (missing '}')"))
      if recordPath == nil && wrapperDepth == 1 && base[start] == UInt8(ascii: "["), try startsArrayOfObjects() {
        throw PLError.malformed(
          source: source.name, location: .line(line),
          message: "a second array of records, \(key), after \(recordsMember ?? ""): --record-path names the one to read")
      }
      _ = try readMember(key)
    }
  }

  /// Reads a member name and its colon, leaving `start` at the value; `endsInside` is thrown
  /// when the input ends first.
  func readKey(endsInside: PLError) throws(PLError) -> String {
    guard base[start] == UInt8(ascii: "\"") else { throw unexpected(base[start], "a member name") }
    let (keyEnd, newlines) = try scanValue(what: "a member name")
    guard case .string(let key) = try parseValue(to: keyEnd, newlines: newlines, what: "a member name") else {
      throw unexpected(base[start], "a member name")
    }
    try skipWhitespace()
    guard start < end else { throw endsInside }
    guard base[start] == UInt8(ascii: ":") else { throw unexpected(base[start], "':' after the member name") }
    start += 1
    try skipWhitespace()
    guard start < end else { throw endsInside }
    return key
  }

  func readMember(_ name: String) throws(PLError) -> JSONValue {
    let (valueEnd, newlines) = try scanValue(what: "member \(name)")
    return try parseValue(to: valueEnd, newlines: newlines, what: "member \(name)")
  }

  /// Parses the value from `start` to `to` and moves past it.
  func parseValue(to: Int, newlines: Int, what: String) throws(PLError) -> JSONValue {
    let bytes = UnsafeBufferPointer(start: base + start, count: to - start)
    do throws(JSONSyntaxError) {
      let value = try JSONParser.parseValue(bytes)
      start = to
      line += newlines
      return value
    } catch {
      throw PLError.malformed(source: source.name, location: .line(line(of: error, in: bytes)), message: "\(what): \(error.message)")
    }
  }

  /// The line of a syntax error in `bytes`, which start on the current line: a precise place.
  func line(of error: JSONSyntaxError, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var errorLine = line
    for b in bytes[0..<min(error.offset, bytes.count)] where b == 0x0A { errorLine += 1 }
    return errorLine
  }

  /// True when the array at `start` begins with an object (white space skipped, nothing consumed).
  func startsArrayOfObjects() throws(PLError) -> Bool {
    var p = start + 1
    while true {
      while p < end {
        let b = base[p]
        if !isJSONSpace(b) { return b == UInt8(ascii: "{") }
        p += 1
      }
      if eof { return false }
      p -= try input.fill()
    }
  }

  /// Keeps the scalars of a wrapper member for `_pl.meta`, objects flattened with dots.
  func addMeta(_ path: [String], _ value: JSONValue) {
    guard wrapperMeta.count < Self.maxWrapperMeta else { return }
    switch value {
    case .object(let members):
      for member in members { addMeta(path + [member.key], member.value) }
    case .array:
      return
    default:
      wrapperMeta.append(Field(path.joined(separator: "."), value))
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
    let (end, newlines) = try scanValue(what: what)
    return try parse(from: start, to: end, newlines: newlines, what: what)
  }

  /// Finds the end of the value at `start` (reading more as needed; `start` may move down
  /// with the buffer): one past its last byte, and the newlines inside it.
  func scanValue(what: String) throws(PLError) -> (end: Int, newlines: Int) {
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
          if isContainer && depth == 0 { return (p + 1, newlines) }
          // A scalar ends where a delimiter of an array or object, or white space, begins.
          if !isContainer && p > start
            && (b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}") || b == UInt8(ascii: ":") || b <= 0x20)
          {
            return (p, newlines)
          }
          if depth > JSONParser.maxDepth {
            throw PLError.malformed(source: source.name, location: .line(line), message: "\(what) is nested deeper than \(JSONParser.maxDepth) levels")
          }
        }
        p += 1
      }
      if eof {
        if !isContainer { return (end, newlines) }
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
      let message = error.message.hasPrefix("not a JSON object") ? "\(what) is \(error.message)" : error.message
      throw PLError.malformed(source: source.name, location: .line(line(of: error, in: bytes)), message: message)
    }
  }
}
