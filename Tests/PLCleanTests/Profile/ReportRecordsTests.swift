import Foundation
import PLClean
import PLCore
import Testing

/// The lab profile on records shaped as the PDF lab-report reader gives them: the row's cells
/// under their printed headings, then the report's header fields under their printed labels.
struct ReportRecordsTests {
  static func run(_ rows: [[(String, String)]]) throws -> [Record] {
    let meta = [Field("source", .string("report.pdf")), Field("page", .integer(1))]
    return try LabShaperTests.run(
      rows.map { Record($0.map { ($0.0, JSONValue.string($0.1)) }, meta: meta) },
      .init(timezone: TimeZone(identifier: "Europe/Amsterdam")))
  }

  // MARK: - sample ids

  @Test func theExtractorsSampleIDWinsOverAHeadersClientReference() throws {
    let header = [("Sample ID", "S-1"), ("Client reference", "ORD-0118"), ("Lab sample no.", "L-1")]
    let out = try Self.run([
      [("sample_id", "S-1"), ("lab_sample_id", "L-1"), ("Analyte", "Fat"), ("Result", "7.0"), ("Unit", "g/100 g")] + header
    ])
    #expect(out[0]["sample_id"] == .string("S-1"))
    #expect(out[0]["lab_sample_id"] == .string("L-1"))
    #expect(out[0]["client_reference"] == .string("ORD-0118"))
  }

  @Test func aColumnThatNamesASampleWinsOverAMereReference() throws {
    // The reference comes first; the sample's own id still wins, in any language.
    let out = try Self.run([[("Analyte", "Fat"), ("Result", "7.0"), ("Client reference", "ORD-1"), ("Sample ID", "S-1")]])
    #expect(out[0]["sample_id"] == .string("S-1"))
    #expect(out[0]["client_reference"] == .string("ORD-1"))
    let german = try Self.run([[("Prüfparameter", "Fett"), ("Ergebnis", "7,0"), ("Ihre Referenz", "ORD-2"), ("Probennummer", "S-2")]])
    #expect(german[0]["sample_id"] == .string("S-2"))
    #expect(german[0]["ihre_referenz"] == .string("ORD-2"))
  }

  @Test func aClientsSampleIDWinsAndTheOtherSampleColumnIsTheLabs() throws {
    let out = try Self.run([[("Sample no.", "L-1"), ("Customer sample ID", "S-1"), ("Parameter", "Fat"), ("Result", "7.0")]])
    #expect(out[0]["sample_id"] == .string("S-1"))
    #expect(out[0]["lab_sample_id"] == .string("L-1"))
  }

  @Test func withoutTheExtractorsIDsTheHeaderFieldsGiveThem() throws {
    let english = try Self.run([[("Determinand", "Fat"), ("Result", "7.0"), ("Customer order ref", "PO-1"), ("Lab ref", "L-1"), ("Customer ref", "S-1")]])
    #expect(english[0]["sample_id"] == .string("S-1"))
    #expect(english[0]["lab_sample_id"] == .string("L-1"))
    let german = try Self.run([[("Parameter", "Fett"), ("Ergebnis", "7,0"), ("Ihr Zeichen", "PD-1"), ("Kunden-Proben-ID", "S-2"), ("Labor-Proben-Nr.", "L-2")]])
    #expect(german[0]["sample_id"] == .string("S-2"))
    #expect(german[0]["lab_sample_id"] == .string("L-2"))
    #expect(german[0]["ihr_zeichen"] == .string("PD-1"))
  }

  @Test func aLoneReferenceIsStillTheSampleID() throws {
    let out = try Self.run([[("Your reference", "S-9"), ("Parameter", "Fat"), ("Result", "7.0")]])
    #expect(out[0]["sample_id"] == .string("S-9"))
  }

  // MARK: - columns by other words

  @Test func determinandMethodRefAndALoDStandingForTheLOQ() throws {
    let out = try Self.run([
      [("sample_id", "S-1"), ("Determinand", "Moisture"), ("Result", "51.3"), ("Units", "g/100g"), ("LoD", "0.1"), ("Method ref", "ISO 712")],
      [("sample_id", "S-1"), ("Determinand", "Listeria monocytogenes"), ("Result", "Not detected"), ("Units", "cfu/g"), ("LoD", "10"), ("Method ref", "ISO 11290-2")],
      [("sample_id", "S-1"), ("Determinand", "Energy value"), ("Result", "277"), ("Units", "kcal/100g"), ("LoD", "-"), ("Method ref", "calc.")],
    ])
    #expect(out[0]["analyte"] == .string("moisture"))
    #expect(out[0]["loq"] == .number("0.1"))
    #expect(out[0]["lod"] == .string("0.1"))
    #expect(out[0]["method"] == .string("ISO 712"))
    #expect(out[1]["qualifier"] == .string("<"))
    #expect(out[1]["limit"] == .number("10"))
    #expect(out[1]["loq"] == .number("10"))
    // A dash is no limit at all.
    #expect(out[2]["loq"] == nil)
    #expect(out[2]["lod"] == nil)
    #expect(out[2]["value"] == .number("1158.968"))
  }

  @Test func anLOQColumnIsTheLOQEvenBesideALoD() throws {
    let out = try Self.run([[("Parameter", "Fett"), ("Ergebnis", "7,0"), ("Einheit", "g/100 g"), ("NG", "0,05"), ("BG", "0,1")]])
    #expect(out[0]["loq"] == .number("0.1"))
    #expect(out[0]["lod"] == .string("0,05"))
  }

  @Test func analyteRawIsThePrintedNameWithoutItsFootnoteMarker() throws {
    let out = try Self.run([
      [("Parameter", "Wasseraktivität (aw)"), ("Ergebnis", "0,95")],
      [("Parameter", "Protein (N x 6,25) *)"), ("Ergebnis", "1,0")],
    ])
    #expect(out[0]["analyte"] == .string("water_activity"))
    #expect(out[0]["analyte_raw"] == .string("Wasseraktivität (aw)"))
    #expect(out[1]["analyte"] == .string("protein"))
    #expect(out[1]["analyte_raw"] == .string("Protein (N x 6,25)"))
  }

  @Test(arguments: [("Prüfbericht Nr.", true), ("Report No.", true), ("CoA No.", true), ("Berichtsnummer", true), ("No.", false), ("Lab no.", false)])
  func theReportNumberByItsWords(label: String, isReport: Bool) throws {
    let out = try Self.run([[("Parameter", "Fat"), ("Result", "7.0"), (label, "R-1")]])
    #expect((out[0]["report_no"] == .string("R-1")) == isReport)
  }

  // MARK: - measured_at

  @Test func aRowsTestDateDatesItAndTheReportsOtherDatesDoNot() throws {
    let header = [("Date received", "15-Apr-24"), ("Testing started", "16-Apr-24"), ("Date reported", "24-Apr-24")]
    let out = try Self.run([
      [("Determinand", "Fat"), ("Result", "7.0"), ("Date tested", "17-Apr-24")] + header,
      [("Determinand", "Ash"), ("Result", "4.1"), ("Date tested", "22-Apr-24")] + header,
    ])
    #expect(out[0]["measured_at"] == .string("2024-04-17"))
    #expect(out[1]["measured_at"] == .string("2024-04-22"))
    // Dates that date no result are kept under their own names.
    #expect(out[0]["date_received"] == .string("15-Apr-24"))
    #expect(out[0]["date_reported"] == .string("24-Apr-24"))
  }

  @Test func theReportsSingleDateOfAnalysisDatesItsResults() throws {
    let out = try Self.run([[("Test", "Fat"), ("Result", "7.0"), ("Manufacture date", "04/22/2024"), ("Date of analysis", "04/23/2024"), ("Best before", "04/21/2026")]])
    #expect(out[0]["measured_at"] == .string("2024-04-23"))
    #expect(out[0]["manufacture_date"] == .string("04/22/2024"))
  }

  @Test func aPeriodOfAnalysisDatesNoResultAndThePlainDateIsNotAsked() throws {
    let english = try Self.run([[("Analyte", "Fat"), ("Result", "7.0"), ("Sample received", "23 Feb 2024"), ("Analysis period", "26 Feb 2024 - 28 Feb 2024"), ("Date of issue", "01 Mar 2024")]])
    #expect(english[0]["measured_at"] == nil)
    #expect(english[0]["analysis_period"] == .string("26 Feb 2024 - 28 Feb 2024"))
    #expect(english[0]["date_of_issue"] == .string("01 Mar 2024"))
    let german = try Self.run([[("Parameter", "Fett"), ("Ergebnis", "7,0"), ("Probeneingang", "15.04.2024"), ("Prüfzeitraum", "16.04.2024 – 18.04.2024"), ("Datum", "22.04.2024")]])
    #expect(german[0]["measured_at"] == nil)
    #expect(german[0]["datum"] == .string("22.04.2024"))
  }

  @Test func aPlainDateDatesResultsWhenNothingSaysWhenTheyWereAnalysed() throws {
    let out = try Self.run([[("Parameter", "Fett"), ("Ergebnis", "7,0"), ("Probeneingang", "15.04.2024"), ("Datum", "17.04.2024")]])
    #expect(out[0]["measured_at"] == .string("2024-04-17"))
  }

  @Test func anIssueOrReceivedDateAloneDatesNothing() throws {
    let out = try Self.run([[("Analyte", "Fat"), ("Result", "7.0"), ("Date of issue", "01 Mar 2024"), ("Received", "23 Feb 2024")]])
    #expect(out[0]["measured_at"] == nil)
    #expect(out[0]["date_of_issue"] == .string("01 Mar 2024"))
    #expect(out[0]["received"] == .string("23 Feb 2024"))
  }
}
