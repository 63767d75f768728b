/// A rectangle on a page in points, with the origin at the top-left corner and y growing
/// downwards, as poppler reports text positions.
///
/// Contract: `x1 <= x2` and `y1 <= y2` for rectangles from poppler; (x1, y1) is the top-left.
public struct PDFRect: Equatable, Sendable {
  public var x1: Double
  public var y1: Double
  public var x2: Double
  public var y2: Double

  public init(x1: Double, y1: Double, x2: Double, y2: Double) {
    self.x1 = x1
    self.y1 = y1
    self.x2 = x2
    self.y2 = y2
  }

  public var width: Double { x2 - x1 }
  public var height: Double { y2 - y1 }

  /// The smallest rectangle holding both.
  public func union(_ other: PDFRect) -> PDFRect {
    PDFRect(x1: min(x1, other.x1), y1: min(y1, other.y1), x2: max(x2, other.x2), y2: max(y2, other.y2))
  }
}
