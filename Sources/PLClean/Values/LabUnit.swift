/// A unit of measure from the unit table, with what it takes to convert it.
///
/// A value `v` in this unit is `(v + offset) × factor` in the base unit of its dimension
/// (g/100g for mass fractions, degC, bar, s, kJ, kJ/100g, cfu/g, g/L…).
public struct LabUnit: Hashable, Sendable, CustomStringConvertible {
  /// The canonical spelling (`g/100g`, `ug/kg`, `degC`, `cfu/g`): ASCII, no spaces around `/`.
  public let code: String
  /// What the unit measures (`mass-fraction`, `temperature`, `pressure`, `count-per-mass`…).
  public let dimension: String
  /// How many base units one unit is.
  public let factor: Double
  /// `factor` as a power of ten when it is exactly one, which makes conversions exact in decimal.
  let factorPower: Int?
  /// Added before scaling (−32 for degF, −273.15 for K).
  public let offset: Double
  /// `gauge` or `absolute` for pressures that say so (`psig`, `bara`), nil otherwise.
  public let reference: String?
  /// The basis a mass fraction is given on (`fresh`, `dry`), from a suffix such as `FS` or `TS`.
  public var basis: String?

  public init(code: String, dimension: String, factor: Double, factorPower: Int? = nil, offset: Double = 0, reference: String? = nil, basis: String? = nil) {
    self.code = code
    self.dimension = dimension
    self.factor = factor
    self.factorPower = factorPower
    self.offset = offset
    self.reference = reference
    self.basis = basis
  }

  /// The code, with the basis when there is one (`g/100g dry`).
  public var description: String { basis.map { "\(code) \($0)" } ?? code }
}

/// Why a value cannot be converted between two units.
public enum UnitConversionError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The units measure different things (`degC` → `bar`).
  case incompatible(from: String, to: String)
  /// A mass concentration and a mass fraction need the density of the sample (`mg/mL` → `%`).
  case needsDensity(from: String, to: String)
  /// A gauge pressure and an absolute one differ by the ambient pressure, which is not known.
  case pressureReference(from: String, to: String)
  /// Fresh and dry basis differ by the dry matter content, which is not known.
  case basis(from: String, to: String)
  /// The result is not a finite number.
  case outOfRange(from: String, to: String)

  /// A stable kebab-case code for `_pl.notes`.
  public var code: String {
    switch self {
    case .incompatible: "incompatible-units"
    case .needsDensity: "needs-density"
    case .pressureReference: "gauge-or-absolute"
    case .basis: "fresh-or-dry-basis"
    case .outOfRange: "conversion-out-of-range"
    }
  }

  public var description: String {
    switch self {
    case .incompatible(let from, let to): "\(from) cannot be converted to \(to): they measure different things"
    case .needsDensity(let from, let to): "\(from) can be converted to \(to) only with the density of the sample"
    case .pressureReference(let from, let to): "\(from) and \(to) differ by the ambient pressure, which is not known"
    case .basis(let from, let to): "\(from) and \(to) are on different bases (fresh or dry matter)"
    case .outOfRange(let from, let to): "converting \(from) to \(to) gives no finite number"
    }
  }
}
