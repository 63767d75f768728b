import Foundation
import PLClean
import PLCore
import Testing

@Suite struct SpecReaderTests {
  func parse(_ text: String, file: String = "clean.yml") throws(PLError) -> CleanSpec {
    try SpecReader(file: file).parse(text)
  }

  /// The message of the error `text` is refused with, and its exit status.
  func refusal(_ text: String, file: String = "clean.yml") -> (String, PLCore.ExitStatus)? {
    do {
      _ = try parse(text, file: file)
      return nil
    } catch {
      return (error.description, error.exitStatus)
    }
  }

  @Test func aFullSpecReadsIntoValues() throws {
    let spec = try parse(
      """
      version: 1
      shape: result
      profile: none
      locale: de-DE
      decimal: comma
      timezone: Europe/Berlin
      date_order: dmy
      fields:
        sample_id: {from: [Probe, Sample ID], type: string}
        protein: {type: measurement, unit: "%", to_unit: g/100g}
        volume: {type: number, unit: mg/mL, to_unit: g/100g, density: 1.03}
        tested: {type: date, format: DD.MM.YYYY}
        note: {drop: true}
        n: integer
        count: {type: integer, default: 0}
      rename:
        Charge: lot
        product: [Produkt, Article]
      snake_case: true
      drop: [Operator]
      keep: [sample_id, lot, product, protein, n, count]
      order: [sample_id, lot]
      sentinels: ["n/a", "-", ""]
      trim: true
      empty_to_null: true
      derive:
        ratio: "protein / (fat + 1)"
      constants:
        lab: Eurofins
        batch_size: 12.50
        certified: true
        missing: null
      from_meta:
        instrument: Instrument
      dedupe: {keys: [sample_id, analyte], keep: last, memory: 256MiB}
      fill:
        forward: {fields: [lot], by: [sample_id]}
        timestamps: {field: ts, by: [channel]}
      reshape:
        wide_to_long: {id: [sample_id], columns: {pattern: "^day_[0-9]+$"}, name: day, value: score}
      pseudonymise: {fields: [panelist], key_env: PL_KEY, length: 16, prefix: "P-"}
      analytes:
        protein: [Eiweiß, Rohprotein]
      columns:
        Probe: sample_id
        Parameter: analyte
      censored: {substitute: half}
      """)
    #expect(spec.shape == .result)
    #expect(spec.profile == "none")
    #expect(spec.decimal == .comma && spec.dateOrder == .dmy && spec.timezone == "Europe/Berlin" && spec.locale == "de-DE")
    #expect(spec.fields.map(\.name) == ["sample_id", "protein", "volume", "tested", "note", "n", "count"])
    #expect(spec.fields[0].from == ["Probe", "Sample ID"])
    #expect(spec.fields[2].density == "1.03")
    #expect(spec.fields[4].drop)
    #expect(spec.fields[5].type == .integer)
    #expect(spec.fields[6].defaultValue == .number("0"))
    #expect(spec.rename == [.init(to: "lot", from: ["Charge"]), .init(to: "product", from: ["Produkt", "Article"])])
    #expect(spec.sentinels == ["n/a", "-", ""])
    #expect(spec.constants == [
      Field("lab", .string("Eurofins")), Field("batch_size", .number("12.50")), Field("certified", .bool(true)), Field("missing", .null),
    ])
    #expect(spec.dedupe?.memory == 256 << 20 && spec.dedupe?.keep == .last)
    #expect(spec.fill?.forwardBy == ["sample_id"] && spec.fill?.timestamps == "ts")
    #expect(spec.reshape == .wideToLong(.init(id: ["sample_id"], columns: .pattern("^day_[0-9]+$"), name: "day", value: "score")))
    #expect(spec.pseudonymise?.key == .environment("PL_KEY") && spec.pseudonymise?.length == 16)
    #expect(spec.analytes == [.init(code: "protein", synonyms: ["Eiweiß", "Rohprotein"])])
    #expect(spec.columns.map(\.role) == [.sampleID, .analyte])
    #expect(spec.censored?.substitute == .half)
    #expect(spec.places["dedupe"] == SpecPlace(file: "clean.yml", line: 35, column: 1))
  }

  @Test func aJSONSpecReadsLikeItsYAML() throws {
    let json = try parse(
      "{\n\t\"version\": 1,\n\t\"fields\": {\"n\": {\"type\": \"integer\"}, \"s\": \"string\"},\n\t\"constants\": {\"x\": 1.50, \"y\": \"a\\/b\"}\n}\n",
      file: "clean.json")
    #expect(json.fields.map(\.type) == [.integer, .string])
    #expect(json.constants == [Field("x", .number("1.50")), Field("y", .string("a/b"))])
  }

  /// Every refusal names the file, line and column, and its reason; exit 78.
  @Test(arguments: [
    ("", "clean.yml: line 1, column 1: the spec is empty"),
    ("fields: {}\n", "clean.yml: line 1, column 1: the spec has no version"),
    ("version: 2\n", "clean.yml: line 1, column 10: version: this pl-clean reads version 1 specs, not version 2"),
    ("version: one\n", "clean.yml: line 1, column 10: version: expected a whole number, found the text \"one\""),
    ("- a\n- b\n", "clean.yml: line 1, column 1: a spec is a mapping"),
    ("version: 1\nfileds: {}\n", "clean.yml: line 2, column 1: unknown key \"fileds\"; did you mean \"fields\"?"),
    ("version: 1\nfoo: 1\n", "clean.yml: line 2, column 1: unknown key \"foo\"; the keys are version, shape"),
    ("version: 1\nfields:\n  a: {tpye: integer}\n", "clean.yml: line 3, column 7: unknown key \"tpye\" in fields.a; did you mean \"type\"?"),
    ("version: 1\nfields:\n  a: {type: integr}\n", "clean.yml: line 3, column 13: fields.a.type: unknown type \"integr\"; did you mean \"integer\"?"),
    ("version: 1\nfields:\n  a: float\n", "clean.yml: line 3, column 6: fields.a.type: unknown type \"float\"; the types are integer, number"),
    ("version: 1\nshape: results\n", "clean.yml: line 2, column 8: shape: unknown shape \"results\"; did you mean \"result\"?"),
    ("version: 1\nprofile: labs\n", "clean.yml: line 2, column 10: profile: unknown profile \"labs\"; did you mean \"lab\"?"),
    ("version: 1\ntimezone: Europe/Berln\n", "clean.yml: line 2, column 11: timezone: unknown time zone \"Europe/Berln\"; did you mean \"Europe/Berlin\"?"),
    ("version: 1\ndecimal: dot\n", "clean.yml: line 2, column 10: decimal: unknown decimal mark \"dot\"; the decimal marks are comma or point"),
    ("version: 1\nlocale: German\n", "clean.yml: line 2, column 9: locale: \"German\" is not a locale"),
    ("version: 1\nfields:\n  p: {type: measurement, unit: mg/kgg}\n", "clean.yml: line 3, column 32: fields.p.unit: unknown unit \"mg/kgg\"; did you mean \"mg/kg\"?"),
    ("version: 1\nfields:\n  p: {type: integer, unit: mg}\n", "clean.yml: line 3, column 22: fields.p.unit: a unit belongs to a number or measurement field"),
    ("version: 1\nfields:\n  p: {type: number, to_unit: g, density: 0}\n", "clean.yml: line 3, column 42: fields.p.density: expected a density in g/mL greater than 0"),
    ("version: 1\nfields:\n  p: {type: number, density: 1.1}\n", "clean.yml: line 3, column 21: fields.p.density: a density is for converting between mass and volume"),
    ("version: 1\nfields:\n  p: {type: integer, format: DD.MM}\n", "clean.yml: line 3, column 22: fields.p.format: a format is for type date or datetime, not integer"),
    ("version: 1\nfields:\n  p: {drop: true, type: integer}\n", "clean.yml: line 3, column 19: fields.p: the field is dropped (drop: true), so type has nothing to act on"),
    ("version: 1\nsnake_case: yes\n", "clean.yml: line 2, column 13: snake_case: expected true or false, found the text \"yes\""),
    ("version: 1\ndrop: {a: 1}\n", "clean.yml: line 2, column 7: drop: expected a name or a list of names, found a mapping"),
    ("version: 1\ndrop: []\n", "clean.yml: line 2, column 7: drop: the list is empty"),
    ("version: 1\nkeep: [a, b]\ndrop: [b]\n", "clean.yml: line 3, column 8: drop: \"b\" is also in keep:"),
    ("version: 1\nkeep: [a]\norder: [a, c]\n", "clean.yml: line 3, column 12: order: \"c\" is not in keep:, so it is never written"),
    ("version: 1\norder: [a, b, a]\n", "clean.yml: line 2, column 9: order: \"a\" is listed twice"),
    ("version: 1\nrename:\n  A: x\n  a: y\n", "clean.yml: line 4, column 3: rename.a: \"a\" is renamed to both \"x\" and \"y\""),
    ("version: 1\nconstants: {lab: X}\nfrom_meta: {lab: Lab}\n", "clean.yml: line 3, column 13: from_meta:: the field \"lab\" is also made by constants:"),
    ("version: 1\nconstants: {lab: [X]}\n", "clean.yml: line 2, column 18: constants.lab: expected a text, number, true, false or null, found a list"),
    ("version: 1\nderive:\n  r: \"(a + b\"\n", "clean.yml: line 3, column 6: derive.r: the ( at character 1 is not closed"),
    ("version: 1\nderive:\n  r: \"a + b)\"\n", "clean.yml: line 3, column 6: derive.r: ) closes nothing"),
    ("version: 1\nderive:\n  r: \" \"\n", "clean.yml: line 3, column 6: derive.r: the expression is empty"),
    ("version: 1\ndedupe: {keys: [a], memory: 256 MiBs}\n", "clean.yml: line 2, column 29: dedupe.memory: \"256 MiBs\" is not a memory size"),
    ("version: 1\ndedupe: {keep: last}\n", "clean.yml: line 2, column 9: dedupe: give keys:"),
    ("version: 1\ndedupe: {keys: [a], keep: latest}\n", "clean.yml: line 2, column 27: dedupe.keep: unknown choice \"latest\""),
    ("version: 1\nfill: {}\n", "clean.yml: line 2, column 7: fill: give forward:, timestamps: or both"),
    ("version: 1\nreshape:\n  wide_to_long: {id: [a], columns: {pattern: \"day_(\"}, name: d, value: v}\n", "clean.yml: line 3, column 46: reshape.wide_to_long.columns.pattern: \"day_(\" is not a valid regular expression"),
    ("version: 1\nreshape:\n  wide_to_long: {id: [a], columns: [x], name: d}\n", "clean.yml: line 3, column 17: reshape.wide_to_long: give value:"),
    ("version: 1\nreshape:\n  wide_to_long: {id: [a], columns: [x], name: d, value: v}\n  long_to_wide: {key: [a], name: n, value: v}\n", "clean.yml: line 4, column 3: reshape: give one of wide_to_long or long_to_wide"),
    ("version: 1\npseudonymise: {fields: [p], key_file: k, key_env: K}\n", "clean.yml: line 2, column 42: pseudonymise: give key_file or key_env, not both"),
    ("version: 1\npseudonymise: {fields: [p], key_env: K, length: 4}\n", "clean.yml: line 2, column 49: pseudonymise.length: expected a whole number from 8 to 64, found 4"),
    ("version: 1\ncensored: {}\n", "clean.yml: line 2, column 11: censored: give substitute: none, half, limit or zero"),
    ("version: 1\ncolumns: {Probe: sample}\nshape: result\n", "clean.yml: line 2, column 11: columns.Probe: the role sample belongs to the score shape, not to shape result"),
    ("version: 1\ncolumns: {Probe: samples}\n", "clean.yml: line 2, column 18: columns.Probe: unknown role \"samples\"; did you mean \"sample\"?"),
    ("version: 1\ncolumns: {A: sample_id, B: sample_id}\n", "clean.yml: line 2, column 25: columns.B: the role sample_id is already \"A\"'s"),
    ("version: 1\ncolumns: {A: panelist, B: channel}\n", "clean.yml: line 2, column 10: columns: the roles do not tell one shape"),
    ("version: 1\nversion: 1\n", "clean.yml: line 1, column 1: the key \"version\" is written twice"),
    ("version: 1\nfields: [\n", "clean.yml: line 3, column 1: YAML: did not find expected node content"),
    ("version: 1\n  bad: indent\n", "clean.yml: line 2, column 6: YAML: mapping values are not allowed in this context"),
  ])
  func refusalsNameThePlace(spec: String, expected: String) {
    guard let (message, status) = refusal(spec) else {
      Issue.record("accepted: \(spec)")
      return
    }
    #expect(message.hasPrefix(expected), "\(message)")
    #expect(status == .config)
  }

  /// JSON errors come out at the JSON text's own line and column, tabs and all.
  @Test(arguments: [
    ("{\n\t\"version\": 1,\n\t\"fields\": {\"a\": {\"type\": \"integr\"}}\n}\n", "clean.json: line 3, column 27: fields.a.type: unknown type \"integr\""),
    ("{\n\t\"version\": 1,\n\t\"feilds\": {}\n}\n", "clean.json: line 3, column 2: unknown key \"feilds\"; did you mean \"fields\"?"),
    ("{\n  \"version\": 1,\n  \"fields\": {\"a\": {\"type\": \"integer\",}}\n}\n", "clean.json: line 3, column 38: JSON: expected '\"' (a key), found '}'"),
    ("{\"version\": 1, \"timezone\": \"Mars/Base\"}", "clean.json: line 1, column 28: timezone: unknown time zone \"Mars/Base\""),
    ("{\"version\": 1, \"version\": 1}", "clean.json: line 1, column 2: the key \"version\" is written twice"),
    ("{\"version\": 1,\n\"drop\": [\"a\", 2, {\"x\": 1}]}", "clean.json: line 2, column 18: drop: expected a list of names, found a mapping in it"),
  ])
  func jsonRefusalsNameThePlace(spec: String, expected: String) {
    guard let (message, status) = refusal(spec, file: "clean.json") else {
      Issue.record("accepted: \(spec)")
      return
    }
    #expect(message.hasPrefix(expected), "\(message)")
    #expect(status == .config)
  }

  @Test func aMissingSpecFileIsAMissingInput() {
    #expect(throws: PLError.inputMissing(source: "/nonexistent/clean.yml", message: "No such file or directory")) {
      try SpecReader.read(path: "/nonexistent/clean.yml")
    }
  }

  @Test(arguments: [("256MiB", 256 << 20), ("1GiB", 1 << 30), ("512MB", 512_000_000), ("64K", 65536), ("1048576", 1_048_576), ("1.5 GiB", 1_610_612_736)])
  func memorySizes(text: String, bytes: Int) {
    #expect(MemorySize.bytes(text) == bytes)
  }

  @Test(arguments: ["", "0MiB", "MiB", "12 parsecs", "-1G", "1e3"])
  func badMemorySizes(text: String) {
    #expect(MemorySize.bytes(text) == nil)
  }
}

/// The example specs shipped in examples/specs/ are specs.
@Suite struct ExampleSpecTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/specs")

  static func files() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
  }

  @Test func thereAreExamples() {
    #expect(Self.files().count >= 3)
  }

  @Test(arguments: files())
  func exampleReads(_ name: String) throws {
    let spec = try SpecReader.read(path: Self.folder.appendingPathComponent(name).path)
    #expect(spec.version == 1)
    // The shipped examples run as they are: every section is wired, every key can be had.
    setenv("PL_PANEL_KEY", "an example panel key of enough bytes", 1)
    let plan = try CleanPlan(spec: spec)
    #expect(try !plan.transforms().isEmpty)
  }
}
