import Foundation
import PLPDF
import PLTestSupport
import Testing

/// Cell-level F1 of the table finder and stitcher themselves over the generated table fixtures
/// (Tests/Fixtures/pdf-tables), without pl-extract and its quality gate: every page's tables
/// (`PDFTableFinder`) joined across pages (`PDFTableStitcher`), each table's grid scored
/// against the fixture's expected grids.
///
/// The measure is the one of `score.py` beside the fixtures and of the end-to-end
/// PDFTableScoreTests (ICDAR 2013 adjacency relations; `TableScore` in PLTestSupport keeps
/// the definition): overall F1 sums relations over all PDFs, the mean per PDF weighs each alike.
/// The table is printed; `PL_TABLE_DUMP=NAME` also prints that fixture's grids, expected and
/// found.
@Suite struct PDFTableFixtureScoreTests {
  static let fixtures: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)  // PLPDFTests/PDFTableFixtureScoreTests.swift
    return parts.joined(separator: "/") + "/Fixtures/pdf-tables"
  }()

  /// The tables of a PDF as the finder and stitcher give them, as grids of text.
  static func extract(_ path: String, options: PDFTableOptions = PDFTableOptions()) throws -> [PDFTable] {
    let document = try PDFDocument(path: path)
    let finder = PDFTableFinder(options: options)
    var stitcher = PDFTableStitcher()
    var tables: [PDFTable] = []
    for index in 0..<document.pageCount {
      let page = try document.page(index)
      tables += stitcher.add(finder.tables(on: page), size: page.size, lines: page.lines())
    }
    return tables + stitcher.finish()
  }

  static func expected(_ name: String) throws -> [[[String]]] {
    let url = URL(fileURLWithPath: fixtures + "/" + name + ".json")
    let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    return try #require(TableScore.tables((truth["tables"] as? [[String: Any]])?.map { $0["rows"] as Any }))
  }

  @Test func theScorerReproducesTheWorkedExample() throws {
    let url = URL(fileURLWithPath: Self.fixtures + "/scoring-example.json")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let expected = try #require(TableScore.tables(object["expected"]))
    let predicted = try #require(TableScore.tables(object["predicted"]))
    let score = TableScore.score(expected: expected, extracted: predicted)
    #expect(score.correct == object["correct"] as? Int)
    #expect(score.extracted == object["extracted"] as? Int)
    #expect(score.expected == object["expected_relations"] as? Int)
    let f1 = try #require(object["f1"] as? Double)
    #expect(abs(score.f1 - f1) < 1e-4)
  }

  @Test func finderAndStitcherScoreAboveTheBarOnTheFixtures() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures)
      .filter { $0.hasSuffix(".pdf") }
      .map { String($0.dropLast(4)) }
      .sorted()
    #expect(names.count >= 30, "expected the generated fixtures in \(Self.fixtures)")
    let dump = ProcessInfo.processInfo.environment["PL_TABLE_DUMP"]
    var total = TableScore()
    var perPDF: [Double] = []
    var report = TableScore.heading + "\n"
    for name in names {
      let expected = try Self.expected(name)
      let extracted = try Self.extract(Self.fixtures + "/" + name + ".pdf").map(\.grid)
      let score = TableScore.score(expected: expected, extracted: extracted)
      total.add(score)
      perPDF.append(score.f1)
      report += score.row(name: name, tables: "\(extracted.count)/\(expected.count)") + "\n"
      if dump == name || dump == "all" {
        for (i, grid) in expected.enumerated() { report += "  expected \(i):\n" + TableScore.render(grid) }
        for (i, grid) in extracted.enumerated() { report += "  found \(i):\n" + TableScore.render(grid) }
      }
    }
    let mean = perPDF.isEmpty ? 0 : perPDF.reduce(0, +) / Double(perPDF.count)
    report += total.row(name: "OVERALL", tables: "") + "\n"
    report += "mean per-PDF F1 " + String(format: "%.3f", mean) + "\n"
    FileHandle.standardOutput.write(Data(report.utf8))
    #expect(total.f1 >= 0.90, "overall cell-level F1 \(String(format: "%.3f", total.f1)) is under 0.90")
    #expect(mean >= 0.92, "mean per-PDF cell-level F1 \(String(format: "%.3f", mean)) is under 0.92")
  }
}
