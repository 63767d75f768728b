import PLCore

extension ValidationReport {
  /// The report as one self-contained HTML page: inline CSS, no scripts, no external assets;
  /// every text from the data is escaped.
  public var html: String {
    var h = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>pl-validate report</title>
      <style>
      body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
      h1{font-size:20px}h2{font-size:16px;margin-top:1.5em}
      table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
      th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}
      .bar{width:160px;height:12px;background:#e5b4b4;position:relative}.bar span{display:block;height:12px;background:#5a9e5a}
      .pass{color:#2b7a2b}.fail{color:#b02020;font-weight:bold}.warn{color:#a06000}
      .counts td{padding-right:2em}code{font-size:12px}ul{margin:0;padding-left:1.2em}
      </style></head><body>

      """
    h += "<h1>Validation report</h1>\n<p>Schema <code>\(esc(schemaSource))</code>, \(esc(TimeText.text(now))), \(esc(fixed(seconds))) s.</p>\n"
    h += "<table class=\"counts\"><tr><th>records in</th><th>passed</th><th>with warnings</th><th>rejected</th><th>quality gate</th></tr>\n"
    h += "<tr><td class=\"num\">\(counts.recordsIn)</td><td class=\"num\">\(counts.passed)</td><td class=\"num\">\(counts.warned)</td><td class=\"num\">\(counts.rejected)</td>"
    h += "<td class=\"\(gatePassed ? "pass" : "fail")\">\(gatePassed ? "passed" : "failed")</td></tr></table>\n"
    if !gateFailures.isEmpty || !gateWarnings.isEmpty {
      h += "<ul>" + gateFailures.map { "<li class=\"fail\">\(esc($0))</li>" }.joined() + gateWarnings.map { "<li class=\"warn\">\(esc($0))</li>" }.joined() + "</ul>\n"
    }
    h += "<h2>Rules</h2>\n<table><tr><th>rule</th><th>check</th><th>severity</th><th class=\"num\">evaluated</th><th class=\"num\">failed</th><th>pass rate</th><th>first failures</th></tr>\n"
    for r in rules {
      let pct = r.successPercent
      let cls = r.failed == 0 ? "pass" : (r.status == "fail" ? "fail" : "warn")
      h += "<tr><td class=\"\(cls)\">\(esc(r.name))</td><td>\(esc(r.summary))</td><td>\(esc(r.severity.rawValue))</td>"
      h += "<td class=\"num\">\(r.evaluated)</td><td class=\"num\">\(r.failed)</td>"
      h += "<td><div class=\"bar\" title=\"\(esc(fixed(pct)))%\"><span style=\"width:\(fixed(pct))%\"></span></div>\(numberText((pct * 10).rounded() / 10))%</td><td>"
      h += examplesHTML(r.examples) + "</td></tr>\n"
    }
    h += "</table>\n"
    if !dataset.isEmpty {
      h += "<h2>Dataset rules</h2>\n<table><tr><th>rule</th><th>check</th><th>severity</th><th>result</th><th>observed</th><th>examples</th></tr>\n"
      for d in dataset {
        h += "<tr><td class=\"\(d.success ? "pass" : (d.severity == .error ? "fail" : "warn"))\">\(esc(d.name))</td><td>\(esc(d.summary))</td><td>\(esc(d.severity.rawValue))</td>"
        h += "<td>\(esc(d.message))</td><td><code>\(esc(JSONWriter.string(d.observed)))</code></td><td>\(examplesHTML(d.examples))</td></tr>\n"
      }
      h += "</table>\n"
    }
    return h + "</body></html>\n"
  }

  func examplesHTML(_ examples: [FailureExample]) -> String {
    guard !examples.isEmpty else { return "" }
    return "<ul>" + examples.map { e in
      var place = e.source
      if let l = e.line { place += ":\(l)" }
      if let r = e.row { place += " row \(r)" }
      if let p = e.page { place += " page \(p)" }
      return "<li><code>\(esc(place))</code> \(esc(e.message))</li>"
    }.joined() + "</ul>"
  }
}

/// `text` with the five HTML-special characters escaped.
func esc(_ text: String) -> String { HTMLText.escape(text) }
