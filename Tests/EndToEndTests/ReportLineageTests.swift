import Foundation
import Testing

/// The lineage section follows a gold partition back through silver to the bronze e-mail its
/// records came from, and `--dataset` narrows the report without losing that chain.
struct ReportLineageTests {
  @Test func goldPartitionsLeadToTheBronzeEmailAndItsSender() throws {
    let lake = try ReportTests.TestLake(records: [], promote: false)
    let mail = "From: Lab Nord <lab@nord.example>\r\nTo: qa@example.com\r\nSubject: Results <week 44>\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
    try mail.write(toFile: lake.dir + "/mail.eml", atomically: true, encoding: .utf8)
    let bronze = try ReportTests.shell("pl-promote bronze --lake lake2 --dataset inbox --quiet mail.eml | jq -r .path", in: lake.dir)
    #expect(bronze.status == 0, "\(bronze.err)")
    let path = bronze.out.trimmingCharacters(in: .whitespacesAndNewlines)
    // The records as pl-extract gives them from that file: _pl.source names the bronze file.
    let records = ReportTests.records().enumerated().map { i, line in
      String(line.dropLast()) + #","_pl":{"source":"\#(path)","line":\#(i + 2)}}"#
    }
    try (records.joined(separator: "\n") + "\n").write(toFile: lake.dir + "/sourced.ndjson", atomically: true, encoding: .utf8)
    let built = try ReportTests.shell("""
      pl-promote silver --lake lake2 --dataset results --partition-by measured_at:day --key sample_id,analyte,measured_at --quiet < sourced.ndjson > /dev/null &&
      pl-promote gold --lake lake2 --dataset results --spec gold.yml --quiet > /dev/null
      """, in: lake.dir)
    #expect(built.status == 0, "\(built.err)")
    for arguments in ["", "--dataset results"] {
      let r = try ReportTests.shell("pl-report --lake lake2 --out r.html --quiet \(arguments)", in: lake.dir)
      #expect(r.status == 0, "\(r.err)")
      let html = try String(contentsOfFile: lake.dir + "/r.html", encoding: .utf8)
      let lineage = try #require(html.components(separatedBy: "<section id=\"lineage\">").last)
      #expect(ReportTests.count("<tr class=\"lineage\" data-partitions=\"40\"", in: lineage) == 1)
      #expect(lineage.contains("mail.eml") && lineage.contains("from Lab Nord &lt;lab@nord.example&gt;"))
      #expect(lineage.contains("“Results &lt;week 44&gt;”"))
      #expect(lineage.contains("<li>gold results #1") && lineage.contains("<li>silver results #1") && lineage.contains("<li>bronze inbox #1"))
      let rows = ReportTests.count("<tr class=\"fresh", in: html)
      #expect(rows == (arguments.isEmpty ? 3 : 2))
    }
    let none = try ReportTests.shell("pl-report --lake lake2 --out r.html --dataset nosuch", in: lake.dir)
    #expect(none.status == 66 && none.err.contains("no dataset named nosuch"), "\(none.status) \(none.err)")
  }
}
