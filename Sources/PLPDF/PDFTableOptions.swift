/// What a caller knows about a page's tables beforehand, to override detection.
///
/// A template for a recurring layout pins what detection gets wrong; everything left nil is
/// detected. Contract: positions are in points, top-left origin, on the upright page.
public struct PDFTableOptions: Equatable, Sendable {
  /// Only this area holds a table: its lines are read as one table, nothing outside is.
  public var area: PDFRect?
  /// The x positions of the boundaries between columns (not the table's outer edges), used
  /// instead of the gaps between words. Ascending.
  public var columns: [Double]?
  /// The number of header rows, instead of the detected number.
  public var headerRows: Int?
  /// Whether to look for rules in a rendering of the page (a few milliseconds per page). Off,
  /// every table is read from the gaps between words.
  public var detectRulings: Bool
  /// Pixels per point of that rendering.
  public var renderScale: Double

  public init(
    area: PDFRect? = nil, columns: [Double]? = nil, headerRows: Int? = nil, detectRulings: Bool = true,
    renderScale: Double = 1
  ) {
    self.area = area
    self.columns = columns
    self.headerRows = headerRows
    self.detectRulings = detectRulings
    self.renderScale = renderScale
  }
}
