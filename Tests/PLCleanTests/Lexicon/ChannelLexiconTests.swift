import PLClean
import Testing

@Suite struct ChannelLexiconTests {
  @Test(arguments: [
    ("T_inlet_F", nil, "temperature"), ("T_inlet_degC", nil, "temperature"), ("P_hom_psi", nil, "pressure"),
    ("Druck [bar]", nil, "pressure"), ("Temp (°C)", nil, "temperature"), ("temp_F", nil, "temperature"),
    ("pressure_psi", nil, "pressure"), ("Flow", "L/h", "flow"), ("Durchfluss [l/h]", nil, "flow"), ("screw_rpm", nil, "speed"),
    ("Drehzahl", nil, "speed"), ("torque_pct", nil, "torque"), ("Drehmoment [%]", nil, "torque"), ("feed_kg_h", nil, "flow"),
    ("TT-101 Preheat (°F)", nil, "temperature"), ("PT-201 Homogenizer (psi)", nil, "pressure"), ("FT-301", "L/h", "flow"),
    ("LT-401", nil, "level"), ("barrel_T1_C", nil, "temperature"), ("die_P_bar", nil, "pressure"), ("outlet_temp_F", nil, "temperature"),
    ("Produkttemperatur", nil, "temperature"), ("Homogenisierdruck", nil, "pressure"), ("Füllstand Tank 2", nil, "level"),
    ("rel. Feuchte [%rF]", nil, "humidity"), ("pH", nil, "ph"), ("Leitfähigkeit", "mS/cm", "conductivity"),
    ("Motor power [kW]", nil, "power"), ("outletTemp", nil, "temperature"), ("Température sortie", nil, "temperature"),
  ] as [(String, String?, String)])
  func classifiesLoggerColumns(name: String, unit: String?, quantity: String) {
    #expect(ChannelLexicon.shared.quantity(for: name, unit: unit) == quantity)
  }

  @Test(arguments: ["Timestamp", "Sample ID", "Comment", "Operator"])
  func saysNothingOfColumnsThatAreNoChannels(name: String) {
    #expect(ChannelLexicon.shared.quantity(for: name) == nil)
  }
}
