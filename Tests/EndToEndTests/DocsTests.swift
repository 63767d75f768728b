import Foundation
import Testing

/// Keeps man pages and completions honest: every flag documented, completions current, and
/// every example of a man page does what its case under Tests/EndToEnd/Examples says.
///
/// An example case is a golden case (see `GoldenCaseTests`) run beside a copy of examples/;
/// one line of its `cmd` is the example exactly as the page shows it, and the lines around
/// it may mask what varies between runs (timings) and show what the example wrote (a table).
/// `PL_RECORD=1 swift test --filter DocsTests` writes their expectations; review with git diff.
struct DocsTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let commands = ["pl-extract", "pl-clean", "pl-validate", "pl-load", "pl-promote", "pl-report"]

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
    var names: [String] = []
    // A command with subcommands (pl-promote) has its options on them: walk the whole tree.
    var pending = [(object?["command"] as? [String: Any]) ?? [:]]
    while let command = pending.popLast() {
      for argument in command["arguments"] as? [[String: Any]] ?? [] {
        for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
          if let n = name["name"] as? String, !names.contains(n) { names.append(n) }
        }
      }
      pending += command["subcommands"] as? [[String: Any]] ?? []
    }
    return names
  }

  @Test(arguments: commands)
  func everyFlagIsInTheManPageAndCompletions(_ command: String) throws {
    let names = try Self.longOptions(of: command)
    #expect(names.contains("quiet") && names.contains("help"))
    let man = try String(contentsOf: Self.root.appendingPathComponent("man/\(command).1"), encoding: .utf8)
    for name in names where name != "help" && name != "version" {
      // `.Fl -name`, or after a short name: `.It Fl 0 , -null`.
      #expect(man.contains("Fl -\(name)") || man.contains(" , -\(name)"), "--\(name) is missing from man/\(command).1: run make docs")
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

  /// Where each man-page example has its case: Tests/EndToEnd/Examples/<command>/<case>/.
  static let examplesRoot = root.appendingPathComponent("Tests/EndToEnd/Examples")

  /// The `.Dl` lines of a man page's EXAMPLES section, as the reader sees them.
  static func examples(of command: String) throws -> [ManExample] {
    let page = try String(contentsOf: root.appendingPathComponent("man/\(command).1"), encoding: .utf8)
    guard let start = page.range(of: ".Sh \"EXAMPLES\"") else { return [] }
    let section = page[start.upperBound...].components(separatedBy: "\n.Sh ").first ?? ""
    return section.split(separator: "\n").filter { $0.hasPrefix(".Dl ") }.map { ManExample(source: String($0.dropFirst(4))) }
  }

  /// The example cases of `command`, each with the lines of its `cmd`.
  static func exampleCases(of command: String) -> [(name: String, lines: [String])] {
    GoldenCase.folders(in: examplesRoot).filter { $0.relativeName.hasPrefix(command + "/") }.map { folder in
      let cmd = (try? String(contentsOf: folder.url.appendingPathComponent("cmd"), encoding: .utf8)) ?? ""
      return (folder.relativeName, cmd.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }
  }

  static func allExampleCases() -> [String] {
    GoldenCase.folders(in: examplesRoot).map { $0.relativeName }
  }

  /// Every example of a page has a case that runs it, line for line, and every case runs an
  /// example the page still shows.
  @Test(arguments: commands)
  func everyManPageExampleHasACase(_ command: String) throws {
    let examples = try Self.examples(of: command)
    #expect(!examples.isEmpty, "man/\(command).1 has no examples")
    let cases = Self.exampleCases(of: command)
    for example in examples {
      switch example.command {
      case .failure(let problem):
        Issue.record("example of \(command)(1) cannot be compared: \(problem): \(example.source)")
      case .success(let line):
        let runners = cases.filter { $0.lines.contains(line) }
        #expect(
          runners.count == 1,
          """
          example of \(command)(1) is run by \(runners.count) cases under Tests/EndToEnd/Examples/\(command)/, \
          expected one whose cmd has the line: \(line)
          """)
      }
    }
    let shown = Set(examples.compactMap { try? $0.command.get() })
    for c in cases where !c.lines.contains(where: shown.contains) {
      Issue.record("Tests/EndToEnd/Examples/\(c.name) runs no example that man/\(command).1 shows: update or remove it")
    }
  }

  /// Each example runs in a folder holding a copy of examples/ and its output is compared with
  /// the case's expectations, as a golden case.
  @Test(arguments: allExampleCases())
  func manPageExampleOutput(_ name: String) throws {
    let folder = Self.examplesRoot.appendingPathComponent(name)
    let exampleCase = GoldenCase(folder: folder, name: "Examples/" + name, extraFolders: ["examples": Self.root.appendingPathComponent("examples")])
    for problem in try exampleCase.check() { Issue.record(Comment(rawValue: problem)) }
  }

  @Test func examplesAreReadAsTheReaderSeesThem() throws {
    #expect(try ManExample(source: #"pl-extract \-\-no-meta a.csv | jq \&.a"#).command.get() == "pl-extract --no-meta a.csv | jq .a")
    #expect(try ManExample(source: #"sqlite3  demo.sqlite "SELECT 1, ""x""" \(dqy\(dq"#).command.get() == #"sqlite3 demo.sqlite SELECT 1, "x" "y""#)
    #expect(throws: (any Error).self) { try ManExample(source: "pl-load Ar database").command.get() }
  }
}

/// One `.Dl` line of a man page, and the command line a reader of the page sees in it.
struct ManExample {
  var source: String

  struct Unreadable: Error, CustomStringConvertible {
    var description: String
  }

  /// mdoc macros that `.Dl` would call when one stands as a word of the line.
  static let callableMacros: Set<String> = [
    "Ad", "An", "Ap", "Aq", "Ar", "Bq", "Brq", "Bx", "Cd", "Cm", "Dq", "Dv", "Dx", "Em", "Er", "Ev", "Fa", "Fl",
    "Fn", "Ft", "Fx", "Ic", "Li", "Lk", "Ms", "Mt", "Nm", "No", "Ns", "Nx", "Op", "Ox", "Pa", "Pf", "Pq", "Ql",
    "Qq", "Sq", "St", "Sx", "Sy", "Tn", "Ux", "Va", "Vt", "Xr",
  ]

  /// The words of the line as mdoc parses them (quotes group words and are dropped, `""` in a
  /// quoted word is one quote), joined by single spaces, with the usual escapes decoded. A
  /// word that is a macro name, or an escape this does not know, makes the line unreadable
  /// here: a test cannot know what the page shows.
  var command: Result<String, Unreadable> {
    var words: [String] = []
    var chars = source[...]
    while let first = chars.first {
      if first == " " {
        chars = chars.dropFirst()
        continue
      }
      var word = ""
      if first == "\"" {
        chars = chars.dropFirst()
        while let c = chars.first {
          chars = chars.dropFirst()
          if c == "\"" {
            if chars.first == "\"" { word.append("\""); chars = chars.dropFirst() } else { break }
          } else {
            word.append(c)
          }
        }
      } else {
        if Self.callableMacros.contains(String(chars.prefix { $0 != " " })) {
          return .failure(Unreadable(description: "the word \(chars.prefix { $0 != " " }) is an mdoc macro"))
        }
        while let c = chars.first, c != " " {
          word.append(c)
          chars = chars.dropFirst()
          if c == "\\", let next = chars.first { word.append(next); chars = chars.dropFirst() }
        }
      }
      words.append(word)
    }
    var out = ""
    var rest = words.joined(separator: " ")[...]
    while let c = rest.first {
      rest = rest.dropFirst()
      guard c == "\\" else { out.append(c); continue }
      let escapes: [(String, String)] = [("-", "-"), ("e", "\\"), ("&", ""), ("(dq", "\""), ("(aq", "'"), (" ", " "), ("(ti", "~"), ("(ha", "^")]
      guard let (code, text) = escapes.first(where: { rest.hasPrefix($0.0) }) else {
        return .failure(Unreadable(description: "the escape \\\(rest.prefix(3)) is not known to the test"))
      }
      out += text
      rest = rest.dropFirst(code.count)
    }
    return .success(out)
  }
}
