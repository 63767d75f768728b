import ArgumentParser
import PLCommandLine
import PLCore
import PLLake

struct RetentionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retention",
    abstract: "Remove silver or gold partitions older than --retain, through a manifest.",
    discussion: """
      A partition date=D goes when D is more than --retain days before --as-of (today, UTC). \
      The removal is a batch of its own (kind retention), so the log shows who removed what. \
      Bronze is never removed here: see purge-bronze. One record per removed partition goes to \
      standard output.
      """)

  enum Layer: String, ExpressibleByArgument, CaseIterable { case silver, gold }

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("The dataset.", valueName: "NAME"))
  var dataset: String

  @Option(help: ArgumentHelp("The layer of the dataset. (default: silver)", valueName: "silver|gold"))
  var layer: Layer = .silver

  @Option(help: ArgumentHelp("How long partitions are kept: days (400d) or weeks (58w).", valueName: "AGE"))
  var retain: String

  @Option(name: .customLong("as-of"), help: ArgumentHelp("The day ages are counted from (default: today, UTC).", valueName: "YYYY-MM-DD"))
  var asOf: String?

  @Flag(name: .customLong("dry-run"), help: "List the partitions that would go; remove nothing.")
  var dryRun = false

  @OptionGroup var write: LakeWriteOptions
  @OptionGroup var common: CommonOptions

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      try Lake.validate(dataset: dataset)
      let lake = try Lake(root: location.lake, fileMode: try write.fileMode(), create: false)
      var retention = Retention(lake: lake, layer: layer == .gold ? .gold : .silver, dataset: dataset, identity: .current(), retainDays: try parseRetention(retain))
      retention.asOf = try parseDay(asOf, option: "--as-of")
      retention.wait = write.wait
      let removed = try retention.run(dryRun: dryRun)
      try emit(removed.map { partitionRecord(dryRun ? "would_remove" : "removed", dataset, $0.partition, $0.files) }, context: context)
    }
  }
}

struct PurgeBronzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "purge-bronze",
    abstract: "Delete bronze files older than --retain, only with --confirm.",
    discussion: """
      Bronze keeps files forever so that they can be processed again with better logic; this \
      is the one command that deletes them. Without --confirm it lists what would be deleted \
      and deletes nothing. With it, an ingest_date partition more than --retain days before \
      --as-of is removed through a manifest (kind purge-bronze) that names every file deleted.
      """)

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("The bronze dataset.", valueName: "NAME"))
  var dataset: String

  @Option(help: ArgumentHelp("How long bronze files are kept: days (400d) or weeks (58w).", valueName: "AGE"))
  var retain: String

  @Option(name: .customLong("as-of"), help: ArgumentHelp("The day ages are counted from (default: today, UTC).", valueName: "YYYY-MM-DD"))
  var asOf: String?

  @Flag(help: "Really delete the files (without it, only list them).")
  var confirm = false

  @OptionGroup var write: LakeWriteOptions
  @OptionGroup var common: CommonOptions

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      try Lake.validate(dataset: dataset)
      let lake = try Lake(root: location.lake, fileMode: try write.fileMode(), create: false)
      var purge = Retention(lake: lake, layer: .bronze, dataset: dataset, identity: .current(), retainDays: try parseRetention(retain))
      purge.asOf = try parseDay(asOf, option: "--as-of")
      purge.wait = write.wait
      let removed = try purge.run(dryRun: !confirm)
      if !confirm && !removed.isEmpty {
        let count = removed.reduce(0) { $0 + $1.files.count }
        context.note("nothing deleted: give --confirm to delete \(count == 1 ? "this bronze file" : "these \(count) bronze files")")
      }
      try emit(removed.map { partitionRecord(confirm ? "removed" : "would_remove", dataset, $0.partition, $0.files) }, context: context)
    }
  }
}

func partitionRecord(_ status: String, _ dataset: String, _ partition: String, _ files: [LiveFile]) -> Record {
  Record([
    ("status", .string(status)), ("dataset", .string(dataset)), ("partition", .string(partition)),
    ("files", .integer(files.count)), ("bytes", .integer(files.reduce(0) { $0 + $1.output.bytes })),
  ])
}
