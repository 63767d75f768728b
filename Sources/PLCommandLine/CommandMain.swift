#if canImport(Glibc)
  import Glibc
#endif
import ArgumentParser

/// The entry point of every pl command: parse, run, and report in the toolkit's own form.
///
/// The argument parser's default prints `Error: …`; the toolkit's errors all read
/// `pl-tool: message`, so usage errors do too, followed by the usage line, with status 64.
/// `--help` and `--version` go to standard output with status 0.
public enum CommandMain {
  public static func run<Command: ParsableCommand>(_ type: Command.Type, arguments: [String]? = nil) -> Never {
    do {
      var command = try type.parseAsRoot(arguments)
      try command.run()
      exit(0)
    } catch {
      let code = type.exitCode(for: error)
      let message = type.fullMessage(for: error)
      if code == .success {
        if !message.isEmpty { print(message) }
        exit(0)
      }
      if error is ExitCode {
        exit(code.rawValue)
      }
      let name = type.configuration.commandName ?? "pl"
      var text = message
      if text.hasPrefix("Error: ") { text = String(text.dropFirst("Error: ".count)) }
      Terminal.writeError("\(name): \(text)\n")
      exit(code.rawValue)
    }
  }
}
