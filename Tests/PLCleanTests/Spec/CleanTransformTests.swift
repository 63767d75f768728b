import PLClean
import PLCore
import Testing

@Suite struct CleanTransformTests {
  @Test(arguments: [
    ("Protein (%)", "protein_pct"), ("Moisture [%]", "moisture_pct"), ("Temp (°C)", "temp_deg_c"),
    ("Vitamin B12 (µg/100 g)", "vitamin_b12_ug_per_100_g"), ("Sample ID", "sample_id"), ("SampleID", "sample_id"),
    ("sampleId", "sample_id"), ("pH", "ph"), ("Kjeldahl-N", "kjeldahl_n"), ("Eiweiß", "eiweiss"),
    ("Matière sèche", "matiere_seche"), ("HPLCMethod", "hplc_method"), ("  spaced  out ", "spaced_out"),
    ("already_snake", "already_snake"), ("Lot #", "lot_no"),
  ])
  func snakeCase(name: String, expected: String) {
    #expect(SnakeCase.convert(name) == expected)
  }

  @Test func aNameWithNothingLeftKeepsItsForm() {
    #expect(SnakeCase.convert("---") == nil)
  }

  @Test(arguments: [
    (JSONValue.string("007"), Conversion.converted(.number("7"))),
    (.string(" -12 "), .converted(.number("-12"))),
    (.string("+5"), .converted(.number("5"))),
    (.string("-0"), .converted(.number("0"))),
    (.number("42"), .unchanged),
    (.number("12.00"), .converted(.number("12"))),
    (.number("1.133"), .refused(code: "not-an-integer", message: "1.133 is not a whole number")),
    (.string("1.133"), .refused(code: "not-an-integer", message: "\"1.133\" is not a whole number (a decimal fraction, or digits grouped by a thousands separator?)")),
    (.string("12.0"), .refused(code: "not-an-integer", message: "\"12.0\" is not a whole number (a decimal fraction, or digits grouped by a thousands separator?)")),
    (.string("abc"), .refused(code: "not-an-integer", message: "\"abc\" is not a whole number")),
    (.string(""), .refused(code: "not-an-integer", message: "an empty text is not a whole number")),
    (.bool(true), .refused(code: "not-an-integer", message: "a boolean is not a whole number")),
  ])
  func integers(value: JSONValue, expected: Conversion) {
    #expect(IntegerConverter().convert(value, field: "n", in: Record()) == expected)
  }

  @Test(arguments: [
    (JSONValue.string("Ja"), Conversion.converted(.bool(true))), (.string("no"), .converted(.bool(false))),
    (.number("1"), .converted(.bool(true))), (.bool(false), .unchanged),
    (.string("maybe"), .refused(code: "not-a-boolean", message: "\"maybe\" is not true or false")),
  ])
  func booleans(value: JSONValue, expected: Conversion) {
    #expect(BooleanConverter().convert(value, field: "b", in: Record()) == expected)
  }

  @Test func stringsKeepTheirTextAndNumbersTheirDigits() {
    #expect(StringConverter().convert(.string("007"), field: "s", in: Record()) == .unchanged)
    #expect(StringConverter().convert(.number("12.30"), field: "s", in: Record()) == .converted(.string("12.30")))
  }

  func run(_ transform: inout some RecordTransform, _ record: Record) throws -> Record {
    switch try transform.apply(record) {
    case .pass: return record
    case .change(let out): return out
    default: Issue.record("unexpected outcome"); return record
    }
  }

  @Test func renamesTakeTheFirstSynonymAndNoteTheOthers() throws {
    var t = RenameFields(renames: [.init(to: "lot", from: ["Charge", "Batch"])], snakeCase: true, counts: CleanCounts())
    let out = try run(&t, Record([("BATCH", .string("b")), ("charge", .string("c")), ("Protein %", .string("1")), ("protein_pct", .string("2"))]))
    #expect(out.fields.map(\.key) == ["BATCH", "lot", "protein_pct_2", "protein_pct"])
    #expect(out.meta[key: "notes"] == .array([
      CleanNote(field: "BATCH", code: "ambiguous-rename", message: "\"BATCH\" also stands for lot, which is taken from \"charge\"; it keeps its name").json,
      CleanNote(field: "protein_pct_2", code: "name-taken", message: "\"Protein %\" is written as protein_pct_2: protein_pct is another field's name").json,
    ]))
  }

  @Test func typingKeepsTheOriginalAndNotesWhatDoesNotConvert() throws {
    let counts = CleanCounts()
    var t = FieldTyper(
      rules: [.init(field: "n", type: .integer, defaultValue: nil), .init(field: "m", type: .integer, defaultValue: .number("0")),
        .init(field: "d", type: .date, defaultValue: nil)],
      keepRaw: true, counts: counts)
    let out = try run(&t, Record([("n", .string("007")), ("d", .string("27.02.2024")), ("x", .string("1.133"))]))
    #expect(out.fields == [Field("n", .number("7")), Field("d", .string("2024-02-27")), Field("x", .string("1.133")), Field("m", .number("0"))])
    #expect(out.meta[key: "raw"] == .object([Field("n", .string("007")), Field("d", .string("27.02.2024"))]))
    #expect(counts.typed == 2 && counts.defaulted == 1 && counts.notes == 0)
    var bare = FieldTyper(rules: [.init(field: "n", type: .integer, defaultValue: nil)], keepRaw: false, counts: CleanCounts())
    #expect(try run(&bare, Record([("n", .string("1.5"))])).meta[key: "raw"] == nil)
  }

  @Test func selectDropsKeepsAndOrders() throws {
    var t = SelectFields(drop: ["Operator"], keep: nil, order: ["sample_id", "lot"], counts: CleanCounts())
    let out = try run(&t, Record([("x", .integer(1)), ("lot", .integer(2)), ("operator", .integer(3)), ("sample_id", .integer(4))]))
    #expect(out.fields.map(\.key) == ["sample_id", "lot", "x"])
  }

  @Test func flagsOverTheSpecOverTheProfile() throws {
    var spec = CleanSpec()
    spec.snakeCase = false
    spec.drop = ["a"]
    var flags = CleanSpec()
    flags.drop = ["b"]
    flags.rename = [.init(to: "y", from: ["x"])]
    let plan = try CleanPlan(spec: spec, overrides: flags)
    #expect(plan.spec.snakeCase == false && plan.spec.drop == ["a", "b"] && plan.spec.profile == "lab")
    #expect(try CleanPlan(spec: CleanSpec()).spec.snakeCase == true)
    #expect(try CleanPlan(spec: CleanSpec(), profile: "none").spec.snakeCase == nil)
  }

  @Test func everySectionOfTheSpecMakesItsTransform() throws {
    let spec = try SpecReader(file: "clean.yml").parse("version: 1\nfields: {n: integer}\ndedupe: {keys: [a]}\ntrim: true\n")
    let names = try CleanPlan(spec: spec).transforms().map { String(describing: type(of: $0)) }
    #expect(names == ["RenameFields", "NormalizeWhitespace", "FieldTyper", "Deduplicate"])
  }
}
