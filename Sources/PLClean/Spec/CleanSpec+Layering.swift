import PLCore

extension CleanSpec {
  /// This spec laid over `base` (a profile): what this one says wins, what it leaves out
  /// comes from `base`. Lists of names (drop, sentinels) and maps (rename, fields, constants,
  /// from_meta, derive, analytes, columns) are joined, this spec's entry replacing `base`'s
  /// entry of the same name.
  public func extending(_ base: CleanSpec) -> CleanSpec {
    var out = base
    out.version = version
    out.shape = shape ?? base.shape
    out.profile = profile ?? base.profile
    out.locale = locale ?? base.locale
    out.decimal = decimal ?? base.decimal
    out.timezone = timezone ?? base.timezone
    out.dateOrder = dateOrder ?? base.dateOrder
    out.fields = Self.join(base.fields, fields, by: \.name)
    out.rename = Self.join(base.rename, rename, by: \.to)
    out.snakeCase = snakeCase ?? base.snakeCase
    out.drop = base.drop + drop.filter { !base.drop.contains($0) }
    out.keep = keep ?? base.keep
    out.order = order ?? base.order
    if let sentinels { out.sentinels = (base.sentinels ?? []) + sentinels.filter { !(base.sentinels ?? []).contains($0) } }
    out.trim = trim ?? base.trim
    out.emptyToNull = emptyToNull ?? base.emptyToNull
    out.derive = Self.join(base.derive, derive, by: \.name)
    out.constants = Self.join(base.constants, constants, by: \.key)
    out.fromMeta = Self.join(base.fromMeta, fromMeta, by: \.name)
    out.dedupe = dedupe ?? base.dedupe
    out.fill = fill ?? base.fill
    out.reshape = reshape ?? base.reshape
    out.pseudonymise = pseudonymise ?? base.pseudonymise
    out.analytes = Self.join(base.analytes, analytes, by: \.code)
    out.columns = Self.join(base.columns, columns, by: \.column)
    out.censored = censored ?? base.censored
    out.places = base.places.merging(places) { $1 }
    return out
  }

  /// `base` with each of `over`'s entries replacing the one of the same name, new ones after.
  static func join<T>(_ base: [T], _ over: [T], by name: (T) -> String) -> [T] {
    var out = base
    for item in over {
      if let i = out.firstIndex(where: { name($0) == name(item) }) { out[i] = item } else { out.append(item) }
    }
    return out
  }
}
