import PLCore

/// The report as one self-contained HTML page: inline CSS and SVG, no script, no URL, laid out
/// for the screen and for print.
///
/// Sections carry `id`s (`freshness`, `charts`, `scorecard`, `lineage`); freshness rows are
/// `tr.fresh` with `data-layer`, `data-dataset` and `data-stale`.
public struct HTMLReport {
  public var lakeName: String
  public var now: Double
  public var freshness: [FreshnessRow]
  public var charts: [ControlChart]
  public var series: [GoldSeries]
  /// Groups with no mean to draw (every value a text, such as ND): named under the charts.
  public var uncharted: [GoldSeries]
  /// Groups with fewer points than `minPoints` and nothing flagged: one table row each.
  public var short: [ControlChart] = []
  public var minPoints = 5
  public var scorecard: Scorecard
  public var lineage: [LineageRow]

  public func render() -> String {
    var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    out += "<title>Lake report: \(e(lakeName))</title><style>\(HTMLReport.css)\(SVGChart.style)</style></head><body>\n"
    out += "<header><h1>Lake report: \(e(lakeName))</h1><p>As of \(e(ReportTime.text(now))) · \(charts.count) chart\(charts.count == 1 ? "" : "s") · "
    out += "\(charts.reduce(0) { $0 + $1.violations }) flagged points</p>"
    out += "<nav><a href=\"#freshness\">Freshness</a> · <a href=\"#charts\">Control charts</a> · <a href=\"#scorecard\">Quality</a> · "
    out += "<a href=\"#lineage\">Lineage</a></nav></header>\n"
    freshnessSection(&out)
    chartSection(&out)
    scorecardSection(&out)
    lineageSection(&out)
    return out + "</body></html>\n"
  }

  func e(_ s: String) -> String { XMLText.escape(s) }

  func percent(_ x: Double?) -> String {
    guard let x else { return "–" }
    return DurationText.one(x * 100) + " %"
  }

  func freshnessSection(_ out: inout String) {
    out += "<section id=\"freshness\"><h2>Freshness</h2><table><thead><tr><th>Layer</th><th>Dataset</th><th>Last promotion</th>"
    out += "<th>Age</th><th>Stale after</th><th>Newest data</th><th class=\"n\">Batches</th><th class=\"n\">Files</th><th class=\"n\">Records</th></tr></thead><tbody>\n"
    for r in freshness {
      out += "<tr class=\"fresh\(r.isStale ? " stale" : "")\" data-layer=\"\(e(r.layer))\" data-dataset=\"\(e(r.dataset))\" data-stale=\"\(r.isStale)\">"
      out += "<td>\(e(r.layer))</td><td>\(e(r.dataset))</td><td>\(e(r.lastPromotion))</td>"
      out += "<td>\(r.ageSeconds.map(DurationText.text) ?? "unknown")\(r.isStale ? " — stale" : "")</td>"
      out += "<td>\(DurationText.text(r.staleAfterSeconds))</td><td>\(e(r.newestData ?? "–"))</td>"
      out += "<td class=\"n\">\(r.batches)</td><td class=\"n\">\(r.liveFiles)</td><td class=\"n\">\(r.records.map(String.init) ?? "–")</td></tr>\n"
    }
    out += "</tbody></table></section>\n"
  }

  func chartSection(_ out: inout String) {
    out += "<section id=\"charts\"><h2>Control charts</h2>"
    out += "<p class=\"legend\">Gold's period means, worst first. Centre line and ±3σ (moving range) of the points drawn; "
    out += "dotted red: specification limits; red points: flagged by gold (numbers: Nelson rules, z: robust z); "
    out += "open red points: results out of spec.</p><div class=\"grid\">\n"
    for chart in charts {
      out += "<figure class=\"cell\">" + SVGChart(chart).render() + "</figure>\n"
    }
    out += "</div>"
    if !short.isEmpty {
      out += "<h3>Fewer than \(minPoints) points, nothing flagged</h3>"
      out += "<table class=\"short\" data-groups=\"\(short.count)\"><thead><tr><th>Dataset</th><th>Group</th><th class=\"n\">Points</th>"
      out += "<th>First</th><th>Last</th><th class=\"n\">Last mean</th></tr></thead><tbody>\n"
      for chart in short.sorted(by: { ($0.dataset, $0.title) < ($1.dataset, $1.title) }) {
        let last = chart.points.last
        out += "<tr class=\"short\"><td>\(e(chart.dataset))</td><td>\(e(chart.title))</td><td class=\"n\">\(chart.points.count)</td>"
        out += "<td>\(e(chart.points.first?.period ?? "–"))</td><td>\(e(last?.period ?? "–"))</td>"
        out += "<td class=\"n\">\(last?.mean.map { XMLText.value($0) } ?? "–")</td></tr>\n"
      }
      out += "</tbody></table>"
    }
    if !uncharted.isEmpty {
      out += "<p class=\"uncharted\" data-groups=\"\(uncharted.count)\">No numeric mean to draw for: "
      out += uncharted.map { e($0.dataset + ": " + $0.title) }.joined(separator: "; ") + ".</p>"
    }
    out += "</section>\n"
  }

  func scorecardSection(_ out: inout String) {
    out += "<section id=\"scorecard\"><h2>Quality scorecard</h2>"
    out += "<h3>Gold quality by group</h3><table><thead><tr><th>Dataset</th><th>Group</th><th class=\"n\">Records</th>"
    out += "<th class=\"n\">Out of spec</th><th class=\"n\">Quality score</th><th>Checks</th></tr></thead><tbody>\n"
    let ranked = series.sorted { ($0.quality.score ?? 2) < ($1.quality.score ?? 2) }
    for s in ranked {
      let q = s.quality
      let checks = q.checks.map { "\($0.name) \(percent($0.weight > 0 ? $0.sum / Double($0.weight) : nil))" }.joined(separator: ", ")
      out += "<tr class=\"quality\"><td>\(e(s.dataset))</td><td>\(e(s.title))</td><td class=\"n\">\(q.records)</td>"
      out += "<td class=\"n\">\(q.outOfSpec) of \(q.judged)</td><td class=\"n\">\(percent(q.score))</td><td>\(e(checks))</td></tr>\n"
    }
    out += "</tbody></table>"
    out += "<h3>Validation rules</h3>"
    if scorecard.reports.isEmpty {
      out += "<p class=\"none\">No pl-validate report given (--validation-report).</p>"
    } else {
      out += "<p class=\"src\">From \(scorecard.reports.map(e).joined(separator: ", ")).</p>"
      out += "<table><thead><tr><th>Rule</th><th>Level</th><th>Severity</th><th class=\"n\">Evaluated</th><th class=\"n\">Failed</th>"
      out += "<th class=\"n\">Pass rate</th></tr></thead><tbody>\n"
      for r in scorecard.rules.sorted(by: { ($0.passRate ?? 1) < ($1.passRate ?? 1) }) {
        out += "<tr class=\"rule\(r.failed > 0 ? " bad" : "")\"><td>\(e(r.name))</td><td>\(e(r.level))</td><td>\(e(r.severity))</td>"
        out += "<td class=\"n\">\(r.evaluated)</td><td class=\"n\">\(r.failed)</td><td class=\"n\">\(percent(r.passRate))</td></tr>\n"
      }
      out += "</tbody></table>"
    }
    out += "<h3>Rejects per source lab</h3>"
    if scorecard.rejectFiles.isEmpty {
      out += "<p class=\"none\">No pl-validate rejects file given (--rejects).</p>"
    } else {
      out += "<table><thead><tr><th>Lab</th><th class=\"n\">Rejects</th><th>Rules failed</th></tr></thead><tbody>\n"
      for lab in scorecard.labs {
        let reasons = lab.reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        out += "<tr class=\"lab\"><td>\(e(lab.lab))</td><td class=\"n\">\(lab.rejects)</td><td>\(e(reasons.joined(separator: ", ")))</td></tr>\n"
      }
      out += "</tbody></table>"
    }
    out += "<h3>Rejects per day</h3><table><thead><tr><th>Day</th><th class=\"n\">Validated</th><th class=\"n\">Rejected by pl-validate</th>"
    out += "<th class=\"n\">Silver read</th><th class=\"n\">Refused by silver</th><th class=\"n\">Refused by gold</th></tr></thead><tbody>\n"
    for d in scorecard.days {
      out += "<tr class=\"day\"><td>\(e(d.day))</td><td class=\"n\">\(d.validated)</td><td class=\"n\">\(d.validationRejects)</td>"
      out += "<td class=\"n\">\(d.silverRead)</td><td class=\"n\">\(d.silverRefused)</td><td class=\"n\">\(d.goldRefused)</td></tr>\n"
    }
    out += "</tbody></table></section>\n"
  }

  func lineageSection(_ out: inout String) {
    out += "<section id=\"lineage\"><h2>Lineage of gold partitions</h2><table><thead><tr><th>Dataset</th><th>Partitions</th>"
    out += "<th>Runs (layer, batch, run, tool)</th><th>Bronze files</th></tr></thead><tbody>\n"
    for row in lineage {
      let parts = row.partitions.count <= 3 ? row.partitions.joined(separator: ", ")
        : "\(row.partitions.first!) … \(row.partitions.last!) (\(row.partitions.count))"
      out += "<tr class=\"lineage\" data-partitions=\"\(row.partitions.count)\"><td>\(e(row.dataset))</td><td>\(e(parts))</td><td><ul>"
      for r in row.runs {
        out += "<li>\(e(r.layer)) \(e(r.dataset)) #\(r.sequence) <code>\(e(String(r.batch.prefix(12))))</code> "
        out += "\(e(r.endedAt)) · run <code>\(e(String(r.runID.prefix(12))))</code> · \(e(r.toolVersion))</li>"
      }
      out += "</ul></td><td><ul>"
      for s in row.sources {
        out += "<li>\(s.name == "-" ? "standard input (records without a source file)" : e(s.name))"
        if let at = s.receivedAt { out += " · received \(e(at))" }
        if let from = s.sender { out += " · from \(e(from))" }
        if let subject = s.subject { out += " · “\(e(subject))”" }
        out += "</li>"
      }
      out += "</ul></td></tr>\n"
    }
    out += "</tbody></table></section>\n"
  }

  static let css = """
    body{font:13px/1.4 sans-serif;margin:16px;color:#222;background:#fff}h1{font-size:20px;margin:0}\
    h2{font-size:16px;border-bottom:1px solid #ccc;margin-top:24px}h3{font-size:13px}\
    table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}\
    th{background:#f2f2f2}td.n,th.n{text-align:right}tr.stale td{background:#fde2e2;color:#900;font-weight:bold}\
    tr.bad td{background:#fff4e0}ul{margin:0;padding-left:16px}code{font-size:11px}\
    .grid{display:flex;flex-wrap:wrap;gap:8px}figure.cell{margin:0;border:1px solid #e4e4e4}\
    .legend,.src,.none{color:#555}nav a{color:#246}\
    @media print{body{margin:0;font-size:10px}nav{display:none}figure.cell{break-inside:avoid}\
    tr{break-inside:avoid}h2{break-after:avoid}section{break-before:auto}\
    tr.stale td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\
    @page{size:A4 landscape;margin:10mm}
    """
}
