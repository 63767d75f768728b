import Foundation
import PLCore
import Testing

/// Measures how much of the shared test corpus's ground truth `pl-extract` brings out of its
/// text exports (.csv .tsv .txt), and, in a test of its own, of its workbooks, XML exports,
/// archives, compressed files and e-mails, file by file.
///
/// The corpus lives where `PL_CORPUS` points or, without it, beside the repository
/// (`<repo>/../shared/corpus`); when there is none the test is skipped. A fact of the truth counts as found when a record
/// whose `_pl.line` is the fact's line holds the fact as printed: an observation's
/// `result_text` (and its `sample_id`, when it has one); a reading's number, printed with a
/// decimal point or comma, or, for a reading whose true value is null (a `-9999` sentinel, a
/// blank cell), just a record at that line. A file the truth marks as corrupt must fail with
/// status 65 and a message naming it; when its bad rows are to be rejected, the good rows must
/// still come out with `--on-error skip`.
///
/// In a container (archive, e-mail) a fact of a member counts as found on a record whose
/// `_pl.source` is `outer!member` and whose `_pl.line` is the fact's line. A panel score counts
/// as found on a record of its sheet (`_pl.sheet`) and row (`_pl.row`, or the row of
/// `_pl.cell`) that holds the panelist and the sample too, the score in the field named for the
/// attribute (or, without such a field, in any field). PDF facts and PDF members are left out
/// of this measurement (the PDF reader measures them) and printed as excluded: a container with
/// PDF members is read with `--on-error skip`, and only PDF members may be skipped.
struct CorpusRecallTests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The corpus folder, when there is one.
  static var corpus: URL? {
    // PL_CORPUS, when set, is the only place looked at.
    let url = ProcessInfo.processInfo.environment["PL_CORPUS"].map { URL(fileURLWithPath: $0) }
      ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    let fm = FileManager.default
    guard fm.fileExists(atPath: url.appendingPathComponent("inputs").path),
      fm.fileExists(atPath: url.appendingPathComponent("truth").path)
    else { return nil }
    return url
  }

  static let textExtensions: Set<String> = ["csv", "tsv", "txt"]
  /// Workbooks, XML exports, archives, compressed files and e-mails.
  static let containerExtensions: Set<String> = ["xlsx", "xlsm", "ods", "xml", "zip", "tar", "gz", "tgz", "xz", "bz2", "zst", "7z", "eml"]

  @Test(.enabled(if: corpus != nil, "no corpus (inputs/ and truth/) where PL_CORPUS points, or at ../shared/corpus beside the repository"))
  func everyFactOfEveryTextExportIsFound() throws {
    guard let corpus = Self.corpus else { return }
    let inputs = corpus.appendingPathComponent("inputs")
    let files = try FileManager.default.contentsOfDirectory(atPath: inputs.path)
      .filter { Self.textExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
      .sorted()
    #expect(!files.isEmpty, Comment(rawValue: "no .csv, .tsv, .txt or .xml file in \(inputs.path)"))

    var lines: [String] = []
    var problems: [String] = []
    var totalFacts = 0
    var totalFound = 0
    for file in files {
      let truthURL = corpus.appendingPathComponent("truth/\(file).json")
      guard let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: truthURL)) as? [String: Any] else {
        Issue.record("\(file): truth/\(file).json is not a JSON object")
        continue
      }
      let result = try CorpusFile(name: file, url: inputs.appendingPathComponent(file), truth: truth).measure()
      totalFacts += result.facts
      totalFound += result.found
      lines.append(result.row)
      problems += result.problems.map { "\(file): \($0)" }
    }
    let total = CorpusFile.Result(name: "TOTAL", facts: totalFacts, found: totalFound, check: "")
    FileHandle.standardOutput.write(Data((CorpusFile.Result.heading + "\n" + lines.joined(separator: "\n") + "\n" + total.row + "\n").utf8))
    for problem in problems { Issue.record(Comment(rawValue: problem)) }
  }

  /// Workbooks, XML exports, archives and e-mails: every observation, reading and panel score
  /// of their truth, and the refusal of the damaged ones. The PDF files, and the PDF members
  /// of archives and e-mails, are another measurement's.
  @Test(.enabled(if: corpus != nil, "no corpus (inputs/ and truth/) where PL_CORPUS points, or at ../shared/corpus beside the repository"))
  func everyFactOfEveryContainerIsFound() throws {
    guard let corpus = Self.corpus else { return }
    let inputs = corpus.appendingPathComponent("inputs")
    let files = try FileManager.default.contentsOfDirectory(atPath: inputs.path)
      .filter { Self.containerExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
      .sorted()
    #expect(!files.isEmpty, Comment(rawValue: "no workbook, XML, archive or e-mail in \(inputs.path)"))

    var lines: [String] = []
    var problems: [String] = []
    var total = CorpusFile.Result(name: "TOTAL", facts: 0, found: 0, check: "")
    for file in files {
      let truthURL = corpus.appendingPathComponent("truth/\(file).json")
      guard let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: truthURL)) as? [String: Any] else {
        Issue.record("\(file): truth/\(file).json is not a JSON object")
        continue
      }
      let result = try CorpusFile(name: file, url: inputs.appendingPathComponent(file), truth: truth).measureContainer(in: inputs)
      total.facts += result.facts
      total.found += result.found
      total.excluded += result.excluded
      lines.append(result.containerRow)
      problems += result.problems.map { "\(file): \($0)" }
    }
    let table = [CorpusFile.Result.containerHeading] + lines + [total.containerRow]
      + ["(excluded: facts of PDF files and PDF members, measured with the PDF reader)"]
    FileHandle.standardOutput.write(Data((table.joined(separator: "\n") + "\n").utf8))
    for problem in problems { Issue.record(Comment(rawValue: problem)) }
  }
}

/// One corpus input and its truth.
struct CorpusFile {
  var name: String
  var url: URL
  var truth: [String: Any]

  struct Result {
    var name: String
    var facts: Int
    var found: Int
    /// What the error check said, for files the truth marks as corrupt.
    var check: String
    var problems: [String] = []
    /// Facts left out of the measurement (those of PDF members).
    var excluded = 0

    var recall: Double { facts == 0 ? 1 : Double(found) / Double(facts) }

    static let heading = pad("file", 36) + pad("facts", 7, right: true) + pad("found", 7, right: true)
      + pad("recall", 8, right: true) + "  error check"

    var row: String {
      Self.pad(name, 36) + Self.pad(String(facts), 7, right: true) + Self.pad(String(found), 7, right: true)
        + Self.pad(facts == 0 ? "-" : String(format: "%.1f%%", recall * 100), 8, right: true) + (check.isEmpty ? "" : "  " + check)
    }

    static let containerHeading = pad("file", 40) + pad("facts", 7, right: true) + pad("found", 7, right: true)
      + pad("recall", 8, right: true) + pad("excluded", 10, right: true) + "  check"

    var containerRow: String {
      Self.pad(name, 40) + Self.pad(String(facts), 7, right: true) + Self.pad(String(found), 7, right: true)
        + Self.pad(facts == 0 ? "-" : String(format: "%.1f%%", recall * 100), 8, right: true)
        + Self.pad(excluded == 0 ? "-" : String(excluded), 10, right: true) + (check.isEmpty ? "" : "  " + check)
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
      let fill = String(repeating: " ", count: max(0, width - text.count))
      return right ? fill + text : text + fill
    }
  }

  func measure() throws -> Result {
    var result = Result(name: name, facts: 0, found: 0, check: "")
    let expectedError = truth["expect_error"] as? String
    var arguments = [url.path]
    var badLines: Set<Int> = []
    if let expectedError {
      let run = try ToolRun.run("pl-extract", [url.path])
      var ok = true
      if run.status != 65 {
        result.problems.append("expected exit status 65 (\(expectedError)), got \(run.status)")
        ok = false
      }
      if !run.stderrText.contains(name) {
        result.problems.append("the error message does not name the file: \(run.stderrText.firstLine)")
        ok = false
      }
      if let detail = truth["error_detail"] as? [String: Any], let line = detail["first_bad_line"] as? Int,
        !ToolRun.names(line: line, in: run.stderrText)
      {
        result.problems.append("the error message does not name line \(line): \(run.stderrText.firstLine)")
        ok = false
      }
      result.check = ok ? "fails as it should (\(expectedError))" : "WRONG ERROR (\(expectedError))"
      guard truth["error_policy"] as? String == "reject_rows" else { return result }
      for bad in truth["bad_rows"] as? [[String: Any]] ?? [] {
        if let line = bad["line"] as? Int { badLines.insert(line) }
      }
      arguments = ["--on-error", "skip", url.path]
    }

    let run = try ToolRun.run("pl-extract", arguments)
    if expectedError != nil {
      // Skipped rows leave the output complete (no abort line) and the run exits 65 at the end.
      if run.status != 65 {
        result.problems.append("with --on-error skip, expected exit status 65, got \(run.status): \(run.stderrText.firstLine)")
      }
      let unreported = badLines.sorted().filter { !ToolRun.names(line: $0, in: run.stderrText) }
      if !unreported.isEmpty {
        result.problems.append("with --on-error skip, bad line(s) \(unreported.map(String.init).joined(separator: ", ")) not reported on standard error")
      }
      result.check += unreported.isEmpty ? "; bad rows reported" : "; BAD ROWS NOT REPORTED"
    } else if run.status != 0 {
      result.problems.append("exit status \(run.status): \(run.stderrText.firstLine)")
    }
    let byLine = RecordsByLine(ndjson: run.stdoutText)

    var missing: [String] = []
    for observation in truth["observations"] as? [[String: Any]] ?? [] {
      guard let line = (observation["source"] as? [String: Any])?["line"] as? Int, !badLines.contains(line) else { continue }
      result.facts += 1
      let text = (observation["result_text"] as? String ?? "").trimmed
      let sample = (observation["sample_id"] as? String)?.trimmed
      let found = byLine.records(at: line).contains { values in
        values.contains(text) && (sample == nil || values.contains(sample!))
      }
      if found { result.found += 1 } else { missing.append("line \(line): \(sample ?? "-") \(text)") }
    }
    for reading in truth["readings"] as? [[String: Any]] ?? [] {
      guard let line = reading["line"] as? Int, !badLines.contains(line) else { continue }
      result.facts += 1
      let records = byLine.records(at: line)
      let found: Bool
      if let value = (reading["value"] as? NSNumber)?.doubleValue {
        found = records.contains { values in values.contains { Self.printedNumber($0) == value } }
      } else {
        found = !records.isEmpty
      }
      if found {
        result.found += 1
      } else {
        missing.append("line \(line): \(reading["channel"] as? String ?? "-") \(reading["value"].map { "\($0)" } ?? "null")")
      }
    }
    if result.found < result.facts {
      let shown = missing.prefix(5).joined(separator: "; ") + (missing.count > 5 ? "; …" : "")
      result.problems.append(
        String(format: "recall %.1f%% (%d of %d facts); not found: ", result.recall * 100, result.found, result.facts) + shown)
    }
    return result
  }

  /// Words an error message about a damaged file uses (libarchive's and pl-extract's).
  static let damageWords = ["truncat", "corrupt", "damage", "cut short", "unexpected end", "premature end", "central directory", "broken", "invalid", "not a valid"]

  /// True for the name of a PDF file or member.
  static func isPDF(_ name: String?) -> Bool { name?.lowercased().hasSuffix(".pdf") ?? false }

  /// Measures a workbook, XML export, archive or e-mail, run from the inputs folder so that
  /// `_pl.source` starts with the file's name.
  func measureContainer(in inputs: URL) throws -> Result {
    var result = Result(name: name, facts: 0, found: 0, check: "")
    if let expectedError = truth["expect_error"] as? String {
      let run = try ToolRun.run("pl-extract", [name], in: inputs)
      var ok = true
      if run.status != 65 {
        result.problems.append("expected exit status 65 (\(expectedError)), got \(run.status): \(run.stderrText.firstLine)")
        ok = false
      }
      if !run.stderrText.contains(name) {
        result.problems.append("the error message does not name the file: \(run.stderrText.firstLine)")
        ok = false
      }
      // Refused as damaged, not as a kind of file this version cannot read.
      let text = run.stderrText.lowercased()
      if text.contains("cannot read (it reads") || !Self.damageWords.contains(where: text.contains) {
        result.problems.append("the error message does not say the file is damaged: \(run.stderrText.firstLine)")
        ok = false
      }
      result.check = ok ? "refused as it should be (\(expectedError))" : "WRONG ERROR (\(expectedError))"
      return result
    }

    let members = (truth["members"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    let pdfMembers = members.filter(Self.isPDF)
    let run = try ToolRun.run("pl-extract", pdfMembers.isEmpty ? [name] : ["--on-error", "skip", name], in: inputs)
    let skipped = run.stderrText.split(separator: "\n").filter { $0.contains("skipped:") }
    let otherSkips = skipped.filter { line in !pdfMembers.contains { line.contains($0) } }
    if pdfMembers.isEmpty {
      if run.status != 0 { result.problems.append("exit status \(run.status): \(run.stderrText.firstLine)") }
    } else {
      result.check = "PDF members excluded: \(pdfMembers.count)"
      // Until PDF members are read, their refusal may make the run end with 65.
      if run.status != 0 && !(run.status == 65 && !skipped.isEmpty) {
        result.problems.append("exit status \(run.status): \(run.stderrText.firstLine)")
      }
      for line in otherSkips { result.problems.append("a member that is no PDF was skipped: \(line)") }
    }
    let records = ContainerRecords(ndjson: run.stdoutText, outer: name)

    var missing: [String] = []
    func place(_ member: String?, _ at: String) -> String { (member.map { "\($0): " } ?? "") + at }
    for observation in truth["observations"] as? [[String: Any]] ?? [] {
      let member = observation["member"] as? String
      let source = observation["source"] as? [String: Any] ?? [:]
      guard !Self.isPDF(member), source["page"] == nil else {
        result.excluded += 1
        continue
      }
      result.facts += 1
      let text = (observation["result_text"] as? String ?? "").trimmed
      let sample = (observation["sample_id"] as? String)?.trimmed
      guard let line = source["line"] as? Int else {
        missing.append(place(member, "no line in the truth: \(sample ?? "-") \(text)"))
        continue
      }
      let found = records.at(member, line: line).contains { record in
        record.values.contains(text) && (sample == nil || record.values.contains(sample!))
      }
      if found { result.found += 1 } else { missing.append(place(member, "line \(line): \(sample ?? "-") \(text)")) }
    }
    for reading in truth["readings"] as? [[String: Any]] ?? [] {
      let member = reading["member"] as? String
      guard !Self.isPDF(member) else {
        result.excluded += 1
        continue
      }
      guard let line = reading["line"] as? Int else { continue }
      result.facts += 1
      let candidates = records.at(member, line: line)
      let found: Bool
      if let value = (reading["value"] as? NSNumber)?.doubleValue {
        found = candidates.contains { record in record.values.contains { Self.printedNumber($0) == value } }
      } else {
        found = !candidates.isEmpty
      }
      if found {
        result.found += 1
      } else {
        missing.append(place(member, "line \(line): \(reading["channel"] as? String ?? "-") \(reading["value"].map { "\($0)" } ?? "null")"))
      }
    }
    for score in truth["scores"] as? [[String: Any]] ?? [] {
      let member = score["member"] as? String
      let source = score["source"] as? [String: Any] ?? [:]
      result.facts += 1
      let sheet = source["sheet"] as? String
      let cell = source["cell"] as? String ?? ""
      let panelist = (score["panelist"] as? String ?? "").trimmed
      let sample = (score["sample"] as? String ?? "").trimmed
      let attribute = (score["attribute"] as? String ?? "").trimmed.lowercased()
      let value = (score["score"] as? NSNumber)?.doubleValue
      guard let row = ContainerRecords.row(ofCell: cell) else {
        missing.append(place(member, "no cell in the truth: \(panelist) \(sample) \(attribute)"))
        continue
      }
      let found = records.at(member, sheet: sheet, row: row).contains { record in
        guard record.values.contains(panelist), record.values.contains(sample) else { return false }
        let named = record.fields.filter { $0.key.trimmed.lowercased() == attribute }
        guard let value else { return named.allSatisfy { ($0.value ?? "").isEmpty } }
        let holders = named.isEmpty ? record.fields : named
        return holders.contains { Self.printedNumber($0.value ?? "") == value }
      }
      if found {
        result.found += 1
      } else {
        missing.append(place(member, "\(sheet ?? "-")!\(cell): \(panelist) \(sample) \(attribute) \(value.map { "\($0)" } ?? "blank")"))
      }
    }
    if result.found < result.facts {
      let shown = missing.prefix(5).joined(separator: "; ") + (missing.count > 5 ? "; …" : "")
      result.problems.append(
        String(format: "recall %.1f%% (%d of %d facts); not found: ", result.recall * 100, result.found, result.facts) + shown)
    }
    return result
  }

  /// The number a field prints, with a decimal point or a decimal comma.
  static func printedNumber(_ text: String) -> Double? {
    let t = text.trimmed
    guard !t.isEmpty, t.filter({ $0 == "," }).count <= 1, !(t.contains(",") && t.contains(".")) else { return nil }
    return Double(t.replacingOccurrences(of: ",", with: "."))
  }
}

/// The records of a container's output, by member and line, and by member, sheet and row.
struct ContainerRecords {
  struct Entry {
    /// Keys and the text of scalar values (nil for null, arrays and objects), in order.
    var fields: [(key: String, value: String?)]
    var values: [String] { fields.compactMap(\.value) }
  }

  struct LineKey: Hashable {
    var member: String?
    var line: Int
  }

  struct RowKey: Hashable {
    var member: String?
    var sheet: String?
    var row: Int
  }

  var byLine: [LineKey: [Entry]] = [:]
  var byRow: [RowKey: [Entry]] = [:]

  /// `outer` is the container's name: `_pl.source` `outer!member` is a record of `member`, and
  /// `outer` itself one of the container (a workbook, an XML export).
  init(ndjson: String, outer: String) {
    for line in ndjson.split(separator: "\n") where !line.hasPrefix(StreamAbort.marker) {
      guard let record = try? JSONParser.parseRecord(String(line)) else { continue }
      var member: String?
      if case .string(let source)? = record.meta[key: MetaKey.source], source != outer {
        member = source.hasPrefix(outer + "!") ? String(source.dropFirst(outer.count + 1)) : source
      }
      let entry = Entry(fields: record.fields.map { ($0.key, $0.value.printed?.trimmed) })
      if case .number(let number)? = record.meta[key: MetaKey.line], let at = Int(number) {
        byLine[LineKey(member: member, line: at), default: []].append(entry)
      }
      var sheet: String?
      if case .string(let name)? = record.meta[key: MetaKey.sheet] { sheet = name }
      var row: Int?
      if case .number(let number)? = record.meta[key: MetaKey.row] { row = Int(number) }
      if row == nil, case .string(let cell)? = record.meta[key: "cell"] { row = Self.row(ofCell: cell) }
      if let row { byRow[RowKey(member: member, sheet: sheet, row: row), default: []].append(entry) }
    }
  }

  func at(_ member: String?, line: Int) -> [Entry] { byLine[LineKey(member: member, line: line)] ?? [] }

  /// The records of a sheet's row; a record without `_pl.sheet` stands for any sheet.
  func at(_ member: String?, sheet: String?, row: Int) -> [Entry] {
    (byRow[RowKey(member: member, sheet: sheet, row: row)] ?? []) + (sheet == nil ? [] : byRow[RowKey(member: member, sheet: nil, row: row)] ?? [])
  }

  /// The row number of a cell reference (`C7` → 7).
  static func row(ofCell cell: String) -> Int? {
    Int(cell.drop { $0.isLetter || $0 == "$" }.filter { $0 != "$" })
  }
}

/// The records of an NDJSON output, as the text of their values, by `_pl.line`.
struct RecordsByLine {
  var table: [Int: [[String]]] = [:]

  init(ndjson: String) {
    for line in ndjson.split(separator: "\n") where !line.hasPrefix(StreamAbort.marker) {
      guard let record = try? JSONParser.parseRecord(String(line)),
        case .number(let number)? = record.meta[key: MetaKey.line], let at = Int(number)
      else { continue }
      table[at, default: []].append(record.fields.compactMap { $0.value.printed?.trimmed })
    }
  }

  func records(at line: Int) -> [[String]] { table[line] ?? [] }
}

extension JSONValue {
  /// A scalar's text as a file would print it: a string as it is, a number as its digits.
  var printed: String? {
    switch self {
    case .string(let s): s
    case .number(let n): n
    case .bool(let b): b ? "true" : "false"
    case .null, .array, .object: nil
    }
  }
}

extension String {
  var trimmed: String { trimmingCharacters(in: .whitespaces) }
  var firstLine: String { split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "(nothing on standard error)" }
}

/// One run of a built tool with arguments, its outputs caught in files (a pipe could fill up
/// while the tool is still writing).
struct ToolRun {
  var stdout: Data
  var stderr: Data
  var status: Int32

  var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  var stderrText: String { String(decoding: stderr, as: UTF8.self) }

  static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> ToolRun {
    let fm = FileManager.default
    let scratch = fm.temporaryDirectory.appendingPathComponent("pl-run-\(UUID().uuidString)")
    try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: scratch) }
    let out = scratch.appendingPathComponent("stdout")
    let err = scratch.appendingPathComponent("stderr")
    _ = fm.createFile(atPath: out.path, contents: nil)
    _ = fm.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CaseRun.binDirectory + "/" + tool)
    process.arguments = arguments
    process.currentDirectoryURL = directory ?? scratch
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    environment["LC_ALL"] = "C.UTF-8"
    process.environment = environment
    let outHandle = try FileHandle(forWritingTo: out)
    let errHandle = try FileHandle(forWritingTo: err)
    defer {
      try? outHandle.close()
      try? errHandle.close()
    }
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return ToolRun(stdout: try Data(contentsOf: out), stderr: try Data(contentsOf: err), status: process.terminationStatus)
  }

  /// True when `text` names line `line` (`line 9`, not `line 91`).
  static func names(line: Int, in text: String) -> Bool {
    let needle = "line \(line)"
    var rest = text[...]
    while let range = rest.range(of: needle) {
      if range.upperBound == rest.endIndex || !rest[range.upperBound].isNumber { return true }
      rest = rest[range.upperBound...]
    }
    return false
  }
}
