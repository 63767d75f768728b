import PLCore

/// The fields of a gold record, in order: the group fields, the period (`day`, or the period
/// field's own name), then
///
///     records            silver records of the group × period
///     count              numeric values measured
///     refused            records whose value was not a number (reasons in `_pl.refused`)
///     mean, sd, …        the spec's measures, null when there is no value (sd: fewer than 2)
///     judged             values judged in or out of spec          (with spec_limits)
///     out_of_spec        values out of spec
///     out_of_spec_share  out_of_spec / judged, null when nothing was judged
///     quality_score      weighted mean of the checks' pass rates  (with quality)
///     quality            {check: pass rate}, null for a check that judged no record
///     robust_z           the mean's robust z against the window    (with anomalies.robust_z)
///     flags              ["robust_z", "nelson_2", …]               (with anomalies)
///
/// and `_pl`: `silver` (the parts read), `batches` (their batches), `refused` ({reason: count}).
public enum GoldRecordLayout {
  public static let reserved: Set<String> = [
    "day", "records", "count", "refused", "mean", "sd", "min", "max", "median", "judged", "out_of_spec",
    "out_of_spec_share", "quality_score", "quality", "robust_z", "flags",
  ]
}

/// The gold records a build produced, and for which periods.
public struct GoldOutput: Sendable {
  /// The periods whose gold is rewritten (as JSON values: `"2024-05-01"`, or a run's value), in
  /// order: the changed ones, and later ones whose anomaly window reaches back into a changed one.
  /// A period listed with no record had its silver emptied: its gold goes away.
  public var periods: [JSONValue]
  /// One record per group × period of `periods`, sorted by period, then by group values.
  public var records: [Record]
  /// Silver records read, and refused without a group.
  public var recordsRead: Int
  public var unplaced: Int
}

/// Builds gold from silver: the entry point of `pl-promote gold`.
///
/// Incremental use: read the silver of the changed periods only, and pass the dataset's existing
/// gold as `history`. Each point is judged against the `window` points of its group before it,
/// so the output also rewrites the periods holding the next `window` points of each group after
/// a changed period (their measures are kept from history; their anomalies are judged again).
/// Replacing the gold of `periods` with `records` gives exactly what a full recompute gives.
public enum GoldBuild {
  /// Gold from records (all from one source, e.g. a test or a stream).
  public static func run(spec: GoldSpec, silverRecords: some Sequence<Record>, part: SilverPart = SilverPart(name: "-"),
                         history: some Sequence<Record> = [Record](), changedPeriods: [JSONValue]? = nil,
                         onRefuse: @escaping (GoldRefusal) -> Void = { _ in }) throws(PLError) -> GoldOutput {
    let aggregator = GoldAggregator(spec: spec, onRefuse: onRefuse)
    aggregator.begin(part: part)
    for (i, record) in silverRecords.enumerated() { aggregator.add(record, source: part.name, lineNumber: i + 1) }
    return try aggregator.finish(history: history, changedPeriods: changedPeriods)
  }

  /// Gold from part files (NDJSON, gzip-compressed when the name ends in `.gz`), read in the
  /// order given. `path` is where to open each; `part.name` is what lineage says.
  public static func run(spec: GoldSpec, parts: [(part: SilverPart, path: String)], history: some Sequence<Record> = [Record](),
                         changedPeriods: [JSONValue]? = nil,
                         onRefuse: @escaping (GoldRefusal) -> Void = { _ in }) throws(PLError) -> GoldOutput {
    let aggregator = GoldAggregator(spec: spec, onRefuse: onRefuse)
    for (part, path) in parts {
      let stream = try FileStream(path: path)
      try aggregator.read(part: part, stream: stream, gzip: path.hasSuffix(".gz"))
    }
    return try aggregator.finish(history: history, changedPeriods: changedPeriods)
  }
}

/// A period as gold orders it: numbers by value, before texts in byte order.
struct PeriodKey: Hashable, Comparable {
  let value: JSONValue

  static func < (a: PeriodKey, b: PeriodKey) -> Bool { GoldOrder.less(a.value, b.value) }
}

/// The order of group values and periods: null, false, true, numbers by value (then text),
/// strings by their UTF-8 bytes, then anything else by its JSON text.
enum GoldOrder {
  static func rank(_ v: JSONValue) -> Int {
    switch v {
    case .null: 0
    case .bool(false): 1
    case .bool(true): 2
    case .number: 3
    case .string: 4
    default: 5
    }
  }

  static func less(_ a: JSONValue, _ b: JSONValue) -> Bool {
    let ra = rank(a), rb = rank(b)
    if ra != rb { return ra < rb }
    switch (a, b) {
    case (.number(let x), .number(let y)):
      let dx = Double(x) ?? 0, dy = Double(y) ?? 0
      return dx != dy ? dx < dy : x.utf8.lexicographicallyPrecedes(y.utf8)
    case (.string(let x), .string(let y)):
      return x.utf8.lexicographicallyPrecedes(y.utf8)
    default:
      return JSONWriter.string(a).utf8.lexicographicallyPrecedes(JSONWriter.string(b).utf8)
    }
  }

  static func less(_ a: [JSONValue], _ b: [JSONValue]) -> Bool {
    for (x, y) in zip(a, b) where x != y { return less(x, y) }
    return a.count < b.count
  }
}

extension GoldAggregator {
  /// One group × period of the output: computed from silver now, or kept from history.
  /// A class, so that sorting tens of thousands of them moves references only.
  final class Cell {
    let group: [JSONValue]
    let period: PeriodKey
    /// The mean, when the cell is a point of its group's series.
    let mean: Double?
    let state: GroupState?
    let history: Record?
    var robustZ: JSONValue = .null
    var flags: [String] = []

    init(group: [JSONValue], period: PeriodKey, mean: Double?, state: GroupState? = nil, history: Record? = nil) {
      self.group = group
      self.period = period
      self.mean = mean
      self.state = state
      self.history = history
    }
  }

  /// Ends the build: measures each group × period read, merges them with `history` (existing gold
  /// records; those of changed periods are dropped), judges anomalies and returns the records of
  /// the periods to rewrite.
  ///
  /// - Parameter changedPeriods: the periods whose silver changed; nil: the periods read.
  /// - Throws: `PLError.malformed` for a history record without the group and period fields.
  public func finish(history: some Sequence<Record>, changedPeriods: [JSONValue]? = nil) throws(PLError) -> GoldOutput {
    var cells: [Cell] = []
    var changed = Set<PeriodKey>()
    for state in states {
      let parts = state.key.split(separator: 0x01, omittingEmptySubsequences: false)
      var values: [JSONValue] = []
      for p in parts {
        do {
          values.append(try p.withUnsafeBufferPointer { b throws(JSONSyntaxError) in try JSONParser.parseValue(b) })
        } catch {
          throw .internalError("gold: a group key does not read back: \(error.message)")
        }
      }
      let period = PeriodKey(value: values.removeFirst())
      changed.insert(period)
      state.values.sort()
      let mean = SortedSample(sorted: state.values).mean
      cells.append(Cell(group: values, period: period, mean: mean, state: state))
    }
    if let changedPeriods {
      changed = Set(changedPeriods.map(PeriodKey.init))
      cells.removeAll { !changed.contains($0.period) }
    }
    let periodName = spec.period.outputName
    for (i, record) in history.enumerated() {
      guard let p = record[periodName] else {
        throw .malformed(source: "gold history", location: .line(i + 1), message: "a gold record without \(periodName)")
      }
      let period = PeriodKey(value: p)
      if changed.contains(period) { continue }
      let group = spec.groupBy.map { record[$0] ?? .null }
      var mean: Double?
      if case .number(let text)? = record["mean"] { mean = Double(text) }
      cells.append(Cell(group: group, period: period, mean: mean, history: record))
    }
    // Each group's series, ordered by period.
    var byGroup: [[JSONValue]: [Int]] = [:]
    for (i, cell) in cells.enumerated() { byGroup[cell.group, default: []].append(i) }
    var output = changed
    let window = spec.anomalies?.window ?? 0
    let changedSorted = changed.sorted()
    for (_, members) in byGroup {
      let series = members.sorted { cells[$0].period < cells[$1].period }
      // The periods of the next `window` points after each changed period are judged again.
      var remaining = 0
      var c = 0
      for i in series {
        let period = cells[i].period
        while c < changedSorted.count && changedSorted[c] < period {
          remaining = window
          c += 1
        }
        if c < changedSorted.count && changedSorted[c] == period {
          remaining = window
          c += 1
        } else if cells[i].mean != nil && remaining > 0 {
          output.insert(period)
          remaining -= 1
        }
      }
    }
    // Every point is judged against the points of its group before it (cheap next to reading
    // silver), so that a kept cell in a rewritten period is judged too.
    if let rules = spec.anomalies {
      for (_, members) in byGroup {
        let series = members.sorted { cells[$0].period < cells[$1].period }
        var points: [Double] = []
        for i in series {
          guard let x = cells[i].mean else { continue }
          judge(cells[i], x: x, window: Array(points.suffix(rules.window)), rules: rules)
          points.append(x)
        }
      }
    }
    var selected = cells.filter { output.contains($0.period) }
    selected.sort { a, b in a.period != b.period ? a.period < b.period : GoldOrder.less(a.group, b.group) }
    let records = selected.map(record)
    return GoldOutput(periods: output.sorted().map(\.value), records: records, recordsRead: recordsRead, unplaced: unplaced)
  }

  func judge(_ cell: Cell, x: Double, window: [Double], rules: AnomalyRules) {
    cell.flags = []
    cell.robustZ = .null
    if let rz = rules.robustZ, window.count >= rz.minHistory, !window.isEmpty {
      let score = RobustZ(x: x, references: window)
      if let z = score.z {
        cell.robustZ = goldNumber(z)
        if abs(z) > rz.threshold { cell.flags.append("robust_z") }
      } else if score.departsFromConstant {
        cell.flags.append("robust_z")
      }
    }
    if let cc = rules.control, window.count >= cc.minHistory, let limits = ControlLimits(window: window, method: cc.sigma) {
      let sequence = window + [x]
      for rule in cc.rules where rule.fires(sequence, center: limits.center, sigma: limits.sigma, sameSideRun: cc.sameSideRun) {
        cell.flags.append(rule.flag)
      }
    }
  }

  func record(_ cell: Cell) -> Record {
    var anomalyFields: [Field] = []
    if let rules = spec.anomalies {
      if rules.robustZ != nil { anomalyFields.append(Field("robust_z", cell.robustZ)) }
      anomalyFields.append(Field("flags", .array(cell.flags.map(JSONValue.string))))
    }
    if var kept = cell.history {
      for f in anomalyFields { kept[f.key] = f.value }
      return kept
    }
    let state = cell.state!
    var fields: [Field] = zip(spec.groupBy, cell.group).map { Field($0, $1) }
    fields.append(Field(spec.period.outputName, cell.period.value))
    fields.append(Field("records", .integer(state.records)))
    let sample = SortedSample(sorted: state.values)
    for measure in spec.measures {
      let x: Double?
      switch measure {
      case .count:
        fields.append(Field("count", .integer(sample.count)))
        fields.append(Field("refused", .integer(state.records - sample.count)))
        continue
      case .mean: x = cell.mean
      case .sd: x = sample.sd
      case .min: x = sample.min
      case .max: x = sample.max
      case .median: x = sample.median
      case .percentile(let p, _): x = sample.percentile(p)
      }
      fields.append(Field(measure.name, x.map(goldNumber) ?? .null))
    }
    if !spec.limits.isEmpty {
      fields.append(Field("judged", .integer(state.judged)))
      fields.append(Field("out_of_spec", .integer(state.outOfSpec)))
      fields.append(Field("out_of_spec_share", state.judged > 0 ? goldNumber(Double(state.outOfSpec) / Double(state.judged)) : .null))
    }
    if !spec.quality.isEmpty {
      var rates: [Field] = []
      var weighted = 0.0, weights = 0.0
      for (i, check) in spec.quality.enumerated() {
        guard state.checkJudged[i] > 0 else {
          rates.append(Field(check.name, .null))
          continue
        }
        let rate = Double(state.checkPassed[i]) / Double(state.checkJudged[i])
        rates.append(Field(check.name, goldNumber(rate)))
        weighted += check.weight * rate
        weights += check.weight
      }
      fields.append(Field("quality_score", weights > 0 ? goldNumber(weighted / weights) : .null))
      fields.append(Field("quality", .object(rates)))
    }
    fields += anomalyFields
    var meta: [Field] = []
    let read = state.parts.map { parts[$0] }
    meta.append(Field("silver", .array(Set(read.map(\.name)).sorted().map(JSONValue.string))))
    let batches = Set(read.compactMap(\.batch)).sorted()
    if !batches.isEmpty { meta.append(Field("batches", .array(batches.map(JSONValue.string)))) }
    if !state.refused.isEmpty {
      meta.append(Field("refused", .object(state.refused.keys.sorted().map { Field($0, .integer(state.refused[$0]!)) })))
    }
    return Record(fields, meta: meta)
  }
}
