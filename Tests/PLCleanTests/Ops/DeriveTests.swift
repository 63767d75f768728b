import PLClean
import PLCore
import Testing

@Suite struct ExpressionTests {
  func value(_ text: String, _ json: String = "{}") throws -> JSONValue {
    var problems: [ExpressionProblem] = []
    return try Expression(parsing: text).evaluate(try rec(json), problems: &problems)
  }

  func problems(_ text: String, _ json: String) throws -> [String] {
    var problems: [ExpressionProblem] = []
    _ = try Expression(parsing: text).evaluate(try rec(json), problems: &problems)
    return problems.map(\.code)
  }

  @Test(arguments: [
    ("100 - 13.87 - 2.1", "84.03"),
    ("1 + 2 * 3", "7"),
    ("(1 + 2) * 3", "9"),
    ("-2 * -3", "6"),
    ("- (1 - 3)", "2"),
    ("2.0 * 6.25", "12.5"),
    ("0.1 + 0.2", "0.3"),
    ("1 / 3", "0.3333333333333333"),
    ("10 / 4", "2.5"),
    ("6 / 3", "2"),
    ("1e3 + 1", "1001"),
    ("round(1.005, 2)", "1.01"),
    ("round(-2.5)", "-3"),
    ("round(2 / 3, 3)", "0.667"),
    ("round(12.3456, 0)", "12"),
    ("min(3, 1.5, 2)", "1.5"),
    ("max(3, 1.5, 2)", "3"),
    ("abs(-4.20)", "4.2"),
    ("abs(3)", "3"),
    ("999999999999999999 * 10", "1e+19"),
    ("0.000001 * 0.00001", "0.00000000001"),
  ])
  func arithmetic(text: String, expected: String) throws {
    #expect(try value(text) == .number(expected))
  }

  @Test func fieldsOfEveryKind() throws {
    let record = #"{"protein":13.87,"fat":"2.1","Protein (%)":5,"a`b":1,"_pl":{"meta":{"instrument":"ICP-7"},"line":4}}"#
    #expect(try value("100 - protein - fat", record) == .number("84.03"))
    #expect(try value(#""Protein (%)" * 2"#, record) == .number("10"))
    #expect(try value("`a``b` + 1", record) == .number("2"))
    #expect(try value("_pl.meta.instrument", record) == .string("ICP-7"))
    #expect(try value("_pl.line * 2", record) == .number("8"))
    #expect(try value("concat(_pl.meta.instrument, '/', protein, 'it''s')", record) == .string("ICP-7/13.87it's"))
  }

  @Test func missingAndNullGiveNull() throws {
    #expect(try value("a + 1", #"{"a":null}"#) == .null)
    #expect(try value("a + 1", #"{}"#) == .null)
    #expect(try value("concat(a, 'x')", #"{}"#) == .null)
    #expect(try value("min(a, 1)", #"{}"#) == .null)
    #expect(try problems("a + b", #"{"b":null}"#) == ["missing-input", "missing-input"])
    #expect(try value("_pl.meta.nothing", #"{}"#) == .null)
  }

  @Test func coalesceTakesTheFirstValue() throws {
    #expect(try value("coalesce(a, b, 0)", #"{"b":2}"#) == .number("2"))
    #expect(try value("coalesce(a, b, 0)", #"{}"#) == .number("0"))
    #expect(try problems("coalesce(a, b, 0)", #"{}"#).isEmpty)
    #expect(try value("coalesce(a, b)", #"{}"#) == .null)
    #expect(try value("coalesce(a, 'none')", #"{"a":"x"}"#) == .string("x"))
  }

  @Test func textThatIsNotANumberIsNeverSilent() throws {
    #expect(try value("a * 2", #"{"a":"12,5"}"#) == .null)
    #expect(try problems("a * 2", #"{"a":"12,5"}"#) == ["not-a-number"])
    #expect(try problems("a * 2", #"{"a":true}"#) == ["not-a-number"])
    #expect(try problems("'x' + 1", #"{}"#) == ["not-a-number"])
    #expect(try problems("1 / (a - 1)", #"{"a":1}"#) == ["division-by-zero"])
    #expect(try value(" a * 2", #"{"a":" 1.5 "}"#) == .number("3"))
  }

  @Test(arguments: [
    ("", 1, "the expression is empty"),
    ("1 +", 4, "the expression ends where a value was expected"),
    ("(1 + 2", 7, "expected ')' before the end"),
    ("1 + * 2", 5, "unexpected '*'"),
    ("foo(1)", 1, "unknown function foo() (known: round, min, max, abs, coalesce, concat)"),
    ("abs(1, 2)", 1, "abs() takes 1 argument, not 2"),
    ("round()", 1, "round() takes 1 or 2 arguments, not 0"),
    ("min(1; 2)", 6, "expected ',' or ')' instead of ';'"),
    ("a b", 3, "unexpected 'b'"),
    ("\"Protein", 1, "the field name opened here is not closed"),
    ("x + 'abc", 5, "the text opened here is not closed"),
    ("1.2.3 + 1", 1, "1.2.3 is not a number"),
    ("_pl. + 1", 1, "_pl. does not name a member of _pl"),
    ("2 # 3", 3, "unexpected '#'"),
    ("\"\" + 1", 1, "a field name cannot be empty"),
  ])
  func parseErrorsHaveAColumn(text: String, column: Int, message: String) {
    #expect(throws: ExpressionError(column: column, message: message)) { try Expression(parsing: text) }
  }

  @Test func fieldsReadAreListed() throws {
    #expect(try Expression(parsing: "100 - protein - fat - protein + _pl.meta.x + \"a b\"").fieldsRead == ["protein", "fat", "a b"])
  }
}

@Suite struct DeriveTests {
  @Test func derivesInOrderAndCounts() throws {
    let counters = CleanCounters()
    let op = Derive(.init(derivations: [
      .init(field: "protein", expression: try Expression(parsing: "nitrogen * 6.25")),
      .init(field: "carbohydrate", expression: try Expression(parsing: "100 - protein - fat - moisture - ash")),
    ]), counters: counters)
    let result = try run(op, [try rec(#"{"nitrogen":2.0,"fat":3.1,"moisture":60,"ash":1.4}"#)])
    #expect(lines(result.output) == [#"{"nitrogen":2.0,"fat":3.1,"moisture":60,"ash":1.4,"protein":12.5,"carbohydrate":23}"#])
    #expect(counters["derived"] == 2)
  }

  @Test func replacesKeepRawAndSameValuePasses() throws {
    let op = Derive(.init(derivations: [.init(field: "total", expression: try Expression(parsing: "a + b"))]))
    let result = try run(op, [try rec(#"{"a":1,"b":2,"total":4}"#), try rec(#"{"a":1,"b":2,"total":3}"#)])
    #expect(lines(result.output) == [#"{"a":1,"b":2,"total":3,"_pl":{"raw":{"total":4}}}"#, #"{"a":1,"b":2,"total":3}"#])
    #expect(result.passed == 1)
  }

  @Test func notANumberIsNotedAndMissingOnlyWhenAsked() throws {
    let derivation = Derive.Derivation(field: "c", expression: try Expression(parsing: "a - b"))
    let input = [try rec(#"{"a":"n.d.","b":1}"#), try rec(#"{"a":1}"#)]
    let quiet = try run(Derive(.init(derivations: [derivation])), input)
    #expect(lines(quiet.output) == [
      #"{"a":"n.d.","b":1,"c":null,"_pl":{"notes":[{"field":"c","code":"not-a-number","message":"c = a - b: \"n.d.\" is not a number"}]}}"#,
      #"{"a":1,"c":null}"#,
    ])
    let noisy = try run(Derive(.init(derivations: [derivation], noteMissing: true)), [input[1]])
    #expect(lines(noisy.output) == [#"{"a":1,"c":null,"_pl":{"notes":[{"field":"c","code":"missing-input","message":"c = a - b: field \"b\" is missing"}]}}"#])
  }
}
