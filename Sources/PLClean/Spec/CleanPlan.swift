import Foundation
import PLCore

/// A checked cleaning run: the spec in force (flags over spec over profile) and the
/// transforms it makes, in the order they run.
///
/// The order: names (renames, then snake case), added fields (from _pl.meta, constants),
/// types and defaults, then the choice and order of fields. Sections of the spec that belong
/// to parts of cleaning this build does not have are refused here (exit 78, with their place
/// in the spec), before any record is read: a spec is never half obeyed.
public struct CleanPlan {
  public let spec: CleanSpec
  /// Keep the originals of changed values in `_pl.raw`.
  public let keepRaw: Bool
  public let counts = CleanCounts()
  /// Things people should know before the run (a type whose values are kept as text).
  public private(set) var notices: [String] = []
  /// Whether the lab profile's shaping runs: the profile named (flag or spec `profile:`) or a
  /// shape asked for; a spec that only leans on the default profile keeps its source names.
  public let shapes: Bool

  /// - Parameters:
  ///   - spec: the spec file's spec, or an empty one; it extends its profile.
  ///   - overrides: what the flags say; it wins over the spec.
  ///   - profile: the profile a flag names, over the spec's `profile:`.
  /// - Throws: `PLError.config` for a section this build cannot run, or a profile that does
  ///   not exist.
  public init(spec: CleanSpec, overrides: CleanSpec = CleanSpec(), profile: String? = nil, keepRaw: Bool = true)
    throws(PLError)
  {
    let profileName = profile ?? spec.profile ?? "lab"
    guard let base = CleanProfile.named(profileName) else {
      throw .usage("unknown profile \(SpecWords.quoted(profileName)); the profiles are \(SpecWords.list(CleanProfile.names))")
    }
    var effective = overrides.extending(spec.extending(base))
    effective.profile = profileName
    self.spec = effective
    self.keepRaw = keepRaw
    shapes = effective.shape != CleanSpec.Shape.none && (effective.shape != nil || (profile ?? spec.profile) != nil)
    try refuseMissingParts()
    notices = unconvertedTypeNotices()
  }

  /// The sections whose transforms are not in this build, with the words for their refusal.
  static let missingParts: [(key: String, what: String)] = [
    ("sentinels", "replacing sentinels"), ("trim", "trimming"), ("empty_to_null", "turning empty texts into null"),
    ("derive", "derived fields"), ("dedupe", "removing duplicates"), ("fill", "filling gaps"),
    ("reshape", "reshaping"), ("pseudonymise", "pseudonymising"), ("analytes", "the analyte dictionary"),
    ("censored", "substituting censored results"),
  ]

  func refuseMissingParts() throws(PLError) {
    let s = spec
    let used: [String: Bool] = [
      "sentinels": !(s.sentinels ?? []).isEmpty || s.fields.contains { !($0.sentinels ?? []).isEmpty },
      "trim": s.trim == true, "empty_to_null": s.emptyToNull == true, "derive": !s.derive.isEmpty,
      "dedupe": s.dedupe != nil, "fill": s.fill != nil, "reshape": s.reshape != nil, "pseudonymise": s.pseudonymise != nil,
      "analytes": !s.analytes.isEmpty, "censored": s.censored != nil,
    ]
    for (key, what) in Self.missingParts where used[key] == true {
      let reason = "\(what) is not part of this build of pl-clean"
      if let place = s.places[key] ?? s.places.first(where: { $0.key.hasSuffix("." + key) })?.value {
        throw place.error("\(key): " + reason)
      }
      // Only flags say it without a place in the spec.
      throw .config(source: ["sentinels": "--sentinel", "dedupe": "--dedupe"][key] ?? key, message: reason)
    }
  }

  func unconvertedTypeNotices() -> [String] {
    spec.fields.compactMap { rule in
      guard let type = rule.type, FieldTyper.standardConverters[type] is UnconvertedType else { return nil }
      let at = spec.places["fields.\(rule.name).type"] ?? spec.places["fields.\(rule.name)"]
      return "\(at.map { "\($0): " } ?? "")field \(rule.name): this pl-clean does not convert \(type.rawValue) values; they are kept as they are, with a not-converted note"
    }
  }

  /// The renames in force: rename:, then fields.*.from (and a field rule's own name, so that
  /// `sample_id` finds `Sample ID`), then columns: by the shape's field for each role.
  public var renames: [CleanSpec.Rename] {
    var out = spec.rename
    for rule in spec.fields where !out.contains(where: { $0.to == rule.name }) {
      out.append(.init(to: rule.name, from: rule.from))
    }
    let shape = spec.shape ?? SpecBuilder.shape(of: spec.columns) ?? .none
    for c in spec.columns {
      guard let field = c.role.field(in: shape) else { continue }
      if let i = out.firstIndex(where: { $0.to == field }) { out[i].from.insert(c.column, at: 0) } else { out.append(.init(to: field, from: [c.column])) }
    }
    return out
  }

  /// The transforms, in the order they run; each call makes fresh ones.
  public func transforms() -> [any RecordTransform] {
    var out: [any RecordTransform] = []
    if let shaper = labShaper() { out.append(shaper) }
    let renames = self.renames
    if !renames.isEmpty || spec.snakeCase == true {
      out.append(RenameFields(renames: renames, snakeCase: spec.snakeCase == true, counts: counts))
    }
    if !spec.fromMeta.isEmpty || !spec.constants.isEmpty {
      out.append(AddFields(fromMeta: spec.fromMeta, constants: spec.constants, keepRaw: keepRaw, counts: counts))
    }
    let rules = spec.fields.filter { !$0.drop && ($0.type != nil || $0.defaultValue != nil) }
      .map { FieldTyper.Rule(field: $0.name, type: $0.type, defaultValue: $0.defaultValue) }
    if !rules.isEmpty { out.append(FieldTyper(rules: rules, keepRaw: keepRaw, counts: counts)) }
    let drop = spec.drop + spec.fields.filter(\.drop).map(\.name)
    var order = spec.order ?? []
    if spec.order == nil, let shape = spec.shape, spec.keep == nil { order = shape.fields }
    if !drop.isEmpty || spec.keep != nil || !order.isEmpty {
      out.append(SelectFields(drop: drop, keep: spec.keep, order: order, counts: counts))
    }
    return out
  }

  /// The lab profile's shaping (Profile/LabShaper), first of all: it reads the headers as
  /// printed. Only for the `lab` profile, with the shape detected or one of result, reading, score.
  func labShaper() -> LabShaper? {
    guard shapes, spec.profile == "lab" else { return nil }
    return LabShaper(
      .init(
        shape: spec.shape, timezone: spec.timezone.flatMap(TimeZone.init(identifier:)),
        dateOrder: spec.dateOrder.flatMap { DateOrder(rawValue: $0.rawValue) },
        decimal: spec.decimal.flatMap { DecimalMark(rawValue: $0.rawValue) }, keepRaw: keepRaw),
      counts: counts)
  }
}
