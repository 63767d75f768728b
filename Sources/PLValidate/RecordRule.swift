import PLCore

/// What a failed rule does to its record.
public enum Severity: String, Sendable {
  /// The record is rejected, with the rule's issue in `_pl.errors`.
  case error
  /// The record passes; the issue is noted in `_pl.notes` and counted.
  case warn
}

/// A dbt-style threshold on a rule's failures: `">10"`, `">=1"`, `"!=0"`, `">5%"` (of the
/// records the rule was evaluated on).
public struct Threshold: Sendable, CustomStringConvertible {
  public enum Op: String, Sendable { case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<=", equal = "==", notEqual = "!=" }
  public var op: Op
  public var amount: Double
  public var percent: Bool
  public let description: String

  public init?(_ text: String) {
    var rest = Substring(text.filter { $0 != " " })
    var found: Op?
    for candidate in [Op.greaterOrEqual, .lessOrEqual, .notEqual, .equal, .greater, .less] where rest.hasPrefix(candidate.rawValue) {
      found = candidate
      rest = rest.dropFirst(candidate.rawValue.count)
      break
    }
    if found == nil, rest.hasPrefix("=") {
      found = .equal
      rest = rest.dropFirst()
    }
    guard let op = found else { return nil }
    percent = rest.hasSuffix("%")
    if percent { rest = rest.dropLast() }
    guard let amount = Double(rest), amount >= 0 else { return nil }
    self.op = op
    self.amount = amount
    description = text
  }

  /// True when `failed` of `evaluated` meets the threshold (the alarm goes off).
  public func isMet(failed: Int, evaluated: Int) -> Bool {
    let x = percent ? (evaluated == 0 ? 0 : 100 * Double(failed) / Double(evaluated)) : Double(failed)
    switch op {
    case .greater: return x > amount
    case .greaterOrEqual: return x >= amount
    case .less: return x < amount
    case .lessOrEqual: return x <= amount
    case .equal: return x == amount
    case .notEqual: return x != amount
    }
  }
}

/// When a rule applies: every clause must hold. `{analyte: sodium}`, `{analyte: [a, b]}`,
/// `{has: [sample_id]}`, `{missing: [ts]}`.
public struct Condition: Sendable {
  enum Clause: Sendable {
    case oneOf(String, Set<String>)
    case present(String)
    case absent(String)
  }
  var clauses: [Clause]

  func holds(_ r: Record, _ missing: MissingValues) -> Bool {
    holds(missing) { r.value($0) }
  }

  /// Whether every clause holds, with the values `value` gives for field names.
  @inline(__always)
  func holds(_ missing: MissingValues, value: (String) -> JSONValue?) -> Bool {
    for clause in clauses {
      switch clause {
      case .oneOf(let field, let values):
        guard let text = value(field)?.keyText, values.contains(text) else { return false }
      case .present(let field):
        if missing.isMissing(value(field)) { return false }
      case .absent(let field):
        if !missing.isMissing(value(field)) { return false }
      }
    }
    return true
  }

  /// The fields the clauses read.
  var fields: [String] {
    clauses.map {
      switch $0 {
      case .oneOf(let field, _), .present(let field), .absent(let field): field
      }
    }
  }
}

/// A bound of a range: a number, or a text compared as text (dates).
enum Bound: Sendable {
  case number(Double)
  case text(String)

  var description: String {
    switch self {
    case .number(let n): numberText(n)
    case .text(let t): t
    }
  }
}

/// The Frictionless field types.
public enum FieldType: String, Sendable, CaseIterable {
  case string, number, integer, boolean, date, datetime, time, year, yearmonth, duration, object, array, any
}

/// One check a record rule makes; the rule's `field` is the field it reads first.
enum Check: Sendable {
  case type(FieldType, format: String?, trueValues: Set<String>, falseValues: Set<String>)
  case required
  case requireAny([String])
  case range(min: Bound?, max: Bound?, exclusiveMin: Bool, exclusiveMax: Bool)
  case length(min: Int?, max: Int?)
  /// The allowed texts; `few` holds them as a list too when there are at most 16.
  case oneOf(Set<String>, few: [String]?)
  case pattern(Pattern)
  case notFuture(tolerance: Double)
  case expression(Expression)
  case unitAllowed(by: String, allowed: [String: Set<String>])
  case censoredLimit(qualifier: String, loq: String, qualifiers: Set<String>)
  case notes(codes: Set<String>?)
  case specLimits(product: String, analyte: String, table: SpecTable)
  case sentinel(values: Set<Double>, fields: [String]?)
  case unique(fields: [String])
}

extension Check {
  static func oneOf(_ values: Set<String>) -> Check {
    .oneOf(values, few: values.count <= 16 ? values.sorted() : nil)
  }
}

/// One example of a failure, for the report.
struct FailureExample: Sendable {
  var source: String
  var line: Int?
  var row: Int?
  var page: Int?
  var value: JSONValue?
  var message: String
}

/// A per-record rule, parsed once, with its tallies for the report.
final class RecordRule {
  let name: String
  let field: String?
  let check: Check
  let severity: Severity
  let condition: Condition?
  let mostly: Double?
  let warnIf: Threshold?
  let errorIf: Threshold?
  /// The Frictionless-style code of its failures.
  let code: String
  /// What the rule checks, for the report (`protein between 0 and 100`).
  let summary: String

  var evaluated = 0
  var failed = 0
  var examples: [FailureExample] = []
  /// The keys seen, for a `unique` check.
  var keySet: KeySet?

  init(name: String, field: String?, check: Check, severity: Severity = .error, condition: Condition? = nil,
       mostly: Double? = nil, warnIf: Threshold? = nil, errorIf: Threshold? = nil, code: String, summary: String) {
    self.name = name
    self.field = field
    self.check = check
    self.severity = severity
    self.condition = condition
    self.mostly = mostly
    self.warnIf = warnIf
    self.errorIf = errorIf
    self.code = code
    self.summary = summary
  }

  var successPercent: Double {
    evaluated == 0 ? 100 : 100 * Double(evaluated - failed) / Double(evaluated)
  }

  /// The rule's own verdict over the run: `fail` when `mostly` or `error_if` says so, `warn`
  /// when `warn_if` does; plain failures are the records' business (rejects, warnings).
  var status: RuleStatus {
    if let errorIf, errorIf.isMet(failed: failed, evaluated: evaluated) { return .fail }
    if let mostly, evaluated > 0, Double(evaluated - failed) / Double(evaluated) < mostly { return severity == .error ? .fail : .warn }
    if let warnIf, warnIf.isMet(failed: failed, evaluated: evaluated) { return .warn }
    return failed == 0 ? .pass : (severity == .error ? .rejected : .warned)
  }
}

/// How a rule came out over a run.
enum RuleStatus: String {
  /// No failures.
  case pass
  /// Records failed and were rejected (the gate is `--max-rejects`).
  case rejected
  /// Records failed and were passed with a warning.
  case warned
  /// A `warn_if` threshold was met (or `mostly` missed on a warning rule).
  case warn
  /// `error_if` was met or `mostly` missed: the quality gate fails.
  case fail
}

/// The outcome of one check on one record.
enum Verdict {
  case pass
  /// The rule does not apply (its field is missing, its expression unknown).
  case skip
  case fail(field: String?, message: String, value: JSONValue?)
}

/// Specification limits per product and analyte, from a lookup file.
struct SpecTable: Sendable {
  var limits: [String: (min: Double?, max: Double?)] = [:]

  static func key(_ product: String, _ analyte: String) -> String { product + "\u{1F}" + analyte }
}
