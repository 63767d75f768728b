import PLClean
import Testing

/// A compact expectation: kind, value text, qualifier, limit text, unit, footnote, portion.
struct ResultCase: Sendable, CustomStringConvertible {
  var text: String
  var decimal: DecimalMark = .point
  var kind: ParsedResult.Kind
  var value: String? = nil
  var qualifier: String? = nil
  var limit: String? = nil
  var unit: String? = nil
  var footnote: String? = nil
  var portion: String? = nil
  var uncertainty: String? = nil
  var description: String { text }
}

@Suite struct ResultTextTests {
  static let cases: [ResultCase] = [
    // Numbers
    ResultCase(text: "12.3", kind: .number, value: "12.3"),
    ResultCase(text: "12,3", decimal: .comma, kind: .number, value: "12.3"),
    ResultCase(text: " 1.954 ", decimal: .comma, kind: .number, value: "1954"),
    ResultCase(text: "-0.38", kind: .number, value: "-0.38"),
    ResultCase(text: "2,5 x 10^4", decimal: .comma, kind: .number, value: "2.5e4"),
    ResultCase(text: "4.7E+03", kind: .number, value: "4.7e3"),
    ResultCase(text: "12.3 g/100g", kind: .number, value: "12.3", unit: "g/100g"),
    ResultCase(text: "1,2 mg/kg", decimal: .comma, kind: .number, value: "1.2", unit: "mg/kg"),
    ResultCase(text: "12.5 %", kind: .number, value: "12.5", unit: "%"),
    ResultCase(text: "12.5% (w/w)", kind: .number, value: "12.5", unit: "% (w/w)"),
    ResultCase(text: "12mg/kg", kind: .number, value: "12", unit: "mg/kg"),
    ResultCase(text: "0.90 µg/100 g", kind: .number, value: "0.90", unit: "µg/100 g"),
    ResultCase(text: "12.3 ± 0.4", kind: .number, value: "12.3", uncertainty: "0.4"),
    ResultCase(text: "12,3 +/- 0,4", decimal: .comma, kind: .number, value: "12.3", uncertainty: "0.4"),
    ResultCase(text: "12.3 +- 0.4 g/100g", kind: .number, value: "12.3", unit: "g/100g", uncertainty: "0.4"),
    // Footnotes
    ResultCase(text: "12.3*", kind: .number, value: "12.3", footnote: "*"),
    ResultCase(text: "12.3 *)", kind: .number, value: "12.3", footnote: "*)"),
    ResultCase(text: "12.3**", kind: .number, value: "12.3", footnote: "**"),
    ResultCase(text: "12.3¹", kind: .number, value: "12.3", footnote: "¹"),
    ResultCase(text: "12.3 a)", kind: .number, value: "12.3", footnote: "a)"),
    ResultCase(text: "12.3 1)", kind: .number, value: "12.3", footnote: "1)"),
    ResultCase(text: "n.d.*", kind: .censored, qualifier: "ND", footnote: "*"),
    ResultCase(text: "< 10 KbE/g *)", decimal: .comma, kind: .censored, qualifier: "<", limit: "10", unit: "KbE/g", footnote: "*)"),
    // Censored with a printed limit
    ResultCase(text: "<0.05", kind: .censored, qualifier: "<", limit: "0.05"),
    ResultCase(text: "< 0.05", kind: .censored, qualifier: "<", limit: "0.05"),
    ResultCase(text: "<0,05", decimal: .comma, kind: .censored, qualifier: "<", limit: "0.05"),
    ResultCase(text: ">100", kind: .censored, qualifier: ">", limit: "100"),
    ResultCase(text: "≤ 0.1", kind: .censored, qualifier: "<=", limit: "0.1"),
    ResultCase(text: "<=0.1", kind: .censored, qualifier: "<=", limit: "0.1"),
    ResultCase(text: "≥5", kind: .censored, qualifier: ">=", limit: "5"),
    ResultCase(text: "<10 KbE/g", kind: .censored, qualifier: "<", limit: "10", unit: "KbE/g"),
    ResultCase(text: "> 1.1E+04 cfu/g", kind: .censored, qualifier: ">", limit: "1.1e4", unit: "cfu/g"),
    // Not detected
    ResultCase(text: "ND", kind: .censored, qualifier: "ND"),
    ResultCase(text: "n.d.", kind: .censored, qualifier: "ND"),
    ResultCase(text: "nd", kind: .censored, qualifier: "ND"),
    ResultCase(text: "N.D.", kind: .censored, qualifier: "ND"),
    ResultCase(text: "n.n.", kind: .censored, qualifier: "ND"),
    ResultCase(text: "not detected", kind: .censored, qualifier: "ND"),
    ResultCase(text: "Not Detected", kind: .censored, qualifier: "ND"),
    ResultCase(text: "nicht nachweisbar", kind: .censored, qualifier: "ND"),
    ResultCase(text: "non détecté", kind: .censored, qualifier: "ND"),
    ResultCase(text: "niet aantoonbaar", kind: .censored, qualifier: "ND"),
    // Limits by name
    ResultCase(text: "<LOQ", kind: .censored, qualifier: "<"),
    ResultCase(text: "< LOQ", kind: .censored, qualifier: "<"),
    ResultCase(text: "<LOD", kind: .censored, qualifier: "<"),
    ResultCase(text: "<BG", kind: .censored, qualifier: "<"),
    ResultCase(text: "<NG", kind: .censored, qualifier: "<"),
    ResultCase(text: "< n.n.", kind: .unparsed),
    // Words
    ResultCase(text: "trace", kind: .qualitative, qualifier: "trace"),
    ResultCase(text: "Spuren", kind: .qualitative, qualifier: "trace"),
    ResultCase(text: "positive", kind: .qualitative, qualifier: "positive"),
    ResultCase(text: "Negative", kind: .qualitative, qualifier: "negative"),
    ResultCase(text: "positiv", kind: .qualitative, qualifier: "positive"),
    ResultCase(text: "negativ", kind: .qualitative, qualifier: "negative"),
    ResultCase(text: "pos.", kind: .qualitative, qualifier: "positive"),
    ResultCase(text: "neg.", kind: .qualitative, qualifier: "negative"),
    ResultCase(text: "Conforms", kind: .qualitative, qualifier: "conforms"),
    ResultCase(text: "complies", kind: .qualitative, qualifier: "conforms"),
    ResultCase(text: "entspricht", kind: .qualitative, qualifier: "conforms"),
    ResultCase(text: "Conforme", kind: .qualitative, qualifier: "conforms"),
    ResultCase(text: "does not conform", kind: .qualitative, qualifier: "not-conforming"),
    ResultCase(text: "entspricht nicht", kind: .qualitative, qualifier: "not-conforming"),
    ResultCase(text: "present", kind: .qualitative, qualifier: "present"),
    ResultCase(text: "detected", kind: .qualitative, qualifier: "detected"),
    ResultCase(text: "absent", kind: .qualitative, qualifier: "absent"),
    // Presence/absence with the test portion
    ResultCase(text: "absent in 25 g", kind: .qualitative, qualifier: "absent", portion: "25 g"),
    ResultCase(text: "Absent/25 g", kind: .qualitative, qualifier: "absent", portion: "25 g"),
    ResultCase(text: "not detected in 25 g", kind: .qualitative, qualifier: "absent", portion: "25 g"),
    ResultCase(text: "Not detected in 25 g", kind: .qualitative, qualifier: "absent", portion: "25 g"),
    ResultCase(text: "n.n. in 25 g", kind: .qualitative, qualifier: "absent", portion: "25 g"),
    ResultCase(text: "n.n. in 25g", kind: .qualitative, qualifier: "absent", portion: "25g"),
    ResultCase(text: "negativ in 25 g", kind: .qualitative, qualifier: "negative", portion: "25 g"),
    ResultCase(text: "Negative*", kind: .qualitative, qualifier: "negative", footnote: "*"),
    // Empty and not analysed
    ResultCase(text: "", kind: .empty),
    ResultCase(text: "   ", kind: .empty),
    ResultCase(text: "-", kind: .empty),
    ResultCase(text: "—", kind: .empty),
    ResultCase(text: "–", kind: .empty),
    ResultCase(text: "n.a.", kind: .notAnalysed),
    ResultCase(text: "n.b.", kind: .notAnalysed),
    ResultCase(text: "N/A", kind: .notAnalysed),
    ResultCase(text: "not analysed", kind: .notAnalysed),
    // Unparsed: never guess
    ResultCase(text: "ca. 12", kind: .unparsed),
    ResultCase(text: "12-14", kind: .unparsed),
    ResultCase(text: "12 14", kind: .unparsed),
    ResultCase(text: "12.3.4", kind: .unparsed),
    ResultCase(text: "1,2", kind: .unparsed),
    ResultCase(text: "see remark", kind: .unparsed),
    ResultCase(text: "<", kind: .unparsed),
    ResultCase(text: "< abc", kind: .unparsed),
    ResultCase(text: "absent in 25 apples", kind: .unparsed),
    ResultCase(text: "12.3 ±", kind: .unparsed),
    ResultCase(text: "*", kind: .unparsed, footnote: "*"),
  ]

  @Test(arguments: cases)
  func parses(c: ResultCase) {
    let r = ResultText.parse(c.text, decimal: c.decimal)
    #expect(r.kind == c.kind)
    #expect(r.value?.text == c.value)
    #expect(r.qualifier == c.qualifier)
    #expect(r.limit?.text == c.limit)
    #expect(r.unitText == c.unit)
    #expect(r.footnote == c.footnote)
    #expect(r.portion == c.portion)
    #expect(r.uncertainty?.text == c.uncertainty)
  }

  @Test func namedLimitsTakeTheLimitsGiven() throws {
    let loq = try #require(LabNumber(json: "0.05")), lod = try #require(LabNumber(json: "0.02"))
    #expect(ResultText.parse("<LOQ", decimal: .point, loq: loq, lod: lod).limit == loq)
    #expect(ResultText.parse("< BG", decimal: .comma, loq: loq, lod: lod).limitSource == .loq)
    #expect(ResultText.parse("<LOD", decimal: .point, loq: loq, lod: lod).limit == lod)
    #expect(ResultText.parse("<NG", decimal: .point, loq: loq).limit == nil)
    #expect(ResultText.parse("n.d.", decimal: .point, loq: loq, lod: lod).limit == lod)
    #expect(ResultText.parse("n.d.", decimal: .point, loq: loq).limit == loq)
    #expect(ResultText.parse("n.d.", decimal: .point, loq: loq).limitSource == .loq)
    #expect(ResultText.parse("<0.1", decimal: .point, loq: loq).limit?.text == "0.1")
    #expect(ResultText.parse("<0.1", decimal: .point, loq: loq).limitSource == .printed)
  }

  @Test func censoredAndWordResultsHaveNoValue() {
    for text in ["<0.05", "n.d.", ">100", "trace", "positive", "absent in 25 g", "<LOQ"] {
      #expect(ResultText.parse(text, decimal: .point, loq: LabNumber(json: "0.05")).value == nil)
    }
  }

  @Test func substitutionOnlyWhenAsked() throws {
    let below = ResultText.parse("<0.05", decimal: .point)
    #expect(below.substitute(.half)?.text == "0.025")
    #expect(below.substitute(.limit)?.text == "0.05")
    #expect(below.substitute(.zero)?.text == "0")
    #expect(ResultText.parse("<1.5", decimal: .point).substitute(.half)?.text == "0.75")
    #expect(ResultText.parse("<10", decimal: .point).substitute(.half)?.text == "5")
    #expect(ResultText.parse("<1.1E+02", decimal: .point).substitute(.half)?.value == 55)
    let above = ResultText.parse(">100", decimal: .point)
    #expect(above.substitute(.limit)?.text == "100")
    #expect(above.substitute(.half) == nil)
    #expect(above.substitute(.zero) == nil)
    #expect(ResultText.parse("n.d.", decimal: .point).substitute(.half) == nil)
    #expect(ResultText.parse("n.d.", decimal: .point, loq: LabNumber(json: "0.1")).substitute(.half)?.text == "0.05")
    #expect(ResultText.parse("positive", decimal: .point).substitute(.zero) == nil)
    #expect(ResultText.parse("12.30", decimal: .point).substitute(.half)?.text == "12.30")
  }
}
