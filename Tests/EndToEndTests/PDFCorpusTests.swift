import Foundation
import PLCore
import PLExtract
import PLPDF
import Testing

/// Measures how much of the shared corpus's truth the lab-report reader brings out of the text
/// PDFs: every observation must be found on one record with its sample id, its analyte as
/// printed (footnote marker removed), its result text, unit and LOQ (recall), and no record may
/// be a row the truth does not have (precision). Figures are printed per layout (the truth's
/// `template`); the bars are recall ≥ 99 % and precision ≥ 98 % over all of them.
///
/// Every file — bare PDFs and PDFs inside e-mails and archives — is read through the built
/// `pl-extract`, as a user reads it. Skipped without a corpus (see `CorpusRecallTests.corpus`).
struct PDFCorpusTests {
  @Test(.enabled(if: CorpusRecallTests.corpus != nil, "no corpus (inputs/ and truth/) where PL_CORPUS points, or at ../shared/corpus beside the repository"))
  func everyObservationOfEveryTextPDFIsFound() throws {
    guard let corpus = CorpusRecallTests.corpus else { return }
    let inputs = corpus.appendingPathComponent("inputs")
    let files = try FileManager.default.contentsOfDirectory(atPath: inputs.path).sorted()
    var byLayout: [String: PDFScore] = [:]
    var misses: [String] = []
    var unmeasured: [String] = []
    for file in files {
      let truthURL = corpus.appendingPathComponent("truth/\(file).json")
      guard let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: truthURL)) as? [String: Any] else { continue }
      guard truth["expect_error"] is NSNull || truth["expect_error"] == nil else { continue }
      let observations = (truth["observations"] as? [[String: Any]] ?? []).filter { fact in
        file.lowercased().hasSuffix(".pdf") || (fact["member"] as? String)?.lowercased().hasSuffix(".pdf") == true
      }
      guard !observations.isEmpty else { continue }
      let records: [PDFRow]
      do {
        // Every file, bare PDFs too, through the built pl-extract: the figures are what users get.
        let run = try ToolRun.run("pl-extract", ["--on-error", "skip", inputs.appendingPathComponent(file).path])
        let rows = run.stdoutText.split(separator: "\n").compactMap { line -> PDFRow? in
          guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let meta = object["_pl"] as? [String: Any], (meta["source"] as? String)?.lowercased().hasSuffix(".pdf") == true
          else { return nil }
          return PDFRow(json: object)
        }
        if rows.isEmpty {
          unmeasured.append("\(file): pl-extract gave no record of its PDF members (status \(run.status))")
          continue
        }
        records = rows
      }
      // The layout of a member is its own file's template; the container's truth names the container's.
      let layout = (truth["members"] as? [[String: Any]])?.compactMap { $0["template"] as? String }.first { $0.contains("pdf") }
        ?? (truth["template"] as? String ?? "?")
      var score = PDFScore()
      misses += score.add(observations: observations, records: records, file: file)
      byLayout[layout, default: PDFScore()].merge(score)
    }
    var total = PDFScore()
    var report = PDFScore.heading + "\n"
    for (layout, score) in byLayout.sorted(by: { $0.key < $1.key }) {
      report += score.row(layout) + "\n"
      total.merge(score)
    }
    report += total.row("TOTAL") + "\n"
    for line in unmeasured { report += "not measured: \(line)\n" }
    report += PDFScore.sample(misses)
    FileHandle.standardOutput.write(Data(report.utf8))
    #expect(total.observations > 0)
    #expect(total.recall >= 0.99, "recall \(total.found)/\(total.observations)")
    #expect(total.precision >= 0.98, "precision: \(total.invented) of \(total.records) records match no observation")
  }

  /// The same records shaped by `pl-clean --profile lab`: its result records should carry the
  /// sample id, `analyte_raw`, `result_text`, the printed unit (`unit_raw`) and the LOQ. The
  /// figures are printed per layout; asserted is only that pl-clean takes every record and
  /// gives one back for each (the profile's own choices, such as which of two sample-id-like
  /// columns is the sample id, are its tests' to assert).
  @Test(.enabled(if: CorpusRecallTests.corpus != nil, "no corpus"))
  func theLabProfileShapesTheRecordsIntoResults() throws {
    guard let corpus = CorpusRecallTests.corpus else { return }
    let inputs = corpus.appendingPathComponent("inputs")
    let fm = FileManager.default
    let scratch = fm.temporaryDirectory.appendingPathComponent("pl-pdf-\(UUID().uuidString)")
    try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: scratch) }
    var byLayout: [String: PDFScore] = [:]
    var misses: [String] = []
    for file in try fm.contentsOfDirectory(atPath: inputs.path).sorted() where file.lowercased().hasSuffix(".pdf") {
      let truthURL = corpus.appendingPathComponent("truth/\(file).json")
      guard let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: truthURL)) as? [String: Any],
        truth["expect_error"] is NSNull || truth["expect_error"] == nil
      else { continue }
      let ndjson = scratch.appendingPathComponent("\(file).ndjson")
      let lines = try Self.read(inputs.appendingPathComponent(file).path).map { JSONWriter.string($0) + "\n" }
      try Data(lines.joined().utf8).write(to: ndjson)
      let run = try ToolRun.run("pl-clean", ["--profile", "lab", ndjson.path])
      #expect(run.status == 0, "\(file): pl-clean: \(run.stderrText.firstLine)")
      let rows = run.stdoutText.split(separator: "\n").compactMap { line -> PDFRow? in
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return PDFRow(cleaned: object)
      }
      // Nothing is lost on the way: one record out per result row in (a long table).
      #expect(rows.count == lines.count, "\(file): \(lines.count) records in, \(rows.count) out of pl-clean")
      var score = PDFScore()
      misses += score.add(observations: truth["observations"] as? [[String: Any]] ?? [], records: rows, file: file)
      byLayout[truth["template"] as? String ?? "?", default: PDFScore()].merge(score)
    }
    var total = PDFScore()
    var report = "pl-clean --profile lab:\n" + PDFScore.heading + "\n"
    for (layout, score) in byLayout.sorted(by: { $0.key < $1.key }) {
      report += score.row(layout) + "\n"
      total.merge(score)
    }
    report += total.row("TOTAL") + "\n"
    report += PDFScore.sample(misses)
    FileHandle.standardOutput.write(Data(report.utf8))
    #expect(total.observations > 0)
  }

  /// The damaged PDF cannot be opened; the scanned one has pages but no text to read.
  @Test(.enabled(if: CorpusRecallTests.corpus != nil, "no corpus"))
  func theDamagedAndTheScannedPDFGiveNoRecords() throws {
    guard let corpus = CorpusRecallTests.corpus else { return }
    let inputs = corpus.appendingPathComponent("inputs")
    for file in try FileManager.default.contentsOfDirectory(atPath: inputs.path) where file.lowercased().hasSuffix(".pdf") {
      let truthURL = corpus.appendingPathComponent("truth/\(file).json")
      guard let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: truthURL)) as? [String: Any],
        let error = truth["expect_error"] as? String
      else { continue }
      let path = inputs.appendingPathComponent(file).path
      do {
        let records = try Self.read(path)
        #expect(records.isEmpty, "\(file) (\(error)) gave \(records.count) records")
        let document = try PDFDocument(path: path)
        let words = try (0..<document.pageCount).reduce(0) { $0 + (try document.page($1).words().count) }
        #expect(words == 0, "\(file) (\(error)) has a text layer")
      } catch let failure as PDFError {
        guard case .damaged = failure else {
          Issue.record("\(file) (\(error)): \(failure)")
          continue
        }
      }
    }
  }

  /// The records of a PDF through the library, page by page.
  static func read(_ path: String) throws -> [Record] {
    let document = try PDFDocument(path: path)
    var reader = LabReportReader(source: path)
    var records: [Record] = []
    for index in 0..<document.pageCount {
      let page = try document.page(index)
      records += reader.read(page: LabReportPage(page))
    }
    return records
  }
}

extension LabReportPage {
  /// The page's words with their boxes, as poppler gives them, turned so that the page's main
  /// reading direction runs left to right (a landscape table printed sideways on a portrait
  /// page reads like an upright one). Words of another direction are left out.
  init(_ page: PDFPage) {
    let size = page.size
    let words = page.words()
    var counts: [PDFOrientation: Int] = [:]
    for word in words { counts[word.orientation, default: 0] += 1 }
    let main = counts.max { ($0.value, $0.key == .upright ? 1 : 0) < ($1.value, $1.key == .upright ? 1 : 0) }?.key ?? .upright
    func turned(_ r: PDFRect) -> LabReportBox {
      switch main {
      case .upright: LabReportBox(x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2)
      // Read top to bottom, lines following each other right to left.
      case .down: LabReportBox(x1: r.y1, y1: size.width - r.x2, x2: r.y2, y2: size.width - r.x1)
      // Read bottom to top, lines following each other left to right.
      case .up: LabReportBox(x1: size.height - r.y2, y1: r.x1, x2: size.height - r.y1, y2: r.x2)
      }
    }
    let upright = main == .upright
    self.init(
      number: page.number, width: upright ? size.width : size.height, height: upright ? size.height : size.width,
      words: words.filter { $0.orientation == main }.map { LabReportWord(text: $0.text, box: turned($0.box)) })
  }
}

/// The parts of a result record the truth is compared with, found by the roles of its headings.
struct PDFRow {
  var source = ""
  var sampleID: String?
  var labSampleID: String?
  var analyte: String?
  var result: String?
  var unit: String?
  var loq: String?
  var summary = ""

  init(_ record: Record) {
    var object: [String: Any] = [:]
    for field in record.fields { if case .string(let s) = field.value { object[field.key] = s } }
    var meta: [String: Any] = [:]
    for field in record.meta { if case .string(let s) = field.value { meta[field.key] = s } }
    object["_pl"] = meta
    self.init(json: object, order: record.fields.map(\.key))
  }

  /// A result record of `pl-clean --profile lab`.
  init(cleaned json: [String: Any]) {
    func text(_ key: String) -> String? {
      switch json[key] {
      case let s as String: s
      case let n as NSNumber: n.stringValue
      default: nil
      }
    }
    source = (json["_pl"] as? [String: Any])?["source"] as? String ?? ""
    sampleID = text("sample_id")
    labSampleID = text("lab_sample_id")
    analyte = text("analyte_raw")
    result = text("result_text")
    unit = text("unit_raw")
    loq = text("loq")
    summary = "\(sampleID ?? "-") | \(analyte ?? "-") | \(result ?? "-") | \(unit ?? "-") | \(loq ?? "-")"
  }

  init(json: [String: Any], order: [String]? = nil) {
    source = (json["_pl"] as? [String: Any])?["source"] as? String ?? ""
    sampleID = json["sample_id"] as? String
    labSampleID = json["lab_sample_id"] as? String
    var lod: String?
    for key in order ?? Array(json.keys) {
      guard let value = json[key] as? String else { continue }
      switch ResultColumnRole.of(heading: key) {
      case .analyte?: analyte = analyte ?? value
      case .result?: result = result ?? value
      case .unit?: unit = unit ?? value
      case .loq?: loq = loq ?? value
      case .lod?: lod = lod ?? value
      default: break
      }
    }
    loq = loq ?? lod
    summary = "\(sampleID ?? "-") | \(analyte ?? "-") | \(result ?? "-") | \(unit ?? "-") | \(loq ?? "-")"
  }
}

/// Observations found and records invented, per layout.
struct PDFScore {
  var files = 0
  var observations = 0
  var found = 0
  var records = 0
  var invented = 0

  var recall: Double { observations == 0 ? 1 : Double(found) / Double(observations) }
  var precision: Double { records == 0 ? 1 : Double(records - invented) / Double(records) }

  static let heading = "layout".padding(toLength: 42, withPad: " ", startingAt: 0) + " files   obs  found recall  records invented precision"

  func row(_ name: String) -> String {
    name.padding(toLength: 42, withPad: " ", startingAt: 0)
      + String(format: " %5d %5d %6d %5.1f%% %8d %8d %7.1f%%", files, observations, found, 100 * recall, records, invented, 100 * precision)
  }

  mutating func merge(_ other: PDFScore) {
    files += other.files
    observations += other.observations
    found += other.found
    records += other.records
    invented += other.invented
  }

  /// Matches each observation with one record of its file (or member); returns what was missed or invented.
  mutating func add(observations facts: [[String: Any]], records rows: [PDFRow], file: String) -> [String] {
    files += 1
    observations += facts.count
    records += rows.count
    var used = Set<Int>()
    var misses: [String] = []
    for fact in facts {
      let member = fact["member"] as? String
      let hit = rows.indices.first { i in
        !used.contains(i) && (member.map { rows[i].source.hasSuffix($0) } ?? true) && Self.matches(fact, rows[i])
      }
      if let hit {
        used.insert(hit)
        found += 1
      } else {
        let want = "\(fact["sample_id"] as? String ?? "-") | \(fact["analyte_raw"] as? String ?? "-") | \(fact["result_text"] as? String ?? "-") | \(fact["unit"] as? String ?? "-") | \(fact["loq"].map { "\($0)" } ?? "-")"
        misses.append("\(file): missed \(want)")
      }
    }
    for i in rows.indices where !used.contains(i) {
      invented += 1
      misses.append("\(file): invented \(rows[i].summary)")
    }
    return misses
  }

  static func matches(_ fact: [String: Any], _ row: PDFRow) -> Bool {
    let sample = fact["sample_id"] as? String
    let lab = fact["lab_sample_id"] as? String
    guard sample.map({ $0 == row.sampleID }) ?? (lab == nil || lab == row.labSampleID) else { return false }
    guard squeezed(fact["analyte_raw"] as? String) == squeezed(row.analyte) else { return false }
    guard squeezed(fact["result_text"] as? String) == squeezed(row.result) else { return false }
    guard unit(fact["unit"] as? String) == unit(row.unit) else { return false }
    // Without an LOQ column, a result printed as `< 5` gives the limit (as pl-clean reads it).
    let printed = (row.loq ?? row.result.flatMap(censoredLimit)).flatMap(number)
    switch (fact["loq"] as? NSNumber)?.doubleValue {
    case nil: return printed == nil
    case let want?: return printed.map { abs($0 - want) < 1e-9 } ?? false
    }
  }

  /// At most four misses of each file, indented, one a line.
  static func sample(_ misses: [String]) -> String {
    var perFile: [Substring: Int] = [:]
    var out = ""
    for line in misses {
      let file = line.prefix { $0 != ":" }
      perFile[file, default: 0] += 1
      if perFile[file]! <= 4 || (line.contains(": invented ") && perFile[file]! <= 1000 && !out.contains("\(file): invented")) { out += "  \(line)\n" }
    }
    return out
  }

  static func number(_ text: String) -> Double? {
    Double(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "."))
  }

  /// `5` of `< 5` or `<5`.
  static func censoredLimit(_ result: String) -> String? {
    let t = result.trimmingCharacters(in: .whitespaces)
    guard t.hasPrefix("<") else { return nil }
    return String(t.dropFirst())
  }

  static func squeezed(_ text: String?) -> String? {
    guard let text else { return nil }
    let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    return words.isEmpty ? nil : words
  }

  /// Units compare ignoring case, spaces and the micro sign's two code points.
  static func unit(_ text: String?) -> String? {
    guard let text, !["-", "\u{2013}", "\u{2014}"].contains(text.trimmingCharacters(in: .whitespaces)) else { return nil }
    let folded = text.lowercased().replacingOccurrences(of: "\u{00B5}", with: "\u{03BC}").filter { !$0.isWhitespace }
    return folded.isEmpty ? nil : folded
  }
}

/// The lab-report reader on the layout fixtures (real PDFs of known content): a group heading
/// over two columns and a wrapped cell in a ruled table, a section row and a wrapped name in
/// an unruled one, a table continued on a second page under its repeated heading.
struct LabReportFixtureTests {
  static let folder = CorpusRecallTests.repositoryRoot.appendingPathComponent("Tests/Fixtures/pdf/layout")

  static func records(_ name: String) throws -> [Record] {
    try PDFCorpusTests.read(folder.appendingPathComponent(name).path)
  }

  static func column(_ records: [Record], _ key: String) -> [String?] {
    records.map { record in record[key].flatMap { if case .string(let s) = $0 { s } else { nil } } }
  }

  @Test func ruledTableWithAGroupHeadingAndAWrappedCell() throws {
    let records = try Self.records("ruled.pdf")
    #expect(Self.column(records, "Analyte") == ["Moisture", "Protein (N x 6.25), Kjeldahl method", "Fat", "Sodium"])
    #expect(Self.column(records, "Value") == ["6.1", "84.9", "7.0", "1129"])
    #expect(Self.column(records, "Unit") == ["g/100 g", "g/100 g", "g/100 g", "mg/kg"])
    #expect(Self.column(records, "LOQ") == ["0.1", "0.1", "0.1", "1"])
  }

  @Test func unruledTableWithASectionAndAWrappedName() throws {
    let records = try Self.records("whitespace.pdf")
    #expect(Self.column(records, "Parameter") == [
      "Wasser", "Protein (N x 6,25)", "C12:0 (Laurinsaeure)", "C18:3 n-3 (alpha- Linolensaeure)", "Natrium", "Brennwert",
    ])
    #expect(Self.column(records, "Ergebnis") == ["51,1", "1,0", "50,3", "n.n.", "1.129", "1.133"])
    #expect(Self.column(records, "section") == [nil, nil, "Fettsaeuren", "Fettsaeuren", "Fettsaeuren", "Fettsaeuren"])
  }

  @Test func tableContinuedUnderItsRepeatedHeading() throws {
    let records = try Self.records("continued.pdf")
    #expect(records.count == 60)
    #expect(Self.column(records, "Determinand") == (1...60).map { String(format: "Analyte %02d", $0) })
    #expect(records.allSatisfy { $0.meta.first { $0.key == MetaKey.table }?.value == .integer(1) })
    #expect(records.last?.meta.first { $0.key == MetaKey.row }?.value == .integer(60))
    #expect(records.allSatisfy { $0["Report No"] == .string("EX-24-001") })
  }
}
