#if canImport(Glibc)
  import Glibc
#endif
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
  /// Further options that shape the records written (`pseudonymise`): recorded in the manifest
  /// and part of the batch id, so that the same input promoted differently is a new batch.
  public var extraOptions: [Field] = []

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
    ] + extraOptions
  }
}

/// Refuses records silver cannot place: without a usable partition value, or (with a key)
/// without a value for a key field. The reasons go to `_pl.errors`, the record to the rejects.
///
/// A compact line (see `CompactLineTransform`) is passed when its partition field is a string
/// that is a usable date and every key field is there and not null; anything else is left to
/// `apply`, which builds the reasons.
public struct SilverCheck: CompactLineTransform {
  public let plan: SilverPlan
  let partitionName: LineFieldName
  let keyNames: [LineFieldName]

  public init(plan: SilverPlan) {
    self.plan = plan
    partitionName = LineFieldName(plan.partition.field)
    keyNames = plan.key.map(LineFieldName.init)
  }

  public func check(line: CompactLine) throws(PLError) -> Bool {
    guard partitionName.day(in: line) != nil else { return false }
    for name in keyNames {
      guard let member = name.first(in: line), member.kind != .null else { return false }
    }
    return true
  }

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

/// A field name looked up among a compact line's top-level members, with the meaning
/// `Record`'s subscript gives it: the first member whose key equals the name as Swift compares
/// strings (canonical equivalence: `"K"` written with the Kelvin sign is `"K"`). Keys of a
/// compact line have no escapes, so equal bytes are equal keys; when the bytes differ and the
/// name or the key is not ASCII, the two are compared as strings.
struct LineFieldName: Sendable {
  let name: String
  let bytes: [UInt8]
  let isASCII: Bool

  init(_ name: String) {
    self.name = name
    bytes = Array(name.utf8)
    isASCII = bytes.allSatisfy { $0 < 0x80 }
  }

  @inline(__always)
  func matches(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
    if key.count == bytes.count && bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) {
      return true
    }
    if isASCII {
      var any: UInt8 = 0
      for b in key { any |= b }
      if any < 0x80 { return false }
    }
    return String(decoding: key, as: UTF8.self) == name
  }

  /// The first top-level member of `line` with this name.
  @inline(__always)
  func first(in line: CompactLine) -> RawMember? {
    for member in line.members where matches(UnsafeBufferPointer(rebasing: line.bytes[member.key])) { return member }
    return nil
  }

  /// The UTC day of `line`'s first member with this name, when it is a string holding a usable
  /// date (as `PartitionRule.day(of:)` judges a record). A string with escapes is never a
  /// usable date, decoded or not: the escapes a compact line may hold stand for characters no
  /// date has.
  @inline(__always)
  func day(in line: CompactLine) -> LakeDay? {
    guard let member = first(in: line), member.kind == .string else { return nil }
    return PartitionRule.day(of: UnsafeBufferPointer(rebasing: line.bytes[member.value]))
  }
}
