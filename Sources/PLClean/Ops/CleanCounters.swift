// Record operations of pl-clean: each is a `RecordTransform` configured by a plain value that
// the spec parser builds.
//
//   NullSentinels, NormalizeWhitespace, EmptyToNull   value fixes; originals kept in `_pl.raw`
//   ForwardFill                                       values carried down rows, per key
//   Deduplicate (+ DeduplicateSpill)                  exact or keyed, first or last, bounded memory
//   FillTimestampGaps                                 missing stamps of a regular log, from neighbours
//   Derive (+ Expression)                             computed fields from a small expression language
//   WideToLong, LongToWide                            reshaping
//   Pseudonymise (+ PseudonymKey)                     keyed HMAC-SHA-256 in place of identifiers
//
// Every operation counts what it changed by kind in a `CleanCounters` the command may share
// between operations and print at the end.

/// Counts of what cleaning operations changed, by kind (`sentinel_to_null`: 12), for the
/// command's summary.
///
/// A reference, so that the command keeps a handle on the counts of operations it hands to
/// the pipeline; several operations may share one. Not safe to use from two threads at once.
public final class CleanCounters {
  /// The counts so far, by kind.
  public private(set) var counts: [String: Int] = [:]

  public init() {}

  /// Adds `n` to the count of `kind`.
  public func add(_ kind: String, _ n: Int = 1) {
    counts[kind, default: 0] += n
  }

  /// The count of `kind` (0 when nothing of that kind happened).
  public subscript(kind: String) -> Int { counts[kind] ?? 0 }
}

/// Which fields a value operation looks at.
public enum FieldSelection: Equatable, Sendable {
  /// Every field of the record.
  case all
  /// Only the fields named, when present.
  case named([String])

  @inline(__always)
  func contains(_ key: String) -> Bool {
    switch self {
    case .all: true
    case .named(let names): names.contains(key)
    }
  }
}
