import PLCore

import Foundation

/// The units labs write, read from `Data/units.csv` (one row per unit: code, dimension, factor,
/// offset, pressure reference, spellings separated by `|`) and `Data/units-basis.csv`
/// (suffixes such as `FS`, `TS`, `i. Tr.` that put a mass fraction on a fresh or dry basis).
///
/// Lookups ignore spaces, `µ`/`μ`/`u`, `·`/`.` and one pair of enclosing brackets, then case
/// where that is safe: a spelling whose lower-case form belongs to two different units (`Cal`
/// is kcal, `cal` is a calorie) matches only as written. The table defines no unit whose
/// case-folded spelling could be mistaken for another's prefix (there is `MPa` and `mPa.s` but no
/// `mPa`, so `mpa` is read as MPa); a new row that breaks this is caught by the table's tests.
public struct UnitTable: Sendable {
  /// Every unit by code.
  public private(set) var units: [String: LabUnit] = [:]
  /// Units in file order (for tests and listings).
  public private(set) var codes: [String] = []
  /// Spellings exactly as the file has them.
  private var verbatim: [String: String] = [:]
  /// Normalised spellings (``key(_:)``).
  private var exact: [String: String] = [:]
  /// Lower-cased normalised spellings that belong to one unit only.
  private var folded: [String: String] = [:]
  /// Basis suffixes, normalised and lower-cased, longest first.
  private var bases: [(suffix: String, basis: String)] = []

  /// The table built into the toolkit.
  public static let standard: UnitTable = {
    do {
      return try UnitTable(
        csv: String(decoding: PackageResources.units_csv, as: UTF8.self),
        basisCSV: String(decoding: PackageResources.units_basis_csv, as: UTF8.self))
    } catch {
      // The files are part of the build; their tests fail before a broken table can ship.
      return UnitTable()
    }
  }()

  init() {}

  /// A table from the text of a units file and a basis file.
  /// - Throws: `PLError.config` naming the line of a malformed row or a spelling given to two units.
  public init(csv: String, basisCSV: String, source: String = "units.csv") throws {
    var foldedOwners: [String: String] = [:]
    var foldedClashes: Set<String> = []
    for (number, line) in Self.rows(csv) {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard cells.count == 6 else {
        throw PLError.config(source: source, message: "line \(number): expected 6 fields, found \(cells.count)")
      }
      let code = cells[0], dimension = cells[1]
      guard let (factor, power) = Self.factor(cells[2]), let offset = Double(cells[3]), !code.isEmpty, !dimension.isEmpty else {
        throw PLError.config(source: source, message: "line \(number): bad code, dimension, factor or offset")
      }
      guard units[code] == nil else { throw PLError.config(source: source, message: "line \(number): unit \(code) defined twice") }
      let reference = cells[4].isEmpty ? nil : cells[4]
      units[code] = LabUnit(code: code, dimension: dimension, factor: factor, factorPower: power, offset: offset, reference: reference)
      codes.append(code)
      for spelling in [code] + cells[5].split(separator: "|").map(String.init) {
        let k = Self.key(spelling)
        if let owner = exact[k], owner != code {
          throw PLError.config(source: source, message: "line \(number): spelling \(spelling) is also \(owner)")
        }
        verbatim[spelling] = code
        exact[k] = code
        let f = k.lowercased()
        if let owner = foldedOwners[f], owner != code { foldedClashes.insert(f) } else { foldedOwners[f] = code }
      }
    }
    for (f, code) in foldedOwners where !foldedClashes.contains(f) { folded[f] = code }
    for (number, line) in Self.rows(basisCSV) {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard cells.count == 2, !cells[0].isEmpty, !cells[1].isEmpty else {
        throw PLError.config(source: "units-basis.csv", message: "line \(number): expected suffix,basis")
      }
      let k = Self.key(cells[0]).lowercased()
      bases.append((k, cells[1]))
      bases.append(("(" + k + ")", cells[1]))
    }
    bases.sort { $0.suffix.count > $1.suffix.count }
  }

  /// Data lines with their line numbers: no header, no blank lines, no `#` comments.
  private static func rows(_ text: String) -> [(Int, Substring)] {
    var out: [(Int, Substring)] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index > 0 {
      let line = line.hasSuffix("\r") ? line.dropLast() : line
      if line.isEmpty || line.hasPrefix("#") { continue }
      out.append((index + 1, line))
    }
    return out
  }

  /// A factor written as a decimal (`0.001`, `4.184`) or a fraction (`5/9`), and its power of
  /// ten when it is exactly one.
  private static func factor(_ text: String) -> (Double, Int?)? {
    if let slash = text.firstIndex(of: "/") {
      guard let a = Double(text[..<slash]), let b = Double(text[text.index(after: slash)...]), b != 0 else { return nil }
      return (a / b, nil)
    }
    guard let parts = DecimalParts(json: text), !parts.negative else { return nil }
    var power: Int? = nil
    if parts.digits.first == UInt8(ascii: "1"), parts.digits.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") }) {
      power = parts.exponent + parts.digits.count - 1
    }
    return (parts.value, power)
  }

  /// A spelling reduced for comparison: trimmed, one pair of enclosing brackets removed, no
  /// spaces, micro signs as `u`, middle dots and `*` as `.`, `º` as `°`, superscript 2 and 3 as digits.
  public static func key(_ raw: String) -> String {
    var scalars = Array(raw.unicodeScalars.drop { $0.properties.isWhitespace })
    while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
    if scalars.count >= 2, let first = scalars.first, let last = scalars.last,
      (first == "[" && last == "]") || (first == "(" && last == ")"),
      !scalars.dropFirst().dropLast().contains(where: { $0 == "(" || $0 == ")" || $0 == "[" || $0 == "]" })
    {
      scalars = Array(scalars.dropFirst().dropLast())
    }
    var out = String.UnicodeScalarView()
    for s in scalars {
      switch s {
      case " ", "\t", "\u{A0}", "\u{202F}", "\u{2009}", "\u{200A}": continue
      case "\u{B5}", "\u{3BC}": out.append("u")
      case "\u{B7}", "\u{22C5}", "*": out.append(".")
      case "\u{BA}": out.append("\u{B0}")
      case "\u{B2}": out.append("2")
      case "\u{B3}": out.append("3")
      default: out.append(s)
      }
    }
    return String(out)
  }

  /// The unit `raw` names, with its basis when it ends in one (`g/100 g TS`); nil when unknown.
  public func lookup(_ raw: String) -> LabUnit? {
    if let code = verbatim[raw] { return units[code] }
    let k = Self.key(raw)
    if let unit = plain(k) { return unit }
    let lower = k.lowercased()
    for (suffix, basis) in bases where lower.hasSuffix(suffix) && lower.count > suffix.count {
      let stem = String(k.dropLast(suffix.count))
      if var unit = plain(stem) {
        unit.basis = basis
        return unit
      }
    }
    return nil
  }

  private func plain(_ k: String) -> LabUnit? {
    if let code = exact[k] ?? folded[k.lowercased()] { return units[code] }
    return nil
  }

  /// The unit with canonical `code`.
  public func unit(code: String) -> LabUnit? { units[code] }

  /// ``lookup(_:)`` in the built-in table.
  public static func lookup(_ raw: String) -> LabUnit? { standard.lookup(raw) }

  /// `value` in `from` expressed in `to`.
  ///
  /// Between units whose factors are powers of ten and that have no offset the decimal point
  /// moves and the printed digits stay (`0.5` mg/kg → `500` ug/kg, `1.25` % → `1.25` g/100g).
  /// Otherwise the arithmetic is in `Double` and the result is printed shortest after rounding to
  /// 15 significant digits (`328` kcal → `1372.352` kJ). A mass concentration converts to a mass
  /// fraction, and back, only with `density` (g/mL).
  /// - Throws: ``UnitConversionError`` when the units measure different things, need a density,
  ///   or differ in pressure reference or basis.
  public static func convert(_ value: LabNumber, from: LabUnit, to: LabUnit, density: Double? = nil) throws -> LabNumber {
    if let a = from.reference, let b = to.reference, a != b {
      throw UnitConversionError.pressureReference(from: from.description, to: to.description)
    }
    if let a = from.basis, let b = to.basis, a != b {
      throw UnitConversionError.basis(from: from.description, to: to.description)
    }
    if from.dimension == to.dimension {
      if from.code == to.code { return value }
      if let p = from.factorPower, let q = to.factorPower, from.offset == 0, to.offset == 0, let parts = value.parts {
        return parts.shifted(by: p - q).number(percent: false)
      }
      let base = (value.value + from.offset) * from.factor
      return try finite(base / to.factor - to.offset, from, to)
    }
    let concentration = "mass-concentration", fraction = "mass-fraction"
    if (from.dimension == concentration && to.dimension == fraction) || (from.dimension == fraction && to.dimension == concentration) {
      guard let density, density > 0, density.isFinite else {
        throw UnitConversionError.needsDensity(from: from.description, to: to.description)
      }
      // g/L ÷ (density g/mL × 1000 g/L) is g/g; × 100 is g/100g: g/100g = g/L ÷ (10 × density).
      let base = value.value * from.factor
      let converted = from.dimension == concentration ? base / (10 * density) : base * 10 * density
      return try finite(converted / to.factor, from, to)
    }
    throw UnitConversionError.incompatible(from: from.description, to: to.description)
  }

  private static func finite(_ v: Double, _ from: LabUnit, _ to: LabUnit) throws -> LabNumber {
    guard let number = LabNumber(rounding: v) else {
      throw UnitConversionError.outOfRange(from: from.description, to: to.description)
    }
    return number
  }
}
