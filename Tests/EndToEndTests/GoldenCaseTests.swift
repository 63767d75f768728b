import Foundation
import Testing

/// Runs the golden cases under Tests/EndToEnd/Cases: tiny folders that run the built tools.
///
/// A case holds `cmd` (run by `bash -o pipefail` in a scratch copy of the folder, with the built
/// products first on PATH), its input files, `expout` (standard output), and `experr` and
/// `status` when those are not empty and 0. `PL_RECORD=1 swift test` rewrites the
/// expectations from what the tools do now; `git diff` is the review.
struct GoldenCaseTests {
  static let casesRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("EndToEnd/Cases")

  static func allCases() -> [String] {
    let fm = FileManager.default
    guard let tools = try? fm.contentsOfDirectory(atPath: casesRoot.path) else { return [] }
    var names: [String] = []
    for tool in tools.sorted() {
      let dir = casesRoot.appendingPathComponent(tool)
      for name in ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
      where fm.fileExists(atPath: dir.appendingPathComponent(name).appendingPathComponent("cmd").path) {
        names.append("\(tool)/\(name)")
      }
    }
    return names
  }

  @Test func thereAreCases() {
    #expect(Self.allCases().count > 20)
  }

  @Test(arguments: allCases())
  func goldenCase(_ name: String) throws {
    let caseDir = Self.casesRoot.appendingPathComponent(name)
    let result = try CaseRun.run(caseDir)
    let record = ProcessInfo.processInfo.environment["PL_RECORD"] == "1"
    let fm = FileManager.default
    let expoutURL = caseDir.appendingPathComponent("expout")
    let experrURL = caseDir.appendingPathComponent("experr")
    let statusURL = caseDir.appendingPathComponent("status")
    if record {
      try result.stdout.write(to: expoutURL)
      if result.stderr.isEmpty { try? fm.removeItem(at: experrURL) } else { try result.stderr.write(to: experrURL) }
      if result.status == 0 {
        try? fm.removeItem(at: statusURL)
      } else {
        try "\(result.status)\n".write(to: statusURL, atomically: true, encoding: .utf8)
      }
      return
    }
    let expout = (try? Data(contentsOf: expoutURL)) ?? Data()
    let experr = (try? Data(contentsOf: experrURL)) ?? Data()
    let status = (try? String(contentsOf: statusURL, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    #expect(String(decoding: result.stdout, as: UTF8.self) == String(decoding: expout, as: UTF8.self), "stdout of \(name)")
    #expect(String(decoding: result.stderr, as: UTF8.self) == String(decoding: experr, as: UTF8.self), "stderr of \(name)")
    #expect(result.status == status, "exit status of \(name)")
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

  static func run(_ caseDir: URL) throws -> CaseRun {
    let fm = FileManager.default
    let scratch = fm.temporaryDirectory.appendingPathComponent("pl-case-\(UUID().uuidString)")
    try fm.copyItem(at: caseDir, to: scratch)
    defer { try? fm.removeItem(at: scratch) }
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
    fm.createFile(atPath: out.path, contents: nil)
    fm.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return CaseRun(stdout: try Data(contentsOf: out), stderr: try Data(contentsOf: err), status: process.terminationStatus)
  }
}
