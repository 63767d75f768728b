import PLClean
import Testing

@Suite struct HeaderTextTests {
  @Test(arguments: [
    ("Protein %", "Protein", "%"), ("Protein (%)", "Protein", "%"), ("Protein [%]", "Protein", "%"),
    ("Fett [g/100g]", "Fett", "g/100g"), ("Result (mg/100 g)", "Result", "mg/100 g"), ("Moisture_%", "Moisture", "%"),
    ("T_inlet_F", "T_inlet", "F"), ("T_inlet_degC", "T_inlet", "degC"), ("P_hom_psi", "P_hom", "psi"),
    ("Druck [bar]", "Druck", "bar"), ("Temp (°C)", "Temp", "°C"), ("temp_F", "temp", "F"), ("pressure_psi", "pressure", "psi"),
    ("MC%", "MC", "%"), ("DC %", "DC", "%"), ("Energy (kcal/100 g)", "Energy", "kcal/100 g"), ("feed_kg_h", "feed", "kg_h"),
    ("torque_pct", "torque", "pct"), ("screw_rpm", "screw", "rpm"), ("barrel_T1_C", "barrel_T1", "C"),
    ("TT-101 Preheat (°F)", "TT-101 Preheat", "°F"), ("FT-301 Flow (L/h)", "FT-301 Flow", "L/h"), ("RT [min]", "RT", "min"),
    ("Temperature [°C]", "Temperature", "°C"), ("Fett in g/100 g", "Fett", "g/100 g"), ("Protein, %", "Protein", "%"),
    ("Temp F", "Temp", "F"), ("Leitfähigkeit [µS/cm]", "Leitfähigkeit", "µS/cm"), ("\u{FEFF}Moisture (%)", "Moisture", "%"),
    ("Viscosity (mPa·s)", "Viscosity", "mPa·s"), ("Gehalt [mEq/l]", "Gehalt", "mEq/l"),
  ])
  func splitsNameAndUnit(header: String, name: String, unit: String) {
    let parts = HeaderText.parse(header)
    #expect(parts.name == name)
    #expect(parts.unit == unit)
  }

  @Test(arguments: [
    "Vitamin C", "Vitamin_C", "Sample ID", "pH", "Water activity (aw)", "Soluble solids (Brix)", "Purchase intent (1-5)",
    "Gesamtkeimzahl (30 °C)", "Protein (N x 6.25)", "Lot", "Ash", "Vitamin F",
  ])
  func leavesHeadersWithoutAUnitWhole(header: String) {
    let parts = HeaderText.parse(header)
    #expect(parts.unit == nil)
    #expect(parts.name == header)
  }

  @Test func knowsTheUsualSpellingOfTheUnit() {
    #expect(HeaderText.parse("T_inlet_F").unitSymbol == "°F")
    #expect(HeaderText.parse("T_inlet_degC").unitSymbol == "°C")
    #expect(HeaderText.parse("feed_kg_h").unitSymbol == "kg/h")
    #expect(HeaderText.parse("torque_pct").unitSymbol == "%")
  }

  @Test func findsAnInstrumentTag() {
    #expect(HeaderText.parse("TT-101 Preheat (°F)").tag == "TT-101")
    #expect(HeaderText.parse("PIC201 Homogenizer").tag == "PIC201")
    #expect(HeaderText.parse("Temperature [°C]").tag == nil)
    #expect(HeaderText.parse("C18:1").tag == nil)
  }
}
