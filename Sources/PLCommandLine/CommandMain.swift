#if canImport(Glibc)
  import Glibc
#endif
import ArgumentParser
import PLCore

/// The entry point of every pl command: parse, run, and report in the toolkit's own form.
///
/// The argument parser's default prints `Error: …`; the toolkit's errors all read
/// `pl-tool: message`, so usage errors do too, followed by the usage line, with status 64.
/// `--help` and `--version` go to standard output with status 0.
public enum CommandMain {
  /// The first argument that looks like an option but is none of `type`'s.
  static func unknownOption<Command: ParsableCommand>(in arguments: [String], of type: Command.Type) -> String? {
    let known = optionNames(of: type)
    for argument in arguments {
      if argument == "--" { return nil }
      guard argument.hasPrefix("-"), argument != "-" else { continue }
      if argument.hasPrefix("--") {
        let name = String(argument.dropFirst(2).prefix { $0 != "=" })
        if !known.contains(name) { return "--" + name }
      } else if let first = argument.dropFirst().first, !first.isNumber {
        // Short options may be combined (`-qd,`): the first letter must be known.
        if !known.contains(String(first)) { return "-" + String(first) }
      }
    }
    return nil
  }

  /// The names of `type`'s options and flags, from the parser's own description of them.
  static func optionNames<Command: ParsableCommand>(of type: Command.Type) -> Set<String> {
    var names: Set<String> = ["help", "h", "version"]
    let text = type._dumpHelp()
    guard case .object(let root)? = try? JSONParser.parseValue(text),
      case .object(let command)? = root[key: "command"],
      case .array(let arguments)? = command[key: "arguments"]
    else { return names }
    for case .object(let argument) in arguments {
      guard case .array(let list)? = argument[key: "names"] else { continue }
      for case .object(let entry) in list {
        if case .string(let name)? = entry[key: "name"] { names.insert(name) }
      }
    }
    return names
  }

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
      // The parser reports a missing argument before an unknown option (`pl-load --bogus` said
      // "Missing expected argument"); the unknown option is the mistake to tell.
      if text.hasPrefix("Missing expected argument"),
        let unknown = unknownOption(in: arguments ?? Array(CommandLine.arguments.dropFirst()), of: type)
      {
        text = "Unknown option '\(unknown)'\nUsage: " + type.usageString() + "\n  See '\(name) --help' for more information."
      }
      Terminal.writeError("\(name): \(text)\n")
      exit(code.rawValue)
    }
  }
}
