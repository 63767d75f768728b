import PLCore

/// Carries the last value of named fields down to the rows that leave them empty, within a
/// key (a lot number printed once above its rows, a run id on the first line of a block).
///
/// A field is empty when it is missing, null, or (unless asked not to) a string of
/// whitespace only. Values are remembered per distinct key: memory grows with the number of
/// keys, not of records; without key fields the whole stream is one group. A row that comes
/// before any value of its group is left as it is. Each fill keeps the original (null, or the
/// blank string; null for a missing field) in `_pl.raw` and is counted as `forward_filled`.
/// Streaming: records go on at once, in order.
public struct ForwardFill: RecordTransform {
  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    /// The fields to fill.
    public var fields: [String]
    /// The fields whose values form the group a value is carried within (empty: one group).
    public var key: [String]
    /// Whether a string of whitespace only counts as empty.
    public var blankIsEmpty: Bool
    /// Whether the original value is kept in `_pl.raw`.
    public var keepRaw: Bool

    public init(fields: [String], key: [String] = [], blankIsEmpty: Bool = true, keepRaw: Bool = true) {
      self.fields = fields
      self.key = key
      self.blankIsEmpty = blankIsEmpty
      self.keepRaw = keepRaw
    }
  }

  public let config: Config
  public let counters: CleanCounters
  /// The last value of each field, per group.
  private var last: [[JSONValue]: [JSONValue?]] = [:]

  public init(_ config: Config, counters: CleanCounters = CleanCounters()) {
    self.config = config
    self.counters = counters
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    let group = config.key.map { record.fields[key: $0] ?? .null }
    var remembered = last[group] ?? Array(repeating: nil, count: config.fields.count)
    var out: Record?
    var learned = false
    for (n, name) in config.fields.enumerated() {
      let value = record.fields[key: name]
      if let value, !isEmpty(value) {
        if remembered[n] != value {
          remembered[n] = value
          learned = true
        }
        continue
      }
      guard let carried = remembered[n] else { continue }
      if out == nil { out = record }
      out!.fields[key: name] = carried
      if config.keepRaw { out!.keepRaw(name, value ?? .null) }
      counters.add("forward_filled")
    }
    if learned { last[group] = remembered }
    return out.map { .change($0) } ?? .pass
  }

  private func isEmpty(_ value: JSONValue) -> Bool {
    switch value {
    case .null: true
    case .string(let s): s.isEmpty || (config.blankIsEmpty && s.unicodeScalars.allSatisfy(\.isBlank))
    default: false
    }
  }
}
