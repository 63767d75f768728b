import PLCore
import Testing

/// `JSONScanner.scanCompact` decides which NDJSON lines are copied without parsing; it must
/// never let through a line the parser would reject or change.
@Suite struct JSONScannerTests {
  /// Compact lines in the writer's own form: the scanner accepts them, and parsing and
  /// writing them gives the same bytes back.
  @Test(arguments: [
    "{}",
    #"{"a":1}"#,
    #"{"b":1,"a":12.30}"#,
    #"{"n":-0,"m":1E+2,"o":0.0,"p":123456789012345678901234567890,"q":-1.5e-7,"r":0}"#,
    #"{"t":true,"f":false,"z":null}"#,
    #"{"a":[],"b":{},"c":[[],[{}]],"d":{"e":{"f":[1,"2",null]}}}"#,
    #"{"s":"a\"b\\c\n\r\t\b\f\u0000\u001f"}"#,
    #"{"é":"µg/100 g °C","k":"😀中"}"#,
    #"{"s":"a/b","x":"12345678901234567890abcdefghijklmnop"}"#,
    #"{"a":1,"a":2}"#,
    #"{"a":{"_pl":1}}"#,
    #"{"":""}"#,
    #"{"a":{"k\"\n":1,"\\":[{"\t":2}]}}"#,
  ])
  func canonicalLinesAreAcceptedAndRoundTrip(line: String) throws {
    let compact = try #require(scanCompact(Array(line.utf8)))
    #expect(compact.metaMember == nil)
    #expect(JSONWriter.string(try JSONParser.parseRecord(line)) == line)
  }

  /// Strings are scanned eight bytes at a time up to the first quote, backslash or control
  /// byte: wherever such a byte (or a UTF-8 sequence, valid or not) falls in a word, the
  /// scanner accepts exactly the lines the parser reads and the writer writes back the same.
  @Test func specialBytesAnywhereInAWord() throws {
    let specials: [[UInt8]] = [
      Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\n"#.utf8), Array(#"\u0001"#.utf8), Array(#"\/"#.utf8),
      [0x01], [0x1F], Array("é".utf8), Array("😀".utf8), [0xFF], [0xC3], [0xED, 0xA0, 0x80],
    ]
    for special in specials {
      for before in 0..<17 {
        for after in [0, 1, 7, 8, 9] {
          let line = Array(#"{"k":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: before) + special
            + Array(repeating: UInt8(ascii: "b"), count: after) + Array(#"","m":"x"}"#.utf8)
          let accepted = scanCompact(line) != nil
          let roundTrips = line.withUnsafeBufferPointer { buffer in
            (try? JSONParser.parseRecord(buffer)).map { JSONWriter.string($0) == String(decoding: line, as: UTF8.self) } ?? false
          }
          #expect(accepted == roundTrips, "\(special) after \(before) bytes")
        }
      }
    }
  }

  /// Valid compact lines in another spelling are left to the parser, so that the fast path
  /// and the parsed path write the same bytes. Bug: `\/` was copied as it came on the fast
  /// path and written as `/` on the parsed one.
  @Test(arguments: [
    #"{"s":"a\/b"}"#,
    #"{"s":"\u00e9\u4E2D\u0041"}"#,
    #"{"s":"\u001F"}"#,
    #"{"s":"\u007f"}"#,
    #"{"s":"\u000a"}"#,
    #"{"s":"\u0009"}"#,
  ])
  func otherSpellingsAreLeftToTheParser(line: String) throws {
    #expect(scanCompact(Array(line.utf8)) == nil)
    let record = try JSONParser.parseRecord(line)
    let written = JSONWriter.string(record)
    #expect(written != line)
    #expect(scanCompact(Array(written.utf8)) != nil)
  }

  /// Lines with `_pl` last: the scanner finds the member.
  @Test(arguments: [
    (#"{"a":1,"_pl":{"source":"x"}}"#, #""_pl":{"source":"x"}"#),
    (#"{"_pl":{"a":{"b":[1,"}"]}}}"#, #""_pl":{"a":{"b":[1,"}"]}}"#),
    (#"{"a":"_pl","b":{"_pl":2},"_pl":{"line":3}}"#, #""_pl":{"line":3}"#),
  ])
  func metaMemberIsFound(line: String, member: String) throws {
    let bytes = Array(line.utf8)
    let compact = try #require(scanCompact(bytes))
    let range = try #require(compact.metaMember)
    #expect(String(decoding: bytes[range], as: UTF8.self) == member)
    let record = try JSONParser.parseRecord(line)
    #expect(!record.meta.isEmpty || member.hasSuffix("{}"))
  }

  /// Lines the scanner leaves to the parser: whitespace, `_pl` it cannot copy, lone
  /// surrogates, and everything invalid.
  @Test(arguments: [
    // Valid, but not compact.
    #"{ "a":1}"#, #"{"a": 1}"#, #"{"a":1 }"#, #" {"a":1}"#, #"{"a":1} "#, "{\"a\":1}\t", "{\"a\":1}\r",
    #"{"a":[1, 2]}"#, "{\n}", #"{ }"#,
    // `_pl` that is not a single object member, or is spelled with escapes.
    #"{"_pl":1}"#, #"{"_pl":{},"_pl":{}}"#, #"{"_pl":[]}"#, #"{"_pl":null}"#, #"{"\u005fpl":{}}"#,
    #"{"a":1,"\u005fpl":5}"#, #"{"a\nb":1}"#, #"{"\"":1}"#,
    // An empty `_pl`, which the writer leaves out.
    #"{"_pl":{}}"#, #"{"a":1,"_pl":{}}"#,
    // `_pl` before other members. Bug: it passed through first on the fast path.
    #"{"_pl":{},"a":1}"#, #"{"a":"_pl","b":{"_pl":2},"_pl":{"line":3},"c":null}"#,
    // Lone or paired surrogate escapes: the parser changes them.
    #"{"s":"\ud800"}"#, #"{"s":"\ud83d\ude00"}"#, #"{"s":"\udc00"}"#,
    // Not objects.
    "", "[]", "1", "null", #""x""#, "{",
    // Invalid.
    #"{"a":1,}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":-}"#, #"{"a":1e}"#, #"{"a":+1}"#,
    #"{"a":tru}"#, #"{"a":nulll}"#, #"{"a":"\x"}"#, #"{"a":"\u12G4"}"#, #"{"a":"abc}"#, #"{"a":1}}"#,
    #"{"a":1}x"#, #"{"a"1}"#, #"{a:1}"#, #"{"a":[1,]}"#, #"{"a":[,1]}"#, #"{"a":{"b"}}"#, "{\"a\":\"\t\"}",
    "{\"a\":\"\0\"}", #"{"a":1"#, #"{"a":"\u"}"#, #"{"a":"\"#,
  ])
  func leftToTheParser(line: String) {
    #expect(scanCompact(Array(line.utf8)) == nil)
  }

  @Test(arguments: [
    [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xE2, 0x82], [0xFF], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
    [0xE9], [0xF0, 0x9F, 0x98],
  ] as [[UInt8]])
  func invalidUTF8IsLeftToTheParser(sequence: [UInt8]) {
    // In a short string, a long one (the eight-byte path), and a key.
    for line in [
      bytes(#"{"a":""#, sequence, #""}"#),
      bytes(#"{"a":"0123456789abcdef"#, sequence, #"0123456789abcdef"}"#),
      bytes("{\"", sequence, #"":1}"#),
    ] {
      #expect(scanCompact(line) == nil)
      #expect(parseRecord(line).failure?.message == "invalid UTF-8")
    }
  }

  @Test func nonASCIIInLongStringsIsAccepted() throws {
    let line = #"{"a":"0123456789abcdef°0123456789abcdef😀01234567","b":"µµµµµµµµ"}"#
    #expect(scanCompact(Array(line.utf8)) != nil)
    #expect(JSONWriter.string(try JSONParser.parseRecord(line)) == line)
  }

  /// Random JSON texts and random damage to them: whatever the scanner accepts, the parser
  /// accepts, and reads as a record that writing and reading again does not change. Texts
  /// generated in the writer's form (top-level keys without escapes) are accepted and,
  /// without `_pl`, come back byte for byte.
  @Test(arguments: [1, 2, 3, 4])
  func scannerAgreesWithParser(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    var generator = JSONTextGenerator()
    var accepted = 0
    var mutantsAccepted = 0
    for _ in 0..<1500 {
      let (text, canonical) = generator.record(using: &rng)
      let line = Array(text.utf8)
      let scan = scanCompact(line)
      let parsed = parseRecord(line)
      #expect(parsed.success != nil, "generated text does not parse: \(text)")
      if canonical {
        #expect(scan != nil, "scanner rejects a compact line: \(text)")
      }
      // The fast path's promise: a line the scanner accepts is exactly what the writer writes.
      if let record = parsed.success, scan != nil {
        #expect(JSONWriter.string(record) == text)
      }
      if scan != nil { accepted += 1 }
      for mutant in mutations(of: line, using: &rng) {
        guard scanCompact(mutant) != nil else { continue }
        mutantsAccepted += 1
        let result = parseRecord(mutant)
        #expect(result.success != nil, "scanner accepts what the parser rejects: \(String(decoding: mutant, as: UTF8.self).debugDescription): \(result.failure?.message ?? "")")
        if let record = result.success {
          #expect(JSONWriter.string(record) == String(decoding: mutant, as: UTF8.self))
        }
      }
    }
    // The generator must exercise both sides.
    #expect(accepted > 300)
    #expect(mutantsAccepted > 50)
  }

  func mutations(of line: [UInt8], using rng: inout SplitMix64) -> [[UInt8]] {
    let interesting: [UInt8] = Array(#"{}[]":,\-+.eE0123456789 tnfu"#.utf8) + [0x00, 0x09, 0x0A, 0x80, 0xC3, 0xA9, 0xED, 0xFF]
    var out: [[UInt8]] = []
    for _ in 0..<4 {
      var m = line
      let i = Int.random(in: 0..<m.count, using: &rng)
      switch Int.random(in: 0..<5, using: &rng) {
      case 0: m[i] = interesting.randomElement(using: &rng)!
      case 1: m.insert(interesting.randomElement(using: &rng)!, at: i)
      case 2: m.remove(at: i)
      case 3: m = Array(m[0..<i])
      default:
        let j = Int.random(in: 0..<m.count, using: &rng)
        m.swapAt(i, j)
      }
      out.append(m)
    }
    return out
  }
}

/// Generates random JSON records as text: mostly in the writer's compact form, sometimes
/// with an escape spelled another way (valid, but not byte-identical after a round trip).
struct JSONTextGenerator {
  var canonical = true

  mutating func record(using rng: inout SplitMix64) -> (String, Bool) {
    canonical = true
    var text = "{"
    let n = Int.random(in: 0..<5, using: &rng)
    var keys: [String] = []
    for i in 0..<n {
      if i > 0 { text += "," }
      var key = string(using: &rng)
      if Int.random(in: 0..<12, using: &rng) == 0 { key = #""_pl""# }
      keys.append(key)
      text += key + ":"
      let value = key == #""_pl""# ? object(depth: 1, using: &rng) : value(depth: 1, using: &rng)
      // An empty `_pl` is left out by the writer.
      if key == #""_pl""# && value == "{}" { canonical = false }
      text += value
    }
    text += "}"
    // Two top-level `_pl` members are for the parser (last wins), not for the scanner; so is
    // a top-level key with escapes, which might spell `_pl`.
    if keys.filter({ $0 == #""_pl""# }).count > 1 || keys.contains(where: { $0.contains("\\") }) { canonical = false }
    // `_pl` is written last: anywhere else the parser puts it in order.
    if let meta = keys.firstIndex(of: #""_pl""#), meta != keys.count - 1 { canonical = false }
    return (text, canonical)
  }

  mutating func value(depth: Int, using rng: inout SplitMix64) -> String {
    let choice = Int.random(in: 0..<(depth > 4 ? 6 : 8), using: &rng)
    switch choice {
    case 0: return "null"
    case 1: return Bool.random(using: &rng) ? "true" : "false"
    case 2, 3: return number(using: &rng)
    case 4, 5: return string(using: &rng)
    case 6: return object(depth: depth + 1, using: &rng)
    default:
      let items = (0..<Int.random(in: 0..<4, using: &rng)).map { _ in value(depth: depth + 1, using: &rng) }
      return "[" + items.joined(separator: ",") + "]"
    }
  }

  mutating func object(depth: Int, using rng: inout SplitMix64) -> String {
    let members = (0..<Int.random(in: 0..<4, using: &rng)).map { _ in
      string(using: &rng) + ":" + value(depth: depth + 1, using: &rng)
    }
    return "{" + members.joined(separator: ",") + "}"
  }

  func number(using rng: inout SplitMix64) -> String {
    var s = Bool.random(using: &rng) ? "-" : ""
    s += Int.random(in: 0..<4, using: &rng) == 0 ? "0" : String(Int.random(in: 1...Int(Int32.max), using: &rng))
    if Bool.random(using: &rng) { s += "." + String(Int.random(in: 0..<1000, using: &rng)) }
    if Int.random(in: 0..<3, using: &rng) == 0 {
      s += ["e", "E"].randomElement(using: &rng)! + ["", "+", "-"].randomElement(using: &rng)! + String(Int.random(in: 0..<400, using: &rng))
    }
    return s
  }

  mutating func string(using rng: inout SplitMix64) -> String {
    let pieces = [
      "a", "b", "Z", "0", " ", "é", "µ", "°", "中", "😀", "_pl", "/", "}", "]", ",", ":",
      #"\""#, #"\\"#, #"\n"#, #"\t"#, #"\r"#, #"\b"#, #"\f"#, #"\u0000"#, #"\u001f"#, "\u{7F}",
    ]
    let odd = [#"\/"#, #"\u00e9"#, #"\u0041"#, #"\u001F"#]
    var s = "\""
    for _ in 0..<Int.random(in: 0..<12, using: &rng) {
      if Int.random(in: 0..<40, using: &rng) == 0 {
        s += odd.randomElement(using: &rng)!
        canonical = false
      } else {
        s += pieces.randomElement(using: &rng)!
      }
    }
    return s + "\""
  }
}
