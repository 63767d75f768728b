import Foundation
import PLCore

/// A checked cleaning run: the spec in force (flags over spec over profile) and the
/// transforms it makes, in the order they run.
///
/// The order, for each record:
///  1. names (renames, then snake case);
///  2. added fields (from _pl.meta, constants);
///  3. trimming (`trim:`), sentinels (global, then per field), empty texts to null;
///  4. forward filling (`fill.forward`);
///  5. wide to long (`reshape.wide_to_long`);
///  6. types and defaults of the fields not derived (`fields:`), censored substitutes with them;
///  7. timestamp gaps (`fill.timestamps`, on the typed UTC times);
///  8. derived fields (`derive:`), then the types of derived fields that have a `fields:` rule;
///  9. pseudonyms (`pseudonymise:`);
/// 10. duplicates (`dedupe:`, on the pseudonymised values);
/// 11. long to wide (`reshape.long_to_wide`);
/// 12. the choice and order of fields.
///
/// Everything a run needs from outside the records (the pseudonym key, the extra analyte
/// names, the expressions) is loaded and checked here, before any record is read.
public struct CleanPlan {
  public let spec: CleanSpec
  /// Keep the originals of changed values in `_pl.raw`.
  public let keepRaw: Bool
  public let counts = CleanCounts()
  /// Things people should know before the run (a datetime field without a time zone).
  public private(set) var notices: [String] = []
  /// Whether the lab profile's shaping runs: the profile named (flag or spec `profile:`) or a
  /// shape asked for; a spec that only leans on the default profile keeps its source names.
  public let shapes: Bool
  /// The analyte dictionary of this run: the built-in one with the spec's `analytes:` names.
  public let analytes: AnalyteDictionary
  /// How many records may wait for a column's decimal mark or date order to be decided.
  public var window = FieldTyper.Window()
  /// Where deduplication spills its keys when they outgrow their memory (nil: the system's).
  public var temporaryFolder: String?
  let pseudonymKey: PseudonymKey?
  let derivations: [Derive.Derivation]

  /// - Parameters:
  ///   - spec: the spec file's spec, or an empty one; it extends its profile.
  ///   - overrides: what the flags say; it wins over the spec.
  ///   - profile: the profile a flag names, over the spec's `profile:`.
  /// - Throws: `PLError.config` for an expression that does not parse, an unknown analyte
  ///   code or a key that cannot be used; `PLError.inputMissing` for a key file that cannot be
  ///   read; `PLError.usage` for a profile that does not exist.
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
    let s = effective
    func error(_ key: String, _ reason: String) -> PLError {
      if let place = s.places[key] { return place.error(reason) }
      return .config(source: key, message: reason)
    }
    var derivations: [Derive.Derivation] = []
    for d in s.derive {
      do throws(ExpressionError) {
        derivations.append(.init(field: d.name, expression: try Expression(parsing: d.expression)))
      } catch let problem {
        throw error("derive.\(d.name)", "derive.\(d.name): \(SpecWords.quoted(d.expression)) at its column \(problem.column): \(problem.message)")
      }
    }
    self.derivations = derivations
    switch AnalyteDictionary.shared.adding(synonyms: s.analytes.map { ($0.code, $0.synonyms) }) {
    case .success(let dictionary): analytes = dictionary
    case .failure(let unknown): throw error("analytes", "analytes: \(SpecWords.quoted(unknown.code)) is not an analyte code of the dictionary")
    }
    if let p = s.pseudonymise {
      switch p.key {
      case .file(let path): pseudonymKey = try PseudonymKey.load(file: path)
      case .environment(let name): pseudonymKey = try PseudonymKey.load(environment: name)
      }
    } else {
      pseudonymKey = nil
    }
    for rule in s.fields where rule.type == .datetime && s.timezone == nil && rule.format != "epoch" && rule.format != "epoch_ms" {
      let at = s.places["fields.\(rule.name).type"] ?? s.places["fields.\(rule.name)"]
      notices.append("\(at.map { "\($0): " } ?? "")field \(rule.name): no time zone is said (timezone: or --tz); times written without an offset are kept as they are, with a no-time-zone note")
    }
  }

  /// The decimal mark the spec or flags say: `decimal:`, else the one `locale:` writes.
  var declaredMark: DecimalMark? {
    if let d = spec.decimal { return d == .comma ? .comma : .point }
    return spec.locale.flatMap(Self.decimalMark(locale:))
  }

  /// The decimal mark numbers are written with in `locale`, when the locale tells.
  static func decimalMark(locale: String) -> DecimalMark? {
    let parts = locale.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.lowercased() }
    guard let language = parts.first else { return nil }
    // Switzerland and Liechtenstein write a decimal point in every language.
    if parts.dropFirst().contains(where: { $0 == "ch" || $0 == "li" }) { return .point }
    let comma: Set = ["de", "fr", "nl", "it", "es", "pt", "da", "sv", "nb", "nn", "no", "fi", "pl", "cs", "sk", "sl", "hr", "hu", "ro", "ru", "uk", "tr", "el", "bg", "et", "lv", "lt", "is", "ca", "id", "vi"]
    let point: Set = ["en", "ja", "zh", "ko", "he", "th", "hi", "ms", "ga", "mt"]
    if comma.contains(language) { return .comma }
    if point.contains(language) { return .point }
    return nil
  }

  /// The converter of a field rule's type, built from the spec.
  func converter(for rule: CleanSpec.FieldRule) -> (any ValueConverter)? {
    let table = UnitTable.standard
    let unit = rule.unit.flatMap(table.lookup), toUnit = rule.toUnit.flatMap(table.lookup)
    let density = rule.density.flatMap(Double.init)
    switch rule.type {
    case .integer?: return IntegerConverter(mark: declaredMark)
    case .number?: return NumberConverter(mark: declaredMark, unit: unit, toUnit: toUnit, density: density)
    case .measurement?:
      return MeasurementConverter(
        field: rule.name, mark: declaredMark, unit: unit, toUnit: toUnit, density: density, substitute: spec.censored?.substitute)
    case let type? where type == .date || type == .datetime:
      let zone = spec.timezone.flatMap { TimeZone(identifier: $0) }
      var order = spec.dateOrder.flatMap { DateOrder(rawValue: $0.rawValue) }
      var format = DateTimeConverter.Format.text
      switch rule.format {
      case "excel"?: format = .excel
      case "epoch"?: format = .epoch
      case "epoch_ms"?: format = .epochMilliseconds
      case let text?: order = DateTimeConverter.order(ofFormat: text) ?? order
      case nil: break
      }
      return DateTimeConverter(type: type, order: order, zone: zone, format: format, decide: true)
    default: return nil
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
  ///
  /// - Throws: `PLError` when deduplication cannot set up its spill folder.
  public func transforms() throws(PLError) -> [any RecordTransform] {
    var out: [any RecordTransform] = []
    let ops = counts.operations
    if let shaper = labShaper() { out.append(shaper) }
    let renames = self.renames
    if !renames.isEmpty || spec.snakeCase == true {
      out.append(RenameFields(renames: renames, snakeCase: spec.snakeCase == true, counts: counts))
    }
    if !spec.fromMeta.isEmpty || !spec.constants.isEmpty {
      out.append(AddFields(fromMeta: spec.fromMeta, constants: spec.constants, keepRaw: keepRaw, counts: counts))
    }
    if spec.trim == true {
      out.append(NormalizeWhitespace(.init(fields: .all, collapse: false, keepRaw: keepRaw), counters: ops))
    }
    if let sentinels = spec.sentinels, !sentinels.isEmpty {
      out.append(NullSentinels(.init(sentinels: sentinels, fields: .all, keepRaw: keepRaw), counters: ops))
    }
    for rule in spec.fields where !(rule.sentinels ?? []).isEmpty && !rule.drop {
      out.append(NullSentinels(.init(sentinels: rule.sentinels!, fields: .named([rule.name]), keepRaw: keepRaw), counters: ops))
    }
    if spec.emptyToNull == true {
      out.append(EmptyToNull(.init(fields: .all, blankIsEmpty: true, keepRaw: keepRaw), counters: ops))
    }
    if let fill = spec.fill, !fill.forward.isEmpty {
      out.append(ForwardFill(.init(fields: fill.forward, key: fill.forwardBy, keepRaw: keepRaw), counters: ops))
    }
    if case .wideToLong(let w)? = spec.reshape {
      let columns: WideToLong.Columns
      switch w.columns {
      case .names(let names): columns = .named(names)
      case .pattern(let pattern): columns = .regex(pattern)
      }
      out.append(WideToLong(.init(ids: w.id, columns: columns, nameField: w.name, valueField: w.value), counters: ops))
    }
    let derived = Set(spec.derive.map(\.name))
    func typer(_ derivedOnes: Bool) -> FieldTyper? {
      let rules = spec.fields.filter { !$0.drop && ($0.type != nil || $0.defaultValue != nil) && derived.contains($0.name) == derivedOnes }
        .map { FieldTyper.Rule(field: $0.name, type: $0.type, defaultValue: $0.defaultValue, converter: converter(for: $0)) }
      return rules.isEmpty ? nil : FieldTyper(rules: rules, keepRaw: keepRaw, counts: counts, window: window)
    }
    if let t = typer(false) { out.append(t) }
    if let fill = spec.fill, let field = fill.timestamps {
      let zone = spec.timezone.flatMap { TimeZone(identifier: $0) }
      let order = spec.dateOrder.flatMap { DateOrder(rawValue: $0.rawValue) }
      out.append(
        FillTimestampGaps(
          .init(field: field, key: fill.timestampsBy, keepRaw: keepRaw), counters: ops,
          parse: { text in
            var parser = TimestampParser(order: order, zone: zone)
            guard let instant = parser.parse(text)?.instant else { return nil }
            return Double(instant.seconds) + (Double("0." + instant.fraction) ?? 0)
          }))
    }
    if !derivations.isEmpty {
      out.append(Derive(.init(derivations: derivations, keepRaw: keepRaw), counters: ops))
      if let t = typer(true) { out.append(t) }
    }
    if let p = spec.pseudonymise, let key = pseudonymKey {
      out.append(try Pseudonymise(.init(fields: p.fields, key: key, length: p.length, prefix: p.prefix ?? ""), counters: ops))
    }
    if let d = spec.dedupe {
      let config = Deduplicate.Config(
        key: d.keys, keep: d.keep == .last ? .last : .first, memoryLimit: d.memory ?? Deduplicate.Config.defaultMemoryLimit,
        temporaryFolder: temporaryFolder)
      out.append(try Deduplicate(config, counters: ops))
    }
    if case .longToWide(let l)? = spec.reshape {
      out.append(LongToWide(.init(key: l.key, nameField: l.name, valueField: l.value), counters: ops))
    }
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
        decimal: spec.decimal.flatMap { DecimalMark(rawValue: $0.rawValue) }, keepRaw: keepRaw, analytes: analytes),
      counts: counts)
  }
}
