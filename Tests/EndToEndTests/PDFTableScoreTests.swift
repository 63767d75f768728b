import Foundation
import PLTestSupport
import Testing

/// Cell-level F1 of `pl-extract --mode tables` over the generated table fixtures
/// (Tests/Fixtures/pdf-tables: ruled, rules-only-horizontal and unruled tables, multi-line cells,
/// spanning headers, several tables a page, tables continued over pages, landscape and rotated
/// pages, two-column layouts, shaded rows; made by reportlab, cairo and LibreOffice Calc with
/// `generate.py`, each PDF with its expected grid in NAME.json).
///
/// The measure is the ICDAR 2013 adjacency-relation F1, the same as `score.py` beside the
/// fixtures (which `bench/pdf.sh` uses for the other tools; both reproduce
/// scoring-example.json):
/// - cell text is normalised: each run of whitespace becomes one space, trimmed; empty cells
///   (and nulls) take no part;
/// - a table becomes the multiset of its relations: in each row, every non-empty cell with the
///   next non-empty cell to its right (H); in each column, every non-empty cell with the next
///   non-empty cell below it (V);
/// - per PDF, expected and extracted tables are paired one to one, greedily by shared
///   relations (largest first; ties to the earlier expected, then extracted, table);
///   correct = shared relations of the pairs, extracted = all relations of all extracted
///   tables (an unpaired extracted table is all false positives), expected = all relations of
///   all expected tables;
/// - F1 = 2 × correct / (extracted + expected); the overall figure sums correct, extracted and
///   expected over all PDFs (micro average: a long table weighs by its size); the mean of the
///   per-PDF F1 (macro average: each PDF alike) is the second figure.
///
/// The bar is above camelot's best published figure (0.88): both overall figures ≥ 0.90.
struct PDFTableScoreTests {
  static let fixtures = CorpusRecallTests.repositoryRoot.appendingPathComponent("Tests/Fixtures/pdf-tables")
  static let bar = 0.90

  @Test func theScorerReproducesTheWorkedExample() throws {
    let url = Self.fixtures.appendingPathComponent("scoring-example.json")
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

  @Test func relationsSkipEmptyCellsAndNormaliseWhitespace() {
    let relations = TableScore.relations([["a", "", "b"], ["", " c\n d ", ""], ["e", "f", "g"]])
    #expect(relations == [
      TableScore.Relation(direction: "H", first: "a", second: "b"): 1,
      TableScore.Relation(direction: "H", first: "e", second: "f"): 1,
      TableScore.Relation(direction: "H", first: "f", second: "g"): 1,
      TableScore.Relation(direction: "V", first: "a", second: "e"): 1,
      TableScore.Relation(direction: "V", first: "c d", second: "f"): 1,
      TableScore.Relation(direction: "V", first: "b", second: "g"): 1,
    ])
    // Nothing extracted and nothing expected is not a failure; nothing extracted of something is.
    #expect(TableScore.score(expected: [], extracted: []).f1 == 1)
    #expect(TableScore.score(expected: [[["a", "b"]]], extracted: []).f1 == 0)
  }

  @Test func tablesModeScoresAboveCamelotOnTheFixtures() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
      .filter { $0.hasSuffix(".pdf") }
      .map { String($0.dropLast(4)) }
      .sorted()
    #expect(names.count >= 30, "expected the generated fixtures in \(Self.fixtures.path)")
    var total = TableScore()
    var perPDF: [Double] = []
    var lines: [String] = []
    for name in names {
      let truthURL = Self.fixtures.appendingPathComponent(name + ".json")
      let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: truthURL)) as? [String: Any])
      let expected = try #require(TableScore.tables((truth["tables"] as? [[String: Any]])?.map { $0["rows"] as Any }))
      // Tables under the quality bar go to --rejects, not to the data: they count as not found.
      let rejects = FileManager.default.temporaryDirectory.appendingPathComponent("pl-table-rejects-\(UUID().uuidString).ndjson")
      defer { try? FileManager.default.removeItem(at: rejects) }
      let run = try ToolRun.run("pl-extract", ["--mode", "tables", "--rejects", rejects.path, Self.fixtures.appendingPathComponent(name + ".pdf").path])
      let rejected = ((try? String(contentsOf: rejects, encoding: .utf8)) ?? "").split(separator: "\n").count
      var extracted: [[[String]]] = []
      if run.status != 0 {
        Issue.record("\(name).pdf: pl-extract exited \(run.status): \(run.stderrText.prefix(300))")
      } else {
        for line in run.stdoutText.split(separator: "\n") where !line.isEmpty {
          let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
          guard let rows = TableScore.table(record?["rows"]) else {
            Issue.record("\(name).pdf: a record without a rows grid: \(line.prefix(200))")
            continue
          }
          extracted.append(rows)
        }
      }
      let score = TableScore.score(expected: expected, extracted: extracted)
      total.add(score)
      perPDF.append(score.f1)
      lines.append(score.row(name: name, tables: "\(extracted.count)/\(expected.count)") + (rejected > 0 ? "  \(rejected) rejected" : ""))
    }
    let mean = perPDF.isEmpty ? 0 : perPDF.reduce(0, +) / Double(perPDF.count)
    lines.append(total.row(name: "OVERALL", tables: ""))
    lines.append("mean per-PDF F1 " + String(format: "%.3f", mean))
    let report = "cell-level F1 (ICDAR 2013 adjacency relations) of pl-extract --mode tables\n"
      + TableScore.heading + "\n" + lines.joined(separator: "\n") + "\n"
    FileHandle.standardOutput.write(Data(report.utf8))
    #expect(total.f1 >= Self.bar, "overall cell-level F1 \(String(format: "%.3f", total.f1)) is under the bar \(Self.bar)")
    #expect(mean >= Self.bar, "mean per-PDF cell-level F1 \(String(format: "%.3f", mean)) is under the bar \(Self.bar)")
  }
}
