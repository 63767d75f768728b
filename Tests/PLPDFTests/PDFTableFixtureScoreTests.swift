import Foundation
import PLPDF
import Testing

/// Cell-level F1 of the table finder and stitcher themselves over the generated table fixtures
/// (Tests/Fixtures/pdf-tables), without pl-extract and its quality gate: every page's tables
/// (`PDFTableFinder`) joined across pages (`PDFTableStitcher`), each table's grid scored
/// against the fixture's expected grids.
///
/// The measure is the one of `score.py` beside the fixtures and of the end-to-end
/// PDFTableScoreTests (ICDAR 2013 adjacency relations; `FixtureTableScore` below keeps the
/// definition): overall F1 sums relations over all PDFs, the mean per PDF weighs each alike.
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
    return try #require(FixtureTableScore.tables((truth["tables"] as? [[String: Any]])?.map { $0["rows"] as Any }))
  }

  @Test func theScorerReproducesTheWorkedExample() throws {
    let url = URL(fileURLWithPath: Self.fixtures + "/scoring-example.json")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let expected = try #require(FixtureTableScore.tables(object["expected"]))
    let predicted = try #require(FixtureTableScore.tables(object["predicted"]))
    let score = FixtureTableScore.score(expected: expected, extracted: predicted)
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
    var total = FixtureTableScore()
    var perPDF: [Double] = []
    var report = FixtureTableScore.heading + "\n"
    for name in names {
      let expected = try Self.expected(name)
      let extracted = try Self.extract(Self.fixtures + "/" + name + ".pdf").map(\.grid)
      let score = FixtureTableScore.score(expected: expected, extracted: extracted)
      total.add(score)
      perPDF.append(score.f1)
      report += score.row(name: name, tables: "\(extracted.count)/\(expected.count)") + "\n"
      if dump == name || dump == "all" {
        for (i, grid) in expected.enumerated() { report += "  expected \(i):\n" + FixtureTableScore.render(grid) }
        for (i, grid) in extracted.enumerated() { report += "  found \(i):\n" + FixtureTableScore.render(grid) }
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

/// Cell-level F1 by ICDAR 2013 adjacency relations, as `score.py` defines it:
/// - cell text is normalised (each run of whitespace one space, trimmed); empty cells take no part;
/// - a table is the multiset of its relations: in each row every non-empty cell with the next
///   non-empty cell to its right (H), in each column every non-empty cell with the next below (V);
/// - per PDF, expected and extracted tables are paired one to one greedily by shared relations
///   (largest first; ties to the earlier expected, then extracted, table); correct = shared
///   relations of the pairs, extracted and expected = all relations of all tables;
/// - F1 = 2 × correct / (extracted + expected).
struct FixtureTableScore: Equatable {
  struct Relation: Hashable {
    var direction: Character
    var first: String
    var second: String
  }

  var correct = 0
  var extracted = 0
  var expected = 0

  var precision: Double { extracted == 0 ? 0 : Double(correct) / Double(extracted) }
  var recall: Double { expected == 0 ? 0 : Double(correct) / Double(expected) }
  var f1: Double { extracted + expected == 0 ? 1 : 2 * Double(correct) / Double(extracted + expected) }

  mutating func add(_ other: FixtureTableScore) {
    correct += other.correct
    extracted += other.extracted
    expected += other.expected
  }

  static let heading = "fixture                            tables    F1  precision  recall  (correct/extracted/expected)"

  func row(name: String, tables: String) -> String {
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    func lead(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
    return pad(name, 34) + lead(tables, 7) + lead(String(format: "%.3f", f1), 7) + lead(String(format: "%.3f", precision), 10)
      + lead(String(format: "%.3f", recall), 9) + "  (\(correct)/\(extracted)/\(expected))"
  }

  static func render(_ grid: [[String]]) -> String {
    grid.map { "    | " + $0.joined(separator: " | ") + "\n" }.joined()
  }

  static func normalise(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  /// A JSON grid: rows of cells, each a string, a number (its spelling) or null (empty).
  static func table(_ value: Any?) -> [[String]]? {
    guard let rows = value as? [Any] else { return nil }
    var grid: [[String]] = []
    for row in rows {
      guard let cells = row as? [Any] else { return nil }
      var out: [String] = []
      for cell in cells {
        switch cell {
        case let s as String: out.append(s)
        case is NSNull: out.append("")
        case let n as NSNumber: out.append(n.stringValue)
        default: return nil
        }
      }
      grid.append(out)
    }
    return grid
  }

  static func tables(_ value: Any?) -> [[[String]]]? {
    guard let list = value as? [Any] else { return nil }
    var out: [[[String]]] = []
    for item in list {
      guard let grid = table(item) else { return nil }
      out.append(grid)
    }
    return out
  }

  static func relations(_ rows: [[String]]) -> [Relation: Int] {
    let grid = rows.map { $0.map(normalise) }
    var result: [Relation: Int] = [:]
    for row in grid {
      let cells = row.filter { !$0.isEmpty }
      for (a, b) in zip(cells, cells.dropFirst()) { result[Relation(direction: "H", first: a, second: b), default: 0] += 1 }
    }
    let width = grid.map(\.count).max() ?? 0
    for column in 0..<width {
      let cells = grid.compactMap { column < $0.count && !$0[column].isEmpty ? $0[column] : nil }
      for (a, b) in zip(cells, cells.dropFirst()) { result[Relation(direction: "V", first: a, second: b), default: 0] += 1 }
    }
    return result
  }

  static func score(expected: [[[String]]], extracted: [[[String]]]) -> FixtureTableScore {
    let e = expected.map(relations)
    let x = extracted.map(relations)
    var pairs: [(shared: Int, e: Int, x: Int)] = []
    for (i, er) in e.enumerated() {
      for (j, xr) in x.enumerated() {
        let n = er.reduce(0) { $0 + min($1.value, xr[$1.key] ?? 0) }
        if n > 0 { pairs.append((n, i, j)) }
      }
    }
    pairs.sort { ($0.shared, -$0.e, -$0.x) > ($1.shared, -$1.e, -$1.x) }
    var usedE = Set<Int>()
    var usedX = Set<Int>()
    var correct = 0
    for pair in pairs where !usedE.contains(pair.e) && !usedX.contains(pair.x) {
      usedE.insert(pair.e)
      usedX.insert(pair.x)
      correct += pair.shared
    }
    return FixtureTableScore(
      correct: correct,
      extracted: x.reduce(0) { $0 + $1.values.reduce(0, +) },
      expected: e.reduce(0) { $0 + $1.values.reduce(0, +) })
  }
}
