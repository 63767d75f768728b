import Foundation
import PLCore

/// The lab profile's shaping: turns the records pl-extract makes of a lab file, whatever its
/// layout, into the canonical result, reading or score records, without a spec per file.
///
/// Decisions are per source (`_pl.source`): the first `window` records of a source are held,
/// their keys and values decide the shape and the part of each column (`SourceLayout`), and
/// then they and the rest of the source stream through. Held state is bounded: the window, and
/// the gap filling of reading timestamps (`FillTimestampGaps`, at most `maxHeld` rows).
///
/// - result: one record per sample and analyte, from long tables (analyte, result and unit
///   columns) and wide exports (one column per analyte, the unit in the header). `value` is in
///   the analyte's canonical unit, the printed text kept in `result_text` and `unit_raw`.
/// - reading: one record per timestamp and channel; temperatures in degC, pressures in bar.
/// - score: one record per panelist, sample and attribute.
///
/// Source fields the shape has no place for are kept under their snake-case names. Every
/// decision taken without evidence (a time zone assumed, a shape not found, a sentinel nulled,
/// a timestamp filled) is said in `_pl.notes`.
public struct LabShaper: RecordTransform {
  public struct Config: Sendable {
    /// The shape asked for; nil to detect it per source.
    public var shape: CleanSpec.Shape?
    /// The zone of naive times when the source names none (spec `timezone:`, `--tz`).
    public var timezone: TimeZone?
    public var dateOrder: DateOrder?
    public var decimal: DecimalMark?
    /// How many records of a source decide its layout.
    public var window: Int
    /// The most reading rows held while a timestamp gap is open.
    public var maxHeld: Int
    public var keepRaw: Bool
    /// The analyte dictionary: the built-in one, or the run's with a spec's `analytes:` names.
    public var analytes: AnalyteDictionary

    public init(shape: CleanSpec.Shape? = nil, timezone: TimeZone? = nil, dateOrder: DateOrder? = nil, decimal: DecimalMark? = nil, window: Int = 64, maxHeld: Int = 10_000, keepRaw: Bool = true, analytes: AnalyteDictionary = .shared) {
      self.analytes = analytes
      self.shape = shape
      self.timezone = timezone
      self.dateOrder = dateOrder
      self.decimal = decimal
      self.window = window
      self.maxHeld = maxHeld
      self.keepRaw = keepRaw
    }
  }

  public let config: Config
  let counts: CleanCounts?

  private var source: String?
  private var pending: [Record] = []
  private var shaper: SourceShaper?

  public init(_ config: Config, counts: CleanCounts? = nil) {
    self.config = config
    self.counts = counts
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    let name = record.meta[key: MetaKey.source]?.stringValue ?? ""
    var out: [Record] = []
    if name != source {
      out += try endSource()
      source = name
    }
    if shaper == nil {
      pending.append(record)
      if pending.count < config.window { return .emit(out) }
      out += try startSource()
      return .emit(out)
    }
    out += try shaper!.shape(record)
    return .emit(out)
  }

  public mutating func finish() throws(PLError) -> [Record] {
    try endSource()
  }

  private mutating func startSource() throws(PLError) -> [Record] {
    guard let first = pending.first else { return [] }
    let layout = SourceLayout.decide(window: pending, pinned: config.shape, dateOrderHint: config.dateOrder, decimalHint: config.decimal, analytes: config.analytes)
    let context = SourceContext(record: first, timezone: config.timezone)
    var shaper = SourceShaper(layout: layout, context: context, config: config)
    var out: [Record] = []
    for record in pending { out += try shaper.shape(record) }
    pending = []
    self.shaper = shaper
    return out
  }

  private mutating func endSource() throws(PLError) -> [Record] {
    var out: [Record] = []
    if shaper == nil { out += try startSource() }
    if var s = shaper { out += try s.finish() }
    shaper = nil
    return out
  }
}
