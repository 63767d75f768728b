import PLClean
import Testing

@Suite struct UnitTableTests {
  /// (spelling, code, basis)
  static let spellings: [(String, String, String?)] = [
    ("g/100g", "g/100g", nil), ("g / 100 g", "g/100g", nil), ("G/100G", "g/100g", nil), ("g/100 g", "g/100g", nil),
    ("g/100 g FS", "g/100g", "fresh"), ("g/100 g FA", "g/100g", "fresh"), ("g/100g TS", "g/100g", "dry"),
    ("g/100 g DM", "g/100g", "dry"), ("g/100 g i. Tr.", "g/100g", "dry"), ("mg/kg (TS)", "mg/kg", "dry"),
    ("% i.Tr.", "%", "dry"), ("g/100 g dry matter", "g/100g", "dry"),
    ("%", "%", nil), ("% (w/w)", "g/100g", nil), ("%w/w", "g/100g", nil), ("% m/m", "g/100g", nil), ("Gew.-%", "g/100g", nil),
    ("% v/v", "%vol", nil), ("mg/100g", "mg/100g", nil), ("mg/100 g", "mg/100g", nil), ("mg/kg", "mg/kg", nil),
    ("MG/KG", "mg/kg", nil), ("ppm", "mg/kg", nil), ("µg/kg", "ug/kg", nil), ("μg/kg", "ug/kg", nil), ("ug/kg", "ug/kg", nil),
    ("mcg/kg", "ug/kg", nil), ("ppb", "ug/kg", nil), ("ng/g", "ug/kg", nil), ("µg/100 g", "ug/100g", nil),
    ("µg/100g", "ug/100g", nil), ("ug", "ug", nil), ("mcg", "ug", nil), ("g/kg", "g/kg", nil), ("mg/g", "g/kg", nil),
    ("°C", "degC", nil), ("degC", "degC", nil), ("C", "degC", nil), ("deg C", "degC", nil), ("Celsius", "degC", nil),
    ("ºC", "degC", nil), ("℃", "degC", nil), ("°F", "degF", nil), ("degF", "degF", nil), ("F", "degF", nil), ("K", "K", nil),
    ("bar", "bar", nil), ("mbar", "mbar", nil), ("kPa", "kPa", nil), ("Pa", "Pa", nil), ("MPa", "MPa", nil), ("psi", "psi", nil),
    ("psig", "psig", nil), ("atm", "atm", nil), ("mmHg", "mmHg", nil), ("s", "s", nil), ("min", "min", nil), ("h", "h", nil),
    ("kJ", "kJ", nil), ("kcal", "kcal", nil), ("kJ/100g", "kJ/100g", nil), ("kJ/100 g", "kJ/100g", nil),
    ("kcal/100 g", "kcal/100g", nil), ("kcal/100g", "kcal/100g", nil), ("cfu/g", "cfu/g", nil), ("CFU/g", "cfu/g", nil),
    ("KbE/g", "cfu/g", nil), ("KBE/g", "cfu/g", nil), ("UFC/g", "cfu/g", nil), ("cfu/ml", "cfu/ml", nil), ("MPN/g", "MPN/g", nil),
    ("log cfu/g", "log cfu/g", nil), ("pH", "pH", nil), ("pH units", "pH", nil), ("aw", "aw", nil), ("mg/L", "mg/L", nil),
    ("mg/mL", "mg/mL", nil), ("g/L", "g/L", nil), ("IU/100g", "IU/100g", nil), ("mPa·s", "mPa.s", nil), ("°Bx", "Brix", nil),
    ("[mg/kg]", "mg/kg", nil), ("(°C)", "degC", nil), (" kPa ", "kPa", nil), ("L/h", "L/h", nil), ("kg/h", "kg/h", nil),
    ("rpm", "rpm", nil), ("Cal", "kcal", nil), ("cal", "cal", nil),
  ]

  @Test(arguments: spellings)
  func looksUp(raw: String, code: String, basis: String?) throws {
    let unit = try #require(UnitTable.lookup(raw))
    #expect(unit.code == code)
    #expect(unit.basis == basis)
  }

  @Test(arguments: ["", "furlong", "g/100", "mg/k", "CAL", "xx %", "g/100 g XY", "Mg/L/x"])
  func unknownSpellings(raw: String) {
    #expect(UnitTable.lookup(raw) == nil)
  }

  @Test func gaugeIsKept() {
    #expect(UnitTable.lookup("psig")?.reference == "gauge")
    #expect(UnitTable.lookup("psi")?.reference == nil)
  }

  @Test func theTableLoads() throws {
    #expect(UnitTable.standard.codes.count > 60)
    // Every code reads back as itself.
    for code in UnitTable.standard.codes {
      #expect(UnitTable.lookup(code)?.code == code)
    }
  }

  @Test func malformedTablesAreRefusedWithTheirLine() {
    #expect(throws: (any Error).self) { try UnitTable(csv: "code,dimension,factor,offset,reference,spellings\ng,mass,1,0\n", basisCSV: "suffix,basis\n") }
    #expect(throws: (any Error).self) {
      try UnitTable(csv: "h\na,mass,1,0,,x\nb,mass,2,0,,x\n", basisCSV: "suffix,basis\n")
    }
    #expect(throws: (any Error).self) { try UnitTable(csv: "h\na,mass,one,0,,x\n", basisCSV: "suffix,basis\n") }
  }

  static func convert(_ text: String, _ from: String, _ to: String, density: Double? = nil) throws -> LabNumber {
    let value = try #require(LabNumber(json: text))
    let a = try #require(UnitTable.lookup(from)), b = try #require(UnitTable.lookup(to))
    return try UnitTable.convert(value, from: a, to: b, density: density)
  }

  /// (value, from, to, expected text)
  static let conversions: [(String, String, String, String)] = [
    ("1.25", "%", "g/100g", "1.25"),
    ("0.5", "mg/kg", "µg/kg", "500"),
    ("36.4", "mg/kg", "mg/100g", "3.64"),
    ("8400", "mg/kg", "mg/100g", "840.0"),
    ("0.022", "mg/kg", "ug/kg", "22"),
    ("1.1e4", "ug/kg", "mg/kg", "1.1e1"),
    ("12.30", "g/100g", "g/kg", "123.0"),
    ("14", "ppb", "ug/kg", "14"),
    ("2.5", "bar", "mbar", "2500"),
    ("328", "kcal/100 g", "kJ/100g", "1372.352"),
    ("62", "kcal/100g", "kJ/100g", "259.408"),
    ("212", "°F", "°C", "100"),
    ("32", "degF", "degC", "0"),
    ("-40", "°F", "°C", "-40"),
    ("0", "K", "°C", "-273.15"),
    ("14.5", "psi", "bar", "0.999739807509412"),
    ("1", "atm", "kPa", "101.325"),
    ("90", "min", "h", "1.5"),
    ("5", "mg/mL", "g/L", "5"),
  ]

  @Test(arguments: conversions)
  func converts(value: String, from: String, to: String, expected: String) throws {
    #expect(try Self.convert(value, from, to).text == expected)
  }

  @Test func refusesAcrossDimensions() throws {
    #expect(throws: UnitConversionError.incompatible(from: "degC", to: "bar")) { try Self.convert("1", "°C", "bar") }
    #expect(throws: UnitConversionError.incompatible(from: "cfu/g", to: "log cfu/g")) { try Self.convert("1", "cfu/g", "log cfu/g") }
    #expect(throws: UnitConversionError.needsDensity(from: "mg/mL", to: "%")) { try Self.convert("1", "mg/mL", "%") }
    #expect(throws: UnitConversionError.pressureReference(from: "psig", to: "psia")) { try Self.convert("1", "psig", "psia") }
    #expect(throws: UnitConversionError.basis(from: "g/100g fresh", to: "g/100g dry")) { try Self.convert("1", "g/100 g FS", "g/100 g TS") }
  }

  @Test func massConcentrationToFractionWithDensity() throws {
    // 10 g/L in a liquid of 1.0 g/mL is 1 g/100g; 5 mg/mL at 1.25 g/mL is 0.4 %.
    #expect(try Self.convert("10", "g/L", "g/100g", density: 1.0).text == "1")
    #expect(try Self.convert("5", "mg/mL", "%", density: 1.25).text == "0.4")
    #expect(try Self.convert("0.4", "%", "mg/mL", density: 1.25).text == "5")
  }

  /// Every unit converts to every other unit of its dimension and back to within 1e-12, relative
  /// to the larger of the two magnitudes (an offset such as K → degF makes 0.37 into −459.004).
  @Test func everyConversionRoundTrips() throws {
    let table = UnitTable.standard
    let units = table.codes.compactMap { table.unit(code: $0) }
    var pairs = 0
    for a in units {
      for b in units where a.dimension == b.dimension && a.reference.map({ r in b.reference.map { $0 == r } ?? true }) ?? true {
        for text in ["12.5", "0.37", "1000", "-3.2"] {
          let value = try #require(LabNumber(json: text))
          let there = try UnitTable.convert(value, from: a, to: b)
          let back = try UnitTable.convert(there, from: b, to: a)
          #expect(abs(back.value - value.value) <= 1e-12 * max(abs(value.value), abs(there.value)), "\(text) \(a.code) → \(b.code) → \(a.code) gave \(back.text)")
        }
        pairs += 1
      }
    }
    #expect(pairs > 200)
  }
}
