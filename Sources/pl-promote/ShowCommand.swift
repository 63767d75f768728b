import ArgumentParser
import PLCommandLine
import PLCore
import PLLake

struct ShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Show what is in the lake: datasets, partitions, files, records, bytes, last promotion.",
    discussion: """
      Without --dataset, one row per dataset of each layer; with it, one row per partition of \
      that dataset. Everything comes from the manifests (bronze files have no record count).
      """)

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("Show the partitions of this dataset.", valueName: "NAME"))
  var dataset: String?

  @Option(help: ArgumentHelp("table: aligned text; records: one NDJSON record per row. (default: table)", valueName: "table|records"))
  var format: ListFormat = .table

  @OptionGroup var common: CommonOptions

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      if let dataset { try Lake.validate(dataset: dataset) }
      let lake = try Lake(root: location.lake, create: false)
      let rows = try LakeReport.show(lake: lake, dataset: dataset)
      if let dataset, rows.isEmpty { throw .inputMissing(source: dataset, message: "no such dataset in \(lake.root)") }
      switch format {
      case .records: try emit(rows.map(\.record), context: context)
      case .table:
        let first = dataset == nil ? "PARTITIONS" : "PARTITION"
        try emitText(LakeReport.table(
          header: ["LAYER", "DATASET", first, "FILES", "RECORDS", "BYTES", "LAST PROMOTION"],
          rows: rows.map {
            [$0.layer.rawValue, $0.dataset, $0.partition ?? String($0.partitions), String($0.files), $0.records.map(String.init) ?? "-",
             String($0.bytes), $0.lastPromotion]
          },
          numeric: dataset == nil ? [2, 3, 4, 5] : [3, 4, 5]))
      }
    }
  }
}

struct LogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log",
    abstract: "List the batches of the lake from their manifests: who promoted what, when.",
    discussion: """
      One row per manifest, oldest first within each dataset: sequence, kind, batch, end time, \
      user, host, records read, written and refused, files added and removed. The records \
      format adds the run id, start time, manifest path and its sha256.
      """)

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("Only this dataset.", valueName: "NAME"))
  var dataset: String?

  @Option(help: ArgumentHelp("table: aligned text; records: one NDJSON record per manifest. (default: table)", valueName: "table|records"))
  var format: ListFormat = .table

  @OptionGroup var common: CommonOptions

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      if let dataset { try Lake.validate(dataset: dataset) }
      let lake = try Lake(root: location.lake, create: false)
      let manifests = try LakeReport.log(lake: lake, dataset: dataset)
      switch format {
      case .records: try emit(manifests.map(LakeReport.logRecord), context: context)
      case .table:
        try emitText(LakeReport.table(
          header: ["LAYER", "DATASET", "SEQ", "KIND", "BATCH", "ENDED", "USER", "HOST", "READ", "WRITTEN", "REFUSED", "FILES", "REMOVED"],
          rows: manifests.map { s in
            let m = s.manifest
            return [m.layer.rawValue, m.dataset, String(m.sequence), m.kind, String(m.batch.prefix(16)), m.endedAt, m.user, m.host,
                    String(m.counts.read), String(m.counts.written), String(m.counts.rejected), String(m.outputs.count), String(m.removed.count)]
          },
          numeric: [2, 8, 9, 10, 11, 12]))
      }
    }
  }
}

struct VerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Re-hash bronze files and parts against the manifests; exit 1 when something differs.",
    discussion: """
      Checks every file the manifests name (present, same size, same sha256), each dataset's \
      manifest chain (sequence and the previous manifest's sha256), and looks for data files \
      that no manifest names. Each difference is one line on standard output (one record with \
      --format records). Hidden temporaries of a killed run are not differences: the next run \
      of the dataset removes them.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, records }

  @OptionGroup var location: LakeLocationOptions

  @Option(help: ArgumentHelp("Only this dataset (in every layer).", valueName: "NAME"))
  var dataset: String?

  @Option(help: ArgumentHelp("text: one line per difference; records: one NDJSON record each. (default: text)", valueName: "text|records"))
  var format: Format = .text

  @OptionGroup var common: CommonOptions

  func run() throws {
    try ToolRunner(tool: "pl-promote", options: common).run { (context) throws(PLError) in
      if let dataset { try Lake.validate(dataset: dataset) }
      let lake = try Lake(root: location.lake, create: false)
      // The report is complete even when differences make the exit status 1, so it is not
      // the command's record stream (which would end with an abort line on a failure).
      let output = OutputStream()
      let summary = try LakeVerifier(lake: lake, dataset: dataset).run { (problem) throws(PLError) in
        switch format {
        case .records: JSONWriter.writeLine(problem.record, to: output.buffer)
        case .text: output.buffer.append("\(problem.kind.rawValue): \(problem.path): \(problem.message)\n")
        }
        try output.recordDone()
      }
      try output.flush()
      context.stats.recordsIn = summary.files
      context.stats.textDetail = "\(summary.files) files in \(summary.manifests) manifests, \(summary.problems.count) differences"
      if !summary.problems.isEmpty {
        throw .qualityGate("\(summary.problems.count) difference\(summary.problems.count == 1 ? "" : "s") between the lake and its manifests (\(summary.files) file\(summary.files == 1 ? "" : "s") checked)")
      }
      context.note("verified \(summary.files) file\(summary.files == 1 ? "" : "s") in \(summary.manifests) manifest\(summary.manifests == 1 ? "" : "s"): no differences")
    }
  }
}
