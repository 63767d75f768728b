import ArgumentParser
import PLCommandLine
import PLCore
import PLLake

struct BronzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bronze",
    abstract: "Store files exactly as received, content-addressed, in bronze/<dataset>/ingest_date=…/.",
    discussion: """
      Each FILE is copied to bronze/DATASET/ingest_date=YYYY-MM-DD/<sha256>.<ext> (read-only) \
      and listed in the batch's manifest with its original name, size, sha256, the time it was \
      received and, for an e-mail (.eml), its sender and subject. A file whose bytes the dataset \
      already holds is not stored again. One NDJSON record per FILE goes to standard output \
      (status landed or already_present, path, sha256, dataset), for the next stage to follow. \
      All or nothing: a missing FILE stores none of them.

      With --files-from LIST the files to store come from LIST as well (one a line, or \
      NUL-separated with -0), after the FILE arguments; a listed file that does not exist \
      stores none of them (exit 66, the error naming LIST and its line), and an empty list with \
      no FILE argument stores nothing. When LIST is standard input, - cannot name a file as \
      well (exit 64).
      """)

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("The bronze dataset (a folder name, such as coa).", valueName: "NAME"))
  var dataset: String

  @Argument(help: ArgumentHelp("Files to store; - reads standard input (give its --name).", valueName: "FILE"))
  var files: [String] = []

  @OptionGroup var fileList: FileListOptions

  @Option(help: ArgumentHelp("The original name of the file read from standard input (-).", valueName: "NAME"))
  var name: String?

  @Option(
    name: .customLong("ingest-date"),
    help: ArgumentHelp("The ingest_date partition, for a backfill (default: today, UTC).", valueName: "YYYY-MM-DD"))
  var ingestDate: String?

  @OptionGroup var write: LakeWriteOptions
  @OptionGroup var lineage: LineageOptions
  @OptionGroup var common: CommonOptions

  func validate() throws {
    if files.isEmpty && fileList.filesFrom == nil { throw ValidationError("Give at least one FILE (- for standard input), or --files-from.") }
    if fileList.readsStandardInput && files.contains("-") {
      throw ValidationError(FileList.standardInputTwice(line: nil, nulSeparated: fileList.nulSeparated).description)
    }
    // With a list, the checks on - wait for the listed paths (run).
    if fileList.filesFrom == nil, let problem = Self.standardInputProblem(files, name: name) { throw ValidationError(problem) }
  }

  /// What is wrong with the use of standard input among `paths`, if anything.
  static func standardInputProblem(_ paths: [String], name: String?) -> String? {
    if paths.filter({ $0 == "-" }).count > 1 { return "Standard input (-) can be given once." }
    if paths.contains("-") && (name ?? "").isEmpty { return "Reading standard input (-) needs --name, the file's original name." }
    if name != nil && !paths.contains("-") { return "--name names standard input: give - among the files." }
    return nil
  }

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      try Lake.validate(dataset: dataset)
      var files = files
      if let list = try fileList.read() {
        // All or nothing: every listed file is looked up before the lake is touched.
        if let first = list.missingEntries().first { throw first.error }
        files += list.paths
        if let problem = Self.standardInputProblem(files, name: name) { throw .usage(problem) }
      }
      let events = try lineage.makeSink(lakePath: location.lake, context: context)
      if files.contains("-"), let name { events?.standardInputNames = [name] }
      let lake = try Lake(root: location.lake, fileMode: try write.fileMode(), create: true)
      var promotion = BronzePromotion(lake: lake, dataset: dataset, identity: .current())
      promotion.lineage = events
      promotion.wait = write.wait
      promotion.ingestDate = try parseDay(ingestDate, option: "--ingest-date")
      let inputs = files.map { BronzePromotion.Input(path: $0, name: $0 == "-" ? name! : $0) }
      let stored = try promotion.run(inputs)
      context.stats.recordsIn = stored.count
      let landed = stored.filter { $0.status == .landed }.count
      context.stats.textDetail = "\(landed) landed, \(stored.count - landed) already present in bronze/\(dataset)"
      try emit(stored.map { $0.record(lake: lake) }, context: context)
    }
  }
}

struct PendingCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pending",
    abstract: "List the bronze files of a dataset that no silver batch has promoted yet.",
    discussion: """
      A bronze file is done once a silver batch (of any silver dataset) promoted records whose \
      _pl.source is its path in the lake: pl-extract sets that when it reads the paths this \
      command prints, so `pl-extract $(pl-promote pending --lake L --dataset coa --format paths) \
      | … | pl-promote silver …` marks them done. Records (the default) carry path, sha256, \
      original name, bytes and ingest date.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case records, paths }

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("The bronze dataset.", valueName: "NAME"))
  var dataset: String

  @Option(help: ArgumentHelp("records: one NDJSON record per file; paths: one path per line.", valueName: "records|paths"))
  var format: Format = .records

  @Flag(name: .customShort("0"), help: "With --format paths, end each path with a NUL byte instead of a newline (for xargs -0).")
  var nul = false

  @OptionGroup var common: CommonOptions

  func validate() throws {
    if nul && format != .paths { throw ValidationError("-0 goes with --format paths.") }
  }

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      try Lake.validate(dataset: dataset)
      let lake = try Lake(root: location.lake, create: false)
      let pending = try PendingFiles.list(lake: lake, dataset: dataset)
      context.stats.recordsOut = pending.count
      switch format {
      case .records: try emit(pending.map { $0.record(lake: lake, dataset: dataset) }, context: context)
      case .paths: try emitText(pending.map { lake.path($0.relativePath) + (nul ? "\0" : "\n") }.joined())
      }
    }
  }
}
