import PLPDF
import Testing

@Suite struct PDFTableFinderTests {
  static func tables(_ name: String, page: Int = 0, options: PDFTableOptions = PDFTableOptions()) throws -> [PDFTable] {
    PDFTableFinder(options: options).tables(on: try Fixture.document(name).page(page))
  }

  @Test func ruledGridWithSpanningGroupHeaderAndWrappedCell() throws {
    let tables = try Self.tables("ruled.pdf")
    #expect(tables.count == 2)
    let grid = try #require(tables.first)
    #expect(grid.kind == .ruled)
    #expect(grid.grid == [
      ["Analyte", "Result", "", "LOQ", "Method"],
      ["", "Value", "Unit", "", ""],
      ["Moisture", "6.1", "g/100 g", "0.1", "SOP-CH-004"],
      ["Protein (N x 6.25), Kjeldahl method", "84.9", "g/100 g", "0.1", "ASU L 06.00-7"],
      ["Fat", "7.0", "g/100 g", "0.1", "Soxhlet"],
      ["Sodium", "1129", "mg/kg", "1", "AOAC 984.27"],
    ])
    #expect(grid.headerRows == 2)
    #expect(grid.rows[0][1].colSpan == 2 && grid.rows[0][2].isCovered)
    #expect(grid.rows[3][0].lines == 2)
    #expect(grid.rowKinds == [.header, .header, .data, .data, .data, .data])
    #expect(abs(grid.bbox.x1 - 50) < 1.5 && abs(grid.bbox.x2 - 545) < 1.5)
    #expect(abs(grid.bbox.y1 - 100) < 1.5 && abs(grid.bbox.y2 - 206) < 1.5)
    #expect(grid.quality.assigned == 1 && grid.quality.score > 0.9)
  }

  @Test func shadedHeaderIsNotARule() throws {
    let page = try Fixture.document("ruled.pdf").page(0)
    let rules = page.rulings()
    // Seven rules across the grid and three across the second table; the shaded header band
    // (100–132) holds only the rules drawn at its edges and through it.
    let across = rules.filter { $0.axis == .horizontal && $0.length > 300 }
    #expect(across.count == 10, "\(across)")
    #expect(rules.allSatisfy { ($0.axis == .horizontal ? $0.box.height : $0.box.width) <= 2.5 })
    #expect(rules.filter { $0.axis == .vertical }.count == 6)
  }

  @Test func horizontalRulesOnlyTakeColumnsFromWordGaps() throws {
    let table = try #require(try Self.tables("ruled.pdf").last)
    #expect(table.kind == .horizontalRulesOnly)
    #expect(table.grid == [
      ["Mineral", "2023", "2024", "Change"],
      ["Calcium", "235", "241", "+6"],
      ["Iron", "13.9", "12.1", "-1.8"],
      ["Zinc", "4.2", "4.4", "+0.2"],
    ])
    // The header is numeric, but ruled apart from the data.
    #expect(table.headerRows == 1)
  }

  @Test func whitespaceTablesBesideParagraphsWithSectionAndWrappedRows() throws {
    let tables = try Self.tables("whitespace.pdf")
    #expect(tables.count == 2)
    let results = tables[0]
    #expect(results.kind == .whitespace)
    #expect(results.grid == [
      ["Parameter", "Ergebnis", "Einheit", "BG", "Methode"],
      ["Wasser", "51,1", "g/100 g", "0,1", "SOP-CH-004"],
      ["Protein (N x 6,25)", "1,0", "g/100 g", "0,1", "AOAC 2001.11"],
      ["Fettsaeuren", "", "", "", ""],
      ["C12:0 (Laurinsaeure)", "50,3", "g/100 g FS", "0,1", "ISO 12966-2"],
      ["C18:3 n-3 (alpha- Linolensaeure)", "n.n.", "g/100 g FS", "0,1", "ISO 12966-2"],
      ["Natrium", "1.129", "mg/kg", "1", "DIN EN 15621"],
      ["Brennwert", "1.133", "kJ/100 g", "-", "berechnet"],
    ])
    #expect(results.headerRows == 1)
    #expect(results.rowKinds[3] == .section && results.rows[3][0].colSpan == 5)
    #expect(results.rows[5][0].lines == 2)
    // The paragraph above is not swallowed.
    #expect(results.bbox.y1 > 95)
    let dates = tables[1]
    #expect(dates.grid == [
      ["Probe", "Eingang", "Pruefbeginn", "Pruefende"],
      ["24-118732-01", "15.04.2024", "16.04.2024", "18.04.2024"],
      ["24-118732-02", "15.04.2024", "17.04.2024", "19.04.2024"],
      ["24-118732-03", "16.04.2024", "17.04.2024", "22.04.2024"],
    ])
  }

  @Test func aParagraphBesideATableIsNotSwallowed() throws {
    let tables = try Self.tables("beside.pdf")
    #expect(tables.count == 1)
    let table = try #require(tables.first)
    #expect(table.grid == [
      ["Line", "Fat", "Salt", "pH"],
      ["A1", "21.5", "1.88", "5.02"],
      ["A2", "22.0", "1.91", "5.06"],
      ["B1", "13.8", "0.45", "6.10"],
      ["B2", "14.1", "0.47", "6.08"],
      ["C1", "2.4", "0.12", "4.31"],
    ])
    #expect(table.headerRows == 1)
    #expect(table.bbox.x1 > 320)
  }

  @Test func continuedTableIsStitchedWithoutItsRepeatedHeaderOrPageFooters() throws {
    let document = try Fixture.document("continued.pdf")
    var stitcher = PDFTableStitcher()
    var tables: [PDFTable] = []
    for index in 0..<document.pageCount {
      let page = try document.page(index)
      tables += stitcher.add(PDFTableFinder().tables(on: page), size: page.size, lines: page.lines())
    }
    tables += stitcher.finish()
    #expect(tables.count == 1)
    let table = try #require(tables.first)
    #expect(table.pages == [0, 1])
    #expect(table.headerRows == 1)
    #expect(table.grid.first == ["Determinand", "Result", "Units", "Method"])
    let expected = (1...60).map { i in ["Analyte \(i < 10 ? "0" : "")\(i)", "\(i).\(i % 10)", "g/100g", "ISO \(1000 + i)"] }
    #expect(Array(table.grid.dropFirst()) == expected)
    #expect(table.rowPages.filter { $0 == 1 }.count == 16)
    #expect(!table.grid.joined().contains { $0.contains("Page") || $0.contains("Report No") })
  }

  @Test func stitcherKeepsTablesApartWhenColumnsDiffer() throws {
    let tables = try Self.tables("ruled.pdf")
    var stitcher = PDFTableStitcher()
    let size = PDFSize(width: 595, height: 300)
    var out = stitcher.add([tables[0]], size: size, lines: [])
    out += stitcher.add([tables[1]], size: size, lines: [])
    out += stitcher.finish()
    #expect(out.count == 2)
    #expect(out.map(\.pages) == [[0], [0]])
  }

  @Test func pinnedAreaColumnsAndHeaderRowsOverrideDetection() throws {
    let options = PDFTableOptions(
      area: PDFRect(x1: 40, y1: 280, x2: 500, y2: 340), columns: [150, 250], headerRows: 0, detectRulings: false)
    let tables = try Self.tables("whitespace.pdf", options: options)
    #expect(tables.count == 1)
    let table = try #require(tables.first)
    #expect(table.headerRows == 0)
    #expect(table.columnBoundaries == [150, 250])
    #expect(table.grid == [
      ["Probe", "Eingang", "Pruefbeginn Pruefende"],
      ["24-118732-01", "15.04.2024", "16.04.2024 18.04.2024"],
      ["24-118732-02", "15.04.2024", "17.04.2024 19.04.2024"],
      ["24-118732-03", "16.04.2024", "17.04.2024 22.04.2024"],
    ])
  }

  @Test func pageFooterLinesAreNotTableText() {
    let size = PDFSize(width: 595, height: 842)
    func line(_ text: String, y: Double) -> PDFTextLine {
      PDFTextLine(words: text.split(separator: " ").enumerated().map { i, w in
        PDFWord(text: String(w), box: PDFRect(x1: 100 + Double(i) * 40, y1: y, x2: 130 + Double(i) * 40, y2: y + 9))
      })
    }
    #expect(PDFTableFinder.isPageFurniture(line("Seite 1 von 2", y: 800), size: size))
    #expect(PDFTableFinder.isPageFurniture(line("Page 2 of 2", y: 20), size: size))
    #expect(PDFTableFinder.isPageFurniture(line("2/3", y: 810), size: size))
    #expect(!PDFTableFinder.isPageFurniture(line("Page 2 of 2", y: 400), size: size))
    #expect(!PDFTableFinder.isPageFurniture(line("Protein 12.5", y: 800), size: size))
  }
}

@Suite struct PDFSidewaysTableTests {
  @Test func aTablePrintedSidewaysIsReadUpright() throws {
    let page = try Fixture.document("sideways.pdf").page(0)
    let tables = PDFTableFinder().tables(on: page)
    #expect(tables.count == 1)
    let table = try #require(tables.first)
    #expect(table.grid == [
      ["Region", "2021", "2022", "2023", "Change %"],
      ["North", "1,204", "1,310", "1,422", "8.5"],
      ["South", "987", "1,002", "1,120", "11.8"],
      ["East", "1,530", "1,498", "1,611", "7.5"],
      ["West", "2,011", "2,150", "2,203", "2.5"],
    ])
    // The bold first row is the header, though its labels are numbers.
    #expect(table.headerRows == 1)
    // The box is on the page as printed: narrow and tall.
    #expect(table.bbox.height > 400 && table.bbox.width < 100)
  }
}
