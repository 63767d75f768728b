import Foundation
import PLCore
import Testing

@testable import PLClean

/// The line path (`LineCleaner`) must write what the record path writes, byte for byte, and
/// count the same changes: records that fit its plans and records that do not, mixed.
@Suite struct LineCleanerTests {
  static let spec = """
    version: 1
    profile: none
    decimal: comma
    timezone: Europe/Amsterdam
    rename:
      Probe: sample_id
      Datum: measured_at
      "Protein [%]": protein
      Fett: fat
      Asche: ash
      "Natrium [mg/kg]": sodium
    fields:
      measured_at: {type: datetime, format: DD.MM.YYYY HH:mm}
      protein: number
      fat: measurement
      ash: number
      sodium: {type: number, unit: mg/kg, to_unit: mg/100g}
    order: [sample_id, measured_at, protein, fat, fat_qualifier, fat_limit, ash, sodium]
    """

  static let input = [
    #"{"Probe":"P-1","Datum":"01.01.2024 00:01","Protein [%]":"6,53","Fett":"1,91","Asche":"1,8","Natrium [mg/kg]":"736,4"}"#,
    #"{"Probe":"P-2","Datum":"01.07.2024 12:30","Protein [%]":"17,22","Fett":"<0,05","Asche":"1,5","Natrium [mg/kg]":"144,7"}"#,
    // Autumn's repeated hour and spring's missing one: notes, so the record path.
    #"{"Probe":"P-3","Datum":"27.10.2024 02:30","Protein [%]":"1","Fett":"2","Asche":"3","Natrium [mg/kg]":"4"}"#,
    #"{"Probe":"P-4","Datum":"31.03.2024 02:30","Protein [%]":"1","Fett":"2","Asche":"3","Natrium [mg/kg]":"4"}"#,
    // Not numbers, a null, a JSON number, escapes, an empty text.
    #"{"Probe":"P-5","Datum":"02.01.2024 10:00","Protein [%]":"n/a","Fett":null,"Asche":1.5,"Natrium [mg/kg]":"1.234,5"}"#,
    #"{"Probe":"P-\"6\"","Datum":"02.01.2024 10:00","Protein [%]":"12,5 %","Fett":"12,3 ± 0,4","Asche":"","Natrium [mg/kg]":12}"#,
    // A unit in the cell, a word result, not analysed.
    #"{"Probe":"P-7","Datum":"02.01.2024","Protein [%]":"-0,0","Fett":"<0,05 mg/kg","Asche":"x","Natrium [mg/kg]":"0,001"}"#,
    #"{"Probe":"P-8","Datum":"garbage","Protein [%]":"1,5","Fett":"positiv","Asche":"2","Natrium [mg/kg]":"3"}"#,
    #"{"Probe":"P-9","Datum":"03.01.2024 23:59","Protein [%]":"1,5","Fett":"n.a.","Asche":"2","Natrium [mg/kg]":"3"}"#,
    // Other keys, other order, fields missing, one extra; metadata of its own.
    #"{"Fett":">100","Probe":"P-10","Extra":true,"Asche":"4,25"}"#,
    #"{"Probe":"P-11","Datum":"04.01.2024 08:00","Protein [%]":"2,5","Fett":"3,5","Asche":"1","Natrium [mg/kg]":"5","_pl":{"source":"a.csv","line":3}}"#,
    #"{"Probe":"P-12","Datum":"04.01.2024 08:00","Protein [%]":"2,5","Fett":"3,5","Asche":"1","Natrium [mg/kg]":"5","fat_limit":1}"#,
    // Not compact: the reader parses it.
    #"{ "Probe": "P-13", "Fett": "1,0" }"#,
    #"{"Probe":"P-14","Datum":"05.01.2024 09:15","Protein [%]":"1.234,56","Fett":"≤0,1","Asche":"0","Natrium [mg/kg]":"1e3"}"#,
  ]

  /// Runs the input through `Cleaner` (the line path where it fits) and through a pipeline of
  /// the plan's transforms (the record path); both outputs and summaries.
  func both(keepRaw: Bool, lines: [String]) throws -> (fast: String, slow: String, fastCounts: [Field], slowCounts: [Field]) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pl-line-cleaner-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let specPath = folder.appendingPathComponent("clean.yml").path
    let inputPath = folder.appendingPathComponent("in.ndjson").path
    try Self.spec.write(toFile: specPath, atomically: true, encoding: .utf8)
    try (lines.joined(separator: "\n") + "\n").write(toFile: inputPath, atomically: true, encoding: .utf8)
    func output(_ name: String, _ body: (NDJSONSink) throws -> Void) throws -> String {
      let path = folder.appendingPathComponent(name).path
      let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
      #expect(fd >= 0)
      try body(NDJSONSink(stream: PLCore.OutputStream(fd: fd, name: name), includeMeta: true))
      close(fd)
      return try String(contentsOfFile: path, encoding: .utf8)
    }
    let spec = try SpecReader.read(path: specPath)
    let fastPlan = try CleanPlan(spec: spec, keepRaw: keepRaw)
    #expect(LineCleaner(transforms: try fastPlan.transforms(), counts: CleanCounts()) != nil)
    let fast = try output("fast.ndjson") { sink in
      try Cleaner(plan: fastPlan, inputs: [inputPath], errorPolicy: .fail).run(sink: sink)
    }
    let slowPlan = try CleanPlan(spec: spec, keepRaw: keepRaw)
    let slow = try output("slow.ndjson") { sink in
      let pipeline = Pipeline(transforms: try slowPlan.transforms(), sink: sink)
      try pipeline.run(NDJSONReader(source: try FileStream(path: inputPath)))
      try pipeline.finish()
    }
    return (fast, slow, fastPlan.counts.fields, slowPlan.counts.fields)
  }

  @Test(arguments: [true, false])
  func linePathWritesWhatTheRecordPathWrites(keepRaw: Bool) throws {
    let r = try both(keepRaw: keepRaw, lines: Self.input)
    #expect(r.fast == r.slow)
    #expect(r.fastCounts == r.slowCounts)
    #expect(r.fast.split(separator: "\n").count == Self.input.count)
  }

  /// Many records of the usual layout with random cells: plain and censored numbers, with
  /// and without thousands separators, spaces and signs, and times all year round.
  @Test func randomCellsCleanAlikeOnBothPaths() throws {
    var rng = SystemRandomNumberGenerator()
    func number() -> String {
      let whole = Int.random(in: 0...99_999, using: &rng)
      var text = whole >= 1000 && Bool.random(using: &rng) ? "\(whole / 1000).\(String(format: "%03d", whole % 1000))" : "\(whole)"
      if Bool.random(using: &rng) { text += "," + String(Int.random(in: 0...999, using: &rng)) }
      switch Int.random(in: 0..<24, using: &rng) {
      case 0: return "<" + text
      case 1: return "-" + text
      case 2: return " " + text + " "
      case 3: return text + "e2"
      case 4: return text.replacingOccurrences(of: ",", with: ".")
      case 5: return "<= " + text
      case 6: return "≥" + text
      case 7: return "> " + text + " "
      case 8: return "<" + text + "*"
      case 9: return "0,0" + String(Int.random(in: 0...999, using: &rng))
      case 10: return "−0,000"
      case 11: return "," + String(Int.random(in: 0...99, using: &rng))
      case 12: return text + " x 10^-3"
      case 13: return "<-" + text + "E-2"
      case 14: return text + " %"
      default: return text
      }
    }
    var lines: [String] = []
    for i in 0..<3000 {
      let day = Int.random(in: 1...28, using: &rng), month = Int.random(in: 1...12, using: &rng)
      let hour = Int.random(in: 0...23, using: &rng), minute = Int.random(in: 0...59, using: &rng)
      let datum = String(format: "%02d.%02d.2024 %02d:%02d", day, month, hour, minute)
      lines.append(
        #"{"Probe":"P-\#(i)","Datum":"\#(datum)","Protein [%]":"\#(number())","Fett":"\#(number())","Asche":"\#(number())","Natrium [mg/kg]":"\#(number())"}"#
      )
    }
    let r = try both(keepRaw: true, lines: lines)
    #expect(r.fast == r.slow)
    #expect(r.fastCounts == r.slowCounts)
  }
}
