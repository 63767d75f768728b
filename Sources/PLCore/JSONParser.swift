/// A JSON syntax error at a byte offset of the parsed text.
public struct JSONSyntaxError: Error, Equatable, Sendable {
  /// The 0-based byte offset where the problem was found.
  public var offset: Int
  public var message: String
  /// True when the text ended before the value did (a truncated record).
  public var atEnd: Bool

  public init(offset: Int, message: String, atEnd: Bool = false) {
    self.offset = offset
    self.message = message
    self.atEnd = atEnd
  }
}

/// A byte-level JSON parser over one complete text (a line, a document, an array element).
///
/// Keeps object key order and number text. Strings are validated as UTF-8; a lone surrogate
/// escape (`\ud800`), which no Unicode text can hold, becomes U+FFFD as jq does. Nesting is
/// limited to `maxDepth` so that hostile input cannot exhaust the stack.
public struct JSONParser {
  public static let maxDepth = 512

  @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
  @usableFromInline var pos = 0
  /// Scratch space for strings with escapes, reused across strings.
  @usableFromInline var scratch: [UInt8] = []

  public init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  /// Parses `bytes` as one JSON object and splits off `_pl` into the record's metadata.
  ///
  /// - Throws: `JSONSyntaxError` when the text is not exactly one JSON object.
  public static func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> Record {
    var parser = JSONParser(bytes)
    parser.skipWhitespace()
    guard parser.pos < bytes.count else {
      throw JSONSyntaxError(offset: 0, message: "empty record", atEnd: true)
    }
    guard bytes[parser.pos] == UInt8(ascii: "{") else {
      let value = try parser.parseValue(depth: 0)
      throw JSONSyntaxError(offset: 0, message: "not a JSON object but \(value.kindName)")
    }
    let record = try parser.parseRecordObject()
    try parser.expectEnd()
    return record
  }

  /// Parses `bytes` as exactly one JSON value.
  public static func parseValue(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
    var parser = JSONParser(bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    try parser.expectEnd()
    return value
  }

  /// Parses `text` as exactly one JSON value (a convenience for small inputs).
  public static func parseValue(_ text: String) throws(JSONSyntaxError) -> JSONValue {
    var copy = text
    let result: Result<JSONValue, JSONSyntaxError> = copy.withUTF8 { buffer in
      do throws(JSONSyntaxError) { return .success(try parseValue(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// Parses `text` as one record (a convenience for tests and small inputs).
  public static func parseRecord(_ text: String) throws(JSONSyntaxError) -> Record {
    var copy = text
    let result: Result<Record, JSONSyntaxError> = copy.withUTF8 { buffer in
      do throws(JSONSyntaxError) { return .success(try parseRecord(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  mutating func expectEnd() throws(JSONSyntaxError) {
    skipWhitespace()
    if pos < bytes.count {
      throw JSONSyntaxError(offset: pos, message: "unexpected \(describeByte(at: pos)) after the end of the value")
    }
  }

  @inline(__always)
  mutating func skipWhitespace() {
    while pos < bytes.count {
      switch bytes[pos] {
      case 0x20, 0x09, 0x0A, 0x0D: pos += 1
      default: return
      }
    }
  }

  func describeByte(at offset: Int) -> String {
    guard offset < bytes.count else { return "end of input" }
    let b = bytes[offset]
    if b == 0 { return "NUL byte" }
    if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
    return "byte 0x" + String(b, radix: 16, uppercase: true)
  }

  func unexpected(_ expected: String) -> JSONSyntaxError {
    JSONSyntaxError(
      offset: pos, message: "expected \(expected), found \(describeByte(at: pos))", atEnd: pos >= bytes.count)
  }

  /// The top-level object: like `parseObject`, but `_pl` goes to `meta`.
  mutating func parseRecordObject() throws(JSONSyntaxError) -> Record {
    pos += 1  // {
    var record = Record()
    skipWhitespace()
    if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
      pos += 1
      return record
    }
    record.fields.reserveCapacity(8)
    while true {
      skipWhitespace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw unexpected("'\"' (a key)") }
      let keyStart = pos
      let key = try parseString()
      // Compared after decoding: `"\u005fpl"` is `_pl` too, and kept as a user field it would
      // be written back as `"_pl"` and change meaning on the next read.
      let isMeta = key.utf8.count == 3 && key == Record.metaKey
      skipWhitespace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw unexpected("':'") }
      pos += 1
      skipWhitespace()
      let value = try parseValue(depth: 1)
      if isMeta {
        guard case .object(let members) = value else {
          throw JSONSyntaxError(offset: keyStart, message: "\"_pl\" must be an object, found \(value.kindName)")
        }
        record.meta = members
      } else {
        record.fields.append(Field(key, value))
      }
      skipWhitespace()
      guard pos < bytes.count else { throw unexpected("',' or '}'") }
      if bytes[pos] == UInt8(ascii: ",") {
        pos += 1
      } else if bytes[pos] == UInt8(ascii: "}") {
        pos += 1
        return record
      } else {
        throw unexpected("',' or '}'")
      }
    }
  }

  @usableFromInline
  mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    guard pos < bytes.count else { throw unexpected("a value") }
    switch bytes[pos] {
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
    case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
    case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try parseLiteral("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw unexpected("a value")
    }
  }

  mutating func parseLiteral(_ word: StaticString) throws(JSONSyntaxError) {
    let n = word.utf8CodeUnitCount
    guard pos + n <= bytes.count, memcmp(bytes.baseAddress! + pos, word.utf8Start, n) == 0 else {
      var error = unexpected("a value")
      // `tr` at the end of the text is a cut-off `true`, not a wrong word.
      let left = bytes.count - pos
      error.atEnd = left < n && memcmp(bytes.baseAddress! + pos, word.utf8Start, left) == 0
      throw error
    }
    pos += n
  }

  mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> [Field] {
    guard depth <= JSONParser.maxDepth else {
      throw JSONSyntaxError(offset: pos, message: "nested deeper than \(JSONParser.maxDepth) levels")
    }
    pos += 1  // {
    var fields: [Field] = []
    skipWhitespace()
    if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
      pos += 1
      return fields
    }
    while true {
      skipWhitespace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw unexpected("'\"' (a key)") }
      let key = try parseString()
      skipWhitespace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw unexpected("':'") }
      pos += 1
      skipWhitespace()
      fields.append(Field(key, try parseValue(depth: depth)))
      skipWhitespace()
      guard pos < bytes.count else { throw unexpected("',' or '}'") }
      if bytes[pos] == UInt8(ascii: ",") {
        pos += 1
      } else if bytes[pos] == UInt8(ascii: "}") {
        pos += 1
        return fields
      } else {
        throw unexpected("',' or '}'")
      }
    }
  }

  mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> [JSONValue] {
    guard depth <= JSONParser.maxDepth else {
      throw JSONSyntaxError(offset: pos, message: "nested deeper than \(JSONParser.maxDepth) levels")
    }
    pos += 1  // [
    var items: [JSONValue] = []
    skipWhitespace()
    if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
      pos += 1
      return items
    }
    while true {
      skipWhitespace()
      items.append(try parseValue(depth: depth))
      skipWhitespace()
      guard pos < bytes.count else { throw unexpected("',' or ']'") }
      if bytes[pos] == UInt8(ascii: ",") {
        pos += 1
      } else if bytes[pos] == UInt8(ascii: "]") {
        pos += 1
        return items
      } else {
        throw unexpected("',' or ']'")
      }
    }
  }

  /// A JSON number, validated against the grammar and returned as its text.
  mutating func parseNumber() throws(JSONSyntaxError) -> String {
    let start = pos
    if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
    guard pos < bytes.count, isDigit(bytes[pos]) else { throw unexpected("a digit") }
    if bytes[pos] == UInt8(ascii: "0") {
      pos += 1
      if pos < bytes.count, isDigit(bytes[pos]) {
        throw JSONSyntaxError(offset: pos, message: "a number must not start with 0")
      }
    } else {
      while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
    }
    if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
      pos += 1
      guard pos < bytes.count, isDigit(bytes[pos]) else { throw unexpected("a digit after '.'") }
      while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
    }
    if pos < bytes.count, bytes[pos] | 0x20 == UInt8(ascii: "e") {
      pos += 1
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
      guard pos < bytes.count, isDigit(bytes[pos]) else { throw unexpected("a digit in the exponent") }
      while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
    }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
  }

  @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

  /// A string at `pos` (which holds the opening quote); leaves `pos` after the closing quote.
  @usableFromInline
  mutating func parseString() throws(JSONSyntaxError) -> String {
    pos += 1
    let start = pos
    var high: UInt8 = 0
    while pos < bytes.count {
      let b = bytes[pos]
      if b == UInt8(ascii: "\"") {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<pos])
        pos += 1
        if high < 0x80 { return String(decoding: slice, as: UTF8.self) }
        guard let s = String(validating: slice, as: UTF8.self) else {
          throw JSONSyntaxError(offset: start + (firstInvalidUTF8(slice) ?? 0), message: "invalid UTF-8")
        }
        return s
      }
      if b == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
      if b < 0x20 { throw controlCharacter(b) }
      high |= b
      pos += 1
    }
    throw JSONSyntaxError(offset: pos, message: "unterminated string", atEnd: true)
  }

  func controlCharacter(_ b: UInt8) -> JSONSyntaxError {
    let name = b == 0 ? "NUL byte" : "control character U+00" + (b < 0x10 ? "0" : "") + String(b, radix: 16, uppercase: true)
    return JSONSyntaxError(offset: pos, message: "\(name) in a string (must be escaped)")
  }

  /// The slow path for strings with backslash escapes.
  mutating func parseEscapedString(from start: Int) throws(JSONSyntaxError) -> String {
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<pos]))
    while pos < bytes.count {
      let b = bytes[pos]
      if b == UInt8(ascii: "\"") {
        pos += 1
        guard let s = String(validating: scratch, as: UTF8.self) else {
          throw JSONSyntaxError(offset: start, message: "invalid UTF-8")
        }
        return s
      }
      if b < 0x20 { throw controlCharacter(b) }
      if b != UInt8(ascii: "\\") {
        scratch.append(b)
        pos += 1
        continue
      }
      pos += 1
      guard pos < bytes.count else { break }
      let e = bytes[pos]
      pos += 1
      switch e {
      case UInt8(ascii: "\""): scratch.append(0x22)
      case UInt8(ascii: "\\"): scratch.append(0x5C)
      case UInt8(ascii: "/"): scratch.append(0x2F)
      case UInt8(ascii: "b"): scratch.append(0x08)
      case UInt8(ascii: "f"): scratch.append(0x0C)
      case UInt8(ascii: "n"): scratch.append(0x0A)
      case UInt8(ascii: "r"): scratch.append(0x0D)
      case UInt8(ascii: "t"): scratch.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try parseHex4()
        if (0xD800..<0xDC00).contains(scalar) {
          // A high surrogate must be followed by an escaped low one.
          if pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
            let save = pos
            pos += 2
            let low = try parseHex4()
            if (0xDC00..<0xE000).contains(low) {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
              pos = save
              scalar = 0xFFFD
            }
          } else {
            scalar = 0xFFFD
          }
        } else if (0xDC00..<0xE000).contains(scalar) {
          scalar = 0xFFFD
        }
        appendUTF8(Unicode.Scalar(scalar) ?? "\u{FFFD}")
      default:
        // The byte after the backslash, printable or by its code (describeByte quotes it already).
        let what = e >= 0x21 && e < 0x7F ? "'\\\(Character(Unicode.Scalar(e)))'" : "'\\' followed by \(describeByte(at: pos - 1))"
        throw JSONSyntaxError(offset: pos - 2, message: "invalid escape \(what)")
      }
    }
    throw JSONSyntaxError(offset: pos, message: "unterminated string", atEnd: true)
  }

  mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    var v: UInt32 = 0
    for _ in 0..<4 {
      // Only the end of the text makes the escape truncated; `"\u"}` is a bad escape.
      guard pos < bytes.count else { throw JSONSyntaxError(offset: pos, message: "truncated \\u escape", atEnd: true) }
      let b = bytes[pos]
      let d: UInt8
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
      default: throw JSONSyntaxError(offset: pos, message: "invalid hex digit in \\u escape")
      }
      v = v << 4 | UInt32(d)
      pos += 1
    }
    return v
  }

  mutating func appendUTF8(_ scalar: Unicode.Scalar) {
    for unit in UTF8.encode(scalar)! { scratch.append(unit) }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
