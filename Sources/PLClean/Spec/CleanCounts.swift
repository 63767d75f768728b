import PLCore

/// How many changes of each kind a run made, for the summary: the transforms of one plan
/// share it.
public final class CleanCounts {
  /// Fields renamed by the spec (rename:, fields.*.from, columns:).
  public var renamed = 0
  /// Fields renamed into snake case.
  public var snakeCased = 0
  /// Fields left out (drop:, keep:, fields.*.drop).
  public var dropped = 0
  /// Fields set from constants:.
  public var constants = 0
  /// Fields set from _pl.meta.
  public var fromMeta = 0
  /// Values converted to their field's type.
  public var typed = 0
  /// Fields that got their default.
  public var defaulted = 0
  /// Notes added to _pl.notes.
  public var notes = 0
  /// The notes by code, in the order their codes first came.
  public private(set) var noteCodes: [Field] = []
  /// What the record operations (sentinels, trimming, dedupe, fill, derive, reshape,
  /// pseudonymise) changed, by kind.
  public let operations = CleanCounters()

  /// Counts a note of `code`.
  public func noted(_ code: String) {
    notes += 1
    if let i = noteCodes.firstIndex(where: { $0.key == code }), case .number(let n) = noteCodes[i].value, let count = Int(n) {
      noteCodes[i].value = .integer(count + 1)
    } else {
      noteCodes.append(Field(code, .integer(1)))
    }
  }

  public init() {}

  /// The counts as the members of the summary's `changes` object, in a fixed order; then the
  /// operations' counts by kind (sorted), and `notes_by_code` when there were notes.
  public var fields: [Field] {
    var out: [Field] = [
      Field("renamed", .integer(renamed)), Field("snake_cased", .integer(snakeCased)),
      Field("dropped", .integer(dropped)), Field("constants", .integer(constants)),
      Field("from_meta", .integer(fromMeta)), Field("typed", .integer(typed)),
      Field("defaulted", .integer(defaulted)), Field("notes", .integer(notes)),
    ]
    for (kind, n) in operations.counts.sorted(by: { $0.key < $1.key }) { out.append(Field(kind, .integer(n))) }
    if !noteCodes.isEmpty { out.append(Field("notes_by_code", .object(noteCodes))) }
    return out
  }
}
