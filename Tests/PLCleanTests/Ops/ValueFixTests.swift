import PLClean
import PLCore
import Testing

@Suite struct NullSentinelsTests {
  @Test(arguments: ["-9999", "----", "NaN", "nan", "BAD", "#N/A", "n/a", "N/A", " n/a ", "\u{00A0}NaN"])
  func sentinelStringsBecomeNull(text: String) throws {
    let counters = CleanCounters()
    let result = try run(NullSentinels(counters: counters), [Record([("x", .string(text)), ("y", .string("keep"))])])
    #expect(result.output == [Record([("x", .null), ("y", .string("keep"))], meta: [Field("raw", .object([Field("x", .string(text))]))])])
    #expect(counters["sentinel_to_null"] == 1)
  }

  @Test func sentinelNumbersMatchOnTheirText() throws {
    let result = try run(NullSentinels(), [try rec(#"{"a":-9999,"b":-9999.0,"c":-999.5}"#)])
    #expect(lines(result.output) == [#"{"a":null,"b":-9999.0,"c":-999.5,"_pl":{"raw":{"a":-9999}}}"#])
  }

  @Test(arguments: ["bad value", "NA1", "-99990", "0", "", "Nan."])
  func otherValuesPass(text: String) throws {
    let result = try run(NullSentinels(), [Record([("x", .string(text))])])
    #expect(result.passed == 1)
  }

  @Test func caseCanMatter() throws {
    let op = NullSentinels(.init(sentinels: ["BAD"], ignoreCase: false))
    let result = try run(op, [Record([("x", .string("bad"))]), Record([("x", .string("BAD"))])])
    #expect(result.output.map { $0["x"] } == [.string("bad"), .null])
  }

  @Test func onlyNamedFieldsAndNoRawWhenAsked() throws {
    let op = NullSentinels(.init(fields: .named(["b"]), keepRaw: false))
    let result = try run(op, [try rec(#"{"a":"NaN","b":"NaN"}"#)])
    #expect(lines(result.output) == [#"{"a":"NaN","b":null}"#])
  }

  @Test func anEarlierRawIsKept() throws {
    let result = try run(NullSentinels(), [try rec(#"{"a":"n/a","_pl":{"raw":{"a":" n/a"}}}"#)])
    #expect(lines(result.output) == [#"{"a":null,"_pl":{"raw":{"a":" n/a"}}}"#])
  }
}

@Suite struct NormalizeWhitespaceTests {
  @Test(arguments: [
    ("  x ", "x"), ("a  b", "a b"), ("a\tb\n c", "a b c"), ("a\u{00A0}b", "a b"), ("\u{00A0}12,5\u{202F}", "12,5"),
    ("Fat,\u{2009} total", "Fat, total"), ("\u{FEFF}name", "name"), ("   ", ""),
  ])
  func normalises(input: String, expected: String) throws {
    let counters = CleanCounters()
    let result = try run(NormalizeWhitespace(counters: counters), [Record([("k", .string(input))])])
    #expect(result.output == [Record([("k", .string(expected))], meta: [Field("raw", .object([Field("k", .string(input))]))])])
    #expect(counters["whitespace_normalised"] == 1)
  }

  @Test(arguments: ["x", "a b", "", "äöü ß", "12.5 mg/100 g", "日本 語"])
  func cleanValuesPassUntouched(input: String) throws {
    let counters = CleanCounters()
    let result = try run(NormalizeWhitespace(counters: counters), [Record([("k", .string(input)), ("n", .number("1"))])])
    #expect(result.passed == 1)
    #expect(counters.counts.isEmpty)
  }

  @Test func withoutCollapsingOnlyTrimsAndReplaces() throws {
    let op = NormalizeWhitespace(.init(collapse: false, keepRaw: false))
    let result = try run(op, [Record([("k", .string(" a\u{00A0}\u{00A0}b  "))]), Record([("k", .string("a  b"))])])
    #expect(result.output.map { $0["k"] } == [.string("a  b"), .string("a  b")])
    #expect(result.passed == 1)
  }

  @Test func onlyNamedFields() throws {
    let result = try run(NormalizeWhitespace(.init(fields: .named(["b"]))), [try rec(#"{"a":" x ","b":" y "}"#)])
    #expect(lines(result.output) == [#"{"a":" x ","b":"y","_pl":{"raw":{"b":" y "}}}"#])
  }
}

@Suite struct EmptyToNullTests {
  @Test func emptyAndBlankBecomeNull() throws {
    let counters = CleanCounters()
    let result = try run(EmptyToNull(counters: counters), [try rec(#"{"a":"","b":"  ","c":"x","d":0,"e":null}"#)])
    #expect(lines(result.output) == [#"{"a":null,"b":null,"c":"x","d":0,"e":null,"_pl":{"raw":{"a":"","b":"  "}}}"#])
    #expect(counters["empty_to_null"] == 2)
  }

  @Test func blankCanStay() throws {
    let result = try run(EmptyToNull(.init(blankIsEmpty: false, keepRaw: false)), [try rec(#"{"a":"","b":" "}"#)])
    #expect(lines(result.output) == [#"{"a":null,"b":" "}"#])
  }

  @Test func recordsWithoutEmptiesPass() throws {
    let result = try run(EmptyToNull(), [try rec(#"{"a":"x"}"#), try rec(#"{"b":1}"#)])
    #expect(result.passed == 2)
  }
}

@Suite struct ForwardFillTests {
  @Test func carriesValuesDownInOrder() throws {
    let counters = CleanCounters()
    let input = try [
      rec(#"{"lot":"L1","x":1}"#), rec(#"{"lot":"","x":2}"#), rec(#"{"lot":null,"x":3}"#), rec(#"{"x":4}"#),
      rec(#"{"lot":"L2","x":5}"#), rec(#"{"lot":" ","x":6}"#),
    ]
    let result = try run(ForwardFill(.init(fields: ["lot"]), counters: counters), input)
    #expect(lines(result.output) == [
      #"{"lot":"L1","x":1}"#,
      #"{"lot":"L1","x":2,"_pl":{"raw":{"lot":""}}}"#,
      #"{"lot":"L1","x":3,"_pl":{"raw":{"lot":null}}}"#,
      #"{"x":4,"lot":"L1","_pl":{"raw":{"lot":null}}}"#,
      #"{"lot":"L2","x":5}"#,
      #"{"lot":"L2","x":6,"_pl":{"raw":{"lot":" "}}}"#,
    ])
    #expect(counters["forward_filled"] == 4)
  }

  @Test func valuesStayWithinTheirKey() throws {
    let input = try [
      rec(#"{"run":1,"lot":"A"}"#), rec(#"{"run":2,"lot":"B"}"#), rec(#"{"run":1,"lot":null}"#),
      rec(#"{"run":3,"lot":null}"#), rec(#"{"run":2,"lot":null}"#),
    ]
    let result = try run(ForwardFill(.init(fields: ["lot"], key: ["run"], keepRaw: false)), input)
    #expect(result.output.map { $0["lot"] } == [.string("A"), .string("B"), .string("A"), .null, .string("B")])
  }

  @Test func severalFieldsAndNumbers() throws {
    let input = try [rec(#"{"a":1,"b":"x"}"#), rec(#"{"a":null,"b":"y"}"#), rec(#"{"a":2,"b":null}"#)]
    let result = try run(ForwardFill(.init(fields: ["a", "b"], keepRaw: false)), input)
    #expect(lines(result.output) == [#"{"a":1,"b":"x"}"#, #"{"a":1,"b":"y"}"#, #"{"a":2,"b":"y"}"#])
  }

  @Test func blankCanCountAsAValue() throws {
    let input = try [rec(#"{"a":"x"}"#), rec(#"{"a":" "}"#), rec(#"{"a":""}"#)]
    let result = try run(ForwardFill(.init(fields: ["a"], blankIsEmpty: false, keepRaw: false)), input)
    #expect(result.output.map { $0["a"] } == [.string("x"), .string(" "), .string(" ")])
  }
}
