import PLCore

/// A difference between the lake and its manifests.
public struct VerifyProblem: Equatable, Sendable {
  public enum Kind: String, Sendable {
    /// A file a manifest names is not there.
    case missing
    /// Its size or sha256 is not what the manifest says (bit rot, a hand edit).
    case changed
    /// A manifest of the chain is missing, edited or out of order.
    case chain
    /// A data file in a dataset's folders that no manifest names (readers of the folder,
    /// such as DuckDB's glob, would read it).
    case unlisted
  }
  public var kind: Kind
  public var layer: LakeLayer
  public var dataset: String
  /// Relative to the lake's root.
  public var path: String
  public var message: String

  public var record: Record {
    Record([
      ("problem", .string(kind.rawValue)), ("layer", .string(layer.rawValue)), ("dataset", .string(dataset)),
      ("path", .string(path)), ("message", .string(message)),
    ])
  }
}

/// `verify`: re-hashes every live file (bronze files and parts) against its manifest, checks
/// each dataset's manifest chain, and looks for data files no manifest names.
///
/// Temporaries of a run that was killed (`.*.pl-tmp`) are not differences: the next writer of
/// the dataset removes them. Reads every file once; memory holds one dataset's manifests.
public struct LakeVerifier {
  public let lake: Lake
  /// Only this dataset (in every layer where it exists); nil for all.
  public var dataset: String?

  public init(lake: Lake, dataset: String? = nil) {
    self.lake = lake
    self.dataset = dataset
  }

  public struct Summary: Sendable {
    public var manifests = 0
    public var files = 0
    public var bytes = 0
    public var problems: [VerifyProblem] = []
  }

  public func run(onProblem: (VerifyProblem) throws(PLError) -> Void = { _ in }) throws(PLError) -> Summary {
    var summary = Summary()
    for layer in LakeLayer.allCases {
      for name in lake.datasets(layer) where dataset == nil || dataset == name {
        func report(_ kind: VerifyProblem.Kind, _ path: String, _ message: String) throws(PLError) {
          let problem = VerifyProblem(kind: kind, layer: layer, dataset: name, path: path, message: message)
          summary.problems.append(problem)
          try onProblem(problem)
        }
        let state = try lake.dataset(layer, name)
        summary.manifests += state.manifests.count
        var previous: StoredManifest?
        for m in state.manifests {
          let expected = (previous?.manifest.sequence ?? 0) + 1
          if m.manifest.sequence != expected {
            try report(.chain, m.path, "sequence \(m.manifest.sequence) follows \(expected - 1): a manifest is missing")
          } else if m.manifest.previous != previous?.sha256 {
            try report(.chain, m.path, "names \(m.manifest.previous ?? "no") previous manifest, but the one before it has sha256 \(previous?.sha256 ?? "none"): a manifest was edited or replaced")
          }
          previous = m
        }
        var listed: Set<String> = []
        for m in state.manifests { listed.formUnion(m.manifest.outputs.map(\.path)) }
        for file in state.liveFiles {
          let path = lake.path(file.output.path)
          guard LakeFS.exists(path) else {
            try report(.missing, file.output.path, "named by manifest \(file.sequence) but not in the lake")
            continue
          }
          let (sha, bytes) = try LakeFS.sha256(ofFile: path)
          summary.files += 1
          summary.bytes += bytes
          if bytes != file.output.bytes || sha != file.output.sha256 {
            try report(.changed, file.output.path, "is \(bytes) bytes with sha256 \(sha); manifest \(file.sequence) says \(file.output.bytes) bytes, sha256 \(file.output.sha256)")
          }
        }
        let folder = lake.datasetFolder(layer, name)
        for partition in LakeFS.list(lake.path(folder)) where !partition.hasPrefix(".") {
          let relative = folder + "/" + partition
          guard LakeFS.isDirectory(lake.path(relative)) else {
            try report(.unlisted, relative, "is not named by any manifest")
            continue
          }
          for file in LakeFS.list(lake.path(relative)) where !LakeFS.isTemporary(file) {
            let path = relative + "/" + file
            let live = state.liveFiles.contains { $0.output.path == path }
            if !live {
              try report(.unlisted, path, listed.contains(path) ? "was removed from the lake by a manifest but is still there" : "is not named by any manifest")
            }
          }
        }
      }
    }
    return summary
  }
}

/// One row of `show`: a dataset, or a partition of one.
public struct LakeShowRow: Sendable {
  public var layer: LakeLayer
  public var dataset: String
  /// nil for a dataset's row.
  public var partition: String?
  public var partitions: Int
  public var files: Int
  public var records: Int?
  public var bytes: Int
  public var lastPromotion: String

  public var record: Record {
    var fields = [Field("layer", .string(layer.rawValue)), Field("dataset", .string(dataset))]
    if let partition { fields.append(Field("partition", .string(partition))) } else { fields.append(Field("partitions", .integer(partitions))) }
    fields += [
      Field("files", .integer(files)), Field("records", records.map { .integer($0) } ?? .null), Field("bytes", .integer(bytes)),
      Field("last_promotion", .string(lastPromotion)),
    ]
    return Record(fields)
  }
}

/// `show` and `log`: what is in the lake and how it got there, from the manifests alone.
public enum LakeReport {
  /// One row per dataset of every layer, or, for `dataset`, one per partition of it.
  public static func show(lake: Lake, dataset: String?) throws(PLError) -> [LakeShowRow] {
    var rows: [LakeShowRow] = []
    for layer in LakeLayer.allCases {
      for name in lake.datasets(layer) where dataset == nil || dataset == name {
        let state = try lake.dataset(layer, name)
        let lastEnded = state.last?.manifest.endedAt ?? ""
        let partitions = state.partitions
        if dataset == nil {
          let files = partitions.flatMap(\.files)
          rows.append(LakeShowRow(
            layer: layer, dataset: name, partition: nil, partitions: partitions.count, files: files.count,
            records: layer == .bronze ? nil : files.reduce(0) { $0 + ($1.output.records ?? 0) },
            bytes: files.reduce(0) { $0 + $1.output.bytes }, lastPromotion: lastEnded))
        } else {
          for (partition, files) in partitions {
            rows.append(LakeShowRow(
              layer: layer, dataset: name, partition: partition, partitions: 1, files: files.count,
              records: layer == .bronze ? nil : files.reduce(0) { $0 + ($1.output.records ?? 0) },
              bytes: files.reduce(0) { $0 + $1.output.bytes }, lastPromotion: files.map(\.endedAt).max() ?? lastEnded))
          }
        }
      }
    }
    return rows
  }

  /// Every manifest (of `dataset`, when given), oldest first within each dataset.
  public static func log(lake: Lake, dataset: String?) throws(PLError) -> [StoredManifest] {
    var result: [StoredManifest] = []
    for layer in LakeLayer.allCases {
      for name in lake.datasets(layer) where dataset == nil || dataset == name {
        result += try lake.manifests(layer, name)
      }
    }
    return result
  }

  /// A manifest as one `log` record: the audit facts and counts, without the file lists.
  public static func logRecord(_ m: StoredManifest) -> Record {
    let manifest = m.manifest
    return Record([
      ("layer", .string(manifest.layer.rawValue)), ("dataset", .string(manifest.dataset)), ("sequence", .integer(manifest.sequence)),
      ("kind", .string(manifest.kind)), ("batch", .string(manifest.batch)), ("run_id", .string(manifest.runID)),
      ("user", .string(manifest.user)), ("host", .string(manifest.host)), ("started_at", .string(manifest.startedAt)),
      ("ended_at", .string(manifest.endedAt)), ("read", .integer(manifest.counts.read)), ("written", .integer(manifest.counts.written)),
      ("rejected", .integer(manifest.counts.rejected)), ("files", .integer(manifest.outputs.count)),
      ("removed", .integer(manifest.removed.count)), ("manifest", .string(m.path)), ("sha256", .string(m.sha256)),
    ])
  }

  /// Rows as an aligned text table with a header; numbers right-aligned.
  public static func table(header: [String], rows: [[String]], numeric: Set<Int>) -> String {
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
      var parts: [String] = []
      for (i, cell) in cells.enumerated() {
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        parts.append(numeric.contains(i) ? pad + cell : (i == cells.count - 1 ? cell : cell + pad))
      }
      return parts.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}
