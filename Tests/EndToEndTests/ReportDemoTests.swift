import Foundation
import Testing

/// The report of the lake `make demo` builds (the nightly job over the example files): every
/// dataset of the lake, every gold group and every point gold flagged is on the page.
struct ReportDemoTests {
  @Test func theDemoLakeReportShowsEveryDatasetGroupAndFlag() throws {
    let lake = try ReportTests.TestLake(records: [], promote: false)
    let examples = DocsTests.root.appendingPathComponent("examples").path
    let night = try ReportTests.shell("""
      mkdir inbox && cp "\(examples)"/*.csv "\(examples)"/*.txt "\(examples)"/*.ndjson "\(examples)"/*.pdf inbox/ &&
      PL_BIN="$(dirname "$(command -v pl-report)")" bash "\(examples)/nightly.sh" --inbox inbox --lake demo-lake --db lab.sqlite --runs runs
      """, in: lake.dir)
    #expect(night.status == 0, "\(night.err)")
    let r = try ReportTests.shell(
      "pl-report --lake demo-lake --out report-lake.html --validation-report runs/*/report.json --rejects runs/*/rejects.ndjson --quiet",
      in: lake.dir)
    #expect(r.status == 0, "\(r.err)")
    let html = try String(contentsOfFile: lake.dir + "/report-lake.html", encoding: .utf8)
    // Every dataset of every layer, from the lake's own manifest folders.
    let datasets = try ReportTests.shell("ls -d demo-lake/_manifests/*/* | wc -l", in: lake.dir).out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(ReportTests.count("<tr class=\"fresh", in: html) == Int(datasets))
    // Every group of gold, and every point gold flagged, read from gold with jq.
    let gold = #"cat demo-lake/_manifests/gold/results/*.json | jq -r '.outputs[].path' | while read p; do [ -e "demo-lake/$p" ] && gzip -dc "demo-lake/$p"; done"#
    let groups = try ReportTests.shell(gold + " | jq -c '[.product, .analyte]' | sort -u | wc -l", in: lake.dir).out
    let flagged = try ReportTests.shell(gold + " | jq -c 'select((.flags | length) > 0)' | wc -l", in: lake.dir).out
    let charts = ReportTests.charts(html)
    // A group with no numeric value (every result ND or a text) is named under the charts.
    let uncharted = html.components(separatedBy: "<p class=\"uncharted\" data-groups=\"").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
    // A group of fewer than 5 points with nothing flagged is a row of the short-series table.
    let short = html.components(separatedBy: "<table class=\"short\" data-groups=\"").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
    #expect(charts.count + uncharted + short == Int(groups.trimmingCharacters(in: .whitespacesAndNewlines)))
    // Every group with at least 5 points is a chart: the example QC history has five, 60 and more days each.
    let long = try ReportTests.shell(gold + " | jq -r 'select(.mean != null) | [.product, .analyte] | @tsv' | sort | uniq -c | awk '$1 >= 5' | wc -l", in: lake.dir).out
    let drawnLong = charts.filter { (Int(ReportTests.attribute("data-points", of: $0) ?? "") ?? 0) >= 5 }.count
    #expect(drawnLong == Int(long.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(drawnLong >= 5)
    let shown = charts.reduce(0) { $0 + (Int(ReportTests.attribute("data-violations", of: $1) ?? "") ?? 0) }
    #expect(shown == Int(flagged.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(shown > 0, "the example QC history's planted outlier and drift are flagged by gold and marked")
    #expect(html.contains("<tr class=\"rule"))
    #expect(html.contains("<tr class=\"lineage\""))
  }
}
