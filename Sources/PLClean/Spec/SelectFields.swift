import PLCore

/// Chooses and orders the fields written: drops (drop:, fields.*.drop), keeps (keep:), and
/// puts fields first (order:, or a pinned shape's canonical order).
///
/// Names match output names as `FieldNameMatcher` matches. Without `keep:` every field not
/// dropped is written; listed fields come first in the listed order, the rest after them as
/// they came. Dropped values are counted in the summary, not kept in `_pl.raw`: dropping is
/// what was asked.
public struct SelectFields: RecordTransform {
  public var drop: [String]
  public var keep: [String]?
  public var order: [String]
  let counts: CleanCounts
  var cache: [[String]: [Int]] = [:]

  public init(drop: [String], keep: [String]?, order: [String], counts: CleanCounts) {
    self.drop = drop
    self.keep = keep
    self.order = order
    self.counts = counts
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    let keys = record.fields.map(\.key)
    let chosen: [Int]
    if let known = cache[keys] {
      chosen = known
    } else {
      chosen = choose(keys)
      if cache.count > 4096 { cache.removeAll() }
      cache[keys] = chosen
    }
    counts.dropped += keys.count - chosen.count
    guard chosen != Array(keys.indices) else { return .pass }
    var out = record
    out.fields = chosen.map { record.fields[$0] }
    return .change(out)
  }

  /// The indices of the fields written, in the order they are written.
  func choose(_ keys: [String]) -> [Int] {
    var open = Set(keys.indices)
    for name in drop {
      for i in matching(name, keys) { open.remove(i) }
    }
    if let keep {
      var kept = Set<Int>()
      for name in keep { kept.formUnion(matching(name, keys)) }
      open.formIntersection(kept)
    }
    var result: [Int] = []
    for name in order {
      for i in matching(name, keys) where open.contains(i) && !result.contains(i) { result.append(i) }
    }
    result += keys.indices.filter { open.contains($0) && !result.contains($0) }
    return result
  }

  /// The fields `name` stands for: the one of that exact name, else those matching it.
  func matching(_ name: String, _ keys: [String]) -> [Int] {
    if let exact = keys.firstIndex(of: name) { return [exact] }
    let key = FieldNameMatcher.normalised(name)
    return keys.indices.filter { FieldNameMatcher.normalised(keys[$0]) == key }
  }
}
