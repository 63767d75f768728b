import Foundation
import PLClean
import PLCore
import Testing

/// Number, date, datetime and measurement fields, the window that decides a column's decimal
/// mark and date order, and the plan that wires the record operations.
@Suite struct FieldConversionTests {
  func typer(_ rules: [FieldTyper.Rule], window: FieldTyper.Window = .init()) -> FieldTyper {
    FieldTyper(rules: rules, keepRaw: true, counts: CleanCounts(), window: window)
  }

  func rule(_ field: String, _ type: CleanSpec.FieldType, _ converter: any ValueConverter) -> FieldTyper.Rule {
    .init(field: field, type: type, defaultValue: nil, converter: converter)
  }

  func plan(_ yaml: String, overrides: CleanSpec = CleanSpec()) throws -> CleanPlan {
    var p = try CleanPlan(spec: SpecReader(file: "t.yml").parse(yaml), overrides: overrides, profile: "none")
    p.window = .init(records: 3, bytes: 1 << 20)
    return p
  }

  func clean(_ plan: CleanPlan, _ records: [String]) throws -> [String] {
    var out = records.compactMap { try? rec($0) }
    for var t in try plan.transforms() {
      var next: [Record] = []
      for r in out {
        switch try t.apply(r) {
        case .pass: next.append(r)
        case .change(let c): next.append(c)
        case .emit(let rs): next += rs
        case .drop, .reject: break
        }
      }
      try t.finish { (r) throws(PLError) in next.append(r) }
      out = next
    }
    return lines(out)
  }

  @Test func theWindowHoldsRecordsUntilItIsFullThenReleasesThemInOrder() throws {
    var t = typer([rule("a", .number, NumberConverter(mark: nil))], window: .init(records: 3, bytes: 1 << 20))
    let records = try ["{\"a\":\"1.133\"}", "{\"a\":\"x\"}", "{\"a\":\"2,5\"}", "{\"a\":\"4.250\"}"].map(rec)
    guard case .emit(let none) = try t.apply(records[0]), none.isEmpty else { Issue.record("the first record was not held"); return }
    guard case .emit(let still) = try t.apply(records[1]), still.isEmpty else { Issue.record("the second record was not held"); return }
    guard case .emit(let released) = try t.apply(records[2]) else { Issue.record("the window did not release"); return }
    // 2,5 proves a decimal comma for the column: 1.133 is 1133, read after the decision.
    #expect(released.map { $0.fields[key: "a"] } == [.number("1133"), .string("x"), .number("2.5")])
    guard case .change(let after) = try t.apply(records[3]) else { Issue.record("a record after the window was held"); return }
    #expect(after.fields[key: "a"] == .number("4250"))
    #expect(try t.finish().isEmpty)
  }

  @Test func theWindowIsBoundedByBytesToo() throws {
    var t = typer([rule("a", .number, NumberConverter(mark: nil))], window: .init(records: 1000, bytes: 100))
    let long = try rec("{\"a\":\"1,5\",\"b\":\"\(String(repeating: "x", count: 200))\"}")
    guard case .emit(let out) = try t.apply(long) else { Issue.record("not released"); return }
    #expect(out.count == 1 && out[0].fields[key: "a"] == .number("1.5"))
  }

  @Test func recordsStillHeldAtTheEndAreDecidedAndReleased() throws {
    let result = try run(typer([rule("a", .number, NumberConverter(mark: nil))]), ["{\"a\":\"1.133\"}", "{\"a\":\"1,250\"}"].map(rec))
    #expect(result.output.map { $0.fields[key: "a"] } == [.string("1.133"), .string("1,250")])
    #expect(result.output.allSatisfy { r in
      guard case .array(let notes)? = r.meta[key: "notes"], case .object(let note)? = notes.first else { return false }
      return note[key: "code"] == .string("ambiguous-decimal")
    })
  }

  @Test func aDeclaredMarkNeedsNoWindow() throws {
    var t = typer([rule("a", .number, NumberConverter(mark: .comma))])
    guard case .change(let out) = try t.apply(try rec("{\"a\":\"1.133\"}")) else { Issue.record("held"); return }
    #expect(out.fields[key: "a"] == .number("1133"))
  }

  @Test(arguments: [
    ("de-DE", "1.133", "1133"), ("de-CH", "1.133", "1.133"), ("fr_FR", "1,5", "1.5"), ("en-GB", "1,133", "1133"),
  ])
  func theLocaleSaysTheMark(locale: String, text: String, expected: String) throws {
    let p = try plan("version: 1\nlocale: \(locale)\nfields:\n  a: number\n")
    #expect(try clean(p, ["{\"a\":\"\(text)\"}"]).first?.hasPrefix("{\"a\":\(expected),") == true)
  }

  @Test(arguments: [
    ("DD.MM.YYYY", DateOrder.dmy), ("MM/DD/YYYY", .mdy), ("YYYY-MM-DD HH:mm", .ymd), ("DD.MM.YYYY hh:mm:ss", .dmy),
  ])
  func formatsNameAnOrder(format: String, order: DateOrder) {
    #expect(DateTimeConverter.order(ofFormat: format) == order)
  }

  @Test func aFormatWithoutAnOrderIsNone() {
    #expect(DateTimeConverter.order(ofFormat: "whenever") == nil)
  }

  @Test func datetimesInAZoneComeOutInUTCWithDaylightSavingNotes() {
    var c = DateTimeConverter(type: .datetime, order: .dmy, zone: TimeZone(identifier: "Europe/Amsterdam"))
    let r = Record([Field]())
    #expect(c.convert(.string("12.03.2024 14:05"), field: "t", in: r) == .converted(.string("2024-03-12T13:05:00Z")))
    guard case .noted(.converted(.string("2024-10-27T00:30:00Z")), "repeated-hour-first", _) = c.convert(.string("27.10.2024 02:30"), field: "t", in: r)
    else { Issue.record("no repeated-hour note"); return }
    var naive = DateTimeConverter(type: .datetime)
    guard case .refused("no-time-zone", _) = naive.convert(.string("2024-03-04 08:00"), field: "t", in: r) else { Issue.record("a naive time passed"); return }
  }

  @Test func aMeasurementSplitsIntoItsNamedFields() {
    let c = MeasurementConverter(field: "fat", mark: .comma, unit: UnitTable.lookup("mg/kg"), toUnit: UnitTable.lookup("mg/100g"))
    let out = c.convert(.string("<5"), field: "fat", in: Record([Field]()))
    #expect(out == .split([
      Field("fat", .null), Field("fat_qualifier", .string("<")), Field("fat_limit", .number("0.5")), Field("fat_unit", .string("mg/100g")),
    ]))
  }

  @Test func aCensoredValueIsSubstitutedOnlyWhenAskedAndThenNoted() {
    let c = MeasurementConverter(field: "x", mark: .point, substitute: .limit)
    guard case .noted(.split(let fields), "substituted", _) = c.convert(.string("<0.05"), field: "x", in: Record([Field]())) else {
      Issue.record("not substituted")
      return
    }
    #expect(fields.prefix(3) == [Field("x", .number("0.05")), Field("x_qualifier", .string("<")), Field("x_limit", .number("0.05"))])
  }

  @Test func aUnitOfAnotherDimensionKeepsTheValueWithANote() {
    let c = NumberConverter(mark: .point, unit: UnitTable.lookup("degC"), toUnit: UnitTable.lookup("g/100g"))
    guard case .noted(.converted(.number("12")), "incompatible-units", _) = c.convert(.string("12"), field: "t", in: Record([Field]())) else {
      Issue.record("converted across dimensions")
      return
    }
  }

  @Test func extraAnalyteNamesAreKnownForTheRun() throws {
    let p = try plan("version: 1\nanalytes:\n  protein: [Eiweissgehalt Kjeldahl]\n")
    #expect(p.analytes.match("Eiweissgehalt Kjeldahl")?.code == "protein")
    #expect(AnalyteDictionary.shared.match("Eiweissgehalt Kjeldahl")?.code != "protein")
  }

  @Test func anExpressionThatDoesNotParseIsASpecErrorEvenWithoutASpecFile() {
    var spec = CleanSpec()
    spec.derive = [.init(name: "x", expression: "a + ")]
    #expect(throws: PLError.self) { try CleanPlan(spec: spec, profile: "none") }
  }

  @Test func operationsRunInTheDocumentedOrder() throws {
    let p = try plan("""
      version: 1
      trim: true
      sentinels: [n/a]
      empty_to_null: true
      fields:
        a: {type: number, default: 0}
      derive:
        b: a + 1
      dedupe:
        keys: [b]
      """)
    #expect(try clean(p, ["{\"a\":\" n/a \"}", "{\"a\":\"\"}", "{\"a\":\" 2 \"}"]) == [
      "{\"a\":0,\"b\":1,\"_pl\":{\"raw\":{\"a\":\" n/a \"}}}", "{\"a\":2,\"b\":3,\"_pl\":{\"raw\":{\"a\":\" 2 \"}}}",
    ])
    #expect(p.counts.operations["duplicate_dropped"] == 1)
  }

  @Test func wideToLongTakesARegularExpression() throws {
    let p = try plan("version: 1\nreshape:\n  wide_to_long: {id: [s], columns: {pattern: 'c[0-9]+'}, name: n, value: v}\n")
    #expect(try clean(p, ["{\"s\":1,\"c1\":2,\"c22\":3,\"xc1\":4}"]).count == 2)
  }

  @Test func theKeyIsNeverShown() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pl-key-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let key = folder.appendingPathComponent("key").path
    try "s3cret-key-material".write(toFile: key, atomically: true, encoding: .utf8)
    let p = try plan("version: 1\npseudonymise:\n  fields: [p]\n  key_file: \(key)\n")
    #expect(!String(reflecting: p).contains("s3cret"))
    #expect(try !clean(p, ["{\"p\":\"Jansen\"}"]).joined().contains("s3cret"))
    try "".write(toFile: key, atomically: true, encoding: .utf8)
    #expect(throws: PLError.self) { try plan("version: 1\npseudonymise:\n  fields: [p]\n  key_file: \(key)\n") }
  }
}
