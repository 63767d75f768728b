import PLCore

/// What a silver promotion does with its records: where they go, how they are partitioned,
/// identified and compressed. Validated once, before any record is read.
public struct SilverPlan: Sendable {
  public var dataset: String
  public var partition: PartitionRule
  /// The fields that identify a record (`--key`); empty for none. With a key, a later record
  /// with the same key supersedes an earlier one (see `Compaction`).
  public var key: [String]
  public var compression: PartCompression
  /// At most this many part files are open at once; when a batch touches more partitions,
  /// the least recently written part is finished and a later record of its partition starts
  /// a new part (`part-<batch>-1…`). Bounds memory and descriptors.
  public var maxOpenParts: Int

  public init(dataset: String, partition: PartitionRule = PartitionRule(field: "measured_at"), key: [String] = [],
              compression: PartCompression = .gzip, maxOpenParts: Int = 32) throws(PLError) {
    try Lake.validate(dataset: dataset)
    guard !key.contains(where: \.isEmpty) else { throw .usage("--key: a field name is empty (write FIELD,FIELD)") }
    guard maxOpenParts >= 1 else { throw .usage("at least one part must be open") }
    self.dataset = dataset
    self.partition = partition
    self.key = key
    self.compression = compression
    self.maxOpenParts = maxOpenParts
  }

  /// Parses `--key sample_id,analyte`.
  public static func parseKey(_ text: String?) -> [String] {
    guard let text else { return [] }
    return text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
  }

  /// The options as the manifest records them; they are part of the batch id.
  public var options: [Field] {
    [
      Field("partition_by", .string(partition.description)),
      Field("key", .array(key.map { .string($0) })),
      Field("compression", .string(compression.rawValue)),
    ]
  }
}

/// Refuses records silver cannot place: without a usable partition value, or (with a key)
/// without a value for a key field. The reasons go to `_pl.errors`, the record to the rejects.
public struct SilverCheck: RecordTransform {
  public let plan: SilverPlan

  public init(plan: SilverPlan) { self.plan = plan }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    var issues: [RecordIssue] = []
    if plan.partition.day(of: record) == nil { issues.append(plan.partition.reason(for: record)) }
    for field in plan.key {
      switch record[field] {
      case nil, .null?:
        issues.append(RecordIssue(rule: "key", field: field, code: "no-key-value", message: "the record has no value for key field \(field)"))
      default: break
      }
    }
    return issues.isEmpty ? .pass : .reject(issues)
  }
}

/// A record's key as one comparable text (the key fields' values as a JSON array), or nil
/// when a key field is missing or null.
public func recordKey(_ record: Record, fields: [String]) -> String? {
  var values: [JSONValue] = []
  for field in fields {
    guard let value = record[field], value != .null else { return nil }
    values.append(value)
  }
  return JSONWriter.string(.array(values))
}
