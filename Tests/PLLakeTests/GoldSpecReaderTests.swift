import PLCore
import Testing

@testable import PLLake

@Suite struct GoldSpecReaderTests {
  let full = """
    version: 1
    group_by: [product, analyte]
    period: {field: measured_at, by: day}
    value: value
    measures: [count, mean, sd, min, max, median, p5, p99.9]
    spec_limits:
      fields: {min: spec_min, max: spec_max}
      verdict: {field: verdict, fail: [fail, out_of_spec]}
      table:
        - {when: {analyte: protein}, min: 5, max: 40}
        - {when: {product: Oats, analyte: fat}, max: 8.5}
    quality:
      - {name: in_spec, weight: 3, check: in_spec}
      - {name: has_unit, check: {present: unit}}
      - {name: numeric, check: numeric}
      - {name: known_lab, check: {field: lab, one_of: [A, B, 7]}}
      - {name: plausible, check: {field: value, min: 0, max: 100}}
    anomalies:
      window: 20
      robust_z: {threshold: 3, min_history: 4}
      control_rules: {rules: [1, 5, 6, 2], sigma: sd, min_history: 6, same_side_run: 8}
    """

  @Test func aFullSpec() throws {
    let spec = try GoldSpecReader(file: "gold.yml").parse(full)
    #expect(spec.groupBy == ["product", "analyte"])
    #expect(spec.period == .day(field: "measured_at"))
    #expect(spec.measures == [.count, .mean, .sd, .min, .max, .median, .percentile(5, name: "p5"), .percentile(99.9, name: "p99.9")])
    #expect(spec.limits.minField == "spec_min" && spec.limits.maxField == "spec_max")
    #expect(spec.limits.verdictField == "verdict" && spec.limits.verdictFail == ["fail", "out_of_spec"])
    #expect(spec.limits.table == [
      LimitEntry(when: [Field("analyte", .string("protein"))], min: 5, max: 40),
      LimitEntry(when: [Field("product", .string("Oats")), Field("analyte", .string("fat"))], min: nil, max: 8.5),
    ])
    #expect(spec.quality.map(\.name) == ["in_spec", "has_unit", "numeric", "known_lab", "plausible"])
    #expect(spec.quality[0].weight == 3 && spec.quality[1].weight == 1)
    #expect(spec.quality[3].kind == .oneOf("lab", [.string("A"), .string("B"), .number("7")]))
    #expect(spec.quality[4].kind == .range("value", min: 0, max: 100))
    #expect(spec.anomalies == AnomalyRules(
      window: 20, robustZ: RobustZRule(threshold: 3, minHistory: 4),
      control: ControlChartRule(rules: [.beyond3Sigma, .sameSide, .twoOfThreeBeyond2Sigma, .fourOfFiveBeyond1Sigma], sigma: .sd, minHistory: 6, sameSideRun: 8)))
  }

  @Test func jsonIsAcceptedAndDefaultsApply() throws {
    let spec = try GoldSpecReader(file: "gold.json").parse("""
      {"version": 1, "group_by": "run_site", "period": {"field": "run", "by": "value"}}
      """)
    #expect(spec.groupBy == ["run_site"])
    #expect(spec.period == .value(field: "run"))
    #expect(spec.value == "value")
    #expect(spec.measures == [.count, .mean, .sd, .min, .max, .median])
    #expect(spec.anomalies == nil && spec.quality.isEmpty && spec.limits.isEmpty)
  }

  static let head = "version: 1\ngroup_by: [product]\nperiod: {field: measured_at}\n"

  @Test(arguments: [
    (head + "mesures: [mean]\n",
     "line 4, column 1: unknown key \"mesures\"; the keys are version, group_by, period, value, measures, spec_limits, quality, anomalies"),
    (head + "measures: [mean, p101]\n",
     "line 4, column 18: measures: unknown measure \"p101\"; the measures are count, mean, sd, min, max, median and percentiles p0 to p100 (p95, p99.9)"),
    (head + "measures: [mean, mean]\n", "line 4, column 18: measures: \"mean\" is named twice"),
    (head + "measures: [count, sd]\nanomalies: {window: 10, robust_z: true}\n",
     "line 4, column 11: measures: anomalies judge each group's mean; add mean to the measures"),
    (head + "anomalies:\n  window: 10\n  control_rules: {rules: [1, 9]}\n",
     "line 6, column 30: anomalies.control_rules.rules: expected a whole number from 1 to 8, found 9"),
    (head + "anomalies:\n  window: ten\n", "line 5, column 11: anomalies.window: expected a whole number, found the text \"ten\""),
    (head + "anomalies: {window: 5}\n", "line 4, column 12: anomalies: name robust_z, control_rules or both"),
    (head + "quality:\n  - {name: ok, check: in_spec}\n", "line 5, column 23: quality.ok.check: in_spec needs spec_limits"),
    (head + "quality:\n  - {name: ok, weight: 0, check: numeric}\n", "line 5, column 24: quality.ok.weight: expected a weight above 0, found 0.0"),
    (head + "spec_limits:\n  table:\n    - {when: {analyte: fat}, min: 9, max: 1}\n", "line 6, column 7: spec_limits.table: min 9.0 is above max 1.0"),
    // Yams places a repeated key at its first writing.
    (head + "period: {field: x}\n", "line 3, column 1: the key \"period\" is written twice in this mapping"),
    ("version: 1\ngroup_by: [product]\nperiod: {field: measured_at, by: week}\n",
     "line 3, column 34: period.by: unknown \"week\"; it is day (the UTC day of a timestamp) or value (the field's own value)"),
    ("version: 1\ngroup_by: [day]\nperiod: {field: measured_at}\n",
     "line 2, column 11: group_by: \"day\" is a name gold records use for their own fields"),
    ("version: 1\ngroup_by: [product]\n", "line 1, column 1: the spec has no period, e.g. period: {field: measured_at, by: day}"),
    ("version: 2\ngroup_by: [product]\n", "line 1, column 10: version: expected a whole number from 1 to 1, found 2"),
    ("version: 1\ngroup_by: [product\n", "line 3, column 1: YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 11)"),
    ("{\"version\": 1,\n \"group_by\": [\"a\"],,\n}", "line 2, column 20: JSON: expected '\"' (a key), found ','"),
    ("", "line 1, column 1: the spec is empty; it starts with version: 1"),
  ])
  func badSpecsAreRefusedWithTheirPlace(text: String, message: String) {
    do {
      _ = try GoldSpecReader(file: "gold.yml").parse(text)
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error == .config(source: "gold.yml", message: message))
      #expect(error.exitStatus == .config)
    }
  }

  @Test func aMissingSpecFileIsNoInput() {
    #expect(throws: PLError.self) { try GoldSpecReader.read(path: "no-such-gold.yml") }
  }
}
