import PLCore

/// What `pl-report` writes: one HTML page, or one file per chart.
public enum ReportFormat: String, CaseIterable, Sendable {
  case html, svg, png
}

/// A validated `pl-report` run: where the lake is, what to show, where to write it.
public struct ReportPlan: Sendable {
  public var lakePath: String
  /// Only these datasets (of every layer); empty: all.
  public var datasets: [String]
  /// The HTML file, or the folder of the chart files (svg, png).
  public var out: String
  public var format: ReportFormat
  /// How long after its last promotion a dataset is stale, by dataset name.
  public var staleAfter: [String: Double]
  /// For datasets not in `staleAfter`.
  public var defaultStaleAfter: Double
  /// pl-validate `--report` files to read.
  public var validationReports: [String]
  /// pl-validate `--rejects` files to count by lab and by day.
  public var rejectFiles: [String]
  /// The field of a rejected record that names its lab.
  public var labField: String
  /// A gold spec whose limits table draws the specification lines; nil: the spec the last gold
  /// build names, when it can still be read.
  public var specPath: String?
  /// The time the ages are measured at (seconds since 1970).
  public var now: Double
  /// The last points of each chart drawn (the earlier ones are counted in its caption).
  public var maxPoints: Int
  /// A group with fewer points than this, none flagged and none out of spec, is a row of the
  /// short-series table instead of a chart (a chart of one or two points shows no process).
  public var minPoints: Int = 5
  /// PNG pixels per SVG unit.
  public var pngScale: Double = 2

  public init(lakePath: String, datasets: [String] = [], out: String, format: ReportFormat = .html, staleAfter: [String: Double] = [:],
              defaultStaleAfter: Double = ReportPlan.defaultStale, validationReports: [String] = [], rejectFiles: [String] = [],
              labField: String = "lab", specPath: String? = nil, now: Double, maxPoints: Int = 120) {
    self.lakePath = lakePath
    self.datasets = datasets
    self.out = out
    self.format = format
    self.staleAfter = staleAfter
    self.defaultStaleAfter = defaultStaleAfter
    self.validationReports = validationReports
    self.rejectFiles = rejectFiles
    self.labField = labField
    self.specPath = specPath
    self.now = now
    self.maxPoints = maxPoints
  }

  /// A nightly job's lake is stale after a day and a half (one missed night).
  public static let defaultStale: Double = 36 * 3600

  /// The threshold of `dataset`.
  public func stale(_ dataset: String) -> Double { staleAfter[dataset] ?? defaultStaleAfter }

  /// Reads `--stale-after` values: `DATASET=SPAN` for one dataset, a bare `SPAN` for the others.
  ///
  /// - Throws: `PLError.usage` (64) naming the value that is not such a span.
  public static func parseStaleAfter(_ values: [String]) throws(PLError) -> (byDataset: [String: Double], fallback: Double) {
    var byDataset: [String: Double] = [:]
    var fallback = defaultStale
    for value in values {
      let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      let span = parts.count == 2 ? parts[1] : parts[0]
      guard let seconds = DurationText.seconds(span) else {
        throw .usage("--stale-after \"\(value)\": expected DATASET=SPAN or SPAN, a span being a number and s, m, h, d or w (36h, 2d)")
      }
      if parts.count == 2 {
        guard !parts[0].isEmpty else { throw .usage("--stale-after \"\(value)\": the dataset name is empty") }
        byDataset[parts[0]] = seconds
      } else {
        fallback = seconds
      }
    }
    return (byDataset, fallback)
  }
}
