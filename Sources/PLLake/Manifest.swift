import PLCore

/// The layers of the lake.
public enum LakeLayer: String, CaseIterable, Sendable {
  case bronze, silver, gold
}

/// One input of a batch: a file received (bronze) or a source whose records were promoted
/// (silver, gold).
public struct ManifestInput: Equatable, Sendable {
  /// The original name: the file name as received, or the `_pl.source` of records (before `!`).
  public var name: String
  public var sha256: String?
  public var bytes: Int?
  /// Records read from this input (silver: records whose `_pl.source` names it).
  public var records: Int?
  public var receivedAt: String?
  /// For an e-mail (`.eml`): its sender and subject, decoded.
  public var sender: String?
  public var subject: String?
  /// For silver records whose source is a bronze file: that file's sha256, which marks it
  /// done for `pending`.
  public var bronzeSHA256: String?

  public init(name: String, sha256: String? = nil, bytes: Int? = nil, records: Int? = nil, receivedAt: String? = nil,
              sender: String? = nil, subject: String? = nil, bronzeSHA256: String? = nil) {
    self.name = name
    self.sha256 = sha256
    self.bytes = bytes
    self.records = records
    self.receivedAt = receivedAt
    self.sender = sender
    self.subject = subject
    self.bronzeSHA256 = bronzeSHA256
  }
}

/// One file a batch made part of the lake.
public struct ManifestOutput: Equatable, Sendable {
  /// Relative to the lake's root: `silver/results/date=2026-11-30/part-<batch>-0.ndjson.gz`.
  public var path: String
  /// `date=YYYY-MM-DD` for parts, `ingest_date=YYYY-MM-DD` for bronze files.
  public var partition: String
  /// Records in a part; nil for a bronze file.
  public var records: Int?
  /// Size of the file as stored (compressed for parts).
  public var bytes: Int
  /// The sha256 of the file as stored, which `verify` checks.
  public var sha256: String

  public init(path: String, partition: String, records: Int?, bytes: Int, sha256: String) {
    self.path = path
    self.partition = partition
    self.records = records
    self.bytes = bytes
    self.sha256 = sha256
  }
}

/// The counts of a batch, which add up: `read == written + rejected`.
public struct ManifestCounts: Equatable, Sendable {
  public var read = 0
  public var written = 0
  public var rejected = 0
  public init(read: Int = 0, written: Int = 0, rejected: Int = 0) {
    self.read = read
    self.written = written
    self.rejected = rejected
  }
}

/// A field seen in a batch's records and the JSON kinds of its values (`string`, `number`,
/// `boolean`, `null`, `object`, `array`), for the lineage schema facet.
public struct SchemaField: Equatable, Sendable {
  public var name: String
  public var kinds: [String]
  public init(name: String, kinds: [String]) {
    self.name = name
    self.kinds = kinds
  }
}

/// The record of one batch: what went where, when, from what, by whom.
///
/// A manifest is the commit point of a batch: written last and atomically, after every file it
/// names is staged, and only what manifests name is part of the lake. Manifests of a dataset
/// form a chain: each has a `sequence` one above the one before and names that one's sha256
/// in `previous` (the sha256 of its file's bytes), so a removed or edited manifest shows.
/// Files a batch takes out of the lake (compaction, retention) are listed in `removed`.
public struct Manifest: Equatable, Sendable {
  public static let formatName = "pl-lake-manifest/1"

  public var layer: LakeLayer
  public var dataset: String
  /// `bronze`, `silver`, `compact`, `retention`, `purge-bronze`, `gold`.
  public var kind: String
  public var sequence = 0
  /// The batch id: a sha256 over the inputs' content, the dataset and the options, so that
  /// the same batch promoted again is recognised.
  public var batch: String
  public var previous: String?
  public var runID: String
  public var user: String
  public var host: String
  public var command: [String]
  public var toolVersion: String
  public var startedAt: String
  public var endedAt: String
  /// The options that shape the output (partitioning, key, compression), as given.
  public var options: [Field]
  public var inputs: [ManifestInput]
  public var outputs: [ManifestOutput]
  public var removed: [String]
  public var counts: ManifestCounts
  public var schema: [SchemaField]

  public init(layer: LakeLayer, dataset: String, kind: String, batch: String, identity: RunIdentity, startedAt: String,
              options: [Field] = [], inputs: [ManifestInput] = [], outputs: [ManifestOutput] = [], removed: [String] = [],
              counts: ManifestCounts = ManifestCounts(), schema: [SchemaField] = []) {
    self.layer = layer
    self.dataset = dataset
    self.kind = kind
    self.batch = batch
    self.runID = identity.runID
    self.user = identity.user
    self.host = identity.host
    self.command = identity.command
    self.toolVersion = identity.toolVersion
    self.startedAt = startedAt
    self.endedAt = startedAt
    self.options = options
    self.inputs = inputs
    self.outputs = outputs
    self.removed = removed
    self.counts = counts
    self.schema = schema
  }

  /// The file name under `_manifests/<layer>/<dataset>/`: sequence, then the batch's short id.
  public var fileName: String { LakeDay.pad(sequence, 6) + "-" + String(batch.prefix(16)) + ".json" }

  /// The manifest as one line of JSON (with its newline), members in a fixed order.
  public func encoded() -> [UInt8] {
    let out = ByteBuffer(capacity: 4096)
    JSONWriter.writeObject(json, to: out)
    out.append(UInt8(ascii: "\n"))
    return Array(out.bytes)
  }

  public var json: [Field] {
    func opt(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    func optInt(_ n: Int?) -> JSONValue { n.map { .integer($0) } ?? .null }
    let inputs: [JSONValue] = inputs.map { i in
      var f = [Field("name", .string(i.name))]
      if let v = i.sha256 { f.append(Field("sha256", .string(v))) }
      if let v = i.bytes { f.append(Field("bytes", .integer(v))) }
      if let v = i.records { f.append(Field("records", .integer(v))) }
      if let v = i.receivedAt { f.append(Field("received_at", .string(v))) }
      if let v = i.sender { f.append(Field("sender", .string(v))) }
      if let v = i.subject { f.append(Field("subject", .string(v))) }
      if let v = i.bronzeSHA256 { f.append(Field("bronze_sha256", .string(v))) }
      return .object(f)
    }
    let outputs: [JSONValue] = outputs.map { o in
      .object([
        Field("path", .string(o.path)), Field("partition", .string(o.partition)), Field("records", optInt(o.records)),
        Field("bytes", .integer(o.bytes)), Field("sha256", .string(o.sha256)),
      ])
    }
    return [
      Field("format", .string(Manifest.formatName)),
      Field("layer", .string(layer.rawValue)),
      Field("dataset", .string(dataset)),
      Field("kind", .string(kind)),
      Field("sequence", .integer(sequence)),
      Field("batch", .string(batch)),
      Field("previous", opt(previous)),
      Field("run_id", .string(runID)),
      Field("user", .string(user)),
      Field("host", .string(host)),
      Field("command", .array(command.map { .string($0) })),
      Field("tool_version", .string(toolVersion)),
      Field("started_at", .string(startedAt)),
      Field("ended_at", .string(endedAt)),
      Field("options", .object(options)),
      Field("counts", .object([
        Field("read", .integer(counts.read)), Field("written", .integer(counts.written)),
        Field("rejected", .integer(counts.rejected)),
      ])),
      Field("inputs", .array(inputs)),
      Field("outputs", .array(outputs)),
      Field("removed", .array(removed.map { .string($0) })),
      Field("schema", .array(schema.map { .object([Field("name", .string($0.name)), Field("kinds", .array($0.kinds.map { .string($0) }))]) })),
    ]
  }

  /// Reads a manifest written by `encoded()`.
  ///
  /// - Throws: `PLError.malformed` naming `source` when the text is not such a manifest.
  public init(decoding bytes: [UInt8], source: String) throws(PLError) {
    let value: JSONValue
    do throws(JSONSyntaxError) {
      value = try bytes.withUnsafeBufferPointer { (b) throws(JSONSyntaxError) in try JSONParser.parseValue(b) }
    } catch {
      throw .malformed(source: source, location: nil, message: "not a manifest: \(error.message)")
    }
    let d = ManifestDecoder(source: source)
    guard case .object(let root) = value else { throw d.bad("not a JSON object") }
    guard try d.string(root, "format") == Manifest.formatName else { throw d.bad("format is not \(Manifest.formatName)") }
    guard let layer = LakeLayer(rawValue: try d.string(root, "layer")) else { throw d.bad("unknown layer") }
    self.layer = layer
    dataset = try d.string(root, "dataset")
    kind = try d.string(root, "kind")
    sequence = try d.int(root, "sequence")
    batch = try d.string(root, "batch")
    previous = root[key: "previous"]?.stringValue
    runID = try d.string(root, "run_id")
    user = try d.string(root, "user")
    host = try d.string(root, "host")
    command = try d.array(root, "command").compactMap(\.stringValue)
    toolVersion = try d.string(root, "tool_version")
    startedAt = try d.string(root, "started_at")
    endedAt = try d.string(root, "ended_at")
    options = root[key: "options"]?.objectValue ?? []
    let c = root[key: "counts"]?.objectValue ?? []
    counts = ManifestCounts(read: try d.int(c, "read"), written: try d.int(c, "written"), rejected: try d.int(c, "rejected"))
    inputs = []
    for case .object(let i) in try d.array(root, "inputs") {
      inputs.append(ManifestInput(
        name: try d.string(i, "name"), sha256: i[key: "sha256"]?.stringValue, bytes: d.optInt(i, "bytes"),
        records: d.optInt(i, "records"), receivedAt: i[key: "received_at"]?.stringValue,
        sender: i[key: "sender"]?.stringValue, subject: i[key: "subject"]?.stringValue,
        bronzeSHA256: i[key: "bronze_sha256"]?.stringValue))
    }
    outputs = []
    for case .object(let o) in try d.array(root, "outputs") {
      outputs.append(ManifestOutput(
        path: try d.string(o, "path"), partition: try d.string(o, "partition"), records: d.optInt(o, "records"),
        bytes: try d.int(o, "bytes"), sha256: try d.string(o, "sha256")))
    }
    removed = try d.array(root, "removed").compactMap(\.stringValue)
    schema = []
    if case .array(let fields)? = root[key: "schema"] {
      for case .object(let s) in fields {
        var kinds: [String] = []
        if case .array(let a)? = s[key: "kinds"] { kinds = a.compactMap(\.stringValue) }
        schema.append(SchemaField(name: try d.string(s, "name"), kinds: kinds))
      }
    }
  }
}

struct ManifestDecoder {
  let source: String

  func bad(_ message: String) -> PLError { .malformed(source: source, location: nil, message: "not a manifest: \(message)") }

  func string(_ fields: [Field], _ key: String) throws(PLError) -> String {
    guard let s = fields[key: key]?.stringValue else { throw bad("\(key) missing or not a string") }
    return s
  }

  func int(_ fields: [Field], _ key: String) throws(PLError) -> Int {
    guard let n = optInt(fields, key) else { throw bad("\(key) missing or not an integer") }
    return n
  }

  func optInt(_ fields: [Field], _ key: String) -> Int? {
    if case .number(let text)? = fields[key: key] { return Int(text) }
    return nil
  }

  func array(_ fields: [Field], _ key: String) throws(PLError) -> [JSONValue] {
    guard case .array(let a)? = fields[key: key] else { throw bad("\(key) missing or not an array") }
    return a
  }
}
