import PLClean
import Testing

@Suite struct ColumnRoleTests {
  @Test(arguments: [
    ("Sample ID", ColumnRole.sampleID), ("Sample", .sampleID), ("Probe", .sampleID), ("Probennummer", .sampleID),
    ("Proben-Nr.", .sampleID), ("Muster", .sampleID), ("Échantillon", .sampleID), ("Monster", .sampleID), ("Sample name", .sampleID),
    ("Client sample id", .sampleID), ("Lab ID", .labSampleID), ("Lab sample no", .labSampleID), ("Labor-Nr.", .labSampleID),
    ("Lot", .lot), ("Batch", .lot), ("Charge", .lot), ("Partij", .lot), ("Product", .product), ("Produkt", .product),
    ("Parameter", .analyte), ("Analyte", .analyte), ("Prüfparameter", .analyte), ("Test", .analyte), ("Determination", .analyte),
    ("Compound", .analyte), ("Component", .analyte), ("Result", .result), ("Ergebnis", .result), ("Résultat", .result),
    ("Resultaat", .result), ("Value", .result), ("Wert", .result), ("Amount", .result), ("Unit", .unit), ("Einheit", .unit),
    ("Unité", .unit), ("Eenheid", .unit), ("LOQ", .loq), ("LoQ", .loq), ("BG", .loq), ("Bestimmungsgrenze", .loq), ("LOD", .lod),
    ("NG", .lod), ("Nachweisgrenze", .lod), ("Method", .method), ("Methode", .method), ("Prüfverfahren", .method), ("Norm", .method),
    ("Date", .date), ("Datum", .date), ("Time", .time), ("Uhrzeit", .time), ("Timestamp", .timestamp), ("Date/Time", .timestamp),
    ("Acq. Date-Time", .timestamp), ("Panelist", .panelist), ("Assessor", .panelist), ("Prüfer", .panelist), ("Judge", .panelist),
    ("Panellist", .panelist), ("Sample code", .sampleCode), ("Sweetness", .sensoryAttribute), ("Overall liking", .sensoryAttribute),
    ("Purchase intent (1-5)", .sensoryAttribute), ("Knusprigkeit", .sensoryAttribute), ("Attribute", .attribute), ("Einwaage [g]", .instrumentDetail),
    ("Initial weight [g]", .instrumentDetail), ("RT [min]", .instrumentDetail), ("mV", .instrumentDetail), ("Pos.", .position),
    ("No.", .position), ("Bemerkung", .comment), ("Notes", .comment), ("Specification", .specification),
    ("Date (UTC)", .date), ("Sample Type", .sampleType), ("Inj", .replicate), ("PRUEFPARAMETER", .analyte),
  ])
  func classifiesKeyColumns(header: String, role: ColumnRole) {
    #expect(ColumnRole.classify(header: header) == role)
  }

  @Test func theDataFileLoadsWithoutProblems() {
    #expect(ColumnRole.dataProblems == [])
  }

  @Test(arguments: ["Protein [%]", "Moisture (%)", "TT-101 Preheat (°F)", "pH", "MC [%]", "Fat"])
  func leavesAnalyteAndChannelColumnsAlone(header: String) {
    #expect(ColumnRole.classify(header: header) == nil)
  }
}
