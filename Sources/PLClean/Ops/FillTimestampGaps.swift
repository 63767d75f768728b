import PLCore

/// Gives records of a regular log that lack a timestamp the stamp their place implies: the
/// previous stamp of their series plus the log's interval, checked against the next stamp.
///
/// A series is the stream, or the records sharing the values of `key` fields (a run id). A
/// record lacks a stamp when the field is missing, null or blank; a field holding text that
/// does not parse is neither a stamp nor a gap and goes on untouched. For a gap of n records
/// between stamps t₀ and t₁, with interval i (`interval`, or else the series' last interval
/// between two stamps in a row), the records get t₀ + i, t₀ + 2i, … when t₀ + (n+1)·i equals
/// t₁ within `tolerance`; each filled record gets a `filled-timestamp` note and its original
/// value (null for a missing field) in `_pl.raw`. A gap that does not fit, has no stamp before
/// it, or is still open at the end of the stream is left as it is, each record with an
/// `unfilled-timestamp` note. Counted as `timestamp_filled` and `timestamp_unfilled`.
///
/// Order is preserved: from the first record of an open gap on, every record waits (of any
/// series) until the gap closes. At most `maxHeld` records wait: beyond that the open gaps are
/// given up (their records go on with an `unfilled-timestamp` note, as do the rest of those
/// gaps), so memory stays bounded on a log whose stamps stop.
public struct FillTimestampGaps: RecordTransform {
  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    /// The timestamp field (canonical ISO 8601 UTC text by this stage).
    public var field: String
    /// The fields whose values name a series (empty: the whole stream is one series).
    public var key: [String]
    /// The log's interval in seconds; nil to take each series' last observed interval.
    public var interval: Double?
    /// How far, in seconds, the next stamp may be from where the interval puts it.
    public var tolerance: Double
    /// The most records held back waiting for a gap to close.
    public var maxHeld: Int
    /// Whether the original value is kept in `_pl.raw`.
    public var keepRaw: Bool

    public init(field: String, key: [String] = [], interval: Double? = nil, tolerance: Double = 0.001, maxHeld: Int = 10_000, keepRaw: Bool = true) {
      self.field = field
      self.key = key
      self.interval = interval
      self.tolerance = tolerance
      self.maxHeld = maxHeld
      self.keepRaw = keepRaw
    }
  }

  public let config: Config
  public let counters: CleanCounters
  private let parse: @Sendable (String) -> Double?
  private let format: @Sendable (Double) -> String

  private struct Series {
    var lastStamp: Double?
    var lastInterval: Double?
    /// Absolute queue positions of the records of the open gap.
    var gap: [Int] = []
    /// The gap was given up (held too long); its later records go on at once, noted.
    var givenUp = false
  }

  private struct Held {
    var record: Record
    var waiting: Bool
  }

  private var series: [[JSONValue]: Series] = [:]
  private var queue: [Held] = []
  /// The absolute position of `queue[0]`; `head` is the first record still held.
  private var base = 0
  private var head = 0

  /// - Parameters:
  ///   - parse: epoch seconds of a stamp, nil when it is not one (default: `ISO8601Z.parse`).
  ///   - format: the stamp of epoch seconds (default: `ISO8601Z.format`).
  public init(
    _ config: Config, counters: CleanCounters = CleanCounters(),
    parse: @escaping @Sendable (String) -> Double? = ISO8601Z.parse,
    format: @escaping @Sendable (Double) -> String = ISO8601Z.format
  ) {
    self.config = config
    self.counters = counters
    self.parse = parse
    self.format = format
  }

  private enum Stamp {
    case missing
    case stamp(Double)
    case other
  }

  private func stamp(of record: Record) -> Stamp {
    switch record.fields[key: config.field] {
    case nil, .null: return .missing
    case .string(let s):
      if s.unicodeScalars.allSatisfy(\.isBlank) { return .missing }
      return parse(s).map { .stamp($0) } ?? .other
    default: return .other
    }
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    let id = config.key.map { record.fields[key: $0] ?? .null }
    var current = series[id] ?? Series()
    var outcome: Outcome?
    switch stamp(of: record) {
    case .other:
      if enqueue(record, waiting: false) { outcome = .pass }
    case .missing:
      if current.lastStamp == nil || current.givenUp {
        var noted = record
        unfilled(&noted, current.givenUp ? "more than \(config.maxHeld) records waited for the next timestamp" : "no earlier timestamp in its series")
        if enqueue(noted, waiting: false) { outcome = .change(noted) }
      } else {
        current.gap.append(base + queue.count)
        _ = enqueue(record, waiting: true)
      }
    case .stamp(let t):
      if !current.gap.isEmpty { close(&current, next: t) }
      if let last = current.lastStamp, current.gap.isEmpty, !current.givenUp { current.lastInterval = t - last }
      current.gap = []
      current.givenUp = false
      current.lastStamp = t
      if enqueue(record, waiting: false) { outcome = .pass }
    }
    series[id] = current
    if queue.count - head > config.maxHeld { giveUp() }
    if let outcome { return outcome }
    return .emit(release())
  }

  public mutating func finish() throws(PLError) -> [Record] {
    for id in Array(series.keys) where !(series[id]!.gap.isEmpty) {
      for position in series[id]!.gap {
        unfilled(&queue[position - base].record, "no later timestamp in its series")
        queue[position - base].waiting = false
      }
      series[id]!.gap = []
    }
    return release()
  }

  /// Queues `record`, unless nothing waits and neither does it: then it goes on at once
  /// (returns true).
  private mutating func enqueue(_ record: Record, waiting: Bool) -> Bool {
    if head == queue.count && !waiting { return true }
    queue.append(Held(record: record, waiting: waiting))
    return false
  }

  /// The records at the front that no longer wait.
  private mutating func release() -> [Record] {
    var out: [Record] = []
    while head < queue.count, !queue[head].waiting {
      out.append(queue[head].record)
      head += 1
    }
    if head == queue.count || (head > 4096 && head * 2 > queue.count) {
      queue.removeFirst(head)
      base += head
      head = 0
    }
    return out
  }

  /// Fills (or, when the next stamp does not fit, notes) the open gap of `current`.
  private mutating func close(_ current: inout Series, next t1: Double) {
    let gap = current.gap
    guard let t0 = current.lastStamp else { return }
    let n = Double(gap.count)
    let interval = config.interval ?? current.lastInterval
    let fits = interval.map { $0 > 0 && abs(t0 + (n + 1) * $0 - t1) <= config.tolerance } ?? false
    for (i, position) in gap.enumerated() {
      var record = queue[position - base].record
      if fits, let interval {
        let original = record.fields[key: config.field] ?? .null
        record.fields[key: config.field] = .string(format(t0 + Double(i + 1) * interval))
        if config.keepRaw { record.keepRaw(config.field, original) }
        record.addNote(CleanNote(field: config.field, code: "filled-timestamp", message: "filled as the previous timestamp plus \(i + 1) × \(interval.jsonText) s, which the next timestamp confirms"))
        counters.add("timestamp_filled")
      } else if let interval {
        unfilled(&record, "\(gap.count) missing timestamp\(gap.count == 1 ? "" : "s") between \(format(t0)) and \(format(t1)) do not fit an interval of \(interval.jsonText) s")
      } else {
        unfilled(&record, "the series has no interval yet (two timestamps in a row) to fill from")
      }
      queue[position - base].record = record
      queue[position - base].waiting = false
    }
  }

  /// Gives up every open gap: its records go on, noted, and so will the rest of it.
  private mutating func giveUp() {
    for id in Array(series.keys) where !(series[id]!.gap.isEmpty) {
      for position in series[id]!.gap {
        unfilled(&queue[position - base].record, "more than \(config.maxHeld) records waited for the next timestamp")
        queue[position - base].waiting = false
      }
      series[id]!.gap = []
      series[id]!.givenUp = true
    }
  }

  private func unfilled(_ record: inout Record, _ why: String) {
    record.addNote(CleanNote(field: config.field, code: "unfilled-timestamp", message: "timestamp left missing: \(why)"))
    counters.add("timestamp_unfilled")
  }
}
