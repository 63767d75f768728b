import PLClean
import Testing

@Suite struct AnalyteDictionaryTests {
  let dictionary = AnalyteDictionary.shared

  @Test func theDataFilesLoadWithoutProblems() {
    #expect(dictionary.problems == [])
    #expect(UnitSpellings.shared.problems == [])
    #expect(ChannelLexicon.shared.problems == [])
    #expect(dictionary.analytes.count >= 150)
  }

  @Test(arguments: [
    ("Protein", "protein"), ("Rohprotein", "protein"), ("Protéines", "protein"), ("Eiwit", "protein"),
    ("Proteine", "protein"), ("Proteínas", "protein"), ("PROTEIN", "protein"), ("protein", "protein"),
    ("Fett", "fat"), ("Rohfett", "fat"), ("Matières grasses", "fat"), ("Vet", "fat"), ("Grassi", "fat"), ("Grasa", "fat"),
    ("Asche", "ash"), ("Rohasche", "ash"), ("Cendres", "ash"), ("As", "ash"), ("Ceneri", "ash"), ("Cenizas", "ash"),
    ("Trockenmasse", "dry_matter"), ("Trockensubstanz", "dry_matter"), ("DC", "dry_matter"),
    ("Feuchte", "moisture"), ("Feuchtigkeit", "moisture"), ("Wassergehalt", "moisture"), ("Humidité", "moisture"),
    ("Vocht", "moisture"), ("MC", "moisture"), ("N", "nitrogen"),
    ("Vitamin B1 (Thiamin)", "vitamin_b1"), ("Thiamine", "vitamin_b1"), ("Vitamin B12", "vitamin_b12"),
    ("Gesamtkeimzahl", "total_plate_count"), ("Aerobe mesophile Keimzahl", "total_plate_count"),
    ("Hefen und Schimmelpilze", "yeasts_molds"), ("Hefen", "yeasts"), ("Schimmelpilze", "moulds"),
    ("Enterobacteriaceae", "enterobacteriaceae"), ("Listeria monocytogenes", "listeria_mono"),
    ("Aflatoxin B1", "aflatoxin_b1"), ("C16:0", "fa_c16_0"), ("Palmitic acid", "fa_c16_0"), ("Palmitinsäure", "fa_c16_0"),
    ("Palmitinsaeure", "fa_c16_0"), ("C 16:0", "fa_c16_0"), ("c16.0", "fa_c16_0"),
    ("Saturated fat", "saturated_fat"), ("C18:1 trans", "fa_c18_1_trans"), ("C18:1", "fa_c18_1"),
  ])
  func knowsTheNamesLabsPrint(printed: String, code: String) {
    #expect(dictionary.match(printed)?.code == code)
  }

  @Test(arguments: [
    ("Protein*", "protein", "*"), ("Fett ¹)", "fat", "¹)"), ("Vitamin D3 a)", "vitamin_d3", "a)"),
    ("Protein **", "protein", "**"), ("*) Fett", "fat", "*)"), ("Aflatoxin B1 1)", "aflatoxin_b1", "1)"),
    ("Salmonella²", "salmonella", "²"),
  ])
  func takesOffFootnoteMarkers(printed: String, code: String, marker: String) {
    let match = dictionary.match(printed)
    #expect(match?.code == code)
    #expect(match?.footnote == marker)
    #expect(match?.name.contains(marker) == false)
  }

  @Test(arguments: [
    ("Protein [%]", "protein", "%"), ("Ash (%)", "ash", "%"), ("Fett [g/100g]", "fat", "g/100g"),
    ("Energy (kcal/100 g)", "energy", "kcal/100 g"), ("Protein %", "protein", "%"), ("MC%", "moisture", "%"),
  ])
  func takesOffAUnit(printed: String, code: String, unit: String) {
    let match = dictionary.match(printed)
    #expect(match?.code == code)
    #expect(match?.unit == unit)
  }

  @Test func readsANitrogenFactor() {
    let match = dictionary.match("Protein (N x 6,25)")
    #expect(match?.code == "protein")
    #expect(match?.factor == ConversionFactor(of: "N", value: 6.25, text: "N x 6,25"))
    #expect(match?.name == "Protein (N x 6,25)")
    #expect(dictionary.match("Protein N×6.38")?.factor?.value == 6.38)
    #expect(dictionary.match("Rohprotein (Nx5,7) [%]")?.factor?.value == 5.7)
    #expect(dictionary.match("Salz (Na x 2,5)")?.factor == ConversionFactor(of: "Na", value: 2.5, text: "Na x 2,5"))
  }

  @Test func readsABasis() {
    #expect(dictionary.match("Fett (i.Tr.)")?.basis == .dryMatter)
    #expect(dictionary.match("Fett i. Tr.")?.code == "fat")
    #expect(dictionary.match("Protein, dry matter")?.basis == .dryMatter)
    #expect(dictionary.match("Protein (DM) [%]")?.basis == .dryMatter)
    #expect(dictionary.match("Ash as is")?.basis == .asReceived)
    #expect(dictionary.match("Dry matter")?.code == "dry_matter")
    #expect(dictionary.match("Dry matter")?.basis == nil)
  }

  @Test(arguments: [
    ("Fett (nach Weibull-Stoldt)", "fat"), ("Fat (acid hydrolysis)", "fat"), ("Fat by acid hydrolysis", "fat"),
    ("Gesamtkeimzahl (30 °C)", "total_plate_count"), ("Total plate count 30°C", "total_plate_count"),
    ("Gesamtkeimzahl bei 30 °C", "total_plate_count"), ("Bacillus cereus (präsumtiv)", "bacillus_cereus"),
    ("Escherichia coli (β-Glucuronidase-positiv)", "e_coli"), ("Crude Protein (N*6.25)", "protein"), ("Sodium (Na) by ICP-OES", "sodium"),
    ("Salmonella spp. /25 g", "salmonella"), ("Salmonella in 25 g", "salmonella"),
    ("davon gesättigte Fettsäuren", "saturated_fat"), ("of which sugars", "sugars"), ("- davon Zucker", "sugars"),
    ("Total fat content", "fat"), ("C18:1 n-9 (Ölsäure)", "fa_c18_1"), ("C16:0 Palmitinsäure", "fa_c16_0"),
    ("C18:1 (trans)", "fa_c18_1_trans"), ("Soluble solids (Brix)", "brix"), ("Wasseraktivität (aw)", "water_activity"),
    ("Zucker (gesamt)", "sugars"), ("Kohlenhydrate (berechnet)", "carbohydrate"), ("pH-Wert", "ph"),
    ("Summe Aflatoxine B1, B2, G1, G2", "aflatoxins_total"), ("β-Carotin", "beta_carotene"),
    ("Colour L*", "colour_l"), ("a*", "colour_a"), ("b*", "colour_b"), ("Vitamin A*", "vitamin_a"),
    ("Protein\u{00A0}(Kjeldahl)", "protein"), ("  Fett   gesamt ", "fat"),
  ])
  func readsWhatLabsAddAroundAName(printed: String, code: String) {
    #expect(dictionary.match(printed)?.code == code)
  }

  @Test(arguments: [
    ("Vitamin B1", "vitamin_b1"), ("Vitamin B12", "vitamin_b12"), ("Vitamin B1 2)", "vitamin_b1"),
    ("C18:1", "fa_c18_1"), ("C18:1 trans", "fa_c18_1_trans"), ("C18:2", "fa_c18_2"), ("C18:3 n-6", "fa_c18_3_n6"),
    ("C18:3", "fa_c18_3"), ("Fat", "fat"), ("Saturated fat", "saturated_fat"), ("Trans fat", "trans_fat"),
    ("Aflatoxin B1", "aflatoxin_b1"), ("Aflatoxin B2", "aflatoxin_b2"), ("Aflatoxin M1", "aflatoxin_m1"),
    ("Vitamin D", "vitamin_d"), ("Vitamin D3", "vitamin_d3"), ("Vitamin K", "vitamin_k"), ("Vitamin K2", "vitamin_k2"),
    ("Sugars", "sugars"), ("Added sugars", "added_sugars"), ("Yeasts", "yeasts"), ("Yeasts and moulds", "yeasts_molds"),
    ("Listeria", "listeria_spp"), ("Listeria monocytogenes", "listeria_mono"), ("E. coli", "e_coli"), ("E. coli O157", "stec"),
    ("Arsenic", "arsenic"), ("Inorganic arsenic", "arsenic_inorganic"), ("Fibre", "dietary_fiber"), ("Crude fibre", "crude_fibre"),
  ])
  func neverTakesANearNameForAnother(printed: String, code: String) {
    #expect(dictionary.match(printed)?.code == code)
  }

  @Test(arguments: ["C18:1 cis-11 trans", "Vitamin B13", "Fatty", "Saturated", "C18:4 n-6", "Aflatoxin", "Vitamin", "Sample", "", "   ", "*"])
  func doesNotGuess(printed: String) {
    if printed == "Saturated" {
      // "Saturated" alone is how some nutrition tables print the saturates line.
      #expect(dictionary.match(printed)?.code == "saturated_fat")
    } else if printed == "Aflatoxin" {
      #expect(dictionary.match(printed)?.code == nil || dictionary.match(printed)?.code == "aflatoxins_total")
    } else {
      #expect(dictionary.match(printed) == nil)
    }
  }

  @Test func givesTheCanonicalUnits() {
    #expect(dictionary.match("Protein")?.canonicalUnit == "g/100g")
    #expect(dictionary.match("Calcium")?.canonicalUnit == "mg/100g")
    #expect(dictionary.match("Vitamin D3")?.canonicalUnit == "µg/100g")
    #expect(dictionary.match("Vitamin B12")?.canonicalUnit == "µg/100g")
    #expect(dictionary.match("Lead")?.canonicalUnit == "µg/kg")
    #expect(dictionary.match("Ochratoxin A")?.canonicalUnit == "µg/kg")
    #expect(dictionary.match("Brennwert")?.canonicalUnit == "kJ/100g")
    #expect(dictionary.match("Enterobacteriaceae")?.canonicalUnit == "cfu/g")
    #expect(dictionary.match("C16:0")?.canonicalUnit == "g/100g FA")
    #expect(dictionary.match("Salmonella")?.canonicalUnit == nil)
    #expect(dictionary.match("pH")?.canonicalUnit == "pH")
    #expect(dictionary.match("Water activity")?.canonicalUnit == "aw")
  }

  @Test func everyCodeIsSnakeCaseAndFindsItself() {
    for analyte in dictionary.analytes {
      #expect(analyte.code.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }, "\(analyte.code)")
      #expect(dictionary.match(analyte.code)?.code == analyte.code, "\(analyte.code)")
      #expect(dictionary.analyte(code: analyte.code) == analyte)
    }
  }

  @Test func repeatedLookupsGiveTheSameAnswer() {
    let first = dictionary.match("Protein (N x 6,25) [%] *)")
    #expect(first?.code == "protein")
    #expect(first?.footnote == "*)")
    #expect(first?.unit == "%")
    #expect(dictionary.match("Protein (N x 6,25) [%] *)") == first)
  }

  @Test(arguments: [
    ("Säure X", "saeure_x"), ("Gluten-Peptide (R5)", "gluten_peptide_r5"), ("Protéine brute*", "proteine_brute"),
    ("C18:1 n-9 [%]", "c18_1_n_9"), ("Grüne Farbe ¹)", "gruene_farbe"), ("%", "unnamed"), ("Straße", "strasse"),
  ])
  func fallbackCodesAreSnakeCase(printed: String, code: String) {
    #expect(AnalyteDictionary.fallbackCode(printed) == code)
  }
}

extension AnalyteDictionaryTests {
  /// Two letters in brackets are a word of the name (`(aw)`), not a footnote marker like `a)` or `(1)`.
  @Test func twoLettersInBracketsAreNoFootnote() {
    let match = dictionary.match("Wasseraktivität (aw)")
    #expect(match?.code == "water_activity")
    #expect(match?.name == "Wasseraktivität (aw)")
    #expect(match?.footnote == nil)
    #expect(dictionary.match("Vitamin D3 (12)")?.footnote == "(12)")
  }
}
