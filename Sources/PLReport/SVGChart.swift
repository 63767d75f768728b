/// Draws a `ControlChart` as one SVG element: the series, centre line, ±3σ limits, spec lines,
/// flagged points with their rule numbers, and points out of spec.
///
/// Marks for tests and readers: the `svg` carries `data-points`, `data-violations` (points
/// gold flagged), `data-flags` and `data-out-of-spec`; each point is a `circle` of class `pt`
/// (`pt flag`, `pt oos`), each flagged point also a `text` of class `mark` naming its rules.
/// Styles are classes (`SVGChart.style`), so that the page's CSS and print CSS apply; a
/// standalone chart carries the same rules in its own `style` element.
public struct SVGChart: Sendable {
  public static let width = 340.0
  public static let height = 200.0
  let left = 56.0, right = 12.0, top = 30.0, bottom = 30.0

  public let chart: ControlChart

  public init(_ chart: ControlChart) { self.chart = chart }

  /// The SVG text; `standalone` adds the namespace and the style rules (a file of its own).
  public func render(standalone: Bool = false) -> String {
    let w = SVGChart.width, h = SVGChart.height
    var out = "<svg"
    if standalone { out += " xmlns=\"http://www.w3.org/2000/svg\"" }
    out += " class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\" role=\"img\""
    out += " aria-label=\"\(XMLText.escape(chart.title))\" data-dataset=\"\(XMLText.escape(chart.dataset))\""
    out += " data-points=\"\(chart.points.count)\" data-violations=\"\(chart.violations)\" data-flags=\"\(chart.flagCount)\""
    out += " data-out-of-spec=\"\(chart.outOfSpecPoints)\">"
    if standalone { out += "<style>\(SVGChart.style)</style><rect class=\"bg\" width=\"100%\" height=\"100%\"/>" }
    out += "<title>\(XMLText.escape(chart.dataset + ": " + chart.title))</title>"
    out += "<text class=\"ttl\" x=\"\(Int(left))\" y=\"16\">\(XMLText.escape(chart.title))</text>"
    let means = chart.points.compactMap(\.mean)
    guard !means.isEmpty else { return out + "</svg>" }
    // The vertical range holds the points and the control limits; a spec line far outside it
    // would squash the series, so it is drawn when within a few ranges of it.
    var lo = means.min()!, hi = means.max()!
    for x in [chart.upperLimit, chart.lowerLimit].compactMap({ $0 }) {
      lo = min(lo, x)
      hi = max(hi, x)
    }
    let span = max(hi - lo, abs(hi) * 0.01, 1e-9)
    let specs = [("min", chart.specMin), ("max", chart.specMax)].compactMap { k, v in v.map { (k, $0) } }
      .filter { $0.1 >= lo - 2 * span && $0.1 <= hi + 2 * span }
    for (_, x) in specs {
      lo = min(lo, x)
      hi = max(hi, x)
    }
    let pad = max(hi - lo, span) * 0.06
    lo -= pad
    hi += pad
    let plotW = w - left - right, plotH = h - top - bottom
    func y(_ v: Double) -> Double { top + (hi - v) / (hi - lo) * plotH }
    let n = chart.points.count
    func x(_ i: Int) -> Double { n == 1 ? left + plotW / 2 : left + Double(i) / Double(n - 1) * plotW }
    out += "<rect class=\"frame\" x=\"\(Int(left))\" y=\"\(Int(top))\" width=\"\(Int(plotW))\" height=\"\(Int(plotH))\"/>"
    // A label too close to one already drawn is left out (the line stays).
    var labelled: [Double] = []
    func hline(_ cls: String, _ v: Double, _ label: String) {
      let yy = XMLText.coordinate(y(v))
      out += "<line class=\"\(cls)\" x1=\"\(Int(left))\" x2=\"\(Int(left + plotW))\" y1=\"\(yy)\" y2=\"\(yy)\"/>"
      guard !labelled.contains(where: { abs($0 - y(v)) < 9 }) else { return }
      labelled.append(y(v))
      out += "<text class=\"lbl \(cls)\" x=\"\(Int(left) - 3)\" y=\"\(yy)\">\(XMLText.escape(label))</text>"
    }
    // Specification limits first: their labels win over the control limits' when they crowd.
    for (kind, v) in specs { hline("spec", v, "spec \(kind) " + XMLText.value(v)) }
    if let c = chart.center { hline("cl", c, XMLText.value(c)) }
    if let u = chart.upperLimit { hline("ucl", u, "+3σ " + XMLText.value(u)) }
    if let l = chart.lowerLimit { hline("lcl", l, "−3σ " + XMLText.value(l)) }
    var line = ""
    for (i, p) in chart.points.enumerated() {
      if let m = p.mean { line += (line.isEmpty ? "" : " ") + XMLText.coordinate(x(i)) + "," + XMLText.coordinate(y(m)) }
    }
    out += "<polyline class=\"series\" points=\"\(line)\"/>"
    for (i, p) in chart.points.enumerated() {
      guard let m = p.mean else { continue }
      let cx = XMLText.coordinate(x(i)), cy = XMLText.coordinate(y(m))
      var cls = "pt"
      if !p.flags.isEmpty { cls += " flag" }
      if p.outOfSpec > 0 { cls += " oos" }
      if p.flags.isEmpty && p.outOfSpec == 0 {
        out += "<circle class=\"pt\" cx=\"\(cx)\" cy=\"\(cy)\" r=\"2.2\"/>"
        continue
      }
      var tip = "\(p.period): mean \(XMLText.value(m))"
      if !p.flags.isEmpty { tip += "; " + p.flags.joined(separator: ", ") }
      if let z = p.robustZ { tip += "; robust z \(XMLText.value(z))" }
      if p.outOfSpec > 0 { tip += "; \(p.outOfSpec) of \(p.judged) out of spec" }
      out += "<circle class=\"\(cls)\" cx=\"\(cx)\" cy=\"\(cy)\" r=\"3.6\" data-period=\"\(XMLText.escape(p.period))\""
      out += " data-flags=\"\(XMLText.escape(p.flags.joined(separator: " ")))\"><title>\(XMLText.escape(tip))</title></circle>"
      if !p.flags.isEmpty {
        out += "<text class=\"mark\" x=\"\(cx)\" y=\"\(XMLText.coordinate(y(m) - 6))\">\(XMLText.escape(SVGChart.ruleLabel(p.flags)))</text>"
      }
    }
    out += "<text class=\"axis\" x=\"\(Int(left))\" y=\"\(Int(h) - 10)\">\(XMLText.escape(chart.points.first!.period))</text>"
    if n > 1 {
      out += "<text class=\"axis end\" x=\"\(Int(left + plotW))\" y=\"\(Int(h) - 10)\">\(XMLText.escape(chart.points.last!.period))</text>"
    }
    var caption = "\(n) point\(n == 1 ? "" : "s")"
    if chart.hiddenPoints > 0 {
      caption += ", \(chart.hiddenPoints) earlier not shown"
      if chart.hiddenFlagged > 0 { caption += " (\(chart.hiddenFlagged) flagged)" }
    }
    out += "<text class=\"axis mid\" x=\"\(Int(left + plotW / 2))\" y=\"\(Int(h) - 10)\">\(caption)</text>"
    return out + "</svg>"
  }

  /// `1,5` for Nelson rules 1 and 5; `z` for a robust z flag; other flags as they are.
  static func ruleLabel(_ flags: [String]) -> String {
    flags.map { f in
      if f.hasPrefix("nelson_") { return String(f.dropFirst(7)) }
      if f == "robust_z" { return "z" }
      return f
    }.joined(separator: ",")
  }

  /// The chart rules, shared by the page and standalone charts.
  public static let style = """
    .chart .bg{fill:#fff}.chart .frame{fill:#fbfbfb;stroke:#ccc;stroke-width:.5}\
    .chart text{font:9px sans-serif;fill:#333}.chart .ttl{font:bold 11px sans-serif}\
    .chart .lbl{text-anchor:end;dominant-baseline:middle;font-size:8px}\
    .chart line.cl{stroke:#2a7;stroke-width:1}.chart line.ucl,.chart line.lcl{stroke:#d80;stroke-width:1;stroke-dasharray:4 3}\
    .chart line.spec{stroke:#c00;stroke-width:1;stroke-dasharray:1 2}.chart text.spec{fill:#c00}\
    .chart .series{fill:none;stroke:#357;stroke-width:1}.chart .pt{fill:#357}\
    .chart .pt.oos{fill:#fff;stroke:#c00;stroke-width:1.5}.chart .pt.flag{fill:#c00;stroke:#600;stroke-width:1}\
    .chart .mark{fill:#c00;font-weight:bold;text-anchor:middle;font-size:8px}\
    .chart .axis{fill:#666}.chart .axis.end{text-anchor:end}.chart .axis.mid{text-anchor:middle}
    """
}
