import PLCore
@testable import PLExtract
import Testing

/// The lab-report reader on the kinds of layout labs print, built from positioned text.
@Suite struct LabReportReaderTests {
  typealias L = LabReportLayout

  static func read(_ pages: [LabReportPage], options: LabReportOptions = LabReportOptions()) -> (LabReportReader, [Record]) {
    var reader = LabReportReader(source: "report.pdf", options: options)
    var records: [Record] = []
    for page in pages { records += reader.read(page: page) }
    return (reader, records)
  }

  /// German report: one column of `Label: value`, an unruled table, decimal commas, `n.n.`,
  /// a `*)` marker, a page footer.
  @Test func singleColumnHeaderAndWhitespaceTable() {
    let page = L.page(1, [
      (60, [(56, "Prüfbericht Nr. 24-118732")]),
      (80, [(56, "Auftraggeber:"), (166, "Polderland Foods B.V.")]),
      (92, [(56, "Probenbezeichnung:"), (166, "Vegane Käsescheiben")]),
      (104, [(56, "Kunden-Proben-ID:"), (166, "S24-00782")]),
      (116, [(56, "Labor-Proben-Nr.:"), (166, "24-118732-01")]),
      (128, [(56, "Charge:"), (166, "CH-2404-35")]),
      (160, [(56, "Parameter"), (282, "Ergebnis"), (336, "Einheit"), (415, "BG"), (440, "Methode")]),
      (174, [(56, "Wasser"), L.right(320, "51,1"), (336, "g/100 g"), L.right(430, "0,1"), (440, "SOP-CH-004")]),
      (188, [(56, "Protein (N x 6,25) *)"), L.right(320, "1,0"), (336, "g/100 g"), L.right(430, "0,1"), (440, "AOAC 2001.11")]),
      (202, [(56, "Natrium"), L.right(320, "8.400"), (336, "mg/kg"), L.right(430, "10"), (440, "AOAC 984.27")]),
      (216, [(56, "Listeria monocytogenes"), L.right(320, "n.n. in 25 g"), L.right(430, "-"), (440, "ISO 11290-1")]),
      (240, [(56, "BG = Bestimmungsgrenze; n.n. = nicht nachweisbar (< BG)")]),
      (252, [(56, "*) nicht akkreditiertes Prüfverfahren")]),
      (800, [(275, "Seite 1 von 1")]),
    ])
    let (reader, records) = Self.read([page])
    #expect(records.count == 4)
    #expect(records.map { $0.string("Parameter") } == ["Wasser", "Protein (N x 6,25)", "Natrium", "Listeria monocytogenes"])
    #expect(records.map { $0.string("Ergebnis") } == ["51,1", "1,0", "8.400", "n.n. in 25 g"])
    #expect(records.map { $0.string("Einheit") } == ["g/100 g", "g/100 g", "mg/kg", ""])
    #expect(records.map { $0.string("BG") } == ["0,1", "0,1", "10", "-"])
    #expect(records.allSatisfy { $0.string("sample_id") == "S24-00782" && $0.string("lab_sample_id") == "24-118732-01" })
    #expect(records[0].string("Charge") == "CH-2404-35")
    #expect(records[0].string("Prüfbericht Nr.") == "24-118732")
    #expect(records[1].meta("footnote") == "*)")
    #expect(records[1].meta("footnote_text") == "nicht akkreditiertes Prüfverfahren")
    #expect(records[0].meta("footnote") == nil)
    #expect(records.map { $0.meta("row") } == ["1", "2", "3", "4"])
    #expect(records.allSatisfy { $0.meta("table") == "1" && $0.meta("page") == "1" && $0.meta("source") == "report.pdf" })
    #expect(records[0].meta("bbox") == "56,174,490,184")
    #expect(reader.fields.map(\.label) == ["Prüfbericht Nr.", "Auftraggeber", "Probenbezeichnung", "Kunden-Proben-ID", "Labor-Proben-Nr.", "Charge"])
  }

  /// Two `Label: value` columns side by side; a value on a second line continues its field;
  /// the explicit sample id wins over the client's (order) reference.
  @Test func twoColumnHeader() {
    let page = L.page(1, [
      (40, [(50, "Client:"), (132, "Polderland Foods B.V."), (305, "Sample ID:"), (390, "S24-00776")]),
      (54, [(132, "Postbus 118"), (305, "Lab sample no.:"), (390, "NLA-S24-05511")]),
      (68, [(50, "Client ref.:"), (132, "PD-ORD-0118"), (305, "Lot / batch:"), (390, "L24054C")]),
      (82, [(305, "Date of issue:"), (390, "01 Mar 2024")]),
      (96, [(50, "Sampling: by the client.")]),
      (106, [(50, "Results")]),
      (120, [(53, "Analyte"), (238, "Result"), (308, "Unit"), (370, "LOQ"), (418, "Method")]),
      (136, [(53, "Moisture*"), L.right(302, "6.1"), (308, "g/100 g"), L.right(415, "0.1"), (418, "SOP-CH-004")]),
      (152, [(53, "Total viable count"), L.right(302, "1.1E+04"), (308, "cfu/g"), L.right(415, "10"), (418, "ISO 4833-1")]),
      (168, [(53, "Salmonella spp."), L.right(302, "Not detected in 25 g"), (308, "/25 g"), L.right(415, "-"), (418, "ISO 6579-1")]),
      (200, [(50, "* Method not within the scope of accreditation.")]),
    ])
    let (reader, records) = Self.read([page])
    #expect(records.count == 3)
    #expect(records.allSatisfy { $0.string("sample_id") == "S24-00776" && $0.string("lab_sample_id") == "NLA-S24-05511" })
    #expect(records[0].string("Client") == "Polderland Foods B.V., Postbus 118")
    #expect(records[0].string("Lot / batch") == "L24054C")
    #expect(records[0].string("Analyte") == "Moisture")
    #expect(records[0].meta("footnote") == "*")
    #expect(records.map { $0.string("Result") } == ["6.1", "1.1E+04", "Not detected in 25 g"])
    #expect(records.map { $0.string("Unit") } == ["g/100 g", "cfu/g", "/25 g"])
    #expect(reader.fields.map(\.label) == ["Client", "Sample ID", "Lab sample no.", "Client ref.", "Lot / batch", "Date of issue", "Sampling"])
    #expect(records[0].string("Sampling") == "by the client.")
  }

  /// A certificate of analysis: the header in a colon-less grid (no records of its own), a
  /// Specification column beside the Result, thousands separators, the lot as the sample id.
  @Test func headerGridAndSpecificationColumn() {
    let page = L.page(1, [
      (20, [(50, "Green Valley Ingredients, Inc."), (480, "QA-F-021 rev. 4")]),
      (60, [(54, "Product"), (159, "Pea protein isolate 85"), (310, "CoA No."), (415, "GVI-CoA-2404101")]),
      (76, [(54, "Lot number"), (159, "2404101"), (310, "Customer PO"), (415, "4500262256")]),
      (92, [(54, "Manufacture date"), (159, "04/22/2024"), (310, "Quantity"), (415, "18,000 lb (20 bags)")]),
      (130, [(53, "Test"), (193, "Specification"), (313, "Result"), (407, "Units"), (448, "Method")]),
      (145, [(53, "Appearance"), (193, "Cream powder"), L.right(390, "Conforms"), (416, "-"), (448, "Visual")]),
      (160, [(53, "Sodium"), (193, "max. 1400"), L.right(390, "1,201"), (401, "mg/100g"), (448, "EN 15621")]),
      (175, [(53, "Cadmium (Cd)"), (193, "max. 20"), L.right(390, "< 5"), (410, "ppb"), (448, "EN 15763")]),
      (210, [(50, "Conclusion: The lot conforms to the specification.")]),
    ])
    let (reader, records) = Self.read([page])
    #expect(records.count == 3)
    #expect(records.map { $0.string("Result") } == ["Conforms", "1,201", "< 5"])
    #expect(records.map { $0.string("Specification") } == ["Cream powder", "max. 1400", "max. 20"])
    #expect(records.map { $0.string("Units") } == ["-", "mg/100g", "ppb"])
    #expect(records.allSatisfy { $0.string("sample_id") == "2404101" && $0.string("Product") == "Pea protein isolate 85" })
    #expect(records[0].string("Quantity") == "18,000 lb (20 bags)")
    #expect(reader.fields.contains { $0.label == "Conclusion" })
    #expect(!records[0].fields.contains { $0.key == "Conclusion" })
  }

  /// A section row names the rows below it and is no record; a wrapped analyte is one cell.
  @Test func sectionRowsAndWrappedCells() {
    let page = L.page(1, [
      (40, [(50, "Sample ID:"), (150, "S-1")]),
      (80, [(50, "Parameter"), (250, "Result"), (320, "Unit")]),
      (96, [(50, "Fat"), L.right(300, "7.0"), (320, "g/100 g")]),
      (112, [(50, "Fatty acids")]),
      (128, [(50, "C16:0"), L.right(300, "6.7"), (320, "g/100 g FA")]),
      (144, [(50, "C18:3 n-3 (alpha-linolenic"), L.right(300, "8.1"), (320, "g/100 g FA")]),
      (153, [(50, "acid)")]),
      (166, [(50, "C20:0"), L.right(300, "0.6"), (320, "g/100 g FA")]),
      (182, [(50, "Minerals")]),
      (198, [(50, "Sodium"), L.right(300, "1129"), (320, "mg/100 g")]),
    ])
    let (_, records) = Self.read([page])
    #expect(records.map { $0.string("Parameter") } == ["Fat", "C16:0", "C18:3 n-3 (alpha-linolenic acid)", "C20:0", "Sodium"])
    #expect(records.map { $0.string("section") } == [nil, "Fatty acids", "Fatty acids", "Fatty acids", "Minerals"])
    #expect(records.map { $0.meta("row") } == ["1", "2", "3", "4", "5"])
  }

  /// A table continued on the next page under its repeated heading is one table; the heading
  /// is no row; the page's header and footer lines are not data.
  @Test func tableContinuingOnTheNextPage() {
    let heading: L.Line = (0, [(53, "Analyte"), (238, "Result"), (308, "Unit"), (370, "LOQ")])
    func at(_ y: Double, _ line: L.Line) -> L.Line { (y, line.cells) }
    let first = L.page(1, [
      (40, [(50, "Sample ID:"), (150, "S-1")]),
      at(80, heading),
      (96, [(53, "Moisture"), L.right(302, "6.1"), (308, "g/100 g"), L.right(400, "0.1")]),
      (112, [(53, "Protein"), L.right(305, "84.9"), (308, "g/100 g"), L.right(400, "0.1")]),
      (800, [(50, "Example Lab B.V."), (507, "Page 1 of 2")]),
    ])
    let second = L.page(2, [
      (30, [(50, "Test report 123 (continued)")]),
      at(60, heading),
      (76, [(53, "Yeasts"), L.right(305, "13"), (308, "cfu/g"), L.right(400, "10")]),
      (800, [(50, "Example Lab B.V."), (507, "Page 2 of 2")]),
    ])
    let (reader, records) = Self.read([first, second])
    #expect(records.map { $0.string("Analyte") } == ["Moisture", "Protein", "Yeasts"])
    #expect(records.map { $0.meta("table") } == ["1", "1", "1"])
    #expect(records.map { $0.meta("row") } == ["1", "2", "3"])
    #expect(records.map { $0.meta("page") } == ["1", "1", "2"])
    #expect(reader.tableCount == 1)
  }

  /// A table continued on the next page without its heading: the page's first full row starts it.
  @Test func tableContinuingWithoutItsHeading() {
    let first = L.page(1, [
      (40, [(50, "Sample ID:"), (150, "S-1")]),
      (80, [(53, "Analyte"), (238, "Result"), (308, "Unit"), (370, "LOQ")]),
      (96, [(53, "Moisture"), L.right(302, "6.1"), (308, "g/100 g"), L.right(400, "0.1")]),
      (800, [(507, "Page 1 of 2")]),
    ])
    let second = L.page(2, [
      (30, [(50, "Test report 123, continued")]),
      (60, [(53, "Yeasts"), L.right(302, "13"), (308, "cfu/g"), L.right(400, "10")]),
      (76, [(53, "Moulds"), L.right(302, "< 10"), (308, "cfu/g"), L.right(400, "10")]),
      (100, [(50, "Approved by:"), (150, "A. Visser")]),
    ])
    let (_, records) = Self.read([first, second])
    #expect(records.map { $0.string("Analyte") } == ["Moisture", "Yeasts", "Moulds"])
    #expect(records.map { $0.meta("table") } == ["1", "1", "1"])
    #expect(records.map { $0.meta("row") } == ["1", "2", "3"])
    #expect(records.map { $0.string("Unit") } == ["g/100 g", "cfu/g", "cfu/g"])
  }

  /// Several samples, each with its own header line and table: each row carries its sample;
  /// a per-row test date stays a column.
  @Test func severalSamplesEachWithItsOwnSection() {
    let page = L.page(1, [
      (20, [(45, "Customer"), (140, "Polderland Foods B.V."), (345, "Date received"), (450, "15-Apr-24")]),
      (33, [(45, "Customer order ref"), (140, "PD-ORD-0136"), (345, "Number of samples"), (450, "2")]),
      (70, [(49, "Sample 1 of 2"), (135, "Lab ref: MFT/1"), (305, "Customer ref: S-1")]),
      (84, [(49, "Description: Vegan cheese slices; batch B1")]),
      (100, [(48, "Determinand"), (213, "Result"), (275, "Units"), (333, "LoD"), (478, "Date tested")]),
      (115, [(48, "Energy value"), L.right(270, "277"), (275, "kcal/100g"), L.right(375, "-"), (478, "17-Apr-24")]),
      (130, [(48, "pH †"), L.right(270, "5.02"), (275, "pH units"), L.right(375, "-"), (478, "22-Apr-24")]),
      (160, [(49, "Sample 2 of 2"), (135, "Lab ref: MFT/2"), (305, "Customer ref: S-2")]),
      (174, [(49, "Description: Oat bar; batch B2")]),
      (190, [(48, "Determinand"), (213, "Result"), (275, "Units"), (333, "LoD"), (478, "Date tested")]),
      (205, [(48, "Iron"), L.right(270, "2.94"), (275, "mg/100g"), L.right(375, "0.05"), (478, "22-Apr-24")]),
    ])
    let (reader, records) = Self.read([page])
    #expect(records.map { $0.string("sample_id") } == ["S-1", "S-1", "S-2"])
    #expect(records.map { $0.string("lab_sample_id") } == ["MFT/1", "MFT/1", "MFT/2"])
    #expect(records.map { $0.string("Description") } == ["Vegan cheese slices; batch B1", "Vegan cheese slices; batch B1", "Oat bar; batch B2"])
    #expect(records.map { $0.string("Date tested") } == ["17-Apr-24", "22-Apr-24", "22-Apr-24"])
    #expect(records.map { $0.string("Determinand") } == ["Energy value", "pH", "Iron"])
    #expect(records[1].meta("footnote") == "†")
    #expect(records.map { $0.meta("table") } == ["1", "1", "2"])
    #expect(records[0].string("Customer") == "Polderland Foods B.V.")
    #expect(reader.tableCount == 2)
  }

  /// One column per sample, the unit in the result heading: a record per sample and analyte.
  @Test func oneColumnPerSample() {
    let page = L.page(1, [
      (40, [(50, "Report No.:"), (150, "R-7")]),
      (80, [(50, "Parameter"), (200, "Method"), (300, "S24-001"), (380, "S24-002")]),
      (96, [(50, "Protein"), (200, "Dumas"), L.right(340, "12,5"), L.right(420, "13,1")]),
      (112, [(50, "Fat"), (200, "Soxhlet"), L.right(340, "< 0,5"), L.right(420, "2,0")]),
    ])
    let (_, records) = Self.read([page])
    #expect(records.map { $0.string("sample_id") } == ["S24-001", "S24-002", "S24-001", "S24-002"])
    #expect(records.map { $0.string("Result") } == ["12,5", "13,1", "< 0,5", "2,0"])
    #expect(records.map { $0.string("Parameter") } == ["Protein", "Protein", "Fat", "Fat"])
    #expect(records.map { $0.meta("column") } == ["S24-001", "S24-002", "S24-001", "S24-002"])
    #expect(records.allSatisfy { $0.string("Report No.") == "R-7" })
  }

  /// `Result (mg/100 g)`: the unit of the heading goes on every record; a template relabels.
  @Test func unitInTheHeadingAndRelabels() {
    let page = L.page(1, [
      (40, [(50, "Probe-Code:"), (150, "X-9")]),
      (80, [(50, "Analyse"), (250, "Résultat (mg/100 g)")]),
      (96, [(50, "Calcium"), L.right(300, "235")]),
    ])
    let options = LabReportOptions(headerLabels: ["probe code": "Sample ID"], sampleIDField: "Sample ID")
    let (reader, records) = Self.read([page], options: options)
    #expect(records.count == 1)
    #expect(records.first?.string("Résultat (mg/100 g)") == "235")
    #expect(records.first?.string("Unit") == "mg/100 g")
    #expect(records.first?.string("sample_id") == "X-9")
    #expect(reader.fields.map(\.label) == ["Sample ID"])
  }

  /// A page with key/values but no results table, and a table heading with no result column,
  /// give no records.
  @Test func noResultsTableNoRecords() {
    let page = L.page(1, [
      (40, [(50, "Approved by:"), (150, "Dr. A. Visser")]),
      (80, [(50, "Name"), (200, "Function"), (350, "Signature")]),
      (96, [(50, "A. Visser"), (200, "Manager"), (350, "signed")]),
    ])
    let (reader, records) = Self.read([page])
    #expect(records.isEmpty)
    #expect(reader.fields.map(\.label) == ["Approved by"])
  }

  @Test(arguments: [
    ("Moisture*", "Moisture", "*"), ("Protein (N x 6,25) *)", "Protein (N x 6,25)", "*)"), ("pH †", "pH", "†"),
    ("Total plate count (30 °C)", "Total plate count (30 °C)", nil), ("Fat¹", "Fat", "¹"), ("**", "**", nil),
  ] as [(String, String, String?)])
  func footnoteMarkers(printed: String, name: String, marker: String?) {
    let split = FootnoteMarker.split(printed)
    #expect(split.name == name)
    #expect(split.marker == marker)
  }

  @Test(arguments: [
    ("Sample ID", HeaderField.Identity.sample), ("Kunden-Proben-ID", .sample), ("N° échantillon", .sample),
    ("Lab sample no.", .labSample), ("Labor-Proben-Nr.", .labSample), ("Lab ref", .labSample),
    ("Customer ref", .clientReference), ("Votre référence", .clientReference), ("Lot / batch", .lot), ("Charge", .lot),
    ("Lotto", .lot),
  ])
  func sampleLabels(label: String, identity: HeaderField.Identity) {
    #expect(HeaderField.identity(of: label) == identity)
  }

  @Test(arguments: ["Customer order ref", "Customer PO", "Number of samples", "Ihr Zeichen", "Client", "Product", "Date received"])
  func labelsThatNameNoSample(label: String) {
    #expect(HeaderField.identity(of: label) == nil)
  }

  @Test(arguments: [
    ("Parameter", ResultColumnRole.analyte), ("Prüfparameter", .analyte), ("Paramètre", .analyte), ("Determinand", .analyte),
    ("Ergebnis", .result), ("Résultat (mg/100 g)", .result), ("Risultato", .result), ("Resultado", .result),
    ("Einheit", .unit), ("Unité", .unit), ("BG", .loq), ("LOQ", .loq), ("LoD", .lod), ("Methode", .method),
    ("Specification", .specification), ("Date tested", .date),
  ])
  func columnHeadings(heading: String, role: ResultColumnRole) {
    #expect(ResultColumnRole.of(heading: heading) == role)
  }
}
