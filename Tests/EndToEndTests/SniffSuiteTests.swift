import Foundation
import PLCore
import Testing

/// Measures how well `pl-extract` reads the hard cases of real-world delimited and fixed-width
/// text: encodings, line ends, dialects, preambles, multi-row headers, footers, comments.
///
/// Each fixture under Tests/EndToEnd/Sniff is an input file `<name>.<ext>` with either
///
/// - `<name>.expected.ndjson`: the data records only, one JSON object per line, keys and values
///   as strings and without `_pl`, written by hand from the file; and optionally
///   `<name>.expected-meta.json`: the key/value pairs of the file's preamble, each of which
///   `_pl.meta` of the first record must hold (it may hold more, such as a title line); or
/// - `<name>.expected-error`: lines `status: N` and `contains: TEXT`; the run must exit with N
///   and one line of standard error must contain every TEXT.
///
/// The conventions the expectations follow: preamble, header rows, footers (a totals row
/// included), comments and blank rows are not records; values are as printed after unquoting
/// and unescaping, compared without surrounding spaces; keys are the header names as printed,
/// trimmed; a multi-row header joins its rows top to bottom with one space, a units row as
/// ` [unit]` unless the unit is printed in brackets or parentheses already, an empty units cell
/// adding nothing; a group label applies to the columns under it up to the next one; without
/// a header the keys are the column numbers `1`, `2`, …; an empty header cell is its column
/// number; a repeated name gets `_2`; a delimiter ending every row adds no column. An empty
/// file gives no records and status 0.
///
/// The test prints, per fixture, whether the rows and the header came out exactly and whether
/// the metadata was found, then the overall rates, and fails for every fixture that is wrong.
struct SniffSuiteTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("EndToEnd/Sniff")

  @Test func thereAreFixturesAndEachHasAnExpectation() throws {
    let fixtures = try SniffFixture.all(in: Self.root)
    #expect(fixtures.count >= 40)
    for fixture in fixtures where fixture.expectation == nil {
      Issue.record("\(fixture.file): no \(fixture.stem).expected.ndjson and no \(fixture.stem).expected-error")
    }
  }

  @Test func everyFixtureIsReadAsWritten() throws {
    var table: [String] = [SniffFixture.Outcome.heading]
    var problems: [String] = []
    var rowsExact = 0, recordFixtures = 0, headersExact = 0, headerFixtures = 0
    var metaOK = 0, metaFixtures = 0, errorsOK = 0, errorFixtures = 0
    for fixture in try SniffFixture.all(in: Self.root) where fixture.expectation != nil {
      let outcome = try fixture.check()
      table.append(outcome.row)
      problems += outcome.problems.map { "\(fixture.file): \($0)" }
      if let ok = outcome.rowsExact {
        recordFixtures += 1
        if ok { rowsExact += 1 }
      }
      if let ok = outcome.headerExact {
        headerFixtures += 1
        if ok { headersExact += 1 }
      }
      if let ok = outcome.metaOK {
        metaFixtures += 1
        if ok { metaOK += 1 }
      }
      if let ok = outcome.errorOK {
        errorFixtures += 1
        if ok { errorsOK += 1 }
      }
    }
    func rate(_ n: Int, _ of: Int) -> String { of == 0 ? "-" : String(format: "%d/%d = %.2f", n, of, Double(n) / Double(of)) }
    table.append("")
    table.append("rows exact:   \(rate(rowsExact, recordFixtures))   (CleverCSV on public files: 0.92)")
    table.append("header exact: \(rate(headersExact, headerFixtures))   (CleverCSV on public files: 0.71)")
    table.append("meta ok:      \(rate(metaOK, metaFixtures))")
    table.append("errors ok:    \(rate(errorsOK, errorFixtures))")
    FileHandle.standardOutput.write(Data((table.joined(separator: "\n") + "\n").utf8))
    for problem in problems { Issue.record(Comment(rawValue: problem)) }
  }
}

/// One input of the suite and what it should give.
struct SniffFixture {
  enum Expectation {
    case records(URL, meta: URL?)
    case error(URL)
  }

  var folder: URL
  /// The input's file name, such as `pipe.txt`.
  var file: String
  var stem: String { (file as NSString).deletingPathExtension }
  var expectation: Expectation?

  /// The inputs of `folder` (every file that is not an expectation), sorted by name.
  static func all(in folder: URL) throws -> [SniffFixture] {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    let inputs = names.filter { !$0.hasPrefix(".") && !$0.contains(".expected") }.sorted()
    return inputs.map { file in
      let stem = (file as NSString).deletingPathExtension
      let expected = "\(stem).expected.ndjson", meta = "\(stem).expected-meta.json", error = "\(stem).expected-error"
      var fixture = SniffFixture(folder: folder, file: file)
      if names.contains(error) {
        fixture.expectation = .error(folder.appendingPathComponent(error))
      } else if names.contains(expected) {
        fixture.expectation = .records(
          folder.appendingPathComponent(expected), meta: names.contains(meta) ? folder.appendingPathComponent(meta) : nil)
      }
      return fixture
    }
  }

  /// What a run gave compared with what was expected; nil where a measure does not apply.
  struct Outcome {
    var file: String
    var rowsExact: Bool?
    var headerExact: Bool?
    var metaOK: Bool?
    var errorOK: Bool?
    var problems: [String] = []

    static let heading = "fixture                               rows    header  meta    error"

    var row: String {
      func cell(_ value: Bool?) -> String { (value.map { $0 ? "yes" : "NO" } ?? "-").padding(toLength: 8, withPad: " ", startingAt: 0) }
      return file.padding(toLength: 38, withPad: " ", startingAt: 0) + cell(rowsExact) + cell(headerExact) + cell(metaOK) + cell(errorOK)
    }
  }

  func check() throws -> Outcome {
    var outcome = Outcome(file: file)
    let run = try ToolRun.run("pl-extract", [file], in: folder)
    switch expectation {
    case nil:
      outcome.problems.append("no expectation")
    case .error(let url):
      let (status, needles) = try Self.readErrorExpectation(url)
      var ok = true
      if run.status != status {
        outcome.problems.append("exit status \(run.status), expected \(status); standard error: \(run.stderrText.firstLine)")
        ok = false
      }
      let lines = run.stderrText.split(separator: "\n")
      if !lines.contains(where: { line in needles.allSatisfy { line.contains($0) } }) {
        outcome.problems.append("no line of standard error contains \(needles.map { "`\($0)`" }.joined(separator: " and ")): \(run.stderrText.firstLine)")
        ok = false
      }
      outcome.errorOK = ok
    case .records(let url, let metaURL):
      let expected = try Self.records(ndjson: String(decoding: Data(contentsOf: url), as: UTF8.self))
      var actual: [Record] = []
      var unreadable: String?
      for line in run.stdoutText.split(separator: "\n") {
        do { actual.append(try JSONParser.parseRecord(String(line))) } catch {
          if !line.hasPrefix(StreamAbort.marker) { unreadable = unreadable ?? String(line) }
        }
      }
      if run.status != 0 || unreadable != nil {
        outcome.problems.append("exit status \(run.status): \(run.stderrText.firstLine)" + (unreadable.map { "; output line that is not JSON: \($0)" } ?? ""))
      }
      outcome.rowsExact = Self.compareRows(expected: expected, actual: actual, problems: &outcome.problems) && run.status == 0
      if let first = expected.first {
        let want = first.fields.map(\.key), got = actual.first?.fields.map(\.key) ?? []
        outcome.headerExact = want == got
        if want != got { outcome.problems.append("keys \(Self.show(got)), expected \(Self.show(want))") }
      }
      if let metaURL {
        outcome.metaOK = try Self.compareMeta(expectedIn: metaURL, actual: actual.first, problems: &outcome.problems)
      }
    }
    return outcome
  }

  /// Reads `status: N` and `contains: TEXT` lines.
  static func readErrorExpectation(_ url: URL) throws -> (Int32, [String]) {
    var status: Int32 = 65
    var needles: [String] = []
    for line in String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n") {
      if line.hasPrefix("status:"), let n = Int32(String(line.dropFirst("status:".count)).trimmed) { status = n }
      if line.hasPrefix("contains:") { needles.append(String(line.dropFirst("contains:".count)).trimmed) }
    }
    return (status, needles)
  }

  static func records(ndjson: String) throws -> [Record] {
    try ndjson.split(separator: "\n").map { try JSONParser.parseRecord(String($0)) }
  }

  /// A record's fields as key → value text without surrounding spaces.
  static func values(_ record: Record) -> [String: String] {
    var result: [String: String] = [:]
    for field in record.fields { result[field.key] = field.value.printed?.trimmingCharacters(in: .whitespaces) ?? "\(field.value)" }
    return result
  }

  static func compareRows(expected: [Record], actual: [Record], problems: inout [String]) -> Bool {
    let want = expected.map(values), got = actual.map(values)
    if want == got { return true }
    var message = "\(got.count) records, expected \(want.count)"
    if let i = zip(want, got).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
      message += "; record \(i + 1) is \(show(got[i], order: actual[i])), expected \(show(want[i], order: expected[i]))"
    } else if got.count > want.count {
      message += "; record \(want.count + 1) is extra: \(show(got[want.count], order: actual[want.count]))"
    } else {
      message += "; record \(got.count + 1) is missing: \(show(want[got.count], order: expected[got.count]))"
    }
    problems.append(message)
    return false
  }

  /// True when `_pl.meta` of `actual` holds every pair of the expected metadata.
  static func compareMeta(expectedIn url: URL, actual: Record?, problems: inout [String]) throws -> Bool {
    let expected = try JSONParser.parseValue(String(decoding: Data(contentsOf: url), as: UTF8.self)).objectValue ?? []
    let meta = actual?.meta[key: "meta"]?.objectValue ?? []
    var missing: [String] = []
    for field in expected {
      let want = field.value.printed.map { $0.trimmed }
      if (meta[key: field.key]?.printed).map({ $0.trimmed }) != want { missing.append("\(field.key)=\(want ?? "?")") }
    }
    if missing.isEmpty { return true }
    let got = meta.map { "\($0.key)=\($0.value.printed ?? "…")" }
    problems.append("_pl.meta lacks \(show(missing)); it holds \(got.isEmpty ? "nothing" : show(got))")
    return false
  }

  static func show(_ items: [String]) -> String { "[" + items.map { "`\($0)`" }.joined(separator: ", ") + "]" }

  static func show(_ values: [String: String], order record: Record) -> String {
    "{" + record.fields.map { "\($0.key)=\(values[$0.key] ?? "")" }.joined(separator: " | ") + "}"
  }
}
