import ArgumentParser
import PLCore

/// The format of the final summary line.
public enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case text, json
}

/// Options every pl command takes: quietness, the summary, metrics and metadata.
public struct CommonOptions: ParsableArguments {
  @Flag(name: [.short, .long], help: "Print no progress and no summary on standard error (errors are still printed).")
  public var quiet = false

  @Option(
    name: .customLong("log-format"),
    help: ArgumentHelp(
      "Print a summary line on standard error when done, as text or json (by default only when standard error is a terminal).",
      valueName: "text|json"))
  public var logFormat: LogFormat?

  @Option(
    help: ArgumentHelp(
      "Write run metrics in the Prometheus text format to FILE (atomically), for node_exporter's textfile collector.",
      valueName: "FILE"))
  public var metrics: String?

  @Flag(name: .customLong("no-meta"), help: "Leave the _pl metadata out of what is written.")
  public var noMeta = false

  public init() {}
}
