import ArgumentParser
import PLCommandLine
import PLCore
import PLReport

extension ReportFormat: ExpressibleByArgument {}

@main
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pl-report",
    abstract: "Write the lake's morning report: freshness, control charts, quality scorecard and lineage.",
    discussion: """
      Reads the lake's manifests and its gold datasets — never silver, so a lake of millions of \
      records reports in a moment — and writes one self-contained HTML page (inline SVG and CSS, \
      no script, no link to anything outside it; it opens offline and prints on A4): the \
      freshness of every dataset, a control chart per gold group (the spec's group_by, such as \
      product × analyte) worst first, with gold's anomaly flags and the points out of spec, a \
      quality scorecard (gold's quality scores, and pl-validate's reports and rejects when \
      given) and the lineage of each gold partition back to the bronze files and who sent them. \
      With --format svg or png, each chart is written alone into the folder --out, for e-mail. \
      The paths written are printed on standard output, one a line. Every file is written whole \
      or not at all.
      """,
    version: PLVersion.string)

  static func main() { CommandMain.run(ReportCommand.self) }

  @Option(help: ArgumentHelp("The lake folder.", valueName: "DIR"))
  var lake: String

  @Option(help: ArgumentHelp("Report only this dataset (of every layer); repeatable. (default: all)", valueName: "NAME"))
  var dataset: [String] = []

  @Option(help: ArgumentHelp("The HTML file to write; with --format svg or png, the folder of the chart files (made when missing).", valueName: "PATH"))
  var out: String

  @Option(help: ArgumentHelp("html: one page; svg or png: one file per chart, worst first.", valueName: "html|svg|png"))
  var format: ReportFormat = .html

  @Option(
    name: .customLong("stale-after"),
    help: ArgumentHelp("Show a dataset red when its last promotion is older than SPAN (s, m, h, d or w: 36h, 2d); DATASET=SPAN for one dataset. Repeatable. (default: 36h)", valueName: "[DATASET=]SPAN"))
  var staleAfter: [String] = []

  @Option(
    name: .customLong("validation-report"), parsing: .upToNextOption,
    help: ArgumentHelp("pl-validate --report files for the scorecard's pass rates per rule and rejects per day; repeatable.", valueName: "FILE"))
  var validationReports: [String] = []

  @Option(parsing: .upToNextOption, help: ArgumentHelp("pl-validate --rejects files for the scorecard's rejects per lab; repeatable.", valueName: "FILE"))
  var rejects: [String] = []

  @Option(name: .customLong("lab-field"), help: ArgumentHelp("The field of a rejected record naming its lab.", valueName: "FIELD"))
  var labField = "lab"

  @Option(help: ArgumentHelp("The gold spec whose limits table draws the specification lines (default: the spec the last gold build names, when it can be read).", valueName: "FILE"))
  var spec: String?

  @Option(help: ArgumentHelp("The last N points of each chart are drawn.", valueName: "N"))
  var points = 120

  @Option(name: .customLong("min-points"), help: ArgumentHelp("A group with fewer than N points, none flagged by gold and none out of spec, is a row of a table instead of a chart.", valueName: "N"))
  var minPoints = 5

  @Option(help: ArgumentHelp("Take TIME (ISO 8601) as now for the ages, so that a report can be repeated exactly (default: the clock).", valueName: "TIME"))
  var now: String?

  @OptionGroup var common: CommonOptions

  func validate() throws {
    if out.isEmpty { throw ValidationError("--out needs a path.") }
    if points < 2 { throw ValidationError("--points must be at least 2.") }
    if minPoints < 1 { throw ValidationError("--min-points must be at least 1.") }
    if let now, ReportTime.seconds(now) == nil {
      throw ValidationError("--now must be an ISO 8601 time such as 2024-03-01T12:00:00Z, not '\(now)'.")
    }
    do {
      _ = try ReportPlan.parseStaleAfter(staleAfter)
    } catch {
      throw ValidationError(error.description)
    }
  }

  func run() throws {
    let stale = try ReportPlan.parseStaleAfter(staleAfter)
    var plan = ReportPlan(
      lakePath: lake, datasets: dataset, out: out, format: format, staleAfter: stale.byDataset, defaultStaleAfter: stale.fallback,
      validationReports: validationReports, rejectFiles: rejects, labField: labField, specPath: spec,
      now: now.flatMap(ReportTime.seconds) ?? wallClockSeconds(), maxPoints: points)
    plan.minPoints = minPoints
    try ToolRunner(tool: "pl-report", options: common).run { (context) throws(PLError) in
      var run = ReportRun(plan: plan)
      run.warn = { context.warn($0) }
      let outcome = try run.run()
      context.stats.recordsIn = outcome.goldRecords
      context.stats.textDetail = "\(outcome.charts) charts, \(outcome.flaggedPoints) flagged points, \(outcome.bytes) bytes"
      let output = OutputStream()
      output.buffer.append(outcome.paths.map { $0 + "\n" }.joined())
      try output.flush()
    }
  }
}
