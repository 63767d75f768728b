/// The names a spec may use that belong to other parts of cleaning: units for now.
///
/// The spec reader checks names against it so that a misspelt unit stops the run before any
/// record is read. `basic` knows the units labs print most; a unit table with more names
/// builds a vocabulary of its own and hands it to `SpecReader`.
public struct SpecVocabulary: Sendable {
  /// The unit names, as written in specs (case matters: `mg` is not `Mg`).
  public var units: [String]

  public init(units: [String]) {
    self.units = units
  }

  public func isUnit(_ name: String) -> Bool { units.contains(name) }

  /// Mass fractions and concentrations, temperatures, pressures, times, volumes, energies and
  /// the unitless.
  public static let basic = SpecVocabulary(units: [
    "%", "g/100g", "g/100 g", "g/100mL", "g/100 mL", "g/kg", "mg/kg", "mg/100g", "mg/100 g", "µg/kg", "ug/kg",
    "µg/100g", "µg/100 g", "ug/100g", "ng/g", "ng/kg", "mg/g", "µg/g", "ppm", "ppb", "ppt", "‰",
    "g", "mg", "µg", "ug", "ng", "kg",
    "g/L", "g/l", "mg/L", "mg/l", "µg/L", "ug/L", "mg/mL", "mg/ml", "µg/mL", "ng/mL", "mol/L", "mmol/L", "µmol/L",
    "L", "l", "mL", "ml", "µL", "uL",
    "°C", "degC", "C", "°F", "degF", "F", "K",
    "Pa", "kPa", "MPa", "hPa", "bar", "mbar", "psi", "atm", "mmHg",
    "s", "min", "h", "d", "ms",
    "kcal", "kJ", "kcal/100g", "kcal/100 g", "kJ/100g", "kJ/100 g",
    "pH", "aw", "°Bx", "Brix", "CFU/g", "cfu/g", "CFU/mL", "log CFU/g", "mS/cm", "µS/cm", "NTU", "rpm", "1",
  ])
}
