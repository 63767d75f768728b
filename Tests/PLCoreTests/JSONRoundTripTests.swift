import PLCore
import Testing

/// Parse a line, write it back: key order, number text and every string survive.
@Suite struct JSONRoundTripTests {
  /// Lines the writer gives back byte for byte.
  @Test(arguments: [
    #"{"b":1,"a":12.30}"#,
    #"{"z":1,"y":2,"x":3,"w":4,"v":5,"u":6,"t":7,"s":8,"r":9}"#,
    #"{"n":-0}"#,
    #"{"n":1E+2}"#,
    #"{"n":1e-2}"#,
    #"{"n":0.0}"#,
    #"{"n":-0.000}"#,
    #"{"n":123456789012345678901234567890}"#,
    #"{"n":-1.5E-300}"#,
    #"{"n":1e999}"#,
    #"{"n":12.300000000000000000001}"#,
    #"{}"#,
    #"{"t":true,"f":false,"z":null}"#,
    #"{"a":[1,[2,{"b":null}],{}],"c":{"d":[],"e":{"f":{"g":"h"}}}}"#,
    #"{"a":1,"a":2}"#,
    #"{"":""}"#,
    #"{"s":"a\"b\\c"}"#,
    #"{"s":"\b\f\n\r\t"}"#,
    #"{"s":"\u0000\u0001\u001f\u000b"}"#,
    #"{"url":"http://example.org/a/b"}"#,
    #"{"é":"µg/100 g at 4 °C","中文":"日本語","emoji":"😀"}"#,
    "{\"del\":\"\u{7F}\"}",
    "{\"s\":\"\u{2028}\u{2029}\u{FEFF}\"}",
    #"{"a":{"_pl":{"nested":"is user data"}}}"#,
    #"{"a":1,"_pl":{"source":"x.csv","line":2}}"#,
  ])
  func canonicalLinesComeBackUnchanged(line: String) throws {
    let record = try JSONParser.parseRecord(line)
    #expect(JSONWriter.string(record) == line)
  }

  /// Lines the writer normalises: whitespace goes, escapes take their one canonical form.
  @Test(arguments: [
    (#"{ "a" : 1 , "b" : [ 1 , 2 ] }"#, #"{"a":1,"b":[1,2]}"#),
    ("\t{\"a\":1}\r\n ", #"{"a":1}"#),
    (#"{"s":"a\/b"}"#, #"{"s":"a/b"}"#),
    (#"{"s":"\u0041\u00e9\u4E2D"}"#, #"{"s":"Aé中"}"#),
    (#"{"s":"\u001F\u000A\u0009\u0022\u005c"}"#, #"{"s":"\u001f\n\t\"\\"}"#),
    (#"{"s":"\u007f"}"#, "{\"s\":\"\u{7F}\"}"),
    // Surrogate pairs become the real character, in either case of hex digit.
    (#"{"s":"\ud83d\ude00"}"#, #"{"s":"😀"}"#),
    (#"{"s":"\uD83D\uDE00x"}"#, #"{"s":"😀x"}"#),
    (#"{"s":"\ud800\udc00"}"#, "{\"s\":\"\u{10000}\"}"),
    (#"{"s":"\udbff\udfff"}"#, "{\"s\":\"\u{10FFFF}\"}"),
    // Lone surrogates become U+FFFD, as jq does; what follows them is kept.
    (#"{"s":"\ud800"}"#, #"{"s":"�"}"#),
    (#"{"s":"\udc00"}"#, #"{"s":"�"}"#),
    (#"{"s":"x\ud800y"}"#, #"{"s":"x�y"}"#),
    (#"{"s":"\ud800\u0041"}"#, #"{"s":"�A"}"#),
    (#"{"s":"\ud800\ud800\udc00"}"#, "{\"s\":\"�\u{10000}\"}"),
    (#"{"s":"\ude00\ud83d"}"#, #"{"s":"��"}"#),
    (#"{"s":"\ud800\n"}"#, #"{"s":"�\n"}"#),
    // `_pl` is split off into the metadata and written last.
    (#"{"_pl":{"source":"a.csv","line":3},"a":1,"b":2}"#, #"{"a":1,"b":2,"_pl":{"source":"a.csv","line":3}}"#),
    (#"{"a":1,"_pl":{"x":[1,2]},"b":"2"}"#, #"{"a":1,"b":"2","_pl":{"x":[1,2]}}"#),
    (#"{"_pl":{}}"#, #"{}"#),
    (#"{"a":1,"_pl":{}}"#, #"{"a":1}"#),
  ])
  func linesAreNormalised(input: String, expected: String) throws {
    let record = try JSONParser.parseRecord(input)
    #expect(JSONWriter.string(record) == expected)
    // The normal form is a fixed point.
    #expect(JSONWriter.string(try JSONParser.parseRecord(expected)) == expected)
  }

  @Test func numbersKeepTheirText() throws {
    let record = try JSONParser.parseRecord(#"{"a":12.30,"b":-0,"c":1E+2,"d":0.0,"e":123456789012345678901234567890}"#)
    #expect(record.fields.map(\.value) == [
      .number("12.30"), .number("-0"), .number("1E+2"), .number("0.0"), .number("123456789012345678901234567890"),
    ])
  }

  @Test func keysKeepTheirOrder() throws {
    let record = try JSONParser.parseRecord(#"{"b":1,"a":2,"c":{"z":1,"y":2}}"#)
    #expect(record.fields.map(\.key) == ["b", "a", "c"])
    #expect(record["c"]?.objectValue?.map(\.key) == ["z", "y"])
  }

  @Test func metaIsSplitOffAndWrittenLast() throws {
    let record = try JSONParser.parseRecord(#"{"_pl":{"source":"s.csv","line":7},"x":"1"}"#)
    #expect(record.fields == [Field("x", .string("1"))])
    #expect(record.meta == [Field("source", .string("s.csv")), Field("line", .number("7"))])
    #expect(JSONWriter.string(record) == #"{"x":"1","_pl":{"source":"s.csv","line":7}}"#)
    #expect(JSONWriter.string(record, includeMeta: false) == #"{"x":"1"}"#)
  }

  /// A bug: a key spelled with escapes (`"\u005fpl"`) is still `_pl`; kept as a user field,
  /// it was written back as `"_pl"` and changed meaning (or broke) on the next read.
  @Test(arguments: [
    (#"{"\u005fpl":{"source":"x"},"a":1}"#, #"{"a":1,"_pl":{"source":"x"}}"#),
    (#"{"a":1,"\u005f\u0070\u006c":{}}"#, #"{"a":1}"#),
  ])
  func escapedMetaKeyIsMeta(input: String, expected: String) throws {
    let record = try JSONParser.parseRecord(input)
    #expect(record.fields.allSatisfy { $0.key != Record.metaKey })
    #expect(JSONWriter.string(record) == expected)
  }

  @Test func escapedMetaKeyMustStillBeAnObject() {
    #expect(parseRecord(#"{"\u005fpl":5}"#).failure?.message == #""_pl" must be an object, found a number"#)
  }

  @Test func writeLineEndsWithNewlineAndLeavesMetaOutOnRequest() {
    let out = ByteBuffer(capacity: 16)
    let record = Record([("a", .string("x")), ("n", .integer(-42))], meta: [Field("line", .integer(1))])
    JSONWriter.writeLine(record, to: out)
    JSONWriter.writeLine(record, includeMeta: false, to: out)
    JSONWriter.writeLine(Record(meta: [Field("line", .integer(2))]), to: out)
    JSONWriter.writeLine(Record(), to: out)
    #expect(String(decoding: out.bytes, as: UTF8.self) == """
      {"a":"x","n":-42,"_pl":{"line":1}}
      {"a":"x","n":-42}
      {"_pl":{"line":2}}
      {}

      """)
  }

  /// Every control character, at every position relative to the writer's eight-byte words.
  @Test(arguments: Array(0..<0x20) + [0x22, 0x5C])
  func escapedCharactersSurviveAtEveryOffset(byte: Int) throws {
    let c = Character(Unicode.Scalar(UInt8(byte)))
    for prefix in 0..<17 {
      let text = String(repeating: "a", count: prefix) + String(c) + String(repeating: "é", count: prefix % 5)
      let written = JSONWriter.string(.string(text))
      #expect(!written.utf8.dropFirst().dropLast().contains { $0 < 0x20 }, "raw control byte in \(written)")
      #expect(try parseValue(written).get() == .string(text))
    }
  }

  @Test(arguments: [
    ("\u{01}", #""\u0001""#), ("\u{1F}", #""\u001f""#), ("\u{0B}", #""\u000b""#), ("\0", #""\u0000""#),
    ("\n", #""\n""#), ("\r", #""\r""#), ("\t", #""\t""#), ("\u{08}", #""\b""#), ("\u{0C}", #""\f""#),
    ("\"", #""\"""#), ("\\", #""\\""#), ("/", #""/""#), ("é", #""é""#), ("\u{7F}", "\"\u{7F}\""),
  ])
  func stringsAreEscapedMinimally(text: String, json: String) {
    #expect(JSONWriter.string(.string(text)) == json)
  }

  /// Random strings of every plane survive writing and parsing.
  @Test func randomStringsSurvive() throws {
    var rng = SplitMix64(seed: 0x5EED)
    let alphabet: [Unicode.Scalar] =
      (0..<0x80).compactMap(Unicode.Scalar.init) + ["é", "µ", "°", "中", "\u{FFFD}", "\u{FEFF}", "😀", "\u{10FFFF}"]
    for _ in 0..<500 {
      var text = ""
      for _ in 0..<Int.random(in: 0..<40, using: &rng) { text.unicodeScalars.append(alphabet.randomElement(using: &rng)!) }
      let record = Record([(text, .string(text))])
      let line = JSONWriter.string(record)
      #expect(try JSONParser.parseRecord(line) == record)
    }
  }

  @Test func nestingUpToTheLimitParses() throws {
    // The record object is level 1, so 511 arrays inside it reach the limit.
    let depth = JSONParser.maxDepth - 1
    let line = #"{"a":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
    let record = try JSONParser.parseRecord(line)
    #expect(JSONWriter.string(record) == line)
    #expect(scanCompact(Array(line.utf8)) != nil)
  }

  @Test(arguments: [JSONParser.maxDepth, JSONParser.maxDepth + 1, 100_000])
  func nestingBeyondTheLimitIsAnError(depth: Int) {
    for (open, close) in [("[", "]"), (#"{"k":"#, "}")] {
      let line = #"{"a":"# + String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth) + "}"
      let error = parseRecord(line).failure
      #expect(error?.message == "nested deeper than \(JSONParser.maxDepth) levels")
      #expect(error?.atEnd == false)
      #expect(scanCompact(Array(line.utf8)) == nil)
    }
  }

  @Test func deepNonObjectIsAnErrorNotACrash() {
    let text = String(repeating: "[", count: 100_000)
    #expect(parseRecord(text).failure?.message == "nested deeper than \(JSONParser.maxDepth) levels")
    #expect(parseValue(text).failure != nil)
  }

  @Test(arguments: [
    ("1", JSONValue.number("1")), ("-0.5e+3", .number("-0.5e+3")), ("\"x\"", .string("x")), ("null", .null),
    (" true ", .bool(true)), ("[false,{}]", .array([.bool(false), .object([])])),
    (#"{"_pl":1}"#, .object([Field("_pl", .number("1"))])),
  ])
  func parseValueReadsAnyValue(text: String, value: JSONValue) throws {
    #expect(try parseValue(text).get() == value)
  }
}

/// A small, seeded generator (SplitMix64) so random tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
