import PLCore

/// Replaces empty strings (and, unless asked not to, strings of whitespace only) by null.
///
/// A CSV cell left empty arrives as `""`; downstream a missing value should look the same
/// whichever format it came from. The original goes to `_pl.raw`; each replacement is
/// counted as `empty_to_null`.
public struct EmptyToNull: RecordTransform {
  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    /// The fields to look at.
    public var fields: FieldSelection
    /// Whether a string of spaces, tabs or no-break spaces counts as empty.
    public var blankIsEmpty: Bool
    /// Whether the original value is kept in `_pl.raw`.
    public var keepRaw: Bool

    public init(fields: FieldSelection = .all, blankIsEmpty: Bool = true, keepRaw: Bool = true) {
      self.fields = fields
      self.blankIsEmpty = blankIsEmpty
      self.keepRaw = keepRaw
    }
  }

  public let config: Config
  public let counters: CleanCounters

  public init(_ config: Config = Config(), counters: CleanCounters = CleanCounters()) {
    self.config = config
    self.counters = counters
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    var out: Record?
    for i in record.fields.indices {
      guard case .string(let s) = record.fields[i].value, isEmpty(s), config.fields.contains(record.fields[i].key) else { continue }
      if out == nil { out = record }
      out!.fields[i].value = .null
      if config.keepRaw { out!.keepRaw(record.fields[i].key, .string(s)) }
      counters.add("empty_to_null")
    }
    return out.map { .change($0) } ?? .pass
  }

  private func isEmpty(_ text: String) -> Bool {
    if text.isEmpty { return true }
    guard config.blankIsEmpty else { return false }
    return text.unicodeScalars.allSatisfy(\.isBlank)
  }
}
