import PLCore

/// Computes fields from expressions over other fields: `carbohydrate = 100 - protein - fat -
/// moisture - ash`, `protein = nitrogen * 6.25`.
///
/// Derivations run in order, each seeing the fields the earlier ones set. A new field goes
/// at the end of the record; an existing one is replaced in place, its old value kept in
/// `_pl.raw` when it differs. A null result is written as null: with a `not-a-number` or
/// `division-by-zero` note always, with a `missing-input` note when `noteMissing` asks for it.
/// Each field set is counted as `derived`, each null result as `derived_null`. Streaming.
public struct Derive: RecordTransform {
  /// One field to compute.
  public struct Derivation: Equatable, Sendable {
    /// The field the result goes to.
    public var field: String
    public var expression: Expression

    public init(field: String, expression: Expression) {
      self.field = field
      self.expression = expression
    }
  }

  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    public var derivations: [Derivation]
    /// Whether a null result caused by a missing or null input gets a `missing-input` note.
    public var noteMissing: Bool
    /// Whether a replaced value is kept in `_pl.raw`.
    public var keepRaw: Bool

    public init(derivations: [Derivation], noteMissing: Bool = false, keepRaw: Bool = true) {
      self.derivations = derivations
      self.noteMissing = noteMissing
      self.keepRaw = keepRaw
    }
  }

  public let config: Config
  public let counters: CleanCounters

  public init(_ config: Config, counters: CleanCounters = CleanCounters()) {
    self.config = config
    self.counters = counters
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    var out = record
    var changed = false
    var problems: [ExpressionProblem] = []
    for derivation in config.derivations {
      problems.removeAll(keepingCapacity: true)
      let value = derivation.expression.evaluate(out, problems: &problems)
      let old = out.fields[key: derivation.field]
      if value == .null {
        counters.add("derived_null")
        var noted = Set<String>()
        for problem in problems where problem.code != "missing-input" || config.noteMissing {
          guard noted.insert(problem.code + problem.message).inserted else { continue }
          out.addNote(CleanNote(field: derivation.field, code: problem.code, message: "\(derivation.field) = \(derivation.expression): \(problem.message)"))
          changed = true
        }
      }
      if old != value {
        if config.keepRaw, let old, old != .null { out.keepRaw(derivation.field, old) }
        out.fields[key: derivation.field] = value
        counters.add("derived")
        changed = true
      }
    }
    return changed ? .change(out) : .pass
  }
}
