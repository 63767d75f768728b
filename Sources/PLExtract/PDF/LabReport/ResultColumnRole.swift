/// What a column of a results table holds, judged from its printed heading.
///
/// Lab reports head their results tables with a few recurring words in every language
/// (`Parameter | Result | Unit | LOQ | Method`, `Prüfparameter | Ergebnis | Einheit | BG`,
/// `Paramètre | Résultat | Unité | LQ`). A line is a table heading when it holds an analyte
/// heading and a result heading (or sample columns); the roles then say which cell of a row is
/// the analyte, the result, the unit. Headings compare folded (`LabText.fold`) and without a
/// trailing bracket, which may hold the unit of the column (`Result (mg/100 g)`).
public enum ResultColumnRole: String, Sendable {
  case analyte, result, unit, loq, lod, method, specification, date, uncertainty, comment, position

  /// The role of a heading, or nil when the lexicon does not know it.
  public static func of(heading: String) -> ResultColumnRole? {
    let folded = LabText.fold(heading)
    if let role = terms[folded] { return role }
    let (name, bracket) = LabText.splitTrailingBracket(heading)
    if bracket != nil, let role = terms[LabText.fold(name)] { return role }
    return nil
  }

  /// The unit a heading carries in a trailing bracket (`Result (mg/100 g)` → `mg/100 g`).
  public static func unit(inHeading heading: String) -> String? {
    let (_, bracket) = LabText.splitTrailingBracket(heading)
    guard let bracket else { return nil }
    var inner = bracket
    if inner.lowercased().hasPrefix("in ") { inner = String(inner.dropFirst(3)).trimmed }
    return LabText.looksLikeUnit(inner) ? inner : nil
  }

  private static let lexicon: [(ResultColumnRole, [String])] = [
    (.analyte, [
      // en
      "parameter", "parameters", "analyte", "analytes", "test", "tests", "test item", "test parameter", "tested parameter",
      "determinand", "determinands", "determination", "component", "compound", "analysis", "analyses", "characteristic",
      "characteristics", "property", "nutrient", "substance", "analyte name", "test name", "parameter name", "assay",
      // de
      "prufparameter", "pruefparameter", "prufmerkmal", "pruefmerkmal", "untersuchungsparameter", "analyt", "bestimmung",
      "untersuchung", "merkmal", "komponente", "inhaltsstoff", "analysenparameter", "kenngrosse",
      // fr
      "parametre", "parametres", "analyse", "essai", "composant", "compose", "caracteristique", "determination",
      // nl
      "bepaling", "onderzoek", "analiet", "kenmerk", "verbinding",
      // it
      "parametro", "parametri", "analita", "analisi", "determinazione", "prova", "caratteristica", "componente",
      // es
      "parametros", "analito", "analisis", "determinacion", "ensayo", "caracteristica", "compuesto",
    ]),
    (.result, [
      "result", "results", "value", "found", "content", "level", "concentration", "test result", "analytical result",
      "result found", "reported value", "measured value", "amount",
      "ergebnis", "ergebnisse", "befund", "messwert", "wert", "gehalt", "prufergebnis", "pruefergebnis", "analysenergebnis",
      "resultat", "resultats", "valeur", "teneur", "valeur mesuree",
      "resultaat", "resultaten", "uitslag", "waarde", "gehalte",
      "risultato", "risultati", "valore", "contenuto",
      "resultado", "resultados", "valor", "contenido",
    ]),
    (.unit, [
      "unit", "units", "uom", "unit of measure", "einheit", "einheiten", "masseinheit", "dimension",
      "unite", "unites", "eenheid", "eenheden", "unita", "unita di misura", "u m", "udm", "unidad", "unidades",
    ]),
    (.loq, [
      "loq", "lq", "ldq", "lc", "bg", "rl", "lor", "pql", "limit of quantification", "limit of quantitation",
      "quantification limit", "reporting limit", "bestimmungsgrenze", "best grenze", "limite de quantification",
      "bepalingsgrens", "rapportagegrens", "limite di quantificazione", "limite de cuantificacion",
    ]),
    (.lod, [
      "lod", "ld", "ng", "mdl", "limit of detection", "detection limit", "nachweisgrenze", "limite de detection",
      "detectiegrens", "aantoonbaarheidsgrens", "limite di rilevabilita", "limite di rilevazione", "limite de deteccion",
    ]),
    (.method, [
      "method", "methods", "method ref", "method reference", "test method", "analytical method", "standard", "procedure",
      "methode", "methoden", "prufverfahren", "pruefverfahren", "prufmethode", "norm", "verfahren", "analysenmethode",
      "methode d analyse", "norme", "analysemethode", "metodo", "metodi", "metodo di prova", "norma", "metodo de ensayo",
    ]),
    (.specification, [
      "specification", "specifications", "spec", "limit", "limits", "requirement", "target", "tolerance", "max limit",
      "acceptance criteria", "spezifikation", "grenzwert", "anforderung", "sollwert", "richtwert", "hochstgehalt",
      "specification client", "exigence", "valeur cible", "specificatie", "grenswaarde", "eis", "specifica", "limite",
      "requisito", "valore limite", "especificacion", "valor limite",
    ]),
    (.date, [
      "date", "date tested", "test date", "date of analysis", "analysis date", "date analysed", "date analyzed", "tested",
      "datum", "prufdatum", "pruefdatum", "analysendatum", "untersuchungsdatum", "date d analyse", "analysedatum",
      "data", "data analisi", "fecha", "fecha de analisis",
    ]),
    (.uncertainty, [
      "uncertainty", "measurement uncertainty", "expanded uncertainty", "u", "mu", "messunsicherheit", "unsicherheit",
      "incertitude", "meetonzekerheid", "incertezza", "incertidumbre",
    ]),
    (.comment, [
      "remark", "remarks", "comment", "comments", "note", "notes", "assessment", "conformity", "compliance", "verdict",
      "bemerkung", "anmerkung", "bewertung", "beurteilung", "remarque", "commentaire", "conformite", "opmerking",
      "beoordeling", "nota", "commento", "conformita", "observacion", "comentario", "conformidad",
    ]),
    (.position, ["no", "nr", "pos", "position", "item", "lfd nr", "n"]),
  ]

  private static let terms: [String: ResultColumnRole] = {
    var map: [String: ResultColumnRole] = [:]
    for (role, words) in lexicon {
      for word in words where map[word] == nil { map[word] = role }
    }
    return map
  }()
}
