#if canImport(Glibc)
  import Glibc
#endif
import PLCore
import PLLake

/// What a report run wrote.
public struct ReportOutcome: Sendable {
  /// The files written, in order.
  public var paths: [String]
  public var charts: Int
  /// Gold records read (the points of every series).
  public var goldRecords: Int
  public var flaggedPoints: Int
  public var bytes: Int
}

/// `pl-report`: reads the lake's manifests and gold, and writes the report as `plan` says.
public struct ReportRun {
  public let plan: ReportPlan
  /// Told of what is passed over (a gold spec that can no longer be read).
  public var warn: (String) -> Void = { _ in }

  public init(plan: ReportPlan) { self.plan = plan }

  /// - Throws: `.inputMissing` (66) for no lake or no gold; `.malformed` (65) for a damaged
  ///   manifest or part; `.config` (78) for a bad `--spec`; `.cannotCreate` (73) when the output
  ///   cannot be written.
  public func run() throws(PLError) -> ReportOutcome {
    let lake = try Lake(root: plan.lakePath, create: false)
    let inventory = try LakeInventory(lake: lake, only: plan.datasets)
    let golds = inventory.layer(.gold).filter(inventory.isSelected)
    guard !golds.isEmpty else {
      throw .inputMissing(source: lake.path("gold"), message: "no gold in the lake\(plan.datasets.isEmpty ? "" : " for \(plan.datasets.joined(separator: ", "))") (build it with pl-promote gold)")
    }
    var series: [GoldSeries] = []
    var charts: [ControlChart] = []
    for gold in golds {
      let limits = try specLimits(gold)
      let read = try GoldSeriesReader.read(lake: lake, dataset: gold)
      series += read
      charts += read.map { ControlChart(series: $0, maxPoints: plan.maxPoints, limits: limits) }.filter { !$0.points.isEmpty }
    }
    charts.sort(by: ControlChart.worstFirst)
    // A short series with nothing to flag is a table row, not a chart.
    let short = plan.format == .html ? charts.filter { $0.isShort(below: plan.minPoints) } : []
    if !short.isEmpty { charts.removeAll { $0.isShort(below: plan.minPoints) } }
    let flagged = charts.reduce(0) { $0 + $1.violations }
    let goldRecords = series.reduce(0) { $0 + $1.points.count }
    switch plan.format {
    case .html:
      let html = HTMLReport(
        lakeName: lake.root, now: plan.now, freshness: FreshnessTable.rows(inventory, plan: plan), charts: charts, series: series,
        uncharted: series.filter { !$0.points.contains { $0.mean != nil } }, short: short, minPoints: plan.minPoints,
        scorecard: try Scorecard(inventory: inventory, plan: plan), lineage: LineageTable.rows(inventory)).render()
      try ReportFile.write(html, to: plan.out)
      return ReportOutcome(paths: [plan.out], charts: charts.count, goldRecords: goldRecords, flaggedPoints: flagged, bytes: html.utf8.count)
    case .svg, .png:
      try ReportFile.prepareFolder(plan.out)
      var paths: [String] = []
      var bytes = 0
      for (i, chart) in charts.enumerated() {
        let svg = SVGChart(chart).render(standalone: true)
        let name = ReportRun.fileName(rank: i + 1, of: charts.count, chart: chart) + "." + plan.format.rawValue
        let path = plan.out.hasSuffix("/") ? plan.out + name : plan.out + "/" + name
        if plan.format == .svg {
          try ReportFile.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n", to: path)
          bytes += svg.utf8.count
        } else {
          try PNGRenderer.write(svg: svg, width: SVGChart.width, height: SVGChart.height, scale: plan.pngScale, to: path)
          var st = stat()
          if stat(path, &st) == 0 { bytes += Int(st.st_size) }
        }
        paths.append(path)
      }
      return ReportOutcome(paths: paths, charts: charts.count, goldRecords: goldRecords, flaggedPoints: flagged, bytes: bytes)
    }
  }

  /// The spec limits a gold dataset's charts draw: `--spec`, else the spec its last gold build
  /// names, when that file can still be read (relative names are as the build was run).
  func specLimits(_ gold: LakeDataset) throws(PLError) -> ReportSpecLimits? {
    if let path = plan.specPath { return ReportSpecLimits(spec: try GoldLakeRun.readSpec(path: path).spec) }
    guard let named = gold.manifests.last(where: { $0.manifest.kind == "gold" })?.manifest.options[key: "spec"]?.stringValue else { return nil }
    guard access(named, R_OK) == 0 else {
      warn("gold \(gold.name): its spec \(named) cannot be read here, so no specification lines are drawn (give --spec)")
      return nil
    }
    do {
      return ReportSpecLimits(spec: try GoldLakeRun.readSpec(path: named).spec)
    } catch {
      warn("gold \(gold.name): its spec \(named): \(error.description); no specification lines are drawn")
      return nil
    }
  }

  /// `007-results-oat-drink-base-protein`: the rank (worst first), the dataset and the group.
  static func fileName(rank: Int, of count: Int, chart: ControlChart) -> String {
    let digits = max(3, String(count).count)
    let number = String(repeating: "0", count: max(0, digits - String(rank).count)) + String(rank)
    var slug = ""
    for c in (chart.dataset + " " + chart.title).lowercased().unicodeScalars {
      if c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) {
        slug.unicodeScalars.append(c)
      } else if !slug.hasSuffix("-") && !slug.isEmpty {
        slug += "-"
      }
    }
    while slug.hasSuffix("-") { slug.removeLast() }
    return number + "-" + String(slug.prefix(80))
  }
}
