import Foundation
import Testing

/// Keeps man pages and completions honest: every flag documented, completions current, and
/// every example of a man page runs.
struct DocsTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let commands = ["pl-extract", "pl-load"]

  static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// The long names of every option and flag, from the parser's own description of itself.
  static func longOptions(of command: String) throws -> [String] {
    let (_, json) = try run(CaseRun.binDirectory + "/" + command, ["--experimental-dump-help"])
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let arguments = (object?["command"] as? [String: Any])?["arguments"] as? [[String: Any]] ?? []
    var names: [String] = []
    for argument in arguments {
      for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
        if let n = name["name"] as? String { names.append(n) }
      }
    }
    return names
  }

  @Test(arguments: commands)
  func everyFlagIsInTheManPageAndCompletions(_ command: String) throws {
    let names = try Self.longOptions(of: command)
    #expect(names.contains("quiet") && names.contains("help"))
    let man = try String(contentsOf: Self.root.appendingPathComponent("man/\(command).1"), encoding: .utf8)
    for name in names where name != "help" && name != "version" {
      #expect(man.contains("Fl -\(name)"), "--\(name) is missing from man/\(command).1: run make docs")
    }
    for file in ["\(command).bash", "_\(command)", "\(command).fish"] {
      let text = try String(contentsOf: Self.root.appendingPathComponent("completions/\(file)"), encoding: .utf8)
      for name in names where name != "version" {
        #expect(text.contains(name), "--\(name) is missing from completions/\(file): run make docs")
      }
    }
  }

  @Test(arguments: commands)
  func completionsAreCurrent(_ command: String) throws {
    for (shell, file) in [("bash", "\(command).bash"), ("zsh", "_\(command)"), ("fish", "\(command).fish")] {
      let (status, generated) = try Self.run(CaseRun.binDirectory + "/" + command, ["--generate-completion-script", shell])
      #expect(status == 0)
      let committed = try String(contentsOf: Self.root.appendingPathComponent("completions/\(file)"), encoding: .utf8)
      #expect(generated == committed, "completions/\(file) is stale: run make docs")
    }
  }

  /// The `.Dl` lines of a man page's EXAMPLES section.
  static func examples(of command: String) throws -> [String] {
    let page = try String(contentsOf: root.appendingPathComponent("man/\(command).1"), encoding: .utf8)
    guard let start = page.range(of: ".Sh \"EXAMPLES\"") else { return [] }
    let section = page[start.upperBound...].components(separatedBy: "\n.Sh ").first ?? ""
    return section.split(separator: "\n").filter { $0.hasPrefix(".Dl ") }.map { String($0.dropFirst(4)) }
  }

  @Test(arguments: commands)
  func manPageExamplesRun(_ command: String) throws {
    let examples = try Self.examples(of: command)
    #expect(!examples.isEmpty, "man/\(command).1 has no examples")
    let fm = FileManager.default
    let scratch = fm.temporaryDirectory.appendingPathComponent("pl-examples-\(UUID().uuidString)")
    try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: scratch) }
    try fm.copyItem(at: Self.root.appendingPathComponent("examples"), to: scratch.appendingPathComponent("examples"))
    for example in examples {
      let script = "export PATH='\(CaseRun.binDirectory)':\"$PATH\"; set -o pipefail; " + example + " > /dev/null"
      let (status, _) = try Self.run("/bin/bash", ["-c", script], in: scratch)
      #expect(status == 0, "example of \(command)(1) failed: \(example)")
    }
  }
}
