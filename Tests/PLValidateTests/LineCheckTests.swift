import PLCore
import Testing

@testable import PLValidate

/// Takes records only (never lines), so that a pipeline runs every transform on records.
final class RecordOnlySink: RecordSink {
  var lines: [String] = []
  func write(_ record: Record) throws(PLError) { lines.append(JSONWriter.string(record)) }
  func finish() throws(PLError) {}
  func abort() {}
}

/// Takes compact lines as they come, so that the validator may check lines.
final class LineTakingSink: CompactLineSink {
  var lines: [String] = []
  var linesTaken = 0
  var wantsMembers: Bool { false }
  func write(_ record: Record) throws(PLError) { lines.append(JSONWriter.string(record)) }
  func write(line: CompactLine) throws(PLError) -> Bool {
    linesTaken += 1
    lines.append(String(decoding: line.bytes, as: UTF8.self))
    return true
  }
  func finish() throws(PLError) {}
  func abort() {}
}

/// A validation run over `lines`, on the line path or the record path: what passed, what was
/// rejected, the counts and the report (its duration fixed).
struct RunResult: Equatable {
  var passed: [String]
  var rejected: [String]
  var counts: ValidationCounts
  var report: String
  var linesTaken: Int
}

func validate(_ schema: ValidationSchema, _ lines: [String], linePath: Bool) throws -> RunResult {
  let validator = Validator(schema: schema, now: fixedNow, keyMemoryLimit: 3)
  let rejects = RecordOnlySink()
  let lineSink = LineTakingSink()
  let recordSink = RecordOnlySink()
  let pipeline = Pipeline(
    transforms: [ClearValidationMarks(), validator], sink: linePath ? lineSink : recordSink, rejects: rejects)
  let input = Array(lines.joined(separator: "\n").utf8) + [0x0A]
  try pipeline.run(NDJSONReader(source: MemoryStream(input, name: "in.ndjson")))
  try pipeline.finish()
  let report = validator.report(seconds: 0, maxRejects: nil)
  return RunResult(
    passed: linePath ? lineSink.lines : recordSink.lines, rejected: rejects.lines, counts: validator.counts,
    report: report.jsonText, linesTaken: lineSink.linesTaken)
}

/// Checks on compact lines must decide exactly as the record path does: same records passed
/// and rejected, same reasons, same tallies in the report.
@Suite struct LineCheckTests {
  static let schemaText = """
    missingValues: ["", "NA"]
    fields:
      - name: id
        type: string
        constraints: {required: true, pattern: 'S-\\d{3}'}
      - name: n
        type: integer
        constraints: {minimum: 1}
      - name: kind
        constraints: {enum: [a, b, "µg", "1", "true"]}
      - name: x
        type: number
        constraints: {minimum: 0, exclusiveMaximum: 100}
      - name: at
        type: datetime
      - name: day
        type: date
      - name: label
        constraints: {maxLength: 3}
    primaryKey: [id]
    rules:
      - not_future: {field: at, tolerance: 5m}
      - required: {field: kind, when: {n: [1, 2]}}
      - unique: {fields: [n, kind]}
        severity: warn
    """

  static let lines = [
    #"{"id":"S-001","n":1,"kind":"a","x":1.5,"at":"2024-01-01T00:00:00Z","day":"2024-01-02","label":"abc"}"#,
    // duplicate key
    #"{"id":"S-001","n":2,"kind":"b","x":2,"at":"2024-01-01T00:00:00Z"}"#,
    // escapes in strings, an escaped key
    #"{"id":"S-\u0030\u003002","n":3,"kind":"\u00b5g","x":0}"#,
    #"{"id":"S-003","n":3,"kind":"a\"b"}"#,
    #"{"id":"S-004","n":4,"kind":"µg","x":1e1}"#,
    // numbers: exponents, bounds, long digits, strings
    #"{"id":"S-005","n":5,"x":100}"#,
    #"{"id":"S-006","n":6,"x":99.99999999999999999}"#,
    #"{"id":"S-007","n":6.0,"x":-0}"#,
    #"{"id":"S-008","n":"7","x":"12.5"}"#,
    #"{"id":"S-009","n":8,"x":"1e2"}"#,
    #"{"id":"S-010","n":9,"x":true}"#,
    // missing values: null, empty, listed, absent
    #"{"id":"S-011","n":null,"kind":"NA","x":""}"#,
    #"{"id":"NA","n":1}"#,
    #"{"n":1,"kind":""}"#,
    // enum of numbers and literals
    #"{"id":"S-012","kind":1}"#,
    #"{"id":"S-013","kind":true}"#,
    #"{"id":"S-014","kind":1.0}"#,
    // times
    #"{"id":"S-015","at":"2030-01-01T00:00:00Z","day":"2024-02-30"}"#,
    #"{"id":"S-016","at":"2024-06-01T12:04:59Z","day":"2024-02-29"}"#,
    #"{"id":"S-017","at":"2024-06-01","day":"2024-02-29T00:00:00Z"}"#,
    #"{"id":"S-018","at":12}"#,
    // lengths count characters
    #"{"id":"S-019","label":"éèê"}"#,
    #"{"id":"S-020","label":"abcd"}"#,
    // keys that are not ASCII; a pattern on a value that is not ASCII
    #"{"id":"S-021","ñ":1}"#,
    #"{"id":"S-02٣"}"#,
    // objects and arrays
    #"{"id":"S-022","kind":["a"],"x":{"v":1}}"#,
    // metadata: marks of an earlier run are cleared, other metadata kept
    #"{"id":"S-023","_pl":{"source":"a.csv","line":3,"errors":[{"rule":"x","code":"c","message":"m"}]}}"#,
    #"{"id":"S-024","_pl":{"source":"a.csv","line":4}}"#,
    #"{"id":"S-025","_pl":{"notes":[{"rule":"r","code":"c","message":"m"}]}}"#,
    // more keys than fit in memory: the spill file is searched too
    #"{"id":"S-026"}"#, #"{"id":"S-027"}"#, #"{"id":"S-028"}"#, #"{"id":"S-026"}"#, #"{"id":"S-003"}"#,
  ]

  @Test func linesAndRecordsComeOutTheSame() throws {
    let s1 = try schema(Self.schemaText)
    let s2 = try schema(Self.schemaText)
    let byLines = try validate(s1, Self.lines, linePath: true)
    let byRecords = try validate(s2, Self.lines, linePath: false)
    #expect(byLines.passed == byRecords.passed)
    #expect(byLines.rejected == byRecords.rejected)
    #expect(byLines.counts == byRecords.counts)
    #expect(byLines.report == byRecords.report)
    // The line path was taken for the plain passing records.
    #expect(byLines.linesTaken > 0)
    #expect(byLines.counts.recordsIn == Self.lines.count)
  }

  @Test func wholeRecordUniquenessOnLines() throws {
    let text = """
      fields: [{name: a}, {name: b}]
      rules:
        - unique: {fields: all}
      """
    let lines = [#"{"a":1,"b":"x"}"#, #"{"a":1,"b":"x"}"#, #"{"b":"x","a":1}"#, #"{"a":1,"b":"x","_pl":{"line":9}}"#]
    let byLines = try validate(try schema(text), lines, linePath: true)
    let byRecords = try validate(try schema(text), lines, linePath: false)
    #expect(byLines == RunResult(passed: byRecords.passed, rejected: byRecords.rejected, counts: byRecords.counts, report: byRecords.report, linesTaken: 2))
    #expect(byLines.counts.rejected == 2)
  }

  @Test func schemasNeedingWholeRecordsHaveNoLinePlan() throws {
    let withExpression = try schema("""
      fields: [{name: a, type: number}, {name: b, type: number}]
      rules:
        - expression: "a <= b"
      """)
    #expect(LinePlan(schema: withExpression) == nil)
    #expect(!Validator(schema: withExpression, now: fixedNow).checksLines)
    let plain = try schema("fields: [{name: a, type: number, constraints: {minimum: 0}}]")
    #expect(LinePlan(schema: plain) != nil)
  }

  @Test(arguments: [
    ("0", 0.0), ("-0", -0.0), ("12.5", 12.5), ("99.99", 99.99), ("123456789012345", 123456789012345),
    ("0.00000000000001", 1e-14), ("-7.25", -7.25),
  ])
  func plainDecimalsReadExactly(text: String, value: Double) {
    var t = text
    let x = t.withUTF8 { LineNumber.simple($0) }
    #expect(x == value && x == Double(text))
  }

  @Test(arguments: ["1e5", "1.", ".5", "-", "", "1234567890123456", "1_0", "+1", "0x10", "1.2.3"])
  func otherNumbersAreLeftToTheRecordPath(text: String) {
    var t = text
    #expect(t.withUTF8 { LineNumber.simple($0) } == nil)
  }
}
