import Foundation
import PLCore
import PLExtract
import Testing

/// `Extractor` end to end: files in, NDJSON lines out through an `OutputStream` on a file.
@Suite struct ExtractorTests {
  /// Runs `plan` into a temporary file; returns the output lines and what the observer saw.
  func run(_ plan: ExtractPlan, in dir: TemporaryDirectory) throws -> (lines: [String], observer: Observer) {
    let outPath = dir.file("out.ndjson")
    let fd = open(outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    try #require(fd >= 0)
    defer { close(fd) }
    let observer = Observer()
    let sink = NDJSONSink(stream: OutputStream(fd: fd, name: outPath), includeMeta: plan.includeMeta)
    try Extractor(plan: plan, sink: sink, observer: observer).run()
    let text = try String(contentsOfFile: outPath, encoding: .utf8)
    #expect(text.isEmpty || text.hasSuffix("\n"))
    return (text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), observer)
  }

  final class Observer: ExtractObserver {
    var opened: [String] = []
    var finished: [(String, Int, [Field])] = []
    func sourceOpened(_ source: any ByteStream) { opened.append(source.name) }
    var skips: [PLError] = []
    func recordsRead(_ records: Int, bytesRead: Int) {}
    func skipped(_ error: PLError) { skips.append(error) }
    var warnings: [String] = []
    func warning(_ message: String) { warnings.append(message) }
    func sourceFinished(_ source: any ByteStream, records: Int, details: [Field]) { finished.append((source.name, records, details)) }
  }

  static let csv = "sample;protein;unit\nS1;12,30;g/100 g\n\"S 2\";\"9,5\";\"µg\"\n"
  static let ndjson = [
    #"{"a":1,"b":"x"}"#,  // compact: copied, `_pl` appended
    "",
    #"{ "a" : 2 }"#,  // not compact: parsed and rewritten
    #"{"a":3,"_pl":{"source":"orig.csv","line":9}}"#,  // has a source of its own: kept
    #"{"a":4,"_pl":{"notes":["n"]}}"#,  // metadata without a source: source and line put first
    #"{"_pl":{"notes":[]},"a":5}"#,
    #"{}"#,
    #"{"a": 6, "_pl": {"source": "kept.csv"}}"#,
  ].joined(separator: "\r\n")

  @Test func csvAndNDJSONWithMeta() throws {
    let dir = try TemporaryDirectory()
    let csv = try dir.write("lab.csv", Self.csv)
    let nd = try dir.write("more.ndjson", Self.ndjson)
    let (lines, observer) = try run(ExtractPlan(inputs: [csv, nd]), in: dir)
    let c = "\"_pl\":{\"source\":\"\(csv)\",\"line\":"
    let n = "\"_pl\":{\"source\":\"\(nd)\",\"line\":"
    #expect(lines == [
      #"{"sample":"S1","protein":"12,30","unit":"g/100 g","# + c + "2}}",
      #"{"sample":"S 2","protein":"9,5","unit":"µg","# + c + "3}}",
      #"{"a":1,"b":"x","# + n + "1}}",
      #"{"a":2,"# + n + "3}}",
      #"{"a":3,"_pl":{"source":"orig.csv","line":9}}"#,
      #"{"a":4,"# + n + #"5,"notes":["n"]}}"#,
      #"{"a":5,"# + n + #"6,"notes":[]}}"#,
      "{" + n + "7}}",
      #"{"a":6,"_pl":{"source":"kept.csv"}}"#,
    ])
    #expect(observer.opened == [csv, nd])
    #expect(observer.finished.map(\.0) == [csv, nd])
    #expect(observer.finished.map(\.1) == [2, 7])
    let details = observer.finished[0].2
    #expect(Array(details.prefix(3)) == [
      Field("format", .string("csv")), Field("encoding", .string("UTF-8")), Field("delimiter_detected", .bool(true)),
    ])
    #expect(details[key: "delimiter"] == .string(";"))
    #expect(details[key: "columns"] == .array(["sample", "protein", "unit"].map { .string($0) }))
    #expect(details[key: "decimal"] == .string(","))
    #expect(observer.finished[1].2 == [Field("format", .string("ndjson")), Field("encoding", .string("UTF-8"))])
    // Every line is a record the next stage reads back.
    for line in lines { #expect(throws: Never.self) { try JSONParser.parseRecord(line) } }
  }

  @Test func withoutMeta() throws {
    let dir = try TemporaryDirectory()
    let csv = try dir.write("lab.csv", Self.csv)
    let nd = try dir.write("more.ndjson", Self.ndjson)
    let (lines, _) = try run(ExtractPlan(inputs: [csv, nd], includeMeta: false), in: dir)
    #expect(lines == [
      #"{"sample":"S1","protein":"12,30","unit":"g/100 g"}"#,
      #"{"sample":"S 2","protein":"9,5","unit":"µg"}"#,
      #"{"a":1,"b":"x"}"#,
      #"{"a":2}"#,
      #"{"a":3}"#,
      #"{"a":4}"#,
      #"{"a":5}"#,
      #"{}"#,
      #"{"a":6}"#,
    ])
  }

  @Test func jsonDocumentsAndSniffing() throws {
    let dir = try TemporaryDirectory()
    let json = try dir.write("doc.json", "[\n  {\"a\": 1},\n  {\"b\": [1, 2]}\n]\n")
    let sniffedJSON = try dir.write("pretty", "{\n  \"c\": 3\n}\n")
    let sniffedNDJSON = try dir.write("lines", "{\"d\":4}\n")
    let sniffedCSV = try dir.write("table", "x\ty\n1\t2\n")
    let tsv = try dir.write("t.tsv", "x,y\t z\n1,2\t3\n")
    let (lines, observer) = try run(ExtractPlan(inputs: [json, sniffedJSON, sniffedNDJSON, sniffedCSV, tsv]), in: dir)
    func meta(_ path: String, _ line: Int) -> String { "\"_pl\":{\"source\":\"\(path)\",\"line\":\(line)}" }
    #expect(lines == [
      #"{"a":1,"# + meta(json, 2) + "}",
      #"{"b":[1,2],"# + meta(json, 3) + "}",
      #"{"c":3,"# + meta(sniffedJSON, 1) + "}",
      #"{"d":4,"# + meta(sniffedNDJSON, 1) + "}",
      #"{"x":"1","y":"2","# + meta(sniffedCSV, 2) + "}",
      #"{"x,y":"1,2","z":"3","# + meta(tsv, 2) + "}",  // header names are trimmed
    ])
    #expect(observer.finished.map { $0.2.first?.value } == ["json", "json", "ndjson", "csv", "tsv"].map { JSONValue.string($0) })
    #expect(observer.finished[4].2[key: "delimiter_detected"] == .bool(false))
  }

  @Test func formatGivenOverridesTheName() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write("data.json", "a|b\n1|2\n")
    let (lines, _) = try run(ExtractPlan(inputs: [path], format: .csv, csv: CSVOptions(delimiter: UInt8(ascii: "|")), includeMeta: false), in: dir)
    #expect(lines == [#"{"a":"1","b":"2"}"#])
  }

  @Test func csvOptionsReachTheReader() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write("r.csv", "1,2\n3\n")
    let (lines, _) = try run(ExtractPlan(inputs: [path], csv: CSVOptions(header: false, allowRagged: true), includeMeta: false), in: dir)
    #expect(lines == [#"{"1":"1","2":"2"}"#, #"{"1":"3","2":""}"#])
  }

  @Test func manyRecordsAreFlushedInOrder() throws {
    let dir = try TemporaryDirectory()
    var text = "n,text\n"
    for i in 0..<5000 { text += "\(i),\(String(repeating: "x", count: 30))\n" }
    let path = try dir.write("big.csv", text)
    let (lines, observer) = try run(ExtractPlan(inputs: [path], includeMeta: false), in: dir)
    #expect(lines.count == 5000)
    #expect(lines.first == #"{"n":"0","text":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#)
    #expect(lines.last?.hasPrefix(#"{"n":"4999","#) == true)
    #expect(observer.finished.map(\.1) == [5000])
  }

  @Test func missingInputStopsTheRun() throws {
    let dir = try TemporaryDirectory()
    let good = try dir.write("good.csv", "a\n1\n")
    let missing = dir.file("missing.csv")
    let outPath = dir.file("out.ndjson")
    let fd = open(outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    defer { close(fd) }
    let output = OutputStream(fd: fd, name: outPath)
    let error = plError { try Extractor(plan: ExtractPlan(inputs: [good, missing]), sink: NDJSONSink(stream: output), observer: nil).run() }
    #expect(error == .inputMissing(source: missing, message: "No such file or directory"))
    #expect(error?.exitStatus.rawValue == 66)
  }

  @Test func badInputNamesTheFileAndLine() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write("bad.ndjson", "{\"a\":1}\n{\"a\" 2}\n")
    let error = plError { _ = try run(ExtractPlan(inputs: [path]), in: dir) }
    #expect(error?.description == "\(path): line 2, column 6: expected ':', found '2'")
    #expect(error?.exitStatus.rawValue == 65)
  }

  @Test func emptyInputsListMeansStandardInput() {
    #expect(ExtractPlan(inputs: []).inputs == ["-"])
  }
}
