import PLCore
import PLLake

/// One point of a control chart: a gold record's period mean and what gold judged of it.
public struct ChartPoint: Sendable, Equatable {
  /// The period as gold wrote it (`2026-11-30`, or a run's value).
  public var period: String
  /// Where the period sorts: its day in seconds, or its number, when it has one.
  public var order: Double?
  public var mean: Double?
  /// Gold's anomaly flags (`robust_z`, `nelson_1`, …).
  public var flags: [String]
  public var robustZ: Double?
  public var outOfSpec: Int
  public var judged: Int
  public var records: Int

  public init(period: String, order: Double? = nil, mean: Double?, flags: [String] = [], robustZ: Double? = nil,
              outOfSpec: Int = 0, judged: Int = 0, records: Int = 0) {
    self.period = period
    self.order = order
    self.mean = mean
    self.flags = flags
    self.robustZ = robustZ
    self.outOfSpec = outOfSpec
    self.judged = judged
    self.records = records
  }
}

/// The points of one group of a gold dataset (one product × analyte), in period order, with the
/// group's quality totals.
public struct GoldSeries: Sendable {
  public var dataset: String
  /// The group fields and their values, as gold wrote them (the spec's group_by).
  public var group: [Field]
  public var points: [ChartPoint]
  /// Quality check pass rates weighted by records, over the group's periods.
  public var quality = QualityTally()

  public var title: String { group.map { ReportValue.text($0.value) }.joined(separator: " · ") }
}

/// Sums of gold's quality fields: the score and each check's pass rate, weighted by records.
public struct QualityTally: Sendable {
  public var records = 0
  public var judged = 0
  public var outOfSpec = 0
  public var scoreSum = 0.0
  public var scoreWeight = 0
  /// Check name → (weighted pass sum, weight), in first-seen order.
  public var checks: [(name: String, sum: Double, weight: Int)] = []

  public var score: Double? { scoreWeight > 0 ? scoreSum / Double(scoreWeight) : nil }

  mutating func add(_ record: Record, records n: Int) {
    records += n
    judged += ReportValue.int(record["judged"]) ?? 0
    outOfSpec += ReportValue.int(record["out_of_spec"]) ?? 0
    if let s = ReportValue.double(record["quality_score"]) {
      scoreSum += s * Double(n)
      scoreWeight += n
    }
    if case .object(let rates)? = record["quality"] {
      for rate in rates {
        guard let r = ReportValue.double(rate.value) else { continue }
        if let i = checks.firstIndex(where: { $0.name == rate.key }) {
          checks[i].sum += r * Double(n)
          checks[i].weight += n
        } else {
          checks.append((rate.key, r * Double(n), n))
        }
      }
    }
  }
}

/// Reads a gold dataset's live parts into one series per group.
///
/// The group fields are those gold writes before the period (its layout: group fields, the
/// period, then `records`), so whatever the spec's `group_by` was, it is read back from the
/// records themselves.
public enum GoldSeriesReader {
  /// - Throws: `.malformed` (65) for a damaged part or a record not in gold's layout.
  public static func read(lake: Lake, dataset: LakeDataset) throws(PLError) -> [GoldSeries] {
    var index: [[Field]: Int] = [:]
    var series: [GoldSeries] = []
    for file in dataset.liveFiles {
      var line = 0
      try PartReader.forEachRecord(lake: lake, relativePath: file.output.path) { (record) throws(PLError) in
        line += 1
        guard let at = record.fields.firstIndex(where: { $0.key == "records" }), at >= 1 else {
          throw .malformed(source: lake.path(file.output.path), location: .line(line), message: "not a gold record (no records field after the period)")
        }
        let group = Array(record.fields[0..<(at - 1)])
        let periodValue = record.fields[at - 1].value
        let n = ReportValue.int(record["records"]) ?? 0
        var flags: [String] = []
        if case .array(let values)? = record["flags"] { flags = values.compactMap(\.stringValue) }
        let point = ChartPoint(
          period: ReportValue.text(periodValue), order: ReportValue.order(periodValue), mean: ReportValue.double(record["mean"]),
          flags: flags, robustZ: ReportValue.double(record["robust_z"]), outOfSpec: ReportValue.int(record["out_of_spec"]) ?? 0,
          judged: ReportValue.int(record["judged"]) ?? 0, records: n)
        let i: Int
        if let known = index[group] {
          i = known
        } else {
          i = series.count
          index[group] = i
          series.append(GoldSeries(dataset: dataset.name, group: group, points: []))
        }
        series[i].points.append(point)
        series[i].quality.add(record, records: n)
      }
    }
    for i in series.indices {
      series[i].points.sort { a, b in
        if let x = a.order, let y = b.order, x != y { return x < y }
        return a.period.utf8.lexicographicallyPrecedes(b.period.utf8)
      }
    }
    return series
  }
}

/// Reading numbers and texts out of JSON values the way the report shows them.
public enum ReportValue {
  public static func double(_ v: JSONValue?) -> Double? {
    if case .number(let t)? = v { return Double(t) }
    return nil
  }

  public static func int(_ v: JSONValue?) -> Int? {
    if case .number(let t)? = v { return Int(t) ?? Double(t).map { Int($0) } }
    return nil
  }

  /// A string as it is, anything else as its JSON text.
  public static func text(_ v: JSONValue) -> String {
    if case .string(let s) = v { return s }
    return JSONWriter.string(v)
  }

  /// A day's seconds, or a number's value.
  public static func order(_ v: JSONValue) -> Double? {
    switch v {
    case .string(let s): ReportTime.seconds(s)
    case .number(let t): Double(t)
    default: nil
    }
  }
}
