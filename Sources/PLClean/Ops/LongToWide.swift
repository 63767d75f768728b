import PLCore

/// Gathers long records (one per sample × analyte) into one wide record per key:
/// `{sample, variable: "Ca", value: …}`, `{sample, variable: "Mg", value: …}` → `{sample, Ca, Mg}`.
///
/// The wide record has the key fields, then the `carry` fields (from the group's first
/// record), then one field per name in first-seen order; its `_pl` is the first record's.
/// Other fields of the long records are not carried. A second value for the same name in a
/// group is never written over the first: it is rejected (`duplicate-name`), or, with
/// `duplicates: .note`, left out with a `duplicate-name` note on the wide record giving its
/// value. A record whose name is missing, null or not text/number (`no-name`), or names a key
/// or carried field (`name-collides`), is rejected. Counted as `long_to_wide_records` (wide
/// records put out).
///
/// With `sorted: true` (the default) a group is the run of consecutive records with one key:
/// streaming, each wide record goes on when the key changes, and a key that comes back later
/// starts a new group. With `sorted: false` every group is held until the end of the stream
/// (memory grows with the data) and the wide records come out in the order their keys were
/// first seen.
public struct LongToWide: RecordTransform {
  /// What happens to a second value for one name in one group.
  public enum Duplicates: String, Equatable, Sendable {
    case reject
    case note
  }

  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    /// The fields whose values identify a wide record.
    public var key: [String]
    /// The field holding the column name.
    public var nameField: String
    /// The field holding the value.
    public var valueField: String
    /// Fields copied from the group's first record.
    public var carry: [String]
    /// Whether groups are runs of consecutive records (streaming) or gathered over the stream.
    public var sorted: Bool
    public var duplicates: Duplicates

    public init(key: [String], nameField: String = "variable", valueField: String = "value", carry: [String] = [], sorted: Bool = true, duplicates: Duplicates = .reject) {
      self.key = key
      self.nameField = nameField
      self.valueField = valueField
      self.carry = carry
      self.sorted = sorted
      self.duplicates = duplicates
    }
  }

  private struct Group {
    var record: Record
    /// The positions of the named fields in `record.fields`.
    var columns: [String: Int]
  }

  public let config: Config
  public let counters: CleanCounters
  /// Sorted: the group being gathered.
  private var current: ([JSONValue], Group)?
  /// Unsorted: every group, in first-seen order.
  private var groups: [Group] = []
  private var index: [[JSONValue]: Int] = [:]

  public init(_ config: Config, counters: CleanCounters = CleanCounters()) {
    self.config = config
    self.counters = counters
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    let name: String
    switch record.fields[key: config.nameField] {
    case .string(let s): name = s
    case .number(let n): name = n
    default:
      return .reject([RecordIssue(rule: "long-to-wide", field: config.nameField, code: "no-name", message: "\(config.nameField) must be text or a number to name a column")])
    }
    if config.key.contains(name) || config.carry.contains(name) {
      return .reject([RecordIssue(rule: "long-to-wide", field: config.nameField, code: "name-collides", message: "the column name \"\(name)\" is also a key or carried field")])
    }
    let key = config.key.map { record.fields[key: $0] ?? .null }
    let value = record.fields[key: config.valueField] ?? .null
    var finished: [Record] = []
    if config.sorted {
      if let (currentKey, group) = current, currentKey != key {
        finished.append(group.record)
        current = nil
      }
      if current == nil {
        current = (key, newGroup(record))
      }
      if let issue = add(name, value, record, to: &current!.1) { return .reject([issue]) }
    } else {
      let i = index[key] ?? {
        groups.append(newGroup(record))
        index[key] = groups.count - 1
        return groups.count - 1
      }()
      if let issue = add(name, value, record, to: &groups[i]) { return .reject([issue]) }
    }
    counters.add("long_to_wide_records", finished.count)
    return .emit(finished)
  }

  public mutating func finish() throws(PLError) -> [Record] {
    var out: [Record] = []
    if let (_, group) = current { out.append(group.record) }
    current = nil
    out += groups.map(\.record)
    groups = []
    index = [:]
    counters.add("long_to_wide_records", out.count)
    return out
  }

  private func newGroup(_ record: Record) -> Group {
    var fields = config.key.map { Field($0, record.fields[key: $0] ?? .null) }
    for name in config.carry { fields.append(Field(name, record.fields[key: name] ?? .null)) }
    return Group(record: Record(fields, meta: record.meta), columns: [:])
  }

  /// Adds one value; an issue when the record must be rejected instead.
  private func add(_ name: String, _ value: JSONValue, _ record: Record, to group: inout Group) -> RecordIssue? {
    if group.columns[name] != nil {
      let message = "\"\(name)\" already has a value in this group; \(JSONWriter.string(value)) is not written over it"
      switch config.duplicates {
      case .reject:
        return RecordIssue(rule: "long-to-wide", field: config.nameField, code: "duplicate-name", message: message)
      case .note:
        group.record.addNote(CleanNote(field: name, code: "duplicate-name", message: message))
        return nil
      }
    }
    group.columns[name] = group.record.fields.count
    group.record.fields.append(Field(name, value))
    return nil
  }
}
