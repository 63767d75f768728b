import Foundation
import Testing

/// Runs the golden cases under Tests/EndToEnd/Cases: tiny folders that run the built tools.
///
/// A case holds `cmd` (run by `bash -o pipefail` in a scratch copy of the folder, with the built
/// products first on PATH), its input files, `expout` (standard output, required even when
/// empty), and `experr` and `status` when those are not empty and 0. Input files carry an
/// extension (`lab.csv`), so that a misspelt expectation (`exp_out`, `stauts`) fails instead
/// of passing as an input. `PL_RECORD=1 swift test` rewrites the expectations from what the
/// tools do now; `git diff` is the review. A case that needs a service names, in `requires`,
/// the environment variables that locate it (`PL_TEST_PG_URL`, one a line); without them it
/// is not run and `casesNeedingServices` says so (`make test` starts the services).
struct GoldenCaseTests {
  static let casesRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("EndToEnd/Cases")

  /// Every folder under Cases/<tool>/, with or without a `cmd`: a folder without one fails.
  /// Cases whose `requires` are not met are left out.
  static func allCases() -> [String] {
    GoldenCase.folders(in: casesRoot).filter { GoldenCase.missingRequirements(of: $0.url).isEmpty }.map { $0.relativeName }
  }

  @Test func casesNeedingServices() {
    let skipped = GoldenCase.folders(in: Self.casesRoot).filter { !GoldenCase.missingRequirements(of: $0.url).isEmpty }
    guard !skipped.isEmpty else { return }
    let missing = Set(skipped.flatMap { GoldenCase.missingRequirements(of: $0.url) }).sorted().joined(separator: ", ")
    print("note: \(skipped.count) golden cases not run: \(missing) not set (make test starts the test services)")
  }

  @Test func thereAreCases() {
    #expect(Self.allCases().count > 20)
  }

  @Test(arguments: allCases())
  func goldenCase(_ name: String) throws {
    let problems = try GoldenCase(folder: Self.casesRoot.appendingPathComponent(name), name: name).check()
    for problem in problems { Issue.record(Comment(rawValue: problem)) }
  }
}

/// One golden case folder: reading its expectations, running it, comparing or recording.
struct GoldenCase {
  /// The files that are not inputs.
  static let expectationFiles = ["cmd", "expout", "experr", "status", "requires"]

  /// The variables a case's `requires` file names that the environment does not set.
  static func missingRequirements(of folder: URL) -> [String] {
    guard let text = try? String(contentsOf: folder.appendingPathComponent("requires"), encoding: .utf8) else { return [] }
    let environment = ProcessInfo.processInfo.environment
    return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && !$0.hasPrefix("#") && (environment[$0] ?? "").isEmpty }
  }

  var folder: URL
  /// The name in messages, such as `load/0004-bad-line-rolls-back`.
  var name: String
  /// Folders copied into the scratch folder beside the case's own files, by name.
  var extraFolders: [String: URL] = [:]

  /// The case folders two levels under `root` (`<group>/<case>`), sorted.
  static func folders(in root: URL) -> [(relativeName: String, url: URL)] {
    let fm = FileManager.default
    var result: [(String, URL)] = []
    for group in ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).sorted() where !group.hasPrefix(".") {
      let groupURL = root.appendingPathComponent(group)
      for name in ((try? fm.contentsOfDirectory(atPath: groupURL.path)) ?? []).sorted() where !name.hasPrefix(".") {
        let url = groupURL.appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
          result.append(("\(group)/\(name)", url))
        }
      }
    }
    return result
  }

  /// What is wrong with the folder itself: a missing `cmd` or `expout`, a file name that looks
  /// like a misspelt expectation, a `status` that is not a number.
  func structuralProblems() -> [String] {
    let fm = FileManager.default
    var problems: [String] = []
    let names = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    for required in ["cmd", "expout"] where !names.contains(required) {
      problems.append("\(name): no `\(required)` file (an empty output needs an empty `expout`; PL_RECORD=1 swift test writes it)")
    }
    for file in names where Self.looksLikeMisspeltExpectation(file, in: folder) {
      problems.append("\(name): unexpected file `\(file)`: expectations are named \(Self.expectationFiles.joined(separator: ", ")), and input files need an extension")
    }
    if names.contains("status"), readStatus() == nil {
      problems.append("\(name): `status` must hold one exit status number")
    }
    return problems
  }

  /// True for a file that is neither an expectation nor an input with an extension, or whose
  /// name is one or two typos away from an expectation's (`exp_out`, `expout.txt`, `stauts`).
  static func looksLikeMisspeltExpectation(_ file: String, in folder: URL) -> Bool {
    guard !expectationFiles.contains(file), !file.hasPrefix(".") else { return false }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      return false
    }
    guard let dot = file.firstIndex(of: ".") else { return true }
    let stem = file[..<dot].lowercased()
    return expectationFiles.contains { known in
      editDistance(stem, known) <= (known.count <= 3 ? 1 : 2)
    }
  }

  /// Edit distance counting a swap of two neighbouring characters as one edit.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
      }
    }
    return d[a.count][b.count]
  }

  func readStatus() -> Int32? {
    let url = folder.appendingPathComponent("status")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return FileManager.default.fileExists(atPath: url.path) ? nil : 0 }
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// True when `PL_RECORD=1` asks for expectations to be written instead of compared.
  static var recording: Bool { ProcessInfo.processInfo.environment["PL_RECORD"] == "1" }

  /// Runs the case and returns what differs from its expectations, each with a diff; when
  /// `recording`, writes the expectations instead.
  func check(recording: Bool = GoldenCase.recording) throws -> [String] {
    var problems = structuralProblems()
    guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("cmd").path) else { return problems }
    let result = try CaseRun.run(folder, extraFolders: extraFolders)
    if recording {
      try record(result)
      return problems.filter { !$0.contains("no `expout`") }
    }
    problems += compare(result)
    return problems
  }

  /// What differs between `result` and the folder's expectations.
  func compare(_ result: CaseRun) -> [String] {
    let expout = try? Data(contentsOf: folder.appendingPathComponent("expout"))
    let experr = (try? Data(contentsOf: folder.appendingPathComponent("experr"))) ?? Data()
    var problems: [String] = []
    // A missing expout is reported by structuralProblems; the output is still shown in full.
    let stdoutDiff = TextDiff.unified(expected: expout ?? Data(), actual: result.stdout, expectedLabel: "\(name)/expout", actualLabel: "standard output")
    if expout == nil || !stdoutDiff.isEmpty {
      problems.append("standard output of \(name) differs from expout:\n" + stdoutDiff)
    }
    let stderrDiff = TextDiff.unified(expected: experr, actual: result.stderr, expectedLabel: "\(name)/experr", actualLabel: "standard error")
    if !stderrDiff.isEmpty {
      problems.append("standard error of \(name) differs from experr:\n" + stderrDiff)
    }
    if let status = readStatus(), result.status != status {
      problems.append("exit status of \(name) is \(result.status), expected \(status)")
    }
    return problems
  }

  /// Writes `result` as the folder's expectations: `expout` always, `experr` and `status` only
  /// when not empty and not 0.
  func record(_ result: CaseRun) throws {
    let fm = FileManager.default
    try result.stdout.write(to: folder.appendingPathComponent("expout"))
    let experr = folder.appendingPathComponent("experr")
    if result.stderr.isEmpty { try? fm.removeItem(at: experr) } else { try result.stderr.write(to: experr) }
    let status = folder.appendingPathComponent("status")
    if result.status == 0 {
      try? fm.removeItem(at: status)
    } else {
      try "\(result.status)\n".write(to: status, atomically: true, encoding: .utf8)
    }
  }
}

/// One run of a case's `cmd` in a scratch copy of its folder.
struct CaseRun {
  var stdout: Data
  var stderr: Data
  var status: Int32

  /// The folder of the built executables: this test binary's own folder.
  static var binDirectory: String {
    if let dir = ProcessInfo.processInfo.environment["PL_BIN"] { return dir }
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
    // Inside plPackageTests.xctest/… when run as a bundle.
    while url.path.contains(".xctest") { url.deleteLastPathComponent() }
    return url.path
  }

  /// Runs `caseDir/cmd` in a scratch copy of `caseDir`, with each of `extraFolders` copied in
  /// under its name.
  static func run(_ caseDir: URL, extraFolders: [String: URL] = [:]) throws -> CaseRun {
    let fm = FileManager.default
    let scratch = fm.temporaryDirectory.appendingPathComponent("pl-case-\(UUID().uuidString)")
    try fm.copyItem(at: caseDir, to: scratch)
    defer { try? fm.removeItem(at: scratch) }
    for (name, source) in extraFolders.sorted(by: { $0.key < $1.key }) {
      try fm.copyItem(at: source, to: scratch.appendingPathComponent(name))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-o", "pipefail", "cmd"]
    process.currentDirectoryURL = scratch
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = binDirectory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    environment["NO_COLOR"] = "1"
    environment["LC_ALL"] = "C.UTF-8"
    environment.removeValue(forKey: "PL_RECORD")
    process.environment = environment
    let out = scratch.appendingPathComponent(".stdout")
    let err = scratch.appendingPathComponent(".stderr")
    _ = fm.createFile(atPath: out.path, contents: nil)
    _ = fm.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return CaseRun(stdout: try Data(contentsOf: out), stderr: try Data(contentsOf: err), status: process.terminationStatus)
  }
}

/// The runner itself: a case that does not do what its folder says must fail, and say how.
/// These never record, whatever `PL_RECORD` says.
struct GoldenCaseRunnerTests {
  /// A case folder in a fresh temporary directory, with `files` written into it.
  static func makeCase(_ files: [String: String]) throws -> (GoldenCase, cleanup: () -> Void) {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("pl-runner-\(UUID().uuidString)")
    let folder = root.appendingPathComponent("t/0001-case")
    try fm.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return (GoldenCase(folder: folder, name: "t/0001-case"), { try? fm.removeItem(at: root) })
  }

  @Test func aCaseThatMatchesPasses() throws {
    let (c, cleanup) = try Self.makeCase(["cmd": "cat in.txt; echo oops >&2; exit 3\n", "in.txt": "a\n", "expout": "a\n", "experr": "oops\n", "status": "3\n"])
    defer { cleanup() }
    #expect(try c.check(recording: false) == [])
  }

  @Test func aWrongOutputFailsWithADiff() throws {
    let (c, cleanup) = try Self.makeCase(["cmd": "printf 'one\\ntwo\\nthree\\n'\n", "expout": "one\n2\nthree\n"])
    defer { cleanup() }
    let problems = try c.check(recording: false)
    #expect(problems.count == 1)
    let message = problems.first ?? ""
    #expect(message.contains("standard output of t/0001-case differs"))
    #expect(message.contains("@@ -1,3 +1,3 @@\n one\n-2\n+two\n three"), "\(message)")
  }

  @Test func aMissingExpoutFails() throws {
    // Today's output is empty: an absent expout must not count as "expects nothing".
    let (c, cleanup) = try Self.makeCase(["cmd": "true\n"])
    defer { cleanup() }
    let problems = try c.check(recording: false)
    #expect(problems.contains { $0.contains("no `expout` file") }, "\(problems)")
  }

  @Test func aFolderWithoutCmdFails() throws {
    let (c, cleanup) = try Self.makeCase(["expout": ""])
    defer { cleanup() }
    #expect(try c.check(recording: false).contains { $0.contains("no `cmd` file") })
  }

  @Test(arguments: ["exp_out", "expout.txt", "Experr", "stauts", "output"])
  func aMisspeltExpectationFails(_ file: String) throws {
    let (c, cleanup) = try Self.makeCase(["cmd": "echo hi\n", "expout": "hi\n", file: "whatever\n"])
    defer { cleanup() }
    #expect(try c.check(recording: false).contains { $0.contains("unexpected file `\(file)`") })
  }

  @Test(arguments: ["lab.csv", "cut.ndjson", "start.ndjson", "experiment.csv", "status-codes.txt"])
  func inputsWithAnExtensionAreFine(_ file: String) throws {
    let (c, cleanup) = try Self.makeCase(["cmd": "echo hi\n", "expout": "hi\n", file: "x\n"])
    defer { cleanup() }
    #expect(try c.check(recording: false) == [])
  }

  @Test func aWrongStatusOrStderrFails() throws {
    let (c, cleanup) = try Self.makeCase(["cmd": "echo bad >&2; exit 2\n", "expout": "", "experr": "good\n"])
    defer { cleanup() }
    let problems = try c.check(recording: false)
    #expect(problems.contains { $0.contains("exit status of t/0001-case is 2, expected 0") })
    #expect(problems.contains { $0.contains("-good\n+bad") })
  }

  @Test func anUnreadableStatusFails() throws {
    let (c, cleanup) = try Self.makeCase(["cmd": "exit 1\n", "expout": "", "status": "one\n"])
    defer { cleanup() }
    #expect(try c.check(recording: false).contains { $0.contains("`status` must hold one exit status number") })
  }

  /// Output compared as text decoded leniently would let different bytes pass as equal.
  @Test func bytesThatAreNotUTF8AreCompared() throws {
    let (c, cleanup) = try Self.makeCase(["cmd": "printf 'a\\xff\\n'\n", "expout": "a\u{FFFD}\n"])
    defer { cleanup() }
    let problems = try c.check(recording: false)
    #expect(problems.contains { $0.contains("-a\u{FFFD}\n+a\\xFF") }, "\(problems)")
  }

  @Test func theDiffShowsInvisibleDifferences() {
    let diff = TextDiff.unified(expected: Data("a\nb\n".utf8), actual: Data("a\r\nb".utf8), expectedLabel: "e", actualLabel: "a")
    #expect(diff == "--- e\n+++ a\n@@ -1,2 +1,2 @@\n-a\n-b\n+a\\r\n+b\n\\ No newline at end")
  }
}
