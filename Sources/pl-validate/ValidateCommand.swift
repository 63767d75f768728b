#if canImport(Glibc)
  import Glibc
#endif
import ArgumentParser
import PLCommandLine
import PLCore
import PLValidate

@main
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pl-validate",
    abstract: "Check records against data-quality rules; pass the good ones, set aside the bad ones with reasons.",
    discussion: """
      Reads NDJSON records from each FILE (standard input when there is none, or for -), checks \
      each against the rules of SCHEMA — a Frictionless Table Schema (YAML or JSON) with the \
      toolkit's rules: and dataset: extensions, or the built-in lab schema — and writes the \
      records that pass to standard output. A record failing a rule of severity error goes to \
      the rejects file, unchanged but for _pl.errors (the reasons); one failing only warnings \
      passes with them in _pl.notes. Every record read ends up in exactly one place: records in \
      = passed + rejected. Dataset rules (row count, nulls, mean, median, freshness, gaps) are \
      decided at the end of the stream. A schema with a mistake is refused, with its line and \
      column, before any record is read (exit 78). When the quality gate fails (more rejects \
      than --max-rejects allows, or a failed dataset rule of severity error) the exit status is \
      1: the records that passed were written, followed by the abort line, so that the next pl \
      command does not take the stream as good; the rejects file and the reports are written.
      """,
    version: PLVersion.string)

  static func main() { CommandMain.run(ValidateCommand.self) }

  @Argument(help: ArgumentHelp("Input files of NDJSON records; - or none for standard input.", valueName: "FILE"))
  var files: [String] = []

  @Option(name: [.short, .long], help: ArgumentHelp("The schema file (YAML or JSON), or lab for the built-in schema of canonical lab records.", valueName: "SCHEMA"))
  var schema: String

  @Option(help: ArgumentHelp("Write rejected records, with their reasons in _pl.errors, to FILE (written whole or not at all).", valueName: "FILE"))
  var rejects: String?

  @Option(help: ArgumentHelp("Write the report as JSON to FILE: counts, every rule's tally with failing examples, dataset rules, an OpenLineage dataQualityAssertions facet.", valueName: "FILE"))
  var report: String?

  @Option(help: ArgumentHelp("Write the report as a self-contained HTML page to FILE.", valueName: "FILE"))
  var html: String?

  @Option(
    name: .customLong("max-rejects"),
    help: ArgumentHelp("Fail the quality gate (exit 1) when more than N records, or P percent of them, are rejected (default: 0 without --rejects, unlimited with it).", valueName: "N|P%"))
  var maxRejects: String?

  @Option(help: ArgumentHelp("Take TIME (ISO 8601) as now for time rules (not_future, freshness), so that a run can be repeated exactly (default: the clock).", valueName: "TIME"))
  var now: String?

  @Option(
    name: .customLong("unique-memory"),
    help: ArgumentHelp("Keep up to N unique-key digests (16 bytes each) in memory per rule before spilling to a temporary file.", valueName: "N"))
  var uniqueMemory: Int = 4_000_000

  @OptionGroup var common: CommonOptions

  func validate() throws {
    if let maxRejects, RejectLimit(maxRejects) == nil {
      throw ValidationError("--max-rejects must be a count (10) or a percentage (0.5%), not '\(maxRejects)'.")
    }
    if let now, TimeText.seconds(now) == nil {
      throw ValidationError("--now must be an ISO 8601 time such as 2024-03-01T12:00:00Z, not '\(now)'.")
    }
    if uniqueMemory < 1 { throw ValidationError("--unique-memory must be at least 1.") }
    for (flag, path) in [("--rejects", rejects), ("--report", report), ("--html", html)] {
      if let path, path.isEmpty { throw ValidationError("\(flag) needs a file name.") }
    }
    if files.isEmpty && Terminal().stdinIsTerminal {
      throw ValidationError("no input: give FILE arguments, or pipe records into standard input.")
    }
  }

  func run() throws {
    let files = self.files, schemaPath = schema, rejects = self.rejects, report = self.report, html = self.html
    let limit = maxRejects.flatMap(RejectLimit.init)
    let clock = now.flatMap(TimeText.seconds) ?? wallClockSeconds()
    let memory = uniqueMemory, includeMeta = !common.noMeta
    try ToolRunner(tool: "pl-validate", options: common).run { context throws(PLError) in
      // The schema is checked before anything is read or created.
      let loaded = try SchemaLoader.load(path: schemaPath)
      let plan = ValidationPlan(schema: loaded, inputs: files, rejectsPath: rejects, reportPath: report, htmlPath: html,
                                maxRejects: limit, now: clock, keyMemoryLimit: memory, includeMeta: includeMeta)
      context.startProgress(inputs: plan.inputs)
      let sink = NDJSONSink(stream: context.openRecordOutput(), includeMeta: includeMeta)
      let run = ValidationRun(plan: plan)
      defer {
        context.stats.recordsIn = run.counts.recordsIn
        context.stats.rejected = run.counts.rejected
        context.stats.extra = [Field("warned", .integer(run.counts.warned))]
        context.stats.textDetail = "\(run.counts.warned) with warnings"
        if let report = run.report, !context.options.quiet {
          for line in report.summaryLines.dropFirst() where report.rules.contains(where: { $0.failed > 0 }) || !report.dataset.allSatisfy(\.success) {
            Terminal.writeError("pl-validate: \(line)\n")
          }
          // Dataset rules are in the lines above; thresholds of record rules are not.
          for warning in report.gateWarnings where warning.hasPrefix("rule ") { context.warn("warning: \(warning)") }
        }
      }
      try run.run(
        sink: sink, monotonic: monotonicSeconds,
        progress: { records in context.progress.update(bytes: 0, records: records) },
        tell: { context.warn($0) })
    }
  }
}
