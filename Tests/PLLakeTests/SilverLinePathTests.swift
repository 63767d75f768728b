import Foundation
import PLCore
import PLTestSupport
import Testing
@testable import PLLake

/// Hides that a reader can hand out compact lines, so the pipeline parses every record: the
/// record path, against which the line path is compared.
private final class RecordsOnly: RecordSource {
  let reader: NDJSONReader
  init(_ reader: NDJSONReader) { self.reader = reader }
  var sourceName: String { reader.sourceName }
  func next() throws(PLError) -> Record? { try reader.next() }
}

/// What a silver batch left, with the parts decompressed and the manifest without what differs
/// from run to run (its times and run id).
private struct SilverResult: Equatable {
  var parts: [String: [UInt8]] = [:]
  var manifest: [String] = []
  var rejects: [UInt8] = []
  var error: String?
  var linesWritten = 0
}

@Suite struct SilverLinePathTests {
  /// Promotes `text` through the line path (or only the record path) into a fresh lake.
  private func promote(_ text: String, lines: Bool, key: [String] = [], partitionBy: String = "measured_at",
                       rejects: Bool = false, maxOpenParts: Int = 32) throws -> SilverResult {
    let t = try TestLake()
    let plan = try SilverPlan(dataset: "results", partition: PartitionRule(field: partitionBy), key: key, maxOpenParts: maxOpenParts)
    let sink = try SilverSink(lake: t.lake, plan: plan, identity: TestLake.identity, wait: 0)
    let rejectsPath = t.directory.file("rejects.ndjson")
    let rejectsFile = rejects ? try RejectsFile(path: rejectsPath) : nil
    let reporter = RefusalReporter(inner: rejectsFile, silver: sink) { _ in }
    let pipeline = Pipeline(transforms: [SilverCheck(plan: plan)], sink: sink, rejects: rejectsFile == nil ? nil : reporter)
    let stream = MemoryStream(Array(text.utf8), name: "input.ndjson")
    let input = try SilverInput(name: "input.ndjson")
    stream.observers = [input.digest]
    sink.inputs.append(input)
    var result = SilverResult()
    do throws(PLError) {
      let reader = NDJSONReader(source: stream)
      try pipeline.run(lines ? reader : RecordsOnly(reader))
      input.bytes = stream.bytesRead
      try pipeline.finish()
    } catch {
      pipeline.abort()
      result.error = "\(error.exitStatus): \(error.description)"
    }
    result.linesWritten = sink.linesWritten
    for file in t.allFiles(under: "silver") where file.contains("/date=") {
      let reader = try PartCompression.gzip.makeReader(try FileStream(path: t.root + "/" + file))
      var bytes: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let n = try chunk.withUnsafeMutableBytes { (buffer) throws(PLError) in try reader.read(into: buffer) }
        if n == 0 { break }
        bytes += chunk[0..<n]
      }
      result.parts[file] = bytes
    }
    if let manifest = sink.outcome?.manifest {
      result.manifest = manifest.json.filter { !["run_id", "started_at", "ended_at"].contains($0.key) }.map { JSONWriter.string($0.value) }
    }
    // A failed batch removes its rejects file with everything else.
    if rejects, let data = FileManager.default.contents(atPath: rejectsPath) { result.rejects = Array(data) }
    return result
  }

  /// Both paths on `text`: the same lake, message and exit status; returns the line path's result.
  @discardableResult
  private func bothPaths(_ text: String, key: [String] = [], partitionBy: String = "measured_at", rejects: Bool = false,
                         maxOpenParts: Int = 32, sourceLocation: SourceLocation = #_sourceLocation) throws -> SilverResult {
    var fast = try promote(text, lines: true, key: key, partitionBy: partitionBy, rejects: rejects, maxOpenParts: maxOpenParts)
    let slow = try promote(text, lines: false, key: key, partitionBy: partitionBy, rejects: rejects, maxOpenParts: maxOpenParts)
    #expect(slow.linesWritten == 0, sourceLocation: sourceLocation)
    let linesWritten = fast.linesWritten
    fast.linesWritten = 0
    #expect(fast == slow, sourceLocation: sourceLocation)
    fast.linesWritten = linesWritten
    return fast
  }

  static let source = "bronze/coa/ingest_date=2026-11-30/" + String(repeating: "ab", count: 32) + ".csv"

  @Test func compactLinesGoAsTheyCameAndGiveTheSameLake() throws {
    var text = ""
    for i in 0..<600 {
      let day = 1 + i % 3
      text += "{\"sample_id\":\"S\(i / 2)\",\"analyte\":\"a\(i % 2)\",\"value\":\(Double(i) / 4),\"ok\":\(i % 2 == 0),"
      text += "\"measured_at\":\"2026-11-0\(day)T23:30:00+01:00\",\"_pl\":{\"source\":\"\(Self.source)!m\(i / 250).csv\",\"line\":\(i + 2)}}\n"
    }
    let result = try bothPaths(text, key: ["sample_id", "analyte"])
    #expect(result.linesWritten == 600)
    #expect(result.parts.count == 3)
    #expect(result.manifest.joined().contains("\"bronze_sha256\":\"" + String(repeating: "ab", count: 32)))
    // Few open parts: a partition comes back as a further part, on both paths alike.
    #expect(try bothPaths(text, maxOpenParts: 1).parts.count > 3)
  }

  @Test(arguments: [
    // escapes in values, keys and the partition field; unicode, also in keys and sources
    "{\"measured_at\":\"2026-11-30\",\"note\":\"tab\\there \\\"q\\\" \\u001f\",\"_pl\":{\"source\":\"a\\\\b.csv\",\"line\":2}}\n",
    "{\"measured_at\":\"2026-11-30\",\"note\":\"caf\\u00e9 \\/\"}\n{\"measured_at\":\"2026-11-30\",\"note\":\"café ☕ 𝄞\"}\n",
    "{\"m\\u0065asured_at\":\"2026-11-30\"}\n{\"measured_at\":\"2026-11-30\",\"crème\":1,\"_pl\":{\"source\":\"données/é.csv!x\"}}\n",
    "{\"measured_at\":\"2026\\u002d11-30\"}\n{\"measured_at\":\"2026-11-30\\n\"}\n",
    // nested and odd _pl: nested objects, a _pl in _pl, non-string source, empty, not last
    "{\"measured_at\":\"2026-11-30\",\"_pl\":{\"line\":3,\"x\":{\"source\":\"no\"},\"source\":\"s.csv\",\"source\":\"t.csv\"}}\n",
    "{\"measured_at\":\"2026-11-30\",\"_pl\":{\"_pl\":{\"a\":1},\"source\":\"s.csv\"}}\n{\"measured_at\":\"2026-11-30\",\"_pl\":{\"source\":7}}\n",
    "{\"measured_at\":\"2026-11-30\",\"_pl\":{\"source\":\"\"}}\n{\"measured_at\":\"2026-11-30\",\"_pl\":{\"source\":\"\"}}\n{\"measured_at\":\"2026-11-30\",\"_pl\":{\"source\":\"a\"}}\n",
    "{\"measured_at\":\"2026-11-30\",\"_pl\":{}}\n{\"_pl\":{\"source\":\"s.csv\"},\"measured_at\":\"2026-11-30\"}\n",
    // duplicate keys: the first value counts, every member is written
    "{\"measured_at\":\"2026-11-30\",\"measured_at\":\"bad\",\"a\":1,\"a\":\"x\"}\n{\"measured_at\":\"2026-11-30T12:00Z\",\"a\":1}\n",
    // blank lines, CRLF, whitespace, a last line without newline
    "\n{\"measured_at\":\"2026-11-30\"}\r\n  \r\n{ \"measured_at\" : \"2026-12-01\" }\r\n{\"measured_at\":\"2026-11-30\",\"a\":[1,{\"b\":null}]}",
    // schema changes: kinds flip, fields come and go
    "{\"measured_at\":\"2026-11-30\",\"v\":1}\n{\"measured_at\":\"2026-11-30\",\"v\":\"1\"}\n{\"measured_at\":\"2026-11-30\",\"v\":true}\n{\"measured_at\":\"2026-11-30\",\"v\":false,\"w\":null}\n{\"measured_at\":\"2026-11-30\",\"v\":1}\n",
    // the Kelvin sign is "K" to Swift strings: a member named with it is the field
    "{\"\u{212A}\":\"2026-11-30\",\"K\":\"2026-12-01\"}\n",
  ])
  func trickyLinesGiveTheSameLakeOnBothPaths(text: String) throws {
    try bothPaths(text)
    try bothPaths(text, partitionBy: "K")
    try bothPaths(text, key: ["a"], rejects: true)
  }

  @Test(arguments: [
    // missing, null, numeric, zoneless and impossible partition values
    "{\"measured_at\":\"2026-11-30\"}\n{\"other\":1}\n",
    "{\"measured_at\":\"2026-11-30\"}\n{\"measured_at\":null}\n",
    "{\"measured_at\":\"2026-11-30\"}\n{\"measured_at\":20261130}\n",
    "{\"measured_at\":\"2026-11-30\"}\n{\"measured_at\":\"2026-11-30T10:00:00\"}\n",
    "{\"measured_at\":\"2026-11-30\"}\n{\"measured_at\":\"2026-02-30\"}\n",
    // invalid JSON, a non-object line, a cut last line, an abort line from upstream
    "{\"measured_at\":\"2026-11-30\"}\n{\"measured_at\":\"2026-11-30\",}\n",
    "{\"measured_at\":\"2026-11-30\"}\n[1,2]\n",
    "{\"measured_at\":\"2026-11-30\"}\n{\"measured_at\":\"2026-11-30\",\"note\":\"\u{FFFD}\",\"x\":tru\n",
    "{\"measured_at\":\"2026-11-30\"}\n{\"measured_at\":\"2026-11-30\",\"x\":1",
    "{\"measured_at\":\"2026-11-30\"}\n!pl-abort pl-clean: x.csv: line 2: bad\n",
  ])
  func refusalsAndBadInputAreTheSameOnBothPaths(text: String) throws {
    let failed = try bothPaths(text)
    let kept = try bothPaths(text, rejects: true)
    let cutOrBad = text.contains("!pl-abort") || text.contains(",}") || text.contains("[1,2]") || !text.hasSuffix("\n") || text.contains("tru\n")
    #expect(failed.error != nil)
    #expect((kept.error != nil) == cutOrBad)
    #expect(kept.parts.isEmpty == cutOrBad)
  }

  @Test func invalidUTF8IsRefusedAlikeOnBothPaths() throws {
    for bytes: [UInt8] in [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xFF]] {
      let input = Array("{\"measured_at\":\"2026-11-30\"}\n{\"measured_at\":\"2026-11-30\",\"x\":\"".utf8) + bytes + Array("\"}\n".utf8)
      let fast = try promoteBytes(input, lines: true)
      let slow = try promoteBytes(input, lines: false)
      #expect(fast == slow)
      #expect(fast != nil)
    }
  }

  /// The error a batch of raw bytes ends with, or nil.
  private func promoteBytes(_ bytes: [UInt8], lines: Bool) throws -> String? {
    let t = try TestLake()
    let plan = try SilverPlan(dataset: "results")
    let sink = try SilverSink(lake: t.lake, plan: plan, identity: TestLake.identity, wait: 0)
    let pipeline = Pipeline(transforms: [SilverCheck(plan: plan)], sink: sink)
    let stream = MemoryStream(bytes, name: "input.ndjson")
    let input = try SilverInput(name: "input.ndjson")
    stream.observers = [input.digest]
    sink.inputs.append(input)
    do throws(PLError) {
      let reader = NDJSONReader(source: stream)
      try pipeline.run(lines ? reader : RecordsOnly(reader))
      try pipeline.finish()
      return nil
    } catch {
      pipeline.abort()
      #expect(t.visibleParts().isEmpty)
      return "\(error.exitStatus): \(error.description)"
    }
  }

  @Test(arguments: [
    ("bronze/coa/ingest_date=2026-11-30/" + String(repeating: "0f", count: 32) + ".csv!sheet1", true),
    ("lake//bronze//coa/ingest_date=x//" + String(repeating: "0f", count: 32) + ".tar.gz", true),
    ("bronze/coa/ingest_date=2026-11-30/" + String(repeating: "0F", count: 32) + ".csv", false),
    ("bronze/coa/ingest_date=2026-11-30/" + String(repeating: "0f", count: 32), false),
    ("bronze/coa/2026-11-30/" + String(repeating: "0f", count: 32) + ".csv", false),
    ("x!bronze/coa/ingest_date=2026-11-30/" + String(repeating: "0f", count: 32) + ".csv", false),
    ("bronze/données/ingest_date=2026-11-30/" + String(repeating: "0f", count: 32) + ".csv", true),
    ("bronze/coa/ingest_date=2026-11-30/" + String(repeating: "0f", count: 32) + ".\u{301}csv", false),
    ("/ingest_date=1/" + String(repeating: "0f", count: 32) + ".csv", false),
  ])
  func bronzeSHA256ReadsBytesAsTheCharacterRulesDo(source: String, isBronze: Bool) {
    let sha = PendingFiles.bronzeSHA256(ofSource: source)
    #expect(sha == PendingFiles.bronzeSHA256(characters: source))
    #expect(sha == (isBronze ? String(repeating: "0f", count: 32) : nil))
  }
}
