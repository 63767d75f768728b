/// One analyte of the dictionary: its canonical code and unit, and the names labs print for it.
public struct Analyte: Equatable, Sendable {
  /// The canonical code (`protein`, `vitamin_b12`, `fa_c16_0`).
  public let code: String
  /// The unit results are converted to (`g/100g`, `µg/kg`, `cfu/g`); nil for presence/absence and
  /// descriptive results.
  public let canonicalUnit: String?
  /// What a result is: `mass_fraction`, `energy`, `count`, `presence`, `fatty_acid_share`, `ph`, …
  public let kind: String
  /// Every name the dictionary knows for it, the code first.
  public let names: [String]
  public let notes: String
}

/// A conversion factor printed in an analyte's name: `N x 6.25` on a protein, `Na x 2.5` on salt.
public struct ConversionFactor: Equatable, Sendable {
  /// What the factor multiplies: `N` (nitrogen) or `Na` (sodium).
  public var of: String
  public var value: Double
  /// The factor as printed (`N x 6,25`).
  public var text: String

  public init(of: String, value: Double, text: String) {
    self.of = of
    self.value = value
    self.text = text
  }
}

/// What a result is expressed on, when the name says.
public enum AnalyteBasis: String, Equatable, Sendable {
  /// On the dry matter (`i. Tr.`, `DM`, `sur sec`).
  case dryMatter = "dry_matter"
  /// On the sample as received (`as is`, `i. OS`).
  case asReceived = "as_received"
}

/// What the dictionary made of a printed analyte name.
public struct AnalyteMatch: Equatable, Sendable {
  public var code: String
  public var canonicalUnit: String?
  public var kind: String
  /// The name as printed, without footnote marker or unit, white space tidied (`Protein (N x 6,25)` of
  /// `Protein (N x 6,25) [%] *)`).
  public var name: String
  /// The footnote marker taken off (`*`, `¹)`, `a)`).
  public var footnote: String?
  /// A unit printed with the name (`%` of `Protein [%]`).
  public var unit: String?
  /// A conversion factor printed in the name.
  public var factor: ConversionFactor?
  /// A basis printed in the name.
  public var basis: AnalyteBasis?
  /// Remarks set aside to find the name: a method (`nach Weibull-Stoldt`), a condition (`30 °C`), a
  /// bracket (`Kjeldahl`).
  public var qualifiers: [String]

  public init(
    code: String, canonicalUnit: String?, kind: String, name: String, footnote: String? = nil, unit: String? = nil,
    factor: ConversionFactor? = nil, basis: AnalyteBasis? = nil, qualifiers: [String] = []
  ) {
    self.code = code
    self.canonicalUnit = canonicalUnit
    self.kind = kind
    self.name = name
    self.footnote = footnote
    self.unit = unit
    self.factor = factor
    self.basis = basis
    self.qualifiers = qualifiers
  }
}
