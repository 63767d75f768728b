import ArgumentParser
import PLCommandLine
import PLCore
import PLLake

struct GoldCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gold",
    abstract: "Build gold aggregates of a silver dataset: measures, quality score and anomaly flags per group and period.",
    discussion: """
      The spec (YAML or JSON; a bad one is refused before anything is read, exit 78) names the \
      group fields, the period (the UTC day of a timestamp, or a field's own value), the \
      measures (count, mean, sd, min, max, median, percentiles by linear interpolation), how \
      results are judged out of spec, the checks of the quality score and the anomaly rules \
      (robust z-score and Nelson rules against the trailing window of each group). Gold \
      records go to gold/GOLD/date=YYYY-MM-DD/ (period=all for a non-day period), one per \
      group and period, as one atomic batch.

      Only the partitions whose silver changed since the last build are read again, with the \
      later partitions whose anomaly window reaches back into them; the result is the same as \
      --full. A changed spec rebuilds everything. A record whose value is not a number is \
      counted as refused in its group (reasons in _pl.refused); one without a usable period \
      belongs to no group: both are told on standard error (the first 10 one by one, then \
      totals by reason). One record per gold partition written goes to standard output.
      """)

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("The silver dataset to aggregate.", valueName: "NAME"))
  var dataset: String

  @Option(help: ArgumentHelp("The gold spec (YAML or JSON).", valueName: "FILE"))
  var spec: String

  @Option(name: .customLong("gold-dataset"), help: ArgumentHelp("The gold dataset written (default: the silver dataset's name).", valueName: "NAME"))
  var goldDataset: String?

  @Flag(help: "Recompute every partition, changed or not.")
  var full = false

  @Option(help: ArgumentHelp("Compression of the parts. (default: gzip)", valueName: "gzip|zstd"))
  var compression: PartCompression = .gzip

  @OptionGroup var write: LakeWriteOptions
  @OptionGroup var common: CommonOptions

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      // The spec first: a bad one stops the run before the lake is touched.
      let (goldSpec, specSHA256) = try GoldLakeRun.readSpec(path: spec)
      try Lake.validate(dataset: dataset)
      let gold = goldDataset ?? dataset
      try Lake.validate(dataset: gold)
      let lake = try Lake(root: location.lake, fileMode: try write.fileMode(), create: false)
      var run = GoldLakeRun(lake: lake, silverDataset: dataset, goldDataset: gold, spec: goldSpec, specSHA256: specSHA256, identity: .current())
      run.compression = compression
      run.wait = write.wait
      run.full = full
      var told = 0
      var reasons: [String: Int] = [:]
      let outcome = try run.run { refusal in
        reasons[refusal.reason, default: 0] += 1
        told += 1
        if told <= 10 { context.warn("\(refusal.source): line \(refusal.line): \(refusal.reason)") }
      }
      if told > 10 {
        context.warn("\(told) records refused in all: " + reasons.keys.sorted().map { "\($0) (\(reasons[$0]!))" }.joined(separator: ", "))
      }
      context.stats.recordsIn = outcome.recordsRead
      context.stats.recordsOut = outcome.recordsRead - outcome.refused
      context.stats.rejected = outcome.refused
      var records: [Record] = []
      switch outcome.status {
      case .upToDate:
        records.append(Record([("status", .string("up_to_date")), ("dataset", .string(gold)), ("batch", .string(outcome.batch))]))
        context.note("gold/\(gold) is up to date with silver/\(dataset) and the spec: nothing changed")
      case .built:
        for (partition, count) in outcome.written {
          records.append(Record([
            ("status", .string("built")), ("dataset", .string(gold)), ("batch", .string(outcome.batch)),
            ("partition", .string(partition)), ("records", .integer(count)),
          ]))
        }
        for partition in outcome.emptied {
          records.append(Record([
            ("status", .string("emptied")), ("dataset", .string(gold)), ("batch", .string(outcome.batch)), ("partition", .string(partition)),
          ]))
        }
        context.stats.textDetail =
          "\(outcome.written.count) gold partitions of gold/\(gold) from \(outcome.silverPartitionsRead) silver partitions"
          + (outcome.full ? " (full)" : "")
      }
      try emit(records, context: context)
    }
  }
}
