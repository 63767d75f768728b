import PLCore
import PLTestSupport
import Testing
@testable import PLValidate

struct SchemaErrorTests {
  /// A bad schema names its line and column, and is a configuration error (exit 78).
  @Test(arguments: [
    ("fields:\n  - name: a\n    type: nubmer\n", "line 3, column 11: unknown type 'nubmer'"),
    ("rules:\n  - rnage: {field: a, min: 0}\n", "line 2, column 5: unknown key 'rnage' in a rule"),
    ("rules:\n  - range: {field: a}\n", "line 2, column 12: range needs min:, max: or both"),
    ("rules:\n  - expression: \"a + \"\n", "line 2, column 17: column 5 of the expression"),
    ("rules:\n  - pattern: {field: a, pattern: '(x'}\n", "line 2, column 34: not a valid regular expression"),
    ("rules:\n  - not_future: {field: t, tolerance: soon}\n", "line 2, column 39: tolerance must be a duration"),
    ("rules:\n  - range: {field: a, min: 0}\n    warn_if: \"lots\"\n", "line 3, column 14: warn_if must be a comparison"),
    ("fields: [\n", "line 2, column 1:"),
    ("rules:\n  - range: {field: a, min: 0}\n  - range: {field: a, max: 9}\n", "two rules are named 'a/range'"),
    ("dataset:\n  - median: {field: a}\n", "median needs min:, max: or both"),
    ("bogus: 1\n", "line 1, column 1: unknown key 'bogus' in the schema"),
  ])
  func namesThePlace(yaml: String, expected: String) {
    let message = schemaError(yaml)
    #expect(message?.hasPrefix("test.yml: ") == true, "\(message ?? "accepted")")
    #expect(message?.contains(expected) == true, "\(message ?? "accepted")")
  }

  @Test func frictionlessSchemasAreTakenAsTheyAre() throws {
    let json = """
      {"fields": [
        {"name": "id", "type": "integer", "title": "Identifier", "constraints": {"required": true, "unique": true}},
        {"name": "when", "type": "date", "format": "%d.%m.%Y"},
        {"name": "ok", "type": "boolean", "trueValues": ["ja"], "falseValues": ["nein"]},
        {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"], "minLength": 1}}
      ], "primaryKey": ["id"], "missingValues": ["", "-"]}
      """
    let s = try schema(json)
    let (results, _) = try outcomes(s, [
      #"{"id":1,"when":"01.02.2024","ok":"ja","kind":"a"}"#,
      #"{"id":2,"when":"2024-02-01","ok":"yes","kind":"c"}"#,
      #"{"id":1,"when":"-","ok":"nein","kind":"b"}"#,
      #"{"id":"3.5","kind":"-"}"#,
    ])
    #expect(results == [
      "pass",
      "reject:when/type,ok/type,kind/enum",
      "reject:id/unique,primaryKey",
      "reject:id/type",
    ])
  }
}

struct ValidatorTests {
  @Test func warningsPassWithNotesAndErrorsReject() throws {
    let s = try schema("""
      rules:
        - range: {field: value, min: 0}
        - name: big
          range: {field: value, max: 100}
          severity: warn
        - when: {analyte: sodium}
          then: {value: {max: 5000}}
      """)
    let (results, v) = try outcomes(s, [#"{"value":5}"#, #"{"value":500}"#, #"{"value":-1}"#, #"{"analyte":"sodium","value":6000}"#])
    #expect(results == ["pass", "warn:big", "reject:value/range", "reject:when/value/range"])
    #expect(v.counts == ValidationCounts(recordsIn: 4, passed: 2, rejected: 2, warned: 1))
  }

  @Test func cleaningNotesBecomeRejectsOrWarnings() throws {
    let s = try schema("""
      rules:
        - notes: {codes: [not-a-number]}
        - name: odd-units
          notes: {codes: [unknown-unit]}
          severity: warn
      """)
    let nan = #"{"value":null,"_pl":{"notes":[{"field":"value","code":"not-a-number","message":"'abc' is not a number"}]}}"#
    let unit = #"{"value":1,"_pl":{"notes":[{"field":"unit","code":"unknown-unit","message":"furlongs"}]}}"#
    let (results, _) = try outcomes(s, [nan, unit, #"{"value":1}"#])
    #expect(results == ["reject:notes/not-a-number", "warn:odd-units", "pass"])
  }

  @Test func censoredLimitMustAgreeWithTheLOQ() throws {
    let s = try schema("rules:\n  - censored: {qualifier: qualifier, limit: limit, loq: loq}\n")
    let (results, _) = try outcomes(s, [
      #"{"qualifier":"<","limit":0.05,"loq":0.05}"#, #"{"qualifier":"<","limit":"0.1","loq":0.05}"#, #"{"qualifier":null,"limit":1,"loq":2}"#,
    ])
    #expect(results == ["pass", "reject:limit/censored", "pass"])
  }

  @Test func unitsAllowedPerAnalyte() throws {
    let s = try schema("rules:\n  - units: {field: unit, by: analyte, allowed: {\"protein, fat\": [g/100g], sodium: [mg/100g, mg/kg]}}\n")
    let (results, _) = try outcomes(s, [
      #"{"analyte":"protein","unit":"g/100g"}"#, #"{"analyte":"fat","unit":"mg/kg"}"#, #"{"analyte":"sodium","unit":"mg/kg"}"#, #"{"analyte":"ph","unit":"x"}"#,
    ])
    #expect(results == ["pass", "reject:unit/units", "pass", "pass"])
  }

  @Test func specificationLimitsFromALookupFile() throws {
    let dir = try TemporaryDirectory()
    try dir.write("specs.csv", "product,analyte,min,max\nOat drink,protein,0.8,1.2\n\"Whey 80, instant\",protein,78,\n")
    try dir.write("schema.yml", "rules:\n  - spec_limits: {file: specs.csv}\n    severity: warn\n")
    let s = try SchemaLoader.load(path: dir.file("schema.yml"))
    let (results, _) = try outcomes(s, [
      #"{"product":"Oat drink","analyte":"protein","value":1.0}"#, #"{"product":"Oat drink","analyte":"protein","value":1.5}"#,
      #"{"product":"Whey 80, instant","analyte":"protein","value":77}"#, #"{"product":"Other","analyte":"protein","value":99}"#,
    ])
    #expect(results == ["pass", "warn:spec_limits", "warn:spec_limits", "pass"])
  }

  /// The first record with a key passes; later ones are the duplicates. With a memory limit of
  /// two digests the set spills to disk many times and must still find every duplicate.
  @Test(arguments: [1, 2, 3, 1000])
  func uniqueKeysSpillToDiskAndStayExact(limit: Int) throws {
    let s = try schema("rules:\n  - unique: {fields: [id]}\n")
    var lines: [String] = []
    var expected: [String] = []
    for i in 0..<200 {
      lines.append(#"{"id":\#(i % 150)}"#)
      expected.append(i < 150 ? "pass" : "reject:unique/id")
    }
    let (results, v) = try outcomes(s, lines, keyMemoryLimit: limit)
    #expect(results == expected)
    #expect(v.counts.rejected == 50)
    if limit < 150 { #expect((s.recordRules[0].keySet?.spills ?? 0) > 0) }
  }

  @Test func duplicateRowsIgnoreTheMetadata() throws {
    let s = try schema("rules:\n  - unique: {fields: all}\n")
    let (results, _) = try outcomes(s, [
      #"{"a":1,"_pl":{"line":1}}"#, #"{"a":1,"_pl":{"line":2}}"#, #"{"a":1,"b":2}"#,
    ])
    #expect(results == ["pass", "reject:duplicate_row", "pass"])
  }

  @Test func notInTheFutureWithATolerance() throws {
    let s = try schema("rules:\n  - not_future: {field: t, tolerance: 5m}\n")
    let (results, _) = try outcomes(s, [
      #"{"t":"2024-06-01T12:04:59Z"}"#, #"{"t":"2024-06-01T12:05:01Z"}"#, #"{"t":"2024-06-01T14:00:00+02:00"}"#, #"{"t":"2031-03-08"}"#, #"{"t":"garbage"}"#,
    ])
    #expect(results == ["pass", "reject:t/not_future", "pass", "reject:t/not_future", "pass"])
  }

  /// A group's records go on together, each warned when the group's sum is too high.
  @Test func groupSumsFlagEveryRecordOfTheGroup() throws {
    let s = try schema("""
      rules:
        - name: proximate
          group_sum: {group: [sample_id], items: [protein, fat, ash], max: 100}
      """)
    let (results, v) = try outcomes(s, [
      #"{"sample_id":"A","analyte":"protein","value":90}"#, #"{"sample_id":"A","analyte":"fat","value":20}"#,
      #"{"sample_id":"B","analyte":"protein","value":50}"#, #"{"sample_id":"B","analyte":"ash","value":5}"#, #"{"sample_id":"B","analyte":"ph","value":6}"#,
      #"{"other":1}"#,
    ])
    #expect(results == ["warn:proximate", "warn:proximate", "pass", "pass", "pass", "pass"])
    #expect(v.counts == ValidationCounts(recordsIn: 6, passed: 6, rejected: 0, warned: 2))
  }

  @Test func feedingRejectsBackReplacesTheirReasons() throws {
    let s = try schema("rules:\n  - range: {field: v, max: 1}\n")
    let dir = try TemporaryDirectory()
    try dir.write("in.ndjson", #"{"v":5,"_pl":{"source":"x.csv","line":3,"errors":[{"rule":"old","code":"c","message":"m"}],"notes":[{"rule":"w","code":"c","message":"m"},{"field":"v","code":"not-a-number","message":"kept"}]}}"# + "\n")
    let plan = ValidationPlan(schema: s, inputs: [dir.file("in.ndjson")], rejectsPath: dir.file("rejects.ndjson"), reportPath: nil, htmlPath: nil, maxRejects: nil, now: fixedNow)
    let out = OutputStream(fd: -1, name: "nowhere")
    try ValidationRun(plan: plan).run(sink: NDJSONSink(stream: out), monotonic: { 0 }, tell: { _ in })
    let rejects = try String(contentsOfFile: dir.file("rejects.ndjson"), encoding: .utf8)
    #expect(rejects == #"{"v":5,"_pl":{"source":"x.csv","line":3,"notes":[{"field":"v","code":"not-a-number","message":"kept"}],"errors":[{"rule":"v/range","field":"v","code":"constraint-error","message":"v 5 is above the maximum 1","value":5}]}}"# + "\n")
  }

  @Test(arguments: [(">10", 11, 100, true), (">10", 10, 100, false), (">=5%", 5, 100, true), ("!=0", 0, 3, false), ("<1", 0, 0, true)])
  func thresholds(text: String, failed: Int, evaluated: Int, met: Bool) throws {
    let t = try #require(Threshold(text))
    #expect(t.isMet(failed: failed, evaluated: evaluated) == met)
  }

  /// `mostly` and `error_if` fail the gate; `warn_if` only warns.
  @Test func ruleThresholdsDecideTheGate() throws {
    let s = try schema("""
      rules:
        - range: {field: a, min: 0}
          mostly: 0.9
        - range: {field: b, min: 0}
          severity: warn
          warn_if: ">0"
        - range: {field: c, min: 0}
          error_if: ">=2"
      """)
    let lines = (0..<10).map { i in #"{"a":\#(i == 0 ? -1 : 1),"b":\#(i < 3 ? -1 : 1),"c":\#(i < 1 ? -1 : 1)}"# }
    let (_, v) = try outcomes(s, lines)
    let report = v.report(seconds: 0, maxRejects: .unlimited)
    #expect(report.gatePassed)
    #expect(report.gateWarnings.count == 1)
    let (_, v2) = try outcomes(s, lines.map { $0.replacingOccurrences(of: #""a":1"#, with: #""a":-1"#) })
    #expect(v2.report(seconds: 0, maxRejects: .unlimited).gateFailures.contains { $0.hasPrefix("rule a/range") })
  }

  @Test func datasetRules() throws {
    let s = try schema("""
      dataset:
        - row_count: {min: 5}
        - null_share: {field: x, max: 0.25}
        - mean: {field: x, min: 1, max: 3}
        - median: {field: x, min: 10, sample: 3}
        - freshness: {field: t, max_age: 1h}
        - gap: {field: t, by: ch, max: 10m}
      """)
    let (_, v) = try outcomes(s, [
      #"{"x":1,"t":"2024-06-01T10:00:00Z","ch":"a"}"#, #"{"x":null,"t":"2024-06-01T10:05:00Z","ch":"b"}"#,
      #"{"x":2,"t":"2024-06-01T10:30:00Z","ch":"a"}"#, #"{"x":3,"t":"2024-06-01T10:09:00Z","ch":"b"}"#,
    ])
    let report = v.report(seconds: 0, maxRejects: .unlimited)
    let byName = Dictionary(uniqueKeysWithValues: report.dataset.map { ($0.name, $0) })
    #expect(byName["row_count"]?.success == false)
    #expect(byName["null_share/x"]?.success == true)
    #expect(byName["mean/x"]?.observed == .number("2"))
    #expect(byName["median/x"]?.observed == .number("2"))
    #expect(byName["median/x"]?.success == false)
    #expect(byName["freshness/t"]?.success == false)
    #expect(byName["gap/t"]?.observed == .integer(1))
    #expect(report.gateFailures.count == 4)
  }

  @Test func medianIsExactWithinTheSampleAndEstimatedBeyond() throws {
    let s = try schema("dataset:\n  - median: {field: x, min: 0, sample: 1001}\n")
    let (_, v) = try outcomes(s, (1...1001).map { #"{"x":\#($0)}"# })
    let d = v.report(seconds: 0, maxRejects: nil).dataset[0]
    #expect(d.observed == .number("501"))
    #expect(!d.message.contains("estimated"))
    let (_, v2) = try outcomes(try schema("dataset:\n  - median: {field: x, min: 0, sample: 1001}\n"), (1...5000).map { #"{"x":\#($0)}"# })
    #expect(v2.report(seconds: 0, maxRejects: nil).dataset[0].message.contains("estimated from a sample of 1001 of 5000"))
  }

  @Test func reportCountsAddUpAndMapOntoOpenLineage() throws {
    let s = try schema("rules:\n  - range: {field: v, max: 1}\n")
    let (_, v) = try outcomes(s, [#"{"v":0}"#, #"{"v":2,"_pl":{"source":"lab.csv","line":7}}"#])
    let report = v.report(seconds: 0.5, maxRejects: .count(0))
    #expect(!report.gatePassed)
    let text = report.jsonText
    let parsed = try JSONParser.parseValue(text)
    guard case .object(let top) = parsed, case .object(let counts)? = top[key: "counts"], case .object(let ol)? = top[key: "openlineage"] else {
      Issue.record("report shape: \(text)")
      return
    }
    #expect(counts[key: "add_up"] == .bool(true))
    #expect(ol[key: "assertions"] == .array([.object([Field("assertion", .string("v/range")), Field("success", .bool(false)), Field("column", .string("v"))])]))
    #expect(text.contains(#""examples":[{"source":"lab.csv","line":7,"value":2,"message":"v 2 is above the maximum 1"}]"#))
  }

  @Test func htmlEscapesEverything() throws {
    let s = try schema("rules:\n  - enum: {field: \"<b>\", values: [\"&x\"]}\n")
    let (_, v) = try outcomes(s, [#"{"<b>":"<script>alert(1)</script>"}"#])
    let html = v.report(seconds: 0, maxRejects: nil).html
    #expect(!html.contains("<script>"))
    #expect(!html.contains("<b>"))
    #expect(html.contains("&lt;script&gt;"))
    #expect(!html.contains("http"))
  }

  @Test func theBuiltInLabSchemaLoads() throws {
    let s = try SchemaLoader.load(path: "lab")
    #expect(s.ruleCount.record > 20)
    #expect(s.ruleNames.contains("result/proximate_sum"))
  }
}
