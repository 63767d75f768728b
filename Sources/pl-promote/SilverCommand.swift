import ArgumentParser
import PLCommandLine
import PLCore
import PLLake

extension PartCompression: ExpressibleByArgument {}

struct SilverCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "silver",
    abstract: "Promote NDJSON records into date partitions of a silver dataset, as one atomic batch.",
    discussion: """
      Records from each FILE (standard input when none, or -) go to \
      silver/DATASET/date=YYYY-MM-DD/part-<batch>-<n>.ndjson.gz, the partition being the UTC \
      day of the --partition-by field (an ISO 8601 date, or a date-time with a zone). A record \
      without a usable value there (or, with --key, without a value for a key field) is refused: \
      its reason goes to standard error, the record to --rejects FILE with _pl.errors; without \
      --rejects the first one stops the batch (exit 65) and nothing is promoted.

      The batch id is a sha256 of the input bytes, the dataset and the options: promoting the \
      same input again changes nothing (already_promoted). An input cut short (a last line \
      without its newline, an upstream pl command's abort line) promotes nothing.

      With --key, a later record with the same key supersedes an earlier one: the latest batch \
      wins, and within a batch the later record; keys are compared within a partition. Parts \
      keep every version until `pl-promote compact` rewrites a partition with the current ones.

      Standard output gets one record per part written (status promoted, path, partition, \
      records, bytes), or one already_promoted record.
      """)

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("The silver dataset (a folder name, such as results).", valueName: "NAME"))
  var dataset: String

  @Argument(help: ArgumentHelp("Input files of NDJSON records; - or none for standard input.", valueName: "FILE"))
  var files: [String] = []

  @Option(
    name: .customLong("partition-by"),
    help: ArgumentHelp("The field whose UTC day is the partition. (default: measured_at:day)", valueName: "FIELD:day"))
  var partitionBy: String = "measured_at:day"

  @Option(help: ArgumentHelp("The fields that identify a record, comma-separated: a later record with the same key supersedes an earlier one.", valueName: "FIELD,…"))
  var key: String?

  @Option(help: ArgumentHelp("Compression of the parts. (default: gzip)", valueName: "gzip|zstd"))
  var compression: PartCompression = .gzip

  @Option(help: ArgumentHelp("Write refused records to FILE (NDJSON with _pl.errors) and go on; without it the first refused record stops the batch.", valueName: "FILE"))
  var rejects: String?

  @Option(
    name: .customLong("max-open-parts"),
    help: ArgumentHelp("At most N parts are written at once; a batch touching more partitions starts a further part of a partition when it comes back to it. (default: 32)", valueName: "N"))
  var maxOpenParts: Int = 32

  @OptionGroup var write: LakeWriteOptions
  @OptionGroup var common: CommonOptions

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      let plan = try SilverPlan(
        dataset: dataset, partition: try PartitionRule(parsing: partitionBy), key: SilverPlan.parseKey(key),
        compression: compression, maxOpenParts: maxOpenParts)
      let lake = try Lake(root: location.lake, fileMode: try write.fileMode(), create: true)
      let inputs = files.isEmpty ? ["-"] : files
      let sink = try SilverSink(lake: lake, plan: plan, identity: .current(), wait: write.wait)
      let rejectsFile = try rejects.map { (path) throws(PLError) in try RejectsFile(path: path) }
      let reporter = RefusalReporter(inner: rejectsFile, silver: sink) { context.warn($0) }
      let pipeline = Pipeline(transforms: [SilverCheck(plan: plan)], sink: sink, rejects: rejectsFile == nil ? nil : reporter)
      do throws(PLError) {
        try sink.start(inputNames: inputs)
        for path in inputs {
          let stream = try FileStream(path: path)
          let input = try SilverInput(name: path)
          stream.observers = [input.digest]
          sink.inputs.append(input)
          try pipeline.run(NDJSONReader(source: stream))
          input.bytes = stream.bytesRead
          context.stats.sources.append(SourceStat(name: path, bytes: stream.bytesRead, records: 0, sha256: input.digest.finalize()))
        }
        try pipeline.finish()
      } catch {
        pipeline.abort()
        try? sink.ended(error: error)
        throw error
      }
      try sink.ended(error: nil)
      context.stats.recordsIn = pipeline.counts.read
      context.stats.rejected = pipeline.counts.rejected
      guard let outcome = sink.outcome else { return }
      var records: [Record] = []
      switch outcome.status {
      case .promoted:
        for output in outcome.manifest?.outputs ?? [] {
          records.append(Record([
            ("status", .string("promoted")), ("dataset", .string(dataset)), ("batch", .string(outcome.batch)),
            ("path", .string(lake.path(output.path))), ("partition", .string(output.partition)),
            ("records", .integer(output.records ?? 0)), ("bytes", .integer(output.bytes)),
          ]))
        }
        context.stats.textDetail = "\(outcome.written) records in \(outcome.parts) parts of silver/\(dataset), batch \(outcome.batch.prefix(16))"
      case .alreadyPromoted:
        records.append(Record([("status", .string("already_promoted")), ("dataset", .string(dataset)), ("batch", .string(outcome.batch))]))
        context.note("batch \(outcome.batch.prefix(16)) is already in silver/\(dataset): nothing changed")
      case .empty:
        context.note("no records: nothing promoted")
      }
      try emit(records, context: context)
    }
  }
}

struct CompactCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compact",
    abstract: "Rewrite partitions keeping only the current version of each key, atomically.",
    discussion: """
      For each partition (all, or those given with --partition), the records are read in batch \
      order and, for each key, only the last is kept (records without a value for a key field \
      are all kept); the partition's parts are replaced by one new part in a single manifest, \
      so readers see the old parts or the new one, never both. A partition with one part and \
      no superseded record is left as it is. The key is --key, or the one the dataset's last \
      keyed batch was promoted with. One record per partition goes to standard output.
      """)

  enum Layer: String, ExpressibleByArgument, CaseIterable { case silver, gold }

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("The dataset.", valueName: "NAME"))
  var dataset: String

  @Option(help: ArgumentHelp("The layer of the dataset. (default: silver)", valueName: "silver|gold"))
  var layer: Layer = .silver

  @Option(help: ArgumentHelp("A partition to compact (repeatable); all when none is given.", valueName: "date=YYYY-MM-DD"))
  var partition: [String] = []

  @Option(help: ArgumentHelp("The key fields, comma-separated (default: the key of the last keyed batch).", valueName: "FIELD,…"))
  var key: String?

  @Option(help: ArgumentHelp("Compression of the new parts. (default: gzip)", valueName: "gzip|zstd"))
  var compression: PartCompression = .gzip

  @OptionGroup var write: LakeWriteOptions
  @OptionGroup var common: CommonOptions

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      try Lake.validate(dataset: dataset)
      let lake = try Lake(root: location.lake, fileMode: try write.fileMode(), create: false)
      var compaction = Compaction(lake: lake, layer: layer == .gold ? .gold : .silver, dataset: dataset, identity: .current())
      if let key {
        let fields = SilverPlan.parseKey(key)
        guard !fields.contains(where: \.isEmpty) else { throw .usage("--key: a field name is empty (write FIELD,FIELD)") }
        compaction.key = fields
      }
      compaction.partitions = partition.isEmpty ? nil : partition
      compaction.compression = compression
      compaction.wait = write.wait
      let results = try compaction.run()
      try emit(results.map {
        Record([
          ("status", .string($0.rewritten ? "compacted" : "unchanged")), ("dataset", .string(dataset)),
          ("partition", .string($0.partition)), ("parts_before", .integer($0.partsBefore)),
          ("records_before", .integer($0.recordsBefore)), ("records_after", .integer($0.recordsAfter)),
        ])
      }, context: context)
    }
  }
}
