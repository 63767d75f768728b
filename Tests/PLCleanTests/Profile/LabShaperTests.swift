import Foundation
import PLClean
import PLCore
import Testing

struct LabShaperTests {
  static func meta(_ source: String, _ pairs: [(String, String)]) -> [Field] {
    [Field("source", .string(source)), Field("line", .integer(1)), Field("meta", .object(pairs.map { Field($0.0, .string($0.1)) }))]
  }

  static func run(_ records: [Record], _ config: LabShaper.Config = .init()) throws -> [Record] {
    var shaper = LabShaper(config)
    var out: [Record] = []
    for r in records {
      if case .emit(let rs) = try shaper.apply(r) { out += rs }
    }
    return out + (try shaper.finish())
  }

  static func notes(_ r: Record) -> [String] {
    guard case .array(let ns)? = r.meta[key: "notes"] else { return [] }
    return ns.compactMap { $0.objectValue?[key: "code"]?.stringValue }
  }

  @Test func wideExportBecomesResultsInCanonicalUnits() throws {
    let m = Self.meta("k.csv", [("Methode", "Kjeldahl")])
    let out = try Self.run([
      Record([("Probe", .string("S1")), ("Datum", .string("04.03.2024")), ("Uhrzeit", .string("09:16:16")), ("N [%]", .string("2,219")), ("Protein [%]", .string("13,87")), ("Einwaage [g]", .string("0,6509"))], meta: m)
    ], .init(timezone: TimeZone(identifier: "Europe/Amsterdam")))
    #expect(out.count == 2)
    let n = try #require(out.first { $0["analyte"] == .string("nitrogen") })
    #expect(n["value"] == .number("2.219"))
    #expect(n["unit"] == .string("g/100g"))
    #expect(n["unit_raw"] == .string("%"))
    #expect(n["measured_at"] == .string("2024-03-04T08:16:16Z"))
    #expect(n["method"] == .string("Kjeldahl"))
    #expect(n["einwaage_g"] == .string("0,6509"))
  }

  @Test func longTableConvertsAndKeepsThePrintedText() throws {
    let out = try Self.run([
      Record([("Customer sample ID", .string("S9")), ("Sample no.", .string("L-1")), ("Parameter", .string("Sodium")), ("Result", .string("2108")), ("Unit", .string("mg/kg"))], meta: Self.meta("r.csv", [])),
      Record([("Customer sample ID", .string("S9")), ("Sample no.", .string("L-1")), ("Parameter", .string("Enterobacteriaceae")), ("Result", .string("n.d.")), ("Unit", .string("cfu/g"))], meta: Self.meta("r.csv", [])),
    ])
    #expect(out[0]["sample_id"] == .string("S9"))
    #expect(out[0]["lab_sample_id"] == .string("L-1"))
    #expect(out[0]["value"] == .number("210.8"))
    #expect(out[0]["unit"] == .string("mg/100g"))
    #expect(out[0]["result_text"] == .string("2108"))
    #expect(out[1]["qualifier"] == .string("<"))
    #expect(out[1]["value"] == .null)
  }

  @Test func loggerRowsBecomeReadingsWithFilledStampsAndNulledSentinels() throws {
    let m = Self.meta("log.csv", [("Trial", "T7 test"), ("Time zone", "UTC+01:00")])
    let rows: [(String, String)] = [("2024-03-01 09:59:50", "32"), ("2024-03-01 10:00:00", "212"), ("", "-9999"), ("2024-03-01 10:00:20", "32")]
    var out = try Self.run(rows.map { Record([("Timestamp", .string($0.0)), ("TT-1 Inlet (°F)", .string($0.1))], meta: m) })
    #expect(out.count == 4)
    out.removeFirst()
    #expect(out[0]["ts"] == .string("2024-03-01T09:00:00Z"))
    #expect(out[0]["channel"] == .string("TT-1"))
    #expect(out[0]["value"] == .number("100"))
    #expect(out[0]["unit"] == .string("degC"))
    #expect(out[0]["run"] == .string("T7"))
    #expect(out[1]["ts"] == .string("2024-03-01T09:00:10Z"))
    #expect(out[1]["value"] == .null)
    #expect(Self.notes(out[1]).contains("sentinel"))
    #expect(Self.notes(out[1]).contains("filled-timestamp"))
  }

  @Test func naiveTimesWithoutAZoneAreReadAsUTCWithANote() throws {
    let out = try Self.run([Record([("Timestamp", .string("2024-03-01 10:00:00")), ("Druck [bar]", .string("2,5"))], meta: Self.meta("a.csv", []))])
    #expect(out[0]["ts"] == .string("2024-03-01T10:00:00Z"))
    #expect(Self.notes(out[0]).contains("assumed-utc"))
  }

  @Test func sensorySheetBecomesScores() throws {
    let m = Self.meta("s.xlsx", [("Scale", "9-point hedonic")])
    let out = try Self.run([Record([("Assessor", .string("C1")), ("Sample code", .string("094")), ("Sweetness", .string("7")), ("Purchase intent (1-5)", .string(""))], meta: m)])
    #expect(out.count == 2)
    #expect(out[0]["sample"] == .string("094"))
    #expect(out[0]["score"] == .number("7"))
    #expect(out[0]["scale"] == .string("1-9"))
    #expect(out[1]["score"] == .null)
    #expect(out[1]["scale"] == .string("1-5"))
  }

  @Test func aTableOfNoKnownShapeGoesOnWithANote() throws {
    let out = try Self.run([Record([("a", .string("x")), ("b", .string("y"))], meta: Self.meta("o.csv", []))])
    #expect(out.count == 1)
    #expect(out[0]["a"] == .string("x"))
    #expect(Self.notes(out[0]) == ["shape-not-detected"])
  }
}
