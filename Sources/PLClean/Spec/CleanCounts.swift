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

  public init() {}

  /// The counts as the members of the summary's `changes` object, in a fixed order.
  public var fields: [Field] {
    [
      Field("renamed", .integer(renamed)), Field("snake_cased", .integer(snakeCased)),
      Field("dropped", .integer(dropped)), Field("constants", .integer(constants)),
      Field("from_meta", .integer(fromMeta)), Field("typed", .integer(typed)),
      Field("defaulted", .integer(defaulted)), Field("notes", .integer(notes)),
    ]
  }
}
