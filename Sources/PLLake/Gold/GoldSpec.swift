// The gold layer: aggregates of a silver dataset for dashboards.
//
//   gold.yml ──▶ GoldSpecReader ──▶ GoldSpec
//   silver parts (lines) or records ──▶ GoldAggregator: one GroupState per group × period
//                                            │ finish(history: existing gold records)
//                                            ▼
//   each group's points (its period means, in period order) ──▶ RobustZ, NelsonRule ──▶ gold records
//
// `GoldLakeRun` is what `pl-promote gold` calls: it finds the silver partitions that changed,
// reads them (small gzip parts whole with libdeflate, `WholeGzip`), passes the existing gold as
// history and commits the rewritten gold partitions with a manifest. `GoldBuild.run` is the
// same build without a lake (tests, the bench entry).
//
// State: measures need every value of a group × period (the median and percentiles are exact),
// so memory grows with the numeric values of the periods read (8 bytes each) and the number of
// groups; the records themselves are never kept. The history is the gold dataset, one record
// per group × period.
import PLCore

/// A validated gold spec: how silver records are grouped, what is measured, how results are
/// judged against spec limits, the quality score and the anomaly rules.
public struct GoldSpec: Sendable, Equatable {
  /// The spec's name in messages: its path as given.
  public var file: String
  /// The fields whose values make a group (product, analyte, …), in output order.
  public var groupBy: [String]
  /// What orders a group's points: a day taken from a timestamp, or a field's own value.
  public var period: GoldPeriod
  /// The numeric field measured.
  public var value: String
  /// The measures written, in order (count is always written).
  public var measures: [GoldMeasure]
  /// How a result is judged in or out of spec.
  public var limits: SpecLimits
  /// The checks of the quality score, in order.
  public var quality: [QualityCheck]
  /// The anomaly rules; nil when the spec asks for none.
  public var anomalies: AnomalyRules?

  public init(file: String, groupBy: [String], period: GoldPeriod, value: String, measures: [GoldMeasure],
              limits: SpecLimits = SpecLimits(), quality: [QualityCheck] = [], anomalies: AnomalyRules? = nil) {
    self.file = file
    self.groupBy = groupBy
    self.period = period
    self.value = value
    self.measures = measures
    self.limits = limits
    self.quality = quality
    self.anomalies = anomalies
  }
}

/// What orders the points of a group.
public enum GoldPeriod: Sendable, Equatable {
  /// The UTC day (`YYYY-MM-DD`) of a timestamp field; written as the field `day`.
  case day(field: String)
  /// The field's own value (a trial run, a batch number): numbers in numeric order, then texts
  /// in byte order; written under the field's own name.
  case value(field: String)

  /// The silver field the period is read from.
  public var field: String {
    switch self {
    case .day(let f), .value(let f): f
    }
  }

  /// The name of the period in gold records.
  public var outputName: String {
    switch self {
    case .day: "day"
    case .value(let f): f
    }
  }
}

/// One measure of a group's numeric values.
public enum GoldMeasure: Sendable, Equatable {
  case count, mean, sd, min, max, median
  /// The `p`-th percentile (0…100), by linear interpolation between order statistics.
  case percentile(Double, name: String)

  public var name: String {
    switch self {
    case .count: "count"
    case .mean: "mean"
    case .sd: "sd"
    case .min: "min"
    case .max: "max"
    case .median: "median"
    case .percentile(_, let name): name
    }
  }
}

/// How a result is judged in or out of spec. The first that applies decides:
/// the record's own limit fields (`fields`), then its verdict field (`verdict`), then the first
/// entry of `table` whose `when` matches the record. A result none of them judges is counted
/// as not judged.
public struct SpecLimits: Sendable, Equatable {
  /// Fields of the record holding its lower and upper limit (`spec_min`, `spec_max`).
  public var minField: String?
  public var maxField: String?
  /// A field holding a verdict, and the texts of it that mean out of spec.
  public var verdictField: String?
  public var verdictFail: [String]
  /// Limits by field values (per analyte, per product × analyte).
  public var table: [LimitEntry]

  public init(minField: String? = nil, maxField: String? = nil, verdictField: String? = nil, verdictFail: [String] = [],
              table: [LimitEntry] = []) {
    self.minField = minField
    self.maxField = maxField
    self.verdictField = verdictField
    self.verdictFail = verdictFail
    self.table = table
  }

  public var isEmpty: Bool { minField == nil && maxField == nil && verdictField == nil && table.isEmpty }
}

/// Limits that apply to records whose fields equal `when`.
public struct LimitEntry: Sendable, Equatable {
  public var when: [Field]
  public var min: Double?
  public var max: Double?

  public init(when: [Field], min: Double?, max: Double?) {
    self.when = when
    self.min = min
    self.max = max
  }
}

/// A named check of the quality score; the score is the weighted mean of the checks' pass
/// rates over the records of a group × period (checks that judged no record left out).
public struct QualityCheck: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// The result is within its spec limits (records not judged are not counted).
    case inSpec
    /// The measured field holds a number.
    case numeric
    /// The field is present, not null and not an empty text.
    case present(String)
    /// The field's value is one of these (compared as JSON values).
    case oneOf(String, [JSONValue])
    /// The field holds a number within the bounds (inclusive); anything else fails.
    case range(String, min: Double?, max: Double?)
  }

  public var name: String
  public var weight: Double
  public var kind: Kind

  public init(name: String, weight: Double, kind: Kind) {
    self.name = name
    self.weight = weight
    self.kind = kind
  }
}

/// The anomaly rules, judged for each point of a group (its mean for one period) against the
/// `window` points of the same group before it.
public struct AnomalyRules: Sendable, Equatable {
  /// How many earlier points of the group a point is judged against.
  public var window: Int
  public var robustZ: RobustZRule?
  public var control: ControlChartRule?

  public init(window: Int, robustZ: RobustZRule?, control: ControlChartRule?) {
    self.window = window
    self.robustZ = robustZ
    self.control = control
  }
}

/// A robust z-score against the window: `(x − median) / (1.4826 · MAD)`; flagged beyond `threshold`.
public struct RobustZRule: Sendable, Equatable {
  public var threshold: Double
  /// Fewer earlier points than this: no score.
  public var minHistory: Int

  public init(threshold: Double = 3.5, minHistory: Int = 5) {
    self.threshold = threshold
    self.minHistory = minHistory
  }
}

/// Western Electric / Nelson rules over the window and the point, with the centre line and
/// sigma estimated from the window.
public struct ControlChartRule: Sendable, Equatable {
  public enum Sigma: String, Sendable, Equatable {
    /// The mean moving range of the window divided by d2 = 1.128 (the individuals chart).
    case movingRange = "moving_range"
    /// The sample standard deviation of the window.
    case sd
  }

  public var rules: [NelsonRule]
  public var sigma: Sigma
  /// Fewer earlier points than this: no rule is judged.
  public var minHistory: Int
  /// Points in a row on one side of the centre for rule 2: 9 (Nelson) or 8 (Western Electric).
  public var sameSideRun: Int

  public init(rules: [NelsonRule] = NelsonRule.allCases, sigma: Sigma = .movingRange, minHistory: Int = 8, sameSideRun: Int = 9) {
    self.rules = rules
    self.sigma = sigma
    self.minHistory = minHistory
    self.sameSideRun = sameSideRun
  }
}
