import PLCore
import Testing

/// What the parser says about text that is not one JSON object, and where.
@Suite struct JSONParserErrorTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var input: [UInt8]
    var message: String
    var offset: Int?
    var atEnd = false
    var testDescription: String { String(decoding: input, as: UTF8.self).debugDescription }

    init(_ input: String, _ message: String, offset: Int? = nil, atEnd: Bool = false) {
      self.input = Array(input.utf8)
      self.message = message
      self.offset = offset
      self.atEnd = atEnd
    }

    init(_ input: [UInt8], _ message: String, offset: Int? = nil, atEnd: Bool = false) {
      self.input = input
      self.message = message
      self.offset = offset
      self.atEnd = atEnd
    }
  }

  @Test(arguments: [
    // Not an object.
    Case("[1,2]", "not a JSON object but an array", offset: 0),
    Case("12.5", "not a JSON object but a number", offset: 0),
    Case(#""text""#, "not a JSON object but a string", offset: 0),
    Case("null", "not a JSON object but null", offset: 0),
    Case("true", "not a JSON object but a boolean", offset: 0),
    Case(" [] ", "not a JSON object but an array", offset: 0),
    Case("", "empty record", offset: 0, atEnd: true),
    Case("  \t", "empty record", offset: 0, atEnd: true),
    // Trailing garbage.
    Case(#"{"a":1} x"#, "unexpected 'x' after the end of the value", offset: 8),
    Case(#"{"a":1}}"#, "unexpected '}' after the end of the value", offset: 7),
    Case(#"{"a":1}{"b":2}"#, "unexpected '{' after the end of the value", offset: 7),
    Case("{}\0", "unexpected NUL byte after the end of the value", offset: 2),
    // Structure.
    Case(#"{"a" 1}"#, "expected ':', found '1'", offset: 5),
    Case(#"{"a":1 "b":2}"#, #"expected ',' or '}', found '"'"#, offset: 7),
    Case(#"{"a":1,}"#, #"expected '"' (a key), found '}'"#, offset: 7),
    Case("{a:1}", #"expected '"' (a key), found 'a'"#, offset: 1),
    Case("{'a':1}", #"expected '"' (a key), found '''"#, offset: 1),
    Case(#"{"a":[1 2]}"#, "expected ',' or ']', found '2'", offset: 8),
    Case(#"{"a":[1,]}"#, "expected a value, found ']'", offset: 8),
    Case(#"{"a":{"b" 1}}"#, "expected ':', found '1'", offset: 10),
    Case(#"{"a":{"b":1,}}"#, #"expected '"' (a key), found '}'"#, offset: 12),
    Case(#"{"a":}"#, "expected a value, found '}'", offset: 5),
    Case(#"{"a":'x'}"#, "expected a value, found '''", offset: 5),
    Case(#"{"a":NaN}"#, "expected a value, found 'N'", offset: 5),
    Case(#"{"a":Infinity}"#, "expected a value, found 'I'", offset: 5),
    Case(#"{"a":tru}"#, "expected a value, found 't'", offset: 5),
    Case(#"{"a":nul}"#, "expected a value, found 'n'", offset: 5),
    Case(#"{"a":True}"#, "expected a value, found 'T'", offset: 5),
    Case(#"{"a":1,"_pl":1}"#, #""_pl" must be an object, found a number"#, offset: 7),
    Case(#"{"_pl":[]}"#, #""_pl" must be an object, found an array"#, offset: 1),
    // Numbers.
    Case(#"{"a":01}"#, "a number must not start with 0", offset: 6),
    Case(#"{"a":-01}"#, "a number must not start with 0", offset: 7),
    Case(#"{"a":1.}"#, "expected a digit after '.', found '}'", offset: 7),
    Case(#"{"a":.5}"#, "expected a value, found '.'", offset: 5),
    Case(#"{"a":-}"#, "expected a digit, found '}'", offset: 6),
    Case(#"{"a":-x}"#, "expected a digit, found 'x'", offset: 6),
    Case(#"{"a":+1}"#, "expected a value, found '+'", offset: 5),
    Case(#"{"a":1e}"#, "expected a digit in the exponent, found '}'", offset: 7),
    Case(#"{"a":1e+}"#, "expected a digit in the exponent, found '}'", offset: 8),
    Case(#"{"a":1.5.2}"#, "expected ',' or '}', found '.'", offset: 8),
    Case(#"{"a":0x10}"#, "expected ',' or '}', found 'x'", offset: 6),
    // Escapes.
    Case(#"{"a":"\x"}"#, #"invalid escape '\x'"#, offset: 6),
    Case(#"{"a":"ok\'"}"#, #"invalid escape '\''"#, offset: 8),
    Case(#"{"a":"\u12G4"}"#, "invalid hex digit in \\u escape", offset: 10),
    Case(#"{"a":"\u"}"#, "invalid hex digit in \\u escape", offset: 8),
    Case("{\"a\":\"\\\u{01}\"}", "invalid escape '\\' followed by byte 0x1", offset: 6),
    Case(#"{"\q":1}"#, #"invalid escape '\q'"#, offset: 2),
    // Raw control characters and NUL in strings.
    Case("{\"a\":\"x\ty\"}", "control character U+0009 in a string (must be escaped)", offset: 7),
    Case("{\"a\":\"x\ny\"}", "control character U+000A in a string (must be escaped)", offset: 7),
    Case("{\"a\":\"\u{1F}\"}", "control character U+001F in a string (must be escaped)", offset: 6),
    Case("{\"a\":\"x\0\"}", "NUL byte in a string (must be escaped)", offset: 7),
    Case("{\"a\":\"\\n\0\"}", "NUL byte in a string (must be escaped)", offset: 8),
    Case("{\"k\0\":1}", "NUL byte in a string (must be escaped)", offset: 3),
    // Invalid UTF-8, in values, keys and strings with escapes.
    Case(bytes(#"{"a":""#, [0xC0, 0xAF], #""}"#), "invalid UTF-8", offset: 6),  // overlong '/'
    Case(bytes(#"{"a":"x"#, [0xE0, 0x80, 0xAF], #""}"#), "invalid UTF-8", offset: 7),  // overlong, 3 bytes
    Case(bytes(#"{"a":""#, [0xF0, 0x80, 0x80, 0xAF], #""}"#), "invalid UTF-8", offset: 6),  // overlong, 4 bytes
    Case(bytes(#"{"a":"ab"#, [0xE2, 0x82], #""}"#), "invalid UTF-8", offset: 8),  // truncated €
    Case(bytes(#"{"a":""#, [0xC3], #""}"#), "invalid UTF-8", offset: 6),  // truncated é
    Case(bytes(#"{"a":""#, [0xFF], #""}"#), "invalid UTF-8", offset: 6),
    Case(bytes(#"{"a":""#, [0xFE], #""}"#), "invalid UTF-8", offset: 6),
    Case(bytes(#"{"a":""#, [0x80], #""}"#), "invalid UTF-8", offset: 6),  // lone continuation byte
    Case(bytes(#"{"a":""#, [0xED, 0xA0, 0x80], #""}"#), "invalid UTF-8", offset: 6),  // encoded surrogate
    Case(bytes(#"{"a":""#, [0xF4, 0x90, 0x80, 0x80], #""}"#), "invalid UTF-8", offset: 6),  // past U+10FFFF
    Case(bytes(#"{"a":"Caf"#, [0xE9], #""}"#), "invalid UTF-8", offset: 9),  // Latin-1 é
    Case(bytes(#"{""#, [0xE9], #"":1}"#), "invalid UTF-8", offset: 2),
    Case(bytes(#"{"a":"\n"#, [0xFF], #""}"#), "invalid UTF-8"),
    Case(bytes(#"{"a":"#, [0xC3, 0xA9], "}"), "expected a value, found byte 0xC3", offset: 5),
    // Cut short: the text ends before the object does.
    Case("{", #"expected '"' (a key), found end of input"#, offset: 1, atEnd: true),
    Case(#"{"a"#, "unterminated string", offset: 3, atEnd: true),
    Case(#"{"a""#, "expected ':', found end of input", offset: 4, atEnd: true),
    Case(#"{"a":"#, "expected a value, found end of input", offset: 5, atEnd: true),
    Case(#"{"a":1"#, "expected ',' or '}', found end of input", offset: 6, atEnd: true),
    Case(#"{"a":1,"#, #"expected '"' (a key), found end of input"#, offset: 7, atEnd: true),
    Case(#"{"a":"abc"#, "unterminated string", offset: 9, atEnd: true),
    Case(#"{"a":"ab\"#, "unterminated string", offset: 9, atEnd: true),
    Case(#"{"a":"\n"#, "unterminated string", offset: 8, atEnd: true),
    Case(#"{"a":"\u12"#, "truncated \\u escape", offset: 10, atEnd: true),
    Case(#"{"a":[1,2"#, "expected ',' or ']', found end of input", offset: 9, atEnd: true),
    Case(#"{"a":{"b":{}"#, "expected ',' or '}', found end of input", offset: 12, atEnd: true),
    Case(#"{"a":-"#, "expected a digit, found end of input", offset: 6, atEnd: true),
    Case(#"{"a":1."#, "expected a digit after '.', found end of input", offset: 7, atEnd: true),
    Case(#"{"a":1e"#, "expected a digit in the exponent, found end of input", offset: 7, atEnd: true),
    Case(#"{"a":tr"#, "expected a value, found 't'", offset: 5, atEnd: true),
    Case(#"{"a":fals"#, "expected a value, found 'f'", offset: 5, atEnd: true),
    Case(#"{"a":n"#, "expected a value, found 'n'", offset: 5, atEnd: true),
  ])
  func rejects(_ c: Case) {
    let error = parseRecord(c.input).failure
    #expect(error?.message == c.message)
    if let offset = c.offset { #expect(error?.offset == offset) }
    #expect(error?.atEnd == c.atEnd)
    // The scanner never lets through what the parser rejects.
    #expect(scanCompact(c.input) == nil)
  }

  /// An error offset always lies inside the text or just past its end.
  @Test func offsetsAreInRange() {
    var rng = SplitMix64(seed: 7)
    let pieces = ["{", "}", "[", "]", "\"", ":", ",", "1", "-", ".", "e", "\\", "u", "d8", "00", "a", " ", "tr", "\u{FF}"]
    for _ in 0..<2000 {
      var text = "{"
      for _ in 0..<Int.random(in: 0..<12, using: &rng) { text += pieces.randomElement(using: &rng)! }
      let input = Array(text.utf8)
      if let error = parseRecord(input).failure {
        #expect((0...input.count).contains(error.offset), "offset \(error.offset) for \(text.debugDescription)")
      }
    }
  }
}
