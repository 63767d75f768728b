#if canImport(Glibc)
  import Glibc
#endif
import PLCore
import PLDigest

/// An input stream of a silver batch: its name, and the digest that sees its bytes as they
/// are read (attach `digest` to the stream's observers).
public final class SilverInput {
  public let name: String
  public let digest: SHA256Digest
  public var bytes = 0

  public init(name: String) throws(PLError) {
    self.name = name
    digest = try LakeDigest.make()
  }
}

/// What a silver batch did.
public struct SilverOutcome: Sendable {
  public enum Status: String, Sendable { case promoted, alreadyPromoted = "already_promoted", empty }
  public var status: Status
  public var batch: String
  public var manifest: Manifest?
  public var written: Int
  public var rejected: Int
  public var parts: Int
}

/// The silver sink: records into date partitions of compressed NDJSON parts, committed as one
/// batch with a manifest.
///
/// Records stream through: each goes to the open part of its partition (a `PartFile`, written
/// to a hidden scratch name and compressed as it goes). State kept while the batch runs, all
/// bounded by the data's variety rather than its size: at most `plan.maxOpenParts` open parts
/// (a 64 KiB line buffer and a compressor each), one entry per part written, per distinct
/// `_pl.source` file (for the manifest's inputs and `pending`) and per distinct field name
/// (the schema). `finish()` computes the batch id — a sha256 over the dataset, the options and
/// the inputs' sha256 — and, when the dataset already has that batch, discards the parts
/// (an idempotent re-run); otherwise it commits them through `LakeCommit`. `abort()` removes
/// every part: an upstream failure leaves no part behind.
public final class SilverSink: RecordSink {
  public let lake: Lake
  public let plan: SilverPlan
  public let commit: LakeCommit
  public var lineage: (any LineageSink)?
  /// The streams being read; their digests make the batch id.
  public var inputs: [SilverInput] = []
  /// Records refused upstream of the sink (by `SilverCheck`), counted for the manifest.
  public var rejected = 0
  public private(set) var outcome: SilverOutcome?
  /// Records written as the compact lines they came as (the rest were parsed).
  public private(set) var linesWritten = 0

  struct Part {
    var partition: String
    var index: Int
    var scratch: String
    var file: PartFile?
    var records = 0
    var bytes = 0
    var sha256 = ""
    var lastUse = 0
  }

  var parts: [Part] = []
  /// The open part of each partition, by index into `parts`.
  var open: [String: Int] = [:]
  var partCount: [String: Int] = [:]
  var written = 0
  var tick = 0
  var sources: [String: Int] = [:]
  var sourceOrder: [String] = []
  var schema: [String: Set<String>] = [:]
  var schemaOrder: [String] = []
  var lastShape: [(String, String)] = []
  var lastSource: String?
  var lastDay: LakeDay?
  var lastPartition = ""
  var lastSourceFile: String?
  var done = false
  // The line path's own caches (see `write(line:)`).
  let partitionName: LineFieldName
  let sourceName = LineFieldName(MetaKey.source)
  var metaMembers: [RawMember] = []
  var lastLineSource: [UInt8] = []
  var lastLineSourceFile: String?
  /// The last line's shape: per member, its kind's byte, its key's bytes and a 0 byte.
  var lastLineShape: [UInt8] = []

  /// Opens the batch: takes the dataset's lock (waiting `wait` seconds) and completes what a
  /// killed run left.
  public init(lake: Lake, plan: SilverPlan, identity: RunIdentity, wait: Double) throws(PLError) {
    self.lake = lake
    self.plan = plan
    commit = try LakeCommit(lake: lake, layer: .silver, dataset: plan.dataset, identity: identity, wait: wait)
    partitionName = LineFieldName(plan.partition.field)
  }

  public func write(_ record: Record) throws(PLError) {
    guard let day = plan.partition.day(of: record) else {
      throw .internalError("silver: a record without a partition value reached the sink")
    }
    let i = try place(day)
    try parts[i].file!.append(record)
    parts[i].records += 1
    written += 1
    if case .string(let source)? = record.meta[key: MetaKey.source] {
      // Records of one source come together: the last one's file is counted without a lookup.
      if source == lastSource, let file = lastSourceFile {
        sources[file]! += 1
      } else {
        lastSource = source
        lastSourceFile = countSource(source)
      }
    }
    noteSchema(record.fields)
  }

  /// Counts a record of `source` (a `_pl.source`) for its file; returns the file.
  func countSource(_ source: String) -> String {
    let file = source.split(separator: "!", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? source
    if let n = sources[file] { sources[file] = n + 1 } else {
      sources[file] = 1
      sourceOrder.append(file)
    }
    return file
  }

  /// Adds the fields' names and kinds to the schema; a record shaped like the one before
  /// (same names, same kinds: the common case) costs string comparisons, not lookups.
  func noteSchema(_ fields: [Field]) {
    if fields.count == lastShape.count {
      var same = true
      for (i, field) in fields.enumerated() where field.key != lastShape[i].0 || Self.kind(field.value) != lastShape[i].1 {
        same = false
        break
      }
      if same { return }
    }
    lastShape = fields.map { ($0.key, Self.kind($0.value)) }
    for (key, kind) in lastShape { addToSchema(key, kind) }
  }

  /// Adds one field's name and kind to the schema. Adding what is there changes nothing, so
  /// skipping a record shaped like one already added (on either path) is always right.
  func addToSchema(_ key: String, _ kind: String) {
    if schema[key]?.insert(kind) == nil {
      schema[key] = [kind]
      schemaOrder.append(key)
    }
  }

  @inline(__always)
  static func kind(_ value: JSONValue) -> String {
    switch value {
    case .null: "null"
    case .bool: "boolean"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }

  func place(_ day: LakeDay) throws(PLError) -> Int {
    if day != lastDay {
      lastDay = day
      lastPartition = "date=\(day)"
    }
    let i = try openPart(lastPartition)
    tick += 1
    parts[i].lastUse = tick
    return i
  }

  func openPart(_ partition: String) throws(PLError) -> Int {
    if let i = open[partition] { return i }
    if open.count >= plan.maxOpenParts, let (oldest, i) = open.min(by: { parts[$0.value].lastUse < parts[$1.value].lastUse }) {
      try close(i)
      open[oldest] = nil
    }
    let folder = lake.datasetFolder(.silver, plan.dataset) + "/" + partition
    let scratch = try commit.scratchFile(in: folder)
    let index = partCount[partition, default: 0]
    partCount[partition] = index + 1
    let file = try PartFile(path: scratch, compression: plan.compression)
    parts.append(Part(partition: partition, index: index, scratch: scratch, file: file))
    open[partition] = parts.count - 1
    return parts.count - 1
  }

  func close(_ i: Int) throws(PLError) {
    guard let file = parts[i].file else { return }
    let (bytes, sha) = try file.close(mode: lake.fileMode)
    parts[i].bytes = bytes
    parts[i].sha256 = sha
    parts[i].file = nil
  }

  /// The batch id of what was read: the dataset, the options and each input's sha256.
  func batchID() throws(PLError) -> String {
    var text = "silver\n\(plan.dataset)\n" + JSONWriter.string(.object(plan.options)) + "\n"
    for input in inputs { text += input.digest.finalize() + "\n" }
    return try LakeDigest.hex(text)
  }

  public func finish() throws(PLError) {
    guard !done else { return }
    done = true
    for i in parts.indices { try close(i) }
    let batch = try batchID()
    let read = written + rejected
    if read == 0 && inputs.allSatisfy({ $0.bytes == 0 }) {
      commit.abort()
      outcome = SilverOutcome(status: .empty, batch: batch, manifest: nil, written: 0, rejected: 0, parts: 0)
      return
    }
    if commit.state.hasBatch(batch) {
      commit.abort()
      outcome = SilverOutcome(status: .alreadyPromoted, batch: batch, manifest: nil, written: written, rejected: rejected, parts: 0)
      return
    }
    var outputs: [ManifestOutput] = []
    let short = batch.prefix(16)
    for part in parts.sorted(by: { ($0.partition, $0.index) < ($1.partition, $1.index) }) {
      let relative = lake.datasetFolder(.silver, plan.dataset) + "/\(part.partition)/part-\(short)-\(part.index).\(plan.compression.fileExtension)"
      try commit.stage(part.scratch, as: relative)
      outputs.append(ManifestOutput(path: relative, partition: part.partition, records: part.records, bytes: part.bytes, sha256: part.sha256))
    }
    var manifestInputs = inputs.map { ManifestInput(name: $0.name, sha256: $0.digest.finalize(), bytes: $0.bytes) }
    for source in sourceOrder {
      manifestInputs.append(ManifestInput(name: source, records: sources[source], bronzeSHA256: PendingFiles.bronzeSHA256(ofSource: source)))
    }
    let manifest = Manifest(
      layer: .silver, dataset: plan.dataset, kind: "silver", batch: batch, identity: commit.identity, startedAt: commit.startedAt,
      options: plan.options, inputs: manifestInputs, outputs: outputs,
      counts: ManifestCounts(read: read, written: written, rejected: rejected),
      schema: schemaOrder.map { SchemaField(name: $0, kinds: schema[$0]!.sorted()) })
    let stored = try commit.commit(manifest)
    outcome = SilverOutcome(status: .promoted, batch: batch, manifest: stored.manifest, written: written, rejected: rejected, parts: outputs.count)
  }

  public func abort() {
    for part in parts { part.file?.discard() }
    commit.abort()
  }

  /// Tells the lineage sink the run starts; call before the first record.
  public func start(inputNames: [String]) throws(PLError) {
    try lineage?.runStarted(event(.running, inputs: inputNames.map { ManifestInput(name: $0) }))
  }

  /// Tells the lineage sink how the run ended: after `finish()`, or with the error that
  /// stopped it (after `abort()`).
  public func ended(error: PLError?) throws(PLError) {
    guard let lineage else { return }
    if let error {
      try lineage.runEnded(event(.failed, inputs: inputs.map { ManifestInput(name: $0.name) }, error: error))
    } else if let outcome {
      let status: LakeRunEvent.Status = outcome.status == .promoted ? .completed : .alreadyPresent
      try lineage.runEnded(event(status, inputs: outcome.manifest?.inputs ?? inputs.map { ManifestInput(name: $0.name, sha256: $0.digest.finalize(), bytes: $0.bytes) }, manifest: outcome.manifest))
    }
  }

  func event(_ status: LakeRunEvent.Status, inputs: [ManifestInput], manifest: Manifest? = nil, error: PLError? = nil) -> LakeRunEvent {
    LakeRunEvent(
      status: status, layer: .silver, dataset: plan.dataset, kind: "silver", identity: commit.identity, startedAt: commit.startedAt,
      endedAt: status == .running ? nil : (manifest?.endedAt ?? LakeTime.now()), lakeRoot: lake.root, inputs: inputs,
      manifest: manifest, error: error)
  }
}

/// The line path: a compact line that `SilverCheck` passed is written as the bytes it came as,
/// which are exactly what `JSONWriter` writes for its record (see `CompactLineSource`), so the
/// parts are the same either way. Only what the sink needs is read from the bytes: the
/// partition field's day, the first `_pl.source` when it is a string, and the members' names
/// and kinds when they differ from the line before. A line whose `_pl` or source the bytes do
/// not settle (escapes, an odd `_pl`) is handed back (false) and comes as a `Record`.
extension SilverSink: CompactLineSink {
  public var wantsMembers: Bool { true }

  public func write(line: CompactLine) throws(PLError) -> Bool {
    guard let day = partitionName.day(in: line) else { return false }
    var source: Range<Int>?
    if let meta = line.metaMember {
      // `"_pl":{…}`: its members, found by the same scan (at the top of the `_pl` object).
      let objectStart = meta.lowerBound + 6
      let object = UnsafeBufferPointer(rebasing: line.bytes[objectStart..<meta.upperBound])
      guard JSONScanner.scanCompact(object, members: &metaMembers) != nil else { return false }
      for member in metaMembers where sourceName.matches(UnsafeBufferPointer(rebasing: object[member.key])) {
        if member.kind == .string {
          guard memchr(object.baseAddress! + member.value.lowerBound, 0x5C, member.value.count) == nil else { return false }
          source = (objectStart + member.value.lowerBound)..<(objectStart + member.value.upperBound)
        }
        break
      }
    }
    let i = try place(day)
    try parts[i].file!.append(compactLine: line.bytes)
    parts[i].records += 1
    written += 1
    linesWritten += 1
    if let source {
      let bytes = UnsafeBufferPointer(rebasing: line.bytes[source])
      if let file = lastLineSourceFile, bytes.count == lastLineSource.count,
        bytes.isEmpty || lastLineSource.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
        sources[file]! += 1
      } else {
        lastLineSource.removeAll(keepingCapacity: true)
        lastLineSource.append(contentsOf: bytes)
        lastLineSourceFile = countSource(String(decoding: bytes, as: UTF8.self))
      }
    }
    noteSchema(line)
    return true
  }

  /// `noteSchema` for a line: compared with the last line's shape byte for byte.
  func noteSchema(_ line: CompactLine) {
    let members = line.members
    let same = lastLineShape.withUnsafeBufferPointer { (shape) -> Bool in
      var p = 0
      for member in members {
        let n = member.key.count
        guard p + n + 2 <= shape.count, shape[p] == Self.kindCode(member.kind), shape[p + n + 1] == 0,
          memcmp(shape.baseAddress! + p + 1, line.bytes.baseAddress! + member.key.lowerBound, n) == 0
        else { return false }
        p += n + 2
      }
      return p == shape.count
    }
    if same { return }
    lastLineShape.removeAll(keepingCapacity: true)
    for member in members {
      let key = UnsafeBufferPointer(rebasing: line.bytes[member.key])
      lastLineShape.append(Self.kindCode(member.kind))
      lastLineShape.append(contentsOf: key)
      lastLineShape.append(0)
      addToSchema(String(decoding: key, as: UTF8.self), Self.kind(member.kind))
    }
  }

  /// A member's kind as the schema sees it (true and false are both boolean), as one byte.
  @inline(__always)
  static func kindCode(_ kind: RawMember.Kind) -> UInt8 {
    kind == .falseValue ? RawMember.Kind.trueValue.rawValue : kind.rawValue
  }

  @inline(__always)
  static func kind(_ kind: RawMember.Kind) -> String {
    switch kind {
    case .null: "null"
    case .trueValue, .falseValue: "boolean"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }
}
