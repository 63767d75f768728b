import PLCore

/// What compaction did to one partition.
public struct CompactedPartition: Sendable {
  public var partition: String
  public var partsBefore: Int
  public var recordsBefore: Int
  public var recordsAfter: Int
  /// False when the partition was left as it was (one part, nothing superseded).
  public var rewritten: Bool
}

/// `compact`: rewrites partitions of a silver (or gold) dataset keeping only the current
/// version of each key, atomically.
///
/// The supersede rule: a record with the same key as an earlier one replaces it — the latest
/// batch (manifest sequence) wins, and within a batch the later record. The key is
/// `--key`, or the one the dataset's last batch was promoted with. A partition's new part is
/// staged, then one manifest names the new parts and removes the old ones (a reader sees the
/// old parts or the new, never both or neither); the old files are deleted after the commit.
public struct Compaction {
  public let lake: Lake
  public let layer: LakeLayer
  public let dataset: String
  public let identity: RunIdentity
  public var key: [String]?
  /// `date=…` partitions to compact; nil for all.
  public var partitions: [String]?
  public var compression: PartCompression = .gzip
  public var wait: Double = 0

  public init(lake: Lake, layer: LakeLayer = .silver, dataset: String, identity: RunIdentity) {
    self.lake = lake
    self.layer = layer
    self.dataset = dataset
    self.identity = identity
  }

  /// - Throws: `.usage` (64) without a key (none given, none recorded), `.inputMissing` (66)
  ///   for a dataset or partition that does not exist; `.tempFail` (75) when locked.
  public func run() throws(PLError) -> [CompactedPartition] {
    let commit = try LakeCommit(lake: lake, layer: layer, dataset: dataset, identity: identity, wait: wait)
    defer { commit.abort() }
    guard !commit.state.manifests.isEmpty else {
      throw .inputMissing(source: lake.path(lake.datasetFolder(layer, dataset)), message: "no such dataset in the lake")
    }
    let key: [String]
    if let given = self.key { key = given } else { key = try recordedKey(commit.state) }
    guard !key.isEmpty else {
      throw .usage("compact needs a key: give --key FIELD,… (the dataset's batches were promoted without one)")
    }
    var all = commit.state.partitions
    if let wanted = partitions {
      for p in wanted where !all.contains(where: { $0.partition == p }) {
        throw .inputMissing(source: "\(layer.rawValue)/\(dataset)/\(p)", message: "no such partition")
      }
      all = all.filter { wanted.contains($0.partition) }
    }
    var results: [CompactedPartition] = []
    var outputs: [ManifestOutput] = []
    var removed: [String] = []
    var read = 0
    var written = 0
    var batchText = "compact\n\(dataset)\n\(key.joined(separator: ","))\n\(compression.rawValue)\n"
    for (partition, files) in all { batchText += partition + ":" + files.map(\.output.sha256).joined(separator: ",") + "\n" }
    let batch = try LakeDigest.hex(batchText)
    for (partition, files) in all {
      let before = files.reduce(0) { $0 + ($1.output.records ?? 0) }
      let (winners, keyed) = try PartReader.lastPositions(lake: lake, files: files, key: key)
      let superseded = keyed - winners.count
      guard files.count > 1 || superseded > 0 else {
        results.append(CompactedPartition(partition: partition, partsBefore: files.count, recordsBefore: before, recordsAfter: before, rewritten: false))
        continue
      }
      let output = try commit.writePart(partition: partition, batch: batch, index: 0, compression: compression) { (part) throws(PLError) in
        try PartReader.forEachCurrentRecord(lake: lake, files: files, key: key, winners: winners) { (record) throws(PLError) in try part.append(record) }
      }
      let records = output.records ?? 0
      outputs.append(output)
      removed += files.map(\.output.path)
      read += before
      written += records
      results.append(CompactedPartition(partition: partition, partsBefore: files.count, recordsBefore: before, recordsAfter: records, rewritten: true))
    }
    guard !outputs.isEmpty else { return results }
    let manifest = Manifest(
      layer: layer, dataset: dataset, kind: "compact", batch: batch, identity: identity, startedAt: commit.startedAt,
      options: [Field("key", .array(key.map { .string($0) })), Field("compression", .string(compression.rawValue))],
      inputs: all.flatMap { $0.files.map { ManifestInput(name: $0.output.path, sha256: $0.output.sha256, bytes: $0.output.bytes, records: $0.output.records) } }
        .filter { removed.contains($0.name) },
      outputs: outputs, removed: removed,
      // The superseded records are neither written nor refused: they are older versions.
      counts: ManifestCounts(read: read, written: written, rejected: 0))
    try commit.commit(manifest)
    return results
  }

  /// The key of the dataset's last batch that had one.
  func recordedKey(_ state: LakeDataset) throws(PLError) -> [String] {
    for m in state.manifests.reversed() {
      if case .array(let fields)? = m.manifest.options[key: "key"], !fields.isEmpty { return fields.compactMap(\.stringValue) }
    }
    return []
  }
}

/// `retention`: removes the partitions of a silver or gold dataset older than a number of days,
/// through a manifest that lists what it removed (`kind: retention`).
///
/// A partition `date=D` goes when D is before `asOf - retainDays`. Bronze is not touched here:
/// see `BronzePurge`.
public struct Retention {
  public let lake: Lake
  public let layer: LakeLayer
  public let dataset: String
  public let identity: RunIdentity
  public let retainDays: Int
  public var asOf: LakeDay = .today
  public var wait: Double = 0

  public init(lake: Lake, layer: LakeLayer, dataset: String, identity: RunIdentity, retainDays: Int) {
    self.lake = lake
    self.layer = layer
    self.dataset = dataset
    self.identity = identity
    self.retainDays = retainDays
  }

  /// The partitions removed (or, with `dryRun`, that would be), with their files.
  public func run(dryRun: Bool = false) throws(PLError) -> [(partition: String, files: [LiveFile])] {
    let prefix = layer == .bronze ? "ingest_date=" : "date="
    let commit = try LakeCommit(lake: lake, layer: layer, dataset: dataset, identity: identity, wait: wait)
    defer { commit.abort() }
    guard !commit.state.manifests.isEmpty else {
      throw .inputMissing(source: lake.path(lake.datasetFolder(layer, dataset)), message: "no such dataset in the lake")
    }
    let cutoff = asOf.adding(days: -retainDays)
    let old = commit.state.partitions.filter {
      guard $0.partition.hasPrefix(prefix), let day = LakeDay(text: String($0.partition.dropFirst(prefix.count))) else { return false }
      return day < cutoff
    }
    guard !old.isEmpty, !dryRun else { return old }
    let removed = old.flatMap { $0.files.map(\.output.path) }
    let batch = try LakeDigest.hex("retention\n\(layer.rawValue)\n\(dataset)\n" + removed.joined(separator: "\n"))
    let manifest = Manifest(
      layer: layer, dataset: dataset, kind: layer == .bronze ? "purge-bronze" : "retention", batch: batch, identity: identity,
      startedAt: commit.startedAt,
      options: [Field("retain_days", .integer(retainDays)), Field("as_of", .string(asOf.description)), Field("cutoff", .string(cutoff.description))],
      inputs: [], outputs: [], removed: removed,
      counts: ManifestCounts(read: old.reduce(0) { $0 + $1.files.reduce(0) { $0 + ($1.output.records ?? 0) } }, written: 0, rejected: 0))
    try commit.commit(manifest)
    return old
  }
}
