import Foundation
import PLCore

/// Turns each wide record (one column per analyte) into one record per value column:
/// `{sample, Ca, Mg}` → `{sample, variable: "Ca", value: …}`, `{sample, variable: "Mg", value: …}`.
///
/// Identifier fields are copied to every output record (null when the input lacks one);
/// fields that are neither identifiers nor value columns are dropped, or kept when
/// `keepOthers` says so. Each output record carries the input's `_pl` plus `_pl.column`, the
/// column it came from. Outputs come in the order of the input's columns. A record with no
/// value column is rejected (`no-value-columns`) rather than vanishing. Streaming; counted as
/// `wide_to_long_records` (inputs) and `wide_to_long_values` (outputs).
public struct WideToLong: RecordTransform {
  /// Which fields are value columns.
  public enum Columns: Equatable, Sendable {
    /// The fields named.
    case named([String])
    /// Fields whose names match a glob pattern (`*` any run, `?` one character).
    case matching(String)
    /// Fields whose whole names match a regular expression (a spec's `columns: {pattern: …}`).
    case regex(String)
    /// Every field that is not an identifier (nor kept by name in `keep`).
    case allOthers
  }

  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    /// Fields copied to every output record, in this order.
    public var ids: [String]
    public var columns: Columns
    /// The field that receives the column's name.
    public var nameField: String
    /// The field that receives the column's value.
    public var valueField: String
    /// Whether fields that are neither identifiers nor value columns are kept (after the
    /// identifiers, in their order) instead of dropped.
    public var keepOthers: Bool
    /// Whether a null value makes no output record.
    public var skipNulls: Bool

    public init(ids: [String], columns: Columns = .allOthers, nameField: String = "variable", valueField: String = "value", keepOthers: Bool = false, skipNulls: Bool = false) {
      self.ids = ids
      self.columns = columns
      self.nameField = nameField
      self.valueField = valueField
      self.keepOthers = keepOthers
      self.skipNulls = skipNulls
    }
  }

  public let config: Config
  public let counters: CleanCounters
  /// Decisions on column names seen so far: records of one file repeat them.
  private var isColumn: [String: Bool] = [:]
  private var compiled: NSRegularExpression?

  public init(_ config: Config, counters: CleanCounters = CleanCounters()) {
    self.config = config
    self.counters = counters
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    var others: [Field] = []
    var values: [Field] = []
    for field in record.fields where !config.ids.contains(field.key) {
      if column(field.key) {
        if !(config.skipNulls && field.value == .null) { values.append(field) }
      } else if config.keepOthers {
        others.append(field)
      }
    }
    if values.isEmpty {
      return .reject([RecordIssue(rule: "wide-to-long", code: "no-value-columns", message: "the record has no value column to turn into records")])
    }
    var prefix = config.ids.map { Field($0, record.fields[key: $0] ?? .null) }
    prefix += others
    var out: [Record] = []
    out.reserveCapacity(values.count)
    for value in values {
      var fields = prefix
      fields.append(Field(config.nameField, .string(value.key)))
      fields.append(Field(config.valueField, value.value))
      var meta = record.meta
      meta[key: "column"] = .string(value.key)
      out.append(Record(fields, meta: meta))
    }
    counters.add("wide_to_long_records")
    counters.add("wide_to_long_values", out.count)
    return .emit(out)
  }

  private mutating func column(_ name: String) -> Bool {
    if let known = isColumn[name] { return known }
    let answer: Bool
    switch config.columns {
    case .named(let names): answer = names.contains(name)
    case .matching(let pattern): answer = Self.glob(Array(pattern.unicodeScalars)[...], Array(name.unicodeScalars)[...])
    case .regex(let pattern):
      if compiled == nil { compiled = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$") }
      let range = NSRange(name.startIndex..<name.endIndex, in: name)
      answer = compiled?.firstMatch(in: name, range: range) != nil
    case .allOthers: answer = true
    }
    if isColumn.count < 10_000 { isColumn[name] = answer }
    return answer
  }

  /// Whether `name` matches the glob `pattern` (`*` any run, `?` one character).
  static func glob(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
    var p = pattern.startIndex, n = name.startIndex
    var star: Int?, resume = n
    while n < name.endIndex {
      if p < pattern.endIndex && (pattern[p] == "?" || pattern[p] == name[n]) {
        p += 1
        n += 1
      } else if p < pattern.endIndex && pattern[p] == "*" {
        star = p
        p += 1
        resume = n
      } else if let s = star {
        p = s + 1
        resume += 1
        n = resume
      } else {
        return false
      }
    }
    while p < pattern.endIndex && pattern[p] == "*" { p += 1 }
    return p == pattern.endIndex
  }
}
