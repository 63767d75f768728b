import PLCore

/// `pl-promote gold`: builds the gold dataset of a silver dataset in one atomic batch,
/// recomputing only the partitions whose silver changed since the last gold build.
///
/// What changed is told by the manifests: each gold manifest records the sha256 of the spec and,
/// per silver partition, the sha256 of its live part files at build time (`options.silver`).
/// A partition whose list differs (new parts, compacted, removed) is read again; gold's other
/// partitions are kept, except the later ones whose anomaly window reaches back into a changed
/// partition, which are rewritten from their kept measures (see `GoldAggregator.finish`). The
/// result is the same as a full recompute. A full recompute happens when asked (`full`), on the
/// first build, when the spec changed, or when the spec's period is not the UTC day of the field
/// silver is partitioned by (then a silver partition does not hold one gold period).
///
/// Gold partitions are `date=YYYY-MM-DD` for a day period, one `period=all` partition otherwise.
public struct GoldLakeRun {
  public let lake: Lake
  public let silverDataset: String
  public let goldDataset: String
  public let spec: GoldSpec
  /// The sha256 of the spec file's bytes: a changed spec rebuilds everything.
  public let specSHA256: String
  public let identity: RunIdentity
  public var compression: PartCompression = .gzip
  public var wait: Double = 0
  public var full = false

  public init(lake: Lake, silverDataset: String, goldDataset: String, spec: GoldSpec, specSHA256: String, identity: RunIdentity) {
    self.lake = lake
    self.silverDataset = silverDataset
    self.goldDataset = goldDataset
    self.spec = spec
    self.specSHA256 = specSHA256
    self.identity = identity
  }

  /// Reads and checks the spec file at `path`, with the sha256 of its bytes (what tells a
  /// changed spec).
  ///
  /// - Throws: `PLError.inputMissing` when it cannot be read; `PLError.config` (78) for anything
  ///   wrong in it.
  public static func readSpec(path: String) throws(PLError) -> (spec: GoldSpec, sha256: String) {
    let bytes = try FileStream(path: path).readAll(limit: 16 << 20)
    guard let text = String(validating: bytes, as: UTF8.self) else { throw .config(source: path, message: "the spec is not UTF-8 text") }
    return (try GoldSpecReader(file: path).parse(text), try LakeDigest.hex(bytes))
  }

  /// What a run did.
  public struct Outcome: Sendable {
    public enum Status: String, Sendable { case built, upToDate = "up_to_date" }
    public var status: Status
    public var batch: String
    /// True when every partition was recomputed.
    public var full: Bool
    /// The gold partitions written, with their record counts; those rewritten as empty are removed.
    public var written: [(partition: String, records: Int)]
    public var emptied: [String]
    public var silverPartitionsRead: Int
    public var recordsRead: Int
    /// Records refused (a value that is not a number, no period), each also reported to `onRefuse`.
    public var refused: Int
  }

  /// - Throws: `.inputMissing` (66) when the silver dataset does not exist; `.tempFail` (75)
  ///   when another run holds the gold dataset; `.malformed` (65) for a damaged part.
  public func run(onRefuse: @escaping (GoldRefusal) -> Void = { _ in }) throws(PLError) -> Outcome {
    try Lake.validate(dataset: silverDataset)
    let silver = try lake.dataset(.silver, silverDataset)
    guard !silver.manifests.isEmpty else {
      throw .inputMissing(source: lake.path(lake.datasetFolder(.silver, silverDataset)), message: "no such dataset in the lake")
    }
    let commit = try LakeCommit(lake: lake, layer: .gold, dataset: goldDataset, identity: identity, wait: wait)
    defer { commit.abort() }
    let partitions = silver.partitions
    let state: [Field] = partitions.map { Field($0.partition, .array($0.files.map { .string($0.output.sha256) })) }
    let batch = try LakeDigest.hex(
      "gold\n\(goldDataset)\n\(silverDataset)\n\(specSHA256)\n\(compression.rawValue)\n" + JSONWriter.string(.object(state)))
    if commit.state.hasBatch(batch) {
      return Outcome(status: .upToDate, batch: batch, full: false, written: [], emptied: [], silverPartitionsRead: 0, recordsRead: 0, refused: 0)
    }
    let last = commit.state.manifests.last { $0.manifest.kind == "gold" }?.manifest
    var byDay = false
    if case .day(let field) = spec.period {
      byDay = silver.manifests.allSatisfy { m in
        m.manifest.kind != "silver" || m.manifest.options[key: "partition_by"] == .string("\(field):day")
      }
    }
    var incremental = !full && byDay && last != nil
    if let last, last.options[key: "spec_sha256"] != .string(specSHA256) || last.options[key: "silver_dataset"] != .string(silverDataset) {
      incremental = false
    }
    var read = partitions
    var changedPeriods: [JSONValue]?
    if incremental, let last, case .object(let before)? = last.options[key: "silver"] {
      let now = Dictionary(uniqueKeysWithValues: state.map { ($0.key, $0.value) })
      let then = Dictionary(before.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
      let changed = Set(now.keys.filter { now[$0] != then[$0] }).union(then.keys.filter { now[$0] == nil })
      read = partitions.filter { changed.contains($0.partition) }
      changedPeriods = changed.sorted().compactMap { p in p.hasPrefix("date=") ? .string(String(p.dropFirst(5))) : nil }
    } else {
      incremental = false
    }
    // History: the live gold records, when only some partitions are recomputed.
    var history: [Record] = []
    if incremental {
      for file in commit.state.liveFiles {
        try PartReader.forEachRecord(lake: lake, relativePath: file.output.path) { (record) throws(PLError) in history.append(record) }
      }
    }
    var refused = 0
    let aggregator = GoldAggregator(spec: spec) { refusal in
      refused += 1
      onRefuse(refusal)
    }
    let key = silver.manifests.reversed().lazy.compactMap { m -> [String]? in
      guard case .array(let fields)? = m.manifest.options[key: "key"], !fields.isEmpty else { return nil }
      return fields.compactMap(\.stringValue)
    }.first ?? []
    var inputs: [ManifestInput] = []
    for (partition, files) in read {
      if key.isEmpty {
        for file in files {
          let path = file.output.path
          guard let compression = PartCompression(partName: path) else {
            throw .malformed(source: lake.path(path), location: nil, message: "not a part file (.ndjson.gz or .ndjson.zst)")
          }
          let stream = try compression.makeReader(try FileStream(path: lake.path(path)))
          try aggregator.read(part: SilverPart(name: path, batch: file.batch), stream: stream, gzip: false)
        }
      } else {
        // Silver promoted with a key: only the current version of each key counts (the
        // partition's records are read as records, in batch order).
        for file in files { aggregator.begin(part: SilverPart(name: file.output.path, batch: file.batch)) }
        let source = lake.datasetFolder(.silver, silverDataset) + "/" + partition
        var line = 0
        try PartReader.forEachCurrentRecord(lake: lake, files: files, key: key) { (record) throws(PLError) in
          line += 1
          aggregator.add(record, source: source, lineNumber: line)
        }
      }
      inputs += files.map { ManifestInput(name: $0.output.path, sha256: $0.output.sha256, bytes: $0.output.bytes, records: $0.output.records) }
    }
    let output = try aggregator.finish(history: history, changedPeriods: changedPeriods)
    // The gold partitions to write, and the live gold files they replace.
    func partition(_ period: JSONValue) -> String {
      if byDay, case .string(let day) = period { return "date=\(day)" }
      return "period=all"
    }
    var byPartition: [String: [Record]] = [:]
    var order: [String] = []
    for period in output.periods {
      let p = partition(period)
      if byPartition[p] == nil {
        byPartition[p] = []
        order.append(p)
      }
    }
    for record in output.records {
      byPartition[partition(record[spec.period.outputName] ?? .null), default: []].append(record)
    }
    let rewritten = Set(order)
    let removed = commit.state.liveFiles.map(\.output.path).filter { path in
      !incremental || rewritten.contains(where: { path.hasPrefix(lake.datasetFolder(.gold, goldDataset) + "/" + $0 + "/") })
    }
    var outputs: [ManifestOutput] = []
    var written: [(String, Int)] = []
    var emptied: [String] = []
    for p in order {
      let records = byPartition[p] ?? []
      guard !records.isEmpty else {
        emptied.append(p)
        continue
      }
      outputs.append(try commit.writePart(partition: p, batch: batch, index: 0, compression: compression) { (part) throws(PLError) in
        for record in records { try part.append(record) }
      })
      written.append((p, records.count))
    }
    let manifest = Manifest(
      layer: .gold, dataset: goldDataset, kind: "gold", batch: batch, identity: identity, startedAt: commit.startedAt,
      options: [
        Field("silver_dataset", .string(silverDataset)), Field("spec", .string(spec.file)), Field("spec_sha256", .string(specSHA256)),
        Field("compression", .string(compression.rawValue)), Field("full", .bool(!incremental)), Field("silver", .object(state)),
      ],
      inputs: inputs, outputs: outputs, removed: removed,
      counts: ManifestCounts(read: output.recordsRead, written: output.records.count, rejected: refused))
    try commit.commit(manifest)
    return Outcome(status: .built, batch: batch, full: !incremental, written: written, emptied: emptied,
                   silverPartitionsRead: read.count, recordsRead: output.recordsRead, refused: refused)
  }
}
