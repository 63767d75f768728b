import Foundation
import Testing

/// pl-report over a lake made by the real pl-promote: silver and gold from records with
/// planted anomalies, then the report read back as markup.
struct ReportTests {
  /// A lake in a temporary folder, with silver and gold of `results` built from `records`.
  final class TestLake {
    let dir: String
    var lake: String { dir + "/lake" }

    /// - Parameter promote: promote `records` to silver (else only the folder and the spec).
    init(records: [String], spec: String = ReportTests.spec, promote: Bool = true) throws {
      dir = FileManager.default.temporaryDirectory.appendingPathComponent("pl-report-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try (records.joined(separator: "\n") + "\n").write(toFile: dir + "/results.ndjson", atomically: true, encoding: .utf8)
      try spec.write(toFile: dir + "/gold.yml", atomically: true, encoding: .utf8)
      guard promote else { return }
      let silver = try ReportTests.shell(
        "pl-promote silver --lake lake --dataset results --partition-by measured_at:day --key sample_id,analyte,measured_at --quiet < results.ndjson > /dev/null",
        in: dir)
      #expect(silver.status == 0, "\(silver.err)")
    }

    func buildGold() throws {
      let gold = try ReportTests.shell("pl-promote gold --lake lake --dataset results --spec gold.yml --quiet > /dev/null", in: dir)
      #expect(gold.status == 0, "\(gold.err)")
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }
  }

  static let spec = """
    version: 1
    group_by: [product, analyte]
    period: {field: measured_at, by: day}
    value: value
    measures: [count, mean, sd]
    spec_limits:
      table:
        - {when: {product: "Oat <drink> & \\"co\\"", analyte: protein}, min: 0.9, max: 1.3}
    quality:
      - {name: in_spec, weight: 3, check: in_spec}
      - {name: has_unit, check: {present: unit}}
    anomalies:
      window: 20
      robust_z: {threshold: 3.5, min_history: 5}
      control_rules: {rules: [1, 2, 3, 5, 6], sigma: moving_range, min_history: 8, same_side_run: 9}
    """

  /// 40 days of three groups, three results a day: a 4σ-and-more outlier on day 30 of the oat
  /// drink's protein (a name with markup characters), a shift up for 12 days from day 25 of the
  /// bar's fat (a run on one side), the bar's protein calm. Deterministic noise.
  static func records() -> [String] {
    var out: [String] = []
    for day in 0..<40 {
      let date = day < 31 ? String(format: "2026-10-%02d", day + 1) : String(format: "2026-11-%02d", day - 30)
      for (g, (product, analyte, base, step)) in [("Oat <drink> & \"co\"", "protein", 1.1, 0.02), ("Bar", "fat", 8.0, 0.1), ("Bar", "protein", 31.0, 0.3)].enumerated() {
        for r in 0..<3 {
          let noise = sin(Double(day * 7 + r * 3 + analyte.count)) * step
          var value = base + noise
          if product.hasPrefix("Oat") && day == 30 { value = base + 40 * step }
          if product == "Bar" && analyte == "fat" && (25..<37).contains(day) { value += 3 * step }
          let name = product.replacingOccurrences(of: "\"", with: "\\\"")
          out.append(#"{"sample_id":"S-\#(g)-\#(day)-\#(r)","product":"\#(name)","analyte":"\#(analyte)","value":\#(value),"unit":"g/100g","lab":"Lab \#(r % 2)","measured_at":"\#(date)T0\#(r):00:00Z"}"#)
        }
      }
    }
    return out
  }

  static func shell(_ command: String, in dir: String) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-o", "pipefail", "-c", command]
    process.currentDirectoryURL = URL(fileURLWithPath: dir)
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = CaseRun.binDirectory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    environment["LC_ALL"] = "C.UTF-8"
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
  }

  static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

  /// The `<svg …>…</svg>` elements of a page.
  static func charts(_ html: String) -> [String] {
    html.components(separatedBy: "<svg ").dropFirst().map { "<svg " + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
  }

  static func attribute(_ name: String, of element: String) -> String? {
    guard let start = element.range(of: " \(name)=\"") else { return nil }
    return String(element[start.upperBound...].prefix { $0 != "\"" })
  }

  /// The gold records' flags per group, read with gzip and jq from the lake itself.
  static func goldFlags(_ lake: TestLake) throws -> [String: Int] {
    let r = try shell(#"cat lake/_manifests/gold/results/*.json | jq -r '.outputs[].path' | while read p; do [ -e "lake/$p" ] && gzip -dc "lake/$p"; done | jq -r 'select((.flags|length)>0) | .product + "|" + .analyte'"#, in: lake.dir)
    var flagged: [String: Int] = [:]
    for line in r.out.split(separator: "\n") { flagged[String(line), default: 0] += 1 }
    return flagged
  }

  @Test func theReportShowsEveryGroupAndEveryFlagGoldWrote() throws {
    let lake = try TestLake(records: Self.records())
    try lake.buildGold()
    let r = try Self.shell("pl-report --lake lake --out report.html --now 2026-11-10T06:00:00Z --stale-after results=1d --quiet", in: lake.dir)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out == "report.html\n")
    let html = try String(contentsOfFile: lake.dir + "/report.html", encoding: .utf8)
    let charts = Self.charts(html)
    #expect(charts.count == 3)
    let flagged = try Self.goldFlags(lake)
    #expect(!flagged.isEmpty)
    var shown: [String: Int] = [:]
    for chart in charts {
      let points = Int(Self.attribute("data-points", of: chart) ?? "") ?? -1
      #expect(points == 40)
      #expect(Self.count("<circle class=\"pt", in: chart) == points)
      let violations = Int(Self.attribute("data-violations", of: chart) ?? "") ?? -1
      #expect(Self.count("class=\"mark\"", in: chart) == violations)
      shown[Self.attribute("aria-label", of: chart) ?? "?"] = violations
    }
    // The oat drink's name comes back escaped, and its outlier is flagged by rule 1.
    let oat = try #require(charts.first { $0.contains("aria-label=\"Oat &lt;drink&gt; &amp; &quot;co&quot; · protein\"") })
    #expect(oat.contains("nelson_1"))
    #expect(oat.contains("data-period=\"2026-10-31\""))
    #expect(oat.contains("<line class=\"spec\""))
    let fat = try #require(charts.first { $0.contains("aria-label=\"Bar · fat\"") })
    #expect(fat.contains("nelson_2"))
    // Every flag gold wrote is on the page, group by group.
    #expect(shown["Oat &lt;drink&gt; &amp; &quot;co&quot; · protein"] == flagged["Oat <drink> & \"co\"|protein"])
    #expect(shown["Bar · fat"] == flagged["Bar|fat"])
    #expect((shown["Bar · protein"] ?? 0) == (flagged["Bar|protein"] ?? 0))
    // Worst first.
    let order = charts.map { Int(Self.attribute("data-violations", of: $0) ?? "") ?? 0 }
    #expect(order == order.sorted(by: >))
    // Freshness: one row per dataset of each layer; results promoted "now" in real time is in
    // the future of --now, so not stale.
    #expect(Self.count("<tr class=\"fresh", in: html) == 2)
    #expect(html.contains("data-layer=\"silver\" data-dataset=\"results\"") && html.contains("data-layer=\"gold\" data-dataset=\"results\""))
    #expect(html.contains("<section id=\"lineage\">") && Self.count("<tr class=\"lineage\"", in: html) >= 1)
    // Self-contained.
    for needle in ["http://", "https://", " src=", "<script", "<link", "url(", "@import"] {
      #expect(!html.contains(needle), "the page refers outside itself: \(needle)")
    }
  }

  @Test func staleDatasetsAreMarked() throws {
    let lake = try TestLake(records: Array(Self.records().prefix(30)))
    try lake.buildGold()
    let r = try Self.shell("pl-report --lake lake --out r.html --now 2099-01-01T00:00:00Z --stale-after gold=100w --quiet", in: lake.dir)
    #expect(r.status == 0, "\(r.err)")
    let html = try String(contentsOfFile: lake.dir + "/r.html", encoding: .utf8)
    #expect(Self.count("data-stale=\"true\"", in: html) == 2)
  }

  @Test func validationReportsAndRejectsFillTheScorecard() throws {
    let lake = try TestLake(records: Self.records())
    try lake.buildGold()
    let bad = #"{"sample_id":"X","product":"Bar","analyte":"fat","value":"n/a","lab":"Lab <9>","measured_at":"2026-10-01T00:00:00Z"}"#
    try (bad + "\n").write(toFile: lake.dir + "/in.ndjson", atomically: true, encoding: .utf8)
    try "fields:\n  - {name: value, type: number}\n".write(toFile: lake.dir + "/s.yml", atomically: true, encoding: .utf8)
    let v = try Self.shell("pl-validate --schema s.yml --rejects rej.ndjson --report rep.json --quiet in.ndjson > /dev/null; test -s rep.json", in: lake.dir)
    #expect(v.status == 0, "\(v.err)")
    let r = try Self.shell("pl-report --lake lake --out r.html --validation-report rep.json --rejects rej.ndjson --quiet", in: lake.dir)
    #expect(r.status == 0, "\(r.err)")
    let html = try String(contentsOfFile: lake.dir + "/r.html", encoding: .utf8)
    #expect(html.contains("<tr class=\"lab\"><td>Lab &lt;9&gt;</td><td class=\"n\">1</td>"))
    #expect(Self.count("<tr class=\"rule bad\"", in: html) >= 1)
  }

  @Test func svgAndPngWriteOneFilePerChart() throws {
    let lake = try TestLake(records: Self.records())
    try lake.buildGold()
    let svg = try Self.shell("pl-report --lake lake --format svg --out charts --quiet", in: lake.dir)
    #expect(svg.status == 0, "\(svg.err)")
    let svgs = svg.out.split(separator: "\n").map(String.init)
    #expect(svgs.count == 3 && svgs.allSatisfy { $0.hasPrefix("charts/") && $0.hasSuffix(".svg") })
    let first = try String(contentsOfFile: lake.dir + "/" + svgs[0], encoding: .utf8)
    #expect(first.hasPrefix("<?xml") && first.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    let png = try Self.shell("pl-report --lake lake --format png --out pngs --quiet", in: lake.dir)
    #expect(png.status == 0, "\(png.err)")
    let pngs = png.out.split(separator: "\n").map(String.init)
    #expect(pngs.count == 3)
    for path in pngs {
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: lake.dir + "/" + path)))
      #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
      // IHDR: width and height, big-endian, at 16 and 20; the charts are 340 × 200 at 2×.
      let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
      #expect(width == 680 && height == 400)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: lake.dir + "/pngs").allSatisfy { !$0.hasPrefix(".") })
  }

  @Test func badCases() throws {
    let lake = try TestLake(records: Self.records())
    // Silver but no gold yet.
    var r = try Self.shell("pl-report --lake lake --out r.html", in: lake.dir)
    #expect(r.status == 66 && r.err.contains("no gold in the lake"), "\(r.status) \(r.err)")
    #expect(!FileManager.default.fileExists(atPath: lake.dir + "/r.html"))
    r = try Self.shell("pl-report --lake nowhere --out r.html", in: lake.dir)
    #expect(r.status == 66 && r.err.contains("nowhere"), "\(r.status) \(r.err)")
    try lake.buildGold()
    r = try Self.shell("pl-report --lake lake --out r.html --stale-after results=soon", in: lake.dir)
    #expect(r.status == 64 && r.err.contains("--stale-after"), "\(r.status) \(r.err)")
    r = try Self.shell("pl-report --lake lake --out no/such/folder/r.html", in: lake.dir)
    #expect(r.status == 73 && r.err.contains("no/such/folder/r.html"), "\(r.status) \(r.err)")
    r = try Self.shell("mkdir ro && chmod 555 ro && pl-report --lake lake --out ro/r.html; s=$?; chmod 755 ro; exit $s", in: lake.dir)
    if getuid() != 0 { #expect(r.status == 73, "\(r.status) \(r.err)") }
    r = try Self.shell("touch plain && pl-report --lake lake --out plain --format svg", in: lake.dir)
    #expect(r.status == 73 && r.err.contains("not a folder"), "\(r.status) \(r.err)")
    r = try Self.shell("pl-report --lake lake --out x.html --validation-report missing.json", in: lake.dir)
    #expect(r.status == 66 && !FileManager.default.fileExists(atPath: lake.dir + "/x.html"), "\(r.status) \(r.err)")
  }
}
