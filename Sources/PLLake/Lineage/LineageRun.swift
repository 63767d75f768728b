import PLCore

/// One run of a lake job, as OpenLineage sees it: who ran, what it read, what it wrote.
///
/// Built by the command at its start (id, job, inputs) and handed to `LineageEmitter` for the
/// START event, then again for COMPLETE or FAIL with what the run produced.
public struct LineageRun: Equatable, Sendable {
  /// A file (or stream) the run read.
  public struct Input: Equatable, Sendable {
    /// The dataset name within its namespace: a lake-relative path
    /// (`bronze/coa/ingest_date=2026-11-30/<sha256>.csv`) or a file name.
    public var name: String
    /// The namespace; nil means the emitter's (the lake's).
    public var namespace: String?
    /// The sha256 of its bytes (hex), when known: becomes the dataset's version.
    public var sha256: String?

    public init(name: String, namespace: String? = nil, sha256: String? = nil) {
      self.name = name
      self.namespace = namespace
      self.sha256 = sha256
    }
  }

  /// The run's id: a UUID (version 7 unless the caller brings its own).
  public var runID: String
  /// The job's name, e.g. `pl-promote.silver.results`.
  public var jobName: String
  /// Seconds since 1970 (UTC) when the run started.
  public var startedAt: Double
  public var inputs: [Input]
  /// The datasets the run is going to write (`silver/results`), named in the START event.
  public var outputDatasets: [String]

  public init(runID: String = LineageRun.newRunID(), jobName: String, startedAt: Double, inputs: [Input], outputDatasets: [String]) {
    self.runID = runID
    self.jobName = jobName
    self.startedAt = startedAt
    self.inputs = inputs
    self.outputDatasets = outputDatasets
  }

  /// A new UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so that
  /// run ids sort by start time.
  public static func newRunID(milliseconds: UInt64 = UInt64(max(0, wallClockSeconds() * 1000))) -> String {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: 16)
    for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - UInt64(i)))) }
    for i in 6..<16 { bytes[i] = generator.next() }
    bytes[6] = 0x70 | (bytes[6] & 0x0F)
    bytes[8] = 0x80 | (bytes[8] & 0x3F)
    let hex = bytes.map { b in String(b, radix: 16).count == 1 ? "0" + String(b, radix: 16) : String(b, radix: 16) }
    return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
  }

  /// True when `text` is a UUID in its canonical form (8-4-4-4-12 hexadecimal digits).
  public static func isUUID(_ text: String) -> Bool {
    let groups = text.split(separator: "-", omittingEmptySubsequences: false)
    return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
  }
}

/// A dataset the run wrote, with what it wrote into it.
public struct LineageOutput: Equatable, Sendable {
  /// The dataset name within the lake: `silver/results`.
  public var dataset: String
  /// The part files written, relative to the lake (`silver/results/date=2026-11-30/part-….ndjson.gz`).
  public var parts: [String]
  /// Records written; nil when the files are not records (bronze keeps files as received).
  public var records: Int?
  /// Bytes written (compressed, as stored).
  public var bytes: Int
  /// Files the run took out of the dataset (compaction, retention, a rebuilt gold partition).
  public var removed: [String]

  public init(dataset: String, parts: [String], records: Int?, bytes: Int, removed: [String] = []) {
    self.dataset = dataset
    self.parts = parts
    self.records = records
    self.bytes = bytes
    self.removed = removed
  }
}

/// A field seen in the records written, with the JSON types its values had.
public struct LineageField: Equatable, Sendable {
  public var name: String
  /// `string`, `number`, `boolean`, `object`, `array`, or several joined with `|`
  /// (`number|string`); `null` only when nothing else was seen.
  public var type: String

  public init(name: String, type: String) {
    self.name = name
    self.type = type
  }
}

/// Collects the fields of records as they go by, in first-seen order, with their JSON types.
///
/// State is one entry per distinct field name (inherent: the schema facet lists them all).
public struct SeenFields: Sendable {
  var order: [String] = []
  var kinds: [String: UInt8] = [:]

  public init() {}

  static let names: [(UInt8, String)] = [(1, "string"), (2, "number"), (4, "boolean"), (8, "object"), (16, "array")]

  public mutating func observe(_ record: Record) {
    for field in record.fields { observe(field.key, field.value) }
  }

  public mutating func observe(_ name: String, _ value: JSONValue) {
    let bit: UInt8
    switch value {
    case .string: bit = 1
    case .number: bit = 2
    case .bool: bit = 4
    case .object: bit = 8
    case .array: bit = 16
    case .null: bit = 32
    }
    if let seen = kinds[name] {
      if seen & bit != bit { kinds[name] = seen | bit }
    } else {
      order.append(name)
      kinds[name] = bit
    }
  }

  /// The fields seen so far, as a manifest lists them: the JSON kinds of each, sorted.
  public var schemaFields: [SchemaField] {
    order.map { name in
      let bits = kinds[name] ?? 0
      return SchemaField(name: name, kinds: (Self.names + [(32, "null")]).filter { bits & $0.0 != 0 }.map(\.1).sorted())
    }
  }

  /// The fields seen so far.
  public var fields: [LineageField] {
    order.map { name in
      let bits = kinds[name] ?? 0
      let types = Self.names.filter { bits & $0.0 != 0 }.map(\.1)
      return LineageField(name: name, type: types.isEmpty ? "null" : types.joined(separator: "|"))
    }
  }
}
