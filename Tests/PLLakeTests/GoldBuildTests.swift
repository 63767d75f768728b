import Foundation
import PLCore
import PLTestSupport
import Testing

@testable import PLLake

@Suite struct GoldBuildTests {
  func spec(_ text: String) throws -> GoldSpec { try GoldSpecReader(file: "gold.yml").parse(text) }

  func records(_ lines: [String]) throws -> [Record] { try lines.map { try JSONParser.parseRecord($0) } }

  func text(_ output: GoldOutput) -> [String] { output.records.map { JSONWriter.string($0) } }

  @Test func measuresPerGroupAndUTCDaySortedByDayThenGroup() throws {
    let s = try spec("""
      version: 1
      group_by: [product, analyte]
      period: {field: measured_at}
      measures: [mean, sd, min, max, median, p25]
      """)
    let silver = try records([
      #"{"product":"Oats","analyte":"protein","value":12,"measured_at":"2024-05-02T10:00:00Z"}"#,
      #"{"product":"Oats","analyte":"protein","value":14,"measured_at":"2024-05-02T11:00:00Z"}"#,
      #"{"product":"Oats","analyte":"protein","value":13,"measured_at":"2024-05-02T23:30:00-01:00"}"#,
      #"{"product":"Barley","analyte":"protein","value":10.5,"measured_at":"2024-05-02T08:00:00Z"}"#,
      #"{"product":"Oats","analyte":"fat","value":7.25,"measured_at":"2024-05-01T08:00:00Z"}"#,
    ])
    let out = try GoldBuild.run(spec: s, silverRecords: silver, part: SilverPart(name: "silver/results/part-1.ndjson.gz", batch: "b1"))
    #expect(out.periods == [.string("2024-05-01"), .string("2024-05-02"), .string("2024-05-03")])
    #expect(text(out) == [
      #"{"product":"Oats","analyte":"fat","day":"2024-05-01","records":1,"count":1,"refused":0,"mean":7.25,"sd":null,"min":7.25,"max":7.25,"median":7.25,"p25":7.25,"_pl":{"silver":["silver/results/part-1.ndjson.gz"],"batches":["b1"]}}"#,
      #"{"product":"Barley","analyte":"protein","day":"2024-05-02","records":1,"count":1,"refused":0,"mean":10.5,"sd":null,"min":10.5,"max":10.5,"median":10.5,"p25":10.5,"_pl":{"silver":["silver/results/part-1.ndjson.gz"],"batches":["b1"]}}"#,
      // 12 and 14: mean 13, sd √2, p25 at h = 0.25: 12.5.
      #"{"product":"Oats","analyte":"protein","day":"2024-05-02","records":2,"count":2,"refused":0,"mean":13,"sd":1.4142135623730951,"min":12,"max":14,"median":13,"p25":12.5,"_pl":{"silver":["silver/results/part-1.ndjson.gz"],"batches":["b1"]}}"#,
      // 23:30 at −01:00 is 00:30 UTC the next day.
      #"{"product":"Oats","analyte":"protein","day":"2024-05-03","records":1,"count":1,"refused":0,"mean":13,"sd":null,"min":13,"max":13,"median":13,"p25":13,"_pl":{"silver":["silver/results/part-1.ndjson.gz"],"batches":["b1"]}}"#,
    ])
  }

  @Test func nonNumericValuesAreRefusedWithReasonsAndCounted() throws {
    let s = try spec("version: 1\ngroup_by: [analyte]\nperiod: {field: measured_at}\nmeasures: [mean]\n")
    var refusals: [GoldRefusal] = []
    let silver = try records([
      #"{"analyte":"ash","value":"<0.1","measured_at":"2024-05-01"}"#,
      #"{"analyte":"ash","value":null,"measured_at":"2024-05-01"}"#,
      #"{"analyte":"ash","measured_at":"2024-05-01"}"#,
      #"{"analyte":"ash","value":true,"measured_at":"2024-05-01"}"#,
      #"{"analyte":"ash","value":1.5,"measured_at":"2024-05-01"}"#,
      #"{"analyte":"ash","value":2}"#,
      #"{"analyte":"ash","value":2,"measured_at":"last week"}"#,
    ])
    let out = try GoldBuild.run(spec: s, silverRecords: silver, part: SilverPart(name: "p.ndjson")) { refusals.append($0) }
    #expect(text(out) == [
      #"{"analyte":"ash","day":"2024-05-01","records":5,"count":1,"refused":4,"mean":1.5,"_pl":{"silver":["p.ndjson"],"refused":{"value is a boolean, not a number":1,"value is a string, not a number":1,"value is missing":1,"value is null":1}}}"#,
    ])
    #expect(refusals == [
      GoldRefusal(source: "p.ndjson", line: 1, field: "value", reason: "value is a string, not a number"),
      GoldRefusal(source: "p.ndjson", line: 2, field: "value", reason: "value is null"),
      GoldRefusal(source: "p.ndjson", line: 3, field: "value", reason: "value is missing"),
      GoldRefusal(source: "p.ndjson", line: 4, field: "value", reason: "value is a boolean, not a number"),
      GoldRefusal(source: "p.ndjson", line: 6, field: "measured_at", reason: "measured_at is missing"),
      GoldRefusal(source: "p.ndjson", line: 7, field: "measured_at", reason: "measured_at is not an ISO 8601 date or timestamp"),
    ])
    // Nothing lost: every record is in a group or refused without one.
    #expect(out.recordsRead == 7 && out.unplaced == 2)
  }

  @Test func anEmptyGroupHasNullMeasures() throws {
    let s = try spec("version: 1\ngroup_by: [analyte]\nperiod: {field: measured_at}\nmeasures: [mean, sd, min, max, median, p90]\n")
    let out = try GoldBuild.run(spec: s, silverRecords: try records([#"{"analyte":"fat","value":"n/a","measured_at":"2024-05-01"}"#]))
    #expect(text(out) == [
      #"{"analyte":"fat","day":"2024-05-01","records":1,"count":0,"refused":1,"mean":null,"sd":null,"min":null,"max":null,"median":null,"p90":null,"_pl":{"silver":["-"],"refused":{"value is a string, not a number":1}}}"#,
    ])
    let none = try GoldBuild.run(spec: s, silverRecords: [Record]())
    #expect(none.records.isEmpty && none.periods.isEmpty)
  }

  @Test func outOfSpecFromRecordLimitsThenVerdictThenTheTableAndTheQualityScore() throws {
    let s = try spec("""
      version: 1
      group_by: [analyte]
      period: {field: measured_at}
      measures: [mean]
      spec_limits:
        fields: {min: spec_min, max: spec_max}
        verdict: {field: verdict, fail: [fail]}
        table:
          - {when: {analyte: protein}, min: 10, max: 20}
      quality:
        - {name: in_spec, weight: 3, check: in_spec}
        - {name: has_unit, check: {present: unit}}
        - {name: known_lab, check: {field: lab, one_of: [A, B]}}
      """)
    let out = try GoldBuild.run(spec: s, silverRecords: try records([
      // Own limits: 25 > 22, out (the table would have said out too; 15 is in by its own).
      #"{"analyte":"protein","value":25,"spec_max":22,"unit":"g/100g","lab":"A","measured_at":"2024-05-01"}"#,
      #"{"analyte":"protein","value":15,"spec_min":16,"verdict":"pass","unit":"","lab":"A","measured_at":"2024-05-01"}"#,
      // Verdict: out although the table has it in.
      #"{"analyte":"protein","value":12,"verdict":"fail","unit":"g/100g","lab":"C","measured_at":"2024-05-01"}"#,
      // The table: in.
      #"{"analyte":"protein","value":19.5,"unit":null,"lab":"B","measured_at":"2024-05-01"}"#,
      // No value: not judged.
      #"{"analyte":"protein","value":null,"unit":"g/100g","measured_at":"2024-05-01"}"#,
      // Nothing judges fat.
      #"{"analyte":"fat","value":3,"unit":"g/100g","lab":"A","measured_at":"2024-05-01"}"#,
    ]))
    // protein: judged 4, out 3 (25, 15 below its own 16, 12 by verdict); in_spec 1/4,
    // has_unit 3/5 (an empty text and null fail), known_lab 3/5 (A, A, B; C and none fail):
    // score (3·0.25 + 0.6 + 0.6) / 5 = 0.39.
    #expect(text(out) == [
      #"{"analyte":"fat","day":"2024-05-01","records":1,"count":1,"refused":0,"mean":3,"judged":0,"out_of_spec":0,"out_of_spec_share":null,"quality_score":1,"quality":{"in_spec":null,"has_unit":1,"known_lab":1},"_pl":{"silver":["-"]}}"#,
      #"{"analyte":"protein","day":"2024-05-01","records":5,"count":4,"refused":1,"mean":17.875,"judged":4,"out_of_spec":3,"out_of_spec_share":0.75,"quality_score":0.39,"quality":{"in_spec":0.25,"has_unit":0.6,"known_lab":0.6},"_pl":{"silver":["-"],"refused":{"value is null":1}}}"#,
    ])
  }

  @Test func groupsByAValuePeriodInNumericOrder() throws {
    let s = try spec("version: 1\ngroup_by: [line]\nperiod: {field: run, by: value}\nmeasures: [mean]\n")
    let out = try GoldBuild.run(spec: s, silverRecords: try records([
      #"{"line":"L1","run":10,"value":1}"#, #"{"line":"L1","run":9,"value":2}"#, #"{"line":"L\u0031","run":9,"value":4}"#,
    ]))
    #expect(out.periods == [.number("9"), .number("10")])
    #expect(text(out) == [
      #"{"line":"L1","run":9,"records":2,"count":2,"refused":0,"mean":3,"_pl":{"silver":["-"]}}"#,
      #"{"line":"L1","run":10,"records":1,"count":1,"refused":0,"mean":1,"_pl":{"silver":["-"]}}"#,
    ])
  }

  static let anomalySpec = """
    version: 1
    group_by: [product, analyte]
    period: {field: measured_at}
    measures: [mean, sd, median]
    anomalies:
      window: 5
      robust_z: {threshold: 3, min_history: 3}
      control_rules: {rules: [1, 2, 3, 4, 5, 6, 7, 8], min_history: 3, same_side_run: 4}
    """

  @Test func aJumpIsFlaggedAgainstTheTrailingWindow() throws {
    let s = try spec(Self.anomalySpec)
    let means: [Double] = [10, 11, 10, 11, 10, 30]
    let silver = try records(means.enumerated().map { i, v in
      #"{"product":"Oats","analyte":"fat","value":\#(v),"measured_at":"2024-05-0\#(i + 1)T12:00:00Z"}"#
    })
    let out = try GoldBuild.run(spec: s, silverRecords: silver)
    let last = out.records.last!
    // Window 10 11 10 11 10: median 10, MAD 0, mean absolute deviation 0.4; z = 20 / (1.2533·0.4).
    #expect(last["robust_z"] == goldNumber(20 / (1.2533 * 0.4)))
    // Centre 10.4, sigma from moving ranges 1/1.128: only rule 1 of the control rules fires.
    #expect(last["flags"] == .array([.string("robust_z"), .string("nelson_1")]))
    // Too little history before the third point.
    #expect(out.records[0]["robust_z"] == .null && out.records[0]["flags"] == .array([]))
    #expect(out.records[1]["flags"] == .array([]))
  }

  /// A deterministic series: two groups over 40 days, a few values per day, some days missing.
  func silverDays(changing day: Int? = nil, dropping dropped: Int? = nil) -> [Int: [Record]] {
    var byDay: [Int: [Record]] = [:]
    var seed: UInt64 = 42
    func next() -> Double {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      return Double(seed >> 33) / Double(1 << 31)
    }
    for d in 1...40 {
      for (product, base) in [("Oats", 12.0), ("Rye", 9.0)] {
        if product == "Rye" && d % 7 == 3 { continue }
        let n = 1 + Int(next() * 4)
        for k in 0..<n {
          var v = (base + next() * 2 + (d > 30 && product == "Oats" ? 3 : 0)) * 100
          v = v.rounded() / 100
          if d == day { v += 5 }
          let date = d <= 31 ? String(format: "2024-03-%02d", d) : String(format: "2024-04-%02d", d - 31)
          byDay[d, default: []].append(Record([
            ("product", .string(product)), ("analyte", .string("protein")), ("value", .number(String(v))),
            ("measured_at", .string("\(date)T0\(k):00:00Z")),
          ]))
        }
      }
    }
    if let dropped { byDay[dropped] = [] }
    return byDay
  }

  func all(_ byDay: [Int: [Record]]) -> [Record] { byDay.keys.sorted().flatMap { byDay[$0]! } }

  func merge(_ history: [Record], _ update: GoldOutput) -> [Record] {
    let rewritten = Set(update.periods.map { PeriodKey(value: $0) })
    var merged = history.filter { !rewritten.contains(PeriodKey(value: $0["day"]!)) } + update.records
    merged.sort { a, b in
      let pa = PeriodKey(value: a["day"]!), pb = PeriodKey(value: b["day"]!)
      return pa != pb ? pa < pb : GoldOrder.less([a["product"]!], [b["product"]!])
    }
    return merged
  }

  @Test(arguments: [5, 12, 29, 40])
  func anIncrementalRecomputeEqualsAFullOne(changedDay: Int) throws {
    let s = try spec(Self.anomalySpec)
    let before = try GoldBuild.run(spec: s, silverRecords: all(silverDays()))
    let after = silverDays(changing: changedDay)
    let full = try GoldBuild.run(spec: s, silverRecords: all(after))
    let partial = try GoldBuild.run(spec: s, silverRecords: after[changedDay]!, history: before.records)
    #expect(before.records != full.records)
    #expect(merge(before.records, partial) == full.records)
    // Only the changed day and the days of the next five points of each group are rewritten.
    #expect(partial.periods.count <= 7)
    #expect(partial.periods.count < full.periods.count)
  }

  @Test func aDayWhoseSilverWentAwayIsRewrittenAsEmpty() throws {
    let s = try spec(Self.anomalySpec)
    let before = try GoldBuild.run(spec: s, silverRecords: all(silverDays()))
    let after = silverDays(dropping: 12)
    let full = try GoldBuild.run(spec: s, silverRecords: all(after))
    let day: JSONValue = before.records.first { $0["day"] == .string("2024-03-12") }!["day"]!
    let partial = try GoldBuild.run(spec: s, silverRecords: [Record](), history: before.records, changedPeriods: [day])
    #expect(partial.periods.contains(day))
    #expect(!partial.records.contains { $0["day"] == day })
    #expect(merge(before.records, partial) == full.records)
  }

  @Test func gzipPartsReadLikeRecordsWithLineage() throws {
    let dir = try TemporaryDirectory()
    let s = try spec("version: 1\ngroup_by: [analyte]\nperiod: {field: measured_at}\nmeasures: [mean, p50]\n")
    let lines = [
      #"{"analyte":"fat","value":1.5,"measured_at":"2024-05-01T00:00:00Z"}"#,
      #"{ "analyte" : "fat", "value" : 2.5, "measured_at" : "2024-05-01T01:00:00Z" }"#,
      #"{"analyte":"fat","value":4,"measured_at":"2024-05-01T02:00:00Z","_pl":{"source":"x.csv","line":3}}"#,
    ]
    // Two gzip members in one file (as `cat a.gz b.gz` makes), and a plain part.
    try dir.write("a.ndjson", lines[0] + "\n" + lines[1] + "\n")
    try dir.write("b.ndjson", lines[2] + "\n")
    try dir.python("""
      import gzip
      with open('p1.ndjson.gz', 'wb') as f:
          f.write(gzip.compress(open('a.ndjson', 'rb').read()))
          f.write(gzip.compress(open('b.ndjson', 'rb').read()))
      """)
    try dir.write("p2.ndjson", #"{"analyte":"fat","value":"x","measured_at":"2024-05-01"}"# + "\n")
    let out = try GoldBuild.run(spec: s, parts: [
      (SilverPart(name: "date=2024-05-01/p1.ndjson.gz", batch: "b2"), dir.file("p1.ndjson.gz")),
      (SilverPart(name: "date=2024-05-01/p2.ndjson", batch: "b1"), dir.file("p2.ndjson")),
    ])
    let fromRecords = try GoldBuild.run(spec: s, silverRecords: try records(lines + [#"{"analyte":"fat","value":"x","measured_at":"2024-05-01"}"#]))
    #expect(text(out) == [
      #"{"analyte":"fat","day":"2024-05-01","records":4,"count":3,"refused":1,"mean":2.6666666666666665,"p50":2.5,"_pl":{"silver":["date=2024-05-01/p1.ndjson.gz","date=2024-05-01/p2.ndjson"],"batches":["b1","b2"],"refused":{"value is a string, not a number":1}}}"#,
    ])
    #expect(out.records.map(\.fields) == fromRecords.records.map(\.fields))
    // The same part streamed through zlib in small blocks.
    let streamed = GoldAggregator(spec: s)
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("p1.ndjson.gz"))))
    try streamed.read(part: SilverPart(name: "p1"), stream: UnsizedStream(MemoryStream(bytes, name: "p1")), gzip: true)
    #expect(try streamed.finish(history: [Record]()).records.first?["mean"] == .number("2.6666666666666665"))
  }

  @Test func aCutGzipPartAndABadLineAreDataErrorsNamingThePart() throws {
    let dir = try TemporaryDirectory()
    let s = try spec("version: 1\ngroup_by: [analyte]\nperiod: {field: measured_at}\n")
    try dir.write("a.ndjson", String(repeating: #"{"analyte":"fat","value":1.5,"measured_at":"2024-05-01"}"# + "\n", count: 200))
    try dir.python("""
      import gzip
      data = gzip.compress(open('a.ndjson', 'rb').read())
      open('cut.ndjson.gz', 'wb').write(data[:len(data) // 2])
      """)
    // Read whole with libdeflate (a small part) and streamed through zlib (a stream of unknown size).
    #expect(throws: PLError.malformed(source: dir.file("cut.ndjson.gz"), location: nil, message: "damaged gzip data (not gzip, a wrong checksum, or a file cut short)")) {
      try GoldBuild.run(spec: s, parts: [(SilverPart(name: "cut"), dir.file("cut.ndjson.gz"))])
    }
    let cut = Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("cut.ndjson.gz"))))
    #expect(throws: PLError.malformed(source: "cut", location: nil, message: "the gzip stream ends early (the file is truncated)")) {
      try GoldAggregator(spec: s).read(part: SilverPart(name: "cut"), stream: UnsizedStream(MemoryStream(cut, name: "cut")), gzip: true)
    }
    try dir.write("bad.ndjson", #"{"analyte":"fat"}"# + "\n" + #"{"analyte":"fat","#)
    let error = plError { _ = try GoldBuild.run(spec: s, parts: [(SilverPart(name: "bad.ndjson"), dir.file("bad.ndjson"))]) }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.hasPrefix("bad.ndjson: line 2: ") == true)
  }
}

/// A stream that does not tell its size, as a pipe does: gold streams it instead of reading it whole.
final class UnsizedStream: ByteStream {
  let inner: MemoryStream
  var name: String { inner.name }
  var size: Int? { nil }
  var tally = StreamTally()

  init(_ inner: MemoryStream) { self.inner = inner }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, 1000)]))
    tally.count(buffer, n)
    return n
  }
}
