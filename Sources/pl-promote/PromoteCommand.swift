#if canImport(Glibc)
  import Glibc
#endif
import ArgumentParser
import PLCommandLine
import PLCore
import PLLake

@main
struct PromoteCommand: ParsableCommand {
  /// The subcommands, in the order `--help` lists them: a new one is one line here.
  static let subcommands: [any ParsableCommand.Type] = [
    BronzeCommand.self, PendingCommand.self, SilverCommand.self, CompactCommand.self, ShowCommand.self, LogCommand.self,
    GoldCommand.self, RetentionCommand.self, PurgeBronzeCommand.self, VerifyCommand.self,
  ]

  static let configuration = CommandConfiguration(
    commandName: "pl-promote",
    abstract: "Promote files and records through the bronze, silver and gold layers of a lake folder.",
    discussion: """
      The lake is a plain folder, readable as it stands by DuckDB, Spark, Trino and Athena: \
      bronze/<dataset>/ingest_date=YYYY-MM-DD/<sha256>.<ext> holds files exactly as received; \
      silver/<dataset>/date=YYYY-MM-DD/part-<batch>-<n>.ndjson.gz holds validated records; \
      gold/ holds aggregates; _manifests/ records every batch. Only what a manifest names is \
      part of the lake: a batch's files are staged under hidden names, its manifest is written \
      last and atomically, then the files are renamed into place. A killed run leaves only \
      hidden temporaries, which the next run of the dataset removes (or, when killed after its \
      manifest, completes). The same batch promoted again changes nothing. One run at a time \
      writes a dataset; another waits --wait seconds, then exits 75.
      """,
    version: PLVersion.string,
    subcommands: subcommands)

  static func main() { PromoteMain.run(PromoteCommand.self) }
}

/// `CommandMain.run` for a command with subcommands: the same messages and statuses, without
/// the unknown-option check that reads the root command's options only (a subcommand's
/// options would be taken for unknown ones).
enum PromoteMain {
  static func run<Command: ParsableCommand>(_ type: Command.Type) -> Never {
    do {
      var command = try type.parseAsRoot(nil)
      try command.run()
      exit(0)
    } catch {
      let code = type.exitCode(for: error)
      let message = type.fullMessage(for: error)
      if code == .success {
        if !message.isEmpty { print(message) }
        exit(0)
      }
      if error is ExitCode { exit(code.rawValue) }
      var text = message
      if text.hasPrefix("Error: ") { text = String(text.dropFirst("Error: ".count)) }
      Terminal.writeError("pl-promote: \(text)\n")
      exit(code.rawValue)
    }
  }
}

/// Where the lake is.
struct LakeLocationOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The lake folder.", valueName: "DIR"))
  var lake: String
}

/// How a writing subcommand treats the lake: modes and the lock.
struct LakeWriteOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Mode of the files written, in octal (folders get x where r is given; bronze files and manifests lose w). Set exactly, whatever the umask. (default: 0640)",
      valueName: "OCTAL"))
  var mode: String = "0640"

  @Option(help: ArgumentHelp("Wait up to SECONDS for another run writing the dataset, then exit 75. (default: 0)", valueName: "SECONDS"))
  var wait: Double = 0

  /// The file mode, checked: owner read and write at least, nothing beyond rw.
  func fileMode() throws(PLError) -> mode_t {
    guard let value = UInt32(mode, radix: 8), value & ~0o666 == 0, value & 0o600 == 0o600 else {
      throw .usage("--mode \(mode): give an octal file mode with owner read and write, such as 0640 or 0600")
    }
    return mode_t(value)
  }

  func validate() throws {
    if wait < 0 || !wait.isFinite { throw ValidationError("--wait must be a number of seconds, 0 or more.") }
  }
}

/// The output of listing subcommands.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
  case table, records
}

extension RunIdentity {
  /// The identity of this process: the command line as given (secrets masked), the version.
  static func current() -> RunIdentity {
    RunIdentity(command: CommandLine.arguments.enumerated().map { $0.offset == 0 ? "pl-promote" : $0.element }, toolVersion: PLVersion.string)
  }
}

/// Parses `400d` (days) or `58w` (weeks).
func parseRetention(_ text: String) throws(PLError) -> Int {
  let unit = text.last
  guard let unit, let n = Int(text.dropLast()), n >= 0 else {
    throw .usage("--retain \(text): write a number of days or weeks, such as 400d or 58w")
  }
  switch unit {
  case "d": return n
  case "w": return n * 7
  default: throw .usage("--retain \(text): write a number of days or weeks, such as 400d or 58w")
  }
}

/// Parses `YYYY-MM-DD` for an option.
func parseDay(_ text: String?, option: String) throws(PLError) -> LakeDay {
  guard let text else { return .today }
  guard let day = LakeDay(text: text) else { throw .usage("\(option) \(text): write a date as YYYY-MM-DD") }
  return day
}

/// Writes records to standard output.
func emit(_ records: [Record], context: RunContext) throws(PLError) {
  let output = context.openRecordOutput()
  for record in records {
    JSONWriter.writeLine(record, to: output.buffer)
    try output.recordDone()
  }
  try output.flush()
}

/// Writes text to standard output.
func emitText(_ text: String) throws(PLError) {
  let output = OutputStream()
  output.buffer.append(text)
  try output.flush()
}
