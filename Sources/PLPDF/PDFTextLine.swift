/// The words of a page that share a baseline, left to right: one printed line.
///
/// Readers of reports and tables work on lines: a table row is one line (or several, when a
/// cell wraps), a key–value pair of a header block is part of one. A line runs across the whole
/// page: words side by side at the same height are one line even when they belong to two
/// columns of text or to several cells; their boxes tell the columns apart.
///
/// Contract: `words` is not empty and in reading order (left to right for upright text; top to
/// bottom or bottom to top for text turned sideways); `box` holds them all; `text` is their
/// texts joined by single spaces.
public struct PDFTextLine: Equatable, Sendable {
  public var words: [PDFWord]
  public var box: PDFRect
  /// Where the letters sit, across the reading direction: a y for upright text, an x for
  /// text turned sideways. Estimated from the glyph boxes, which run from the font's ascent to
  /// its descent (the descent is about a fifth of the box).
  public var baseline: Double
  /// The size of the text in points: the median of the words' font sizes, or when the page
  /// does not tell them, the median height of the words' boxes divided by the usual
  /// ascent-to-descent span of a font (0.93 em, as in Helvetica).
  public var fontSize: Double
  /// Which way the line reads.
  public var orientation: PDFOrientation

  /// A line of `words`, which must share an orientation; they are put in reading order.
  public init(words: [PDFWord]) {
    let orientation = words.first?.orientation ?? .upright
    var words = words
    switch orientation {
    case .upright: words.sort { $0.box.x1 < $1.box.x1 }
    case .down: words.sort { $0.box.y1 < $1.box.y1 }
    case .up: words.sort { $0.box.y2 > $1.box.y2 }
    }
    self.words = words
    self.orientation = orientation
    box = words.dropFirst().reduce(words.first?.box ?? PDFRect(x1: 0, y1: 0, x2: 0, y2: 0)) { $0.union($1.box) }
    let heights = words.map(\.textHeight).sorted()
    let height = heights.isEmpty ? 0 : heights[heights.count / 2]
    let sizes = words.map(\.fontSize).filter { $0 > 0 }.sorted()
    fontSize = sizes.isEmpty ? (height / 0.93 * 10).rounded() / 10 : sizes[sizes.count / 2]
    switch orientation {
    case .upright: baseline = box.y2 - 0.2 * height
    case .down: baseline = box.x1 + 0.2 * height
    case .up: baseline = box.x2 - 0.2 * height
    }
  }

  /// The words' texts joined by single spaces.
  public var text: String { words.map(\.text).joined(separator: " ") }

  /// Groups `words` into lines, in reading order: upright lines from top to bottom, then
  /// lines of sideways text.
  ///
  /// A word joins a line when their extents across the reading direction overlap by at least
  /// half the smaller one, so a raised footnote marker (`Moisture*`) or a smaller unit stays on
  /// its line, and the next line of a wrapped cell does not.
  public static func group(_ words: [PDFWord]) -> [PDFTextLine] {
    var lines: [PDFTextLine] = []
    for orientation in [PDFOrientation.upright, .down, .up] {
      let turned = orientation.isVertical
      // Across the reading direction: y for upright text, x for sideways text.
      func low(_ r: PDFRect) -> Double { turned ? r.x1 : r.y1 }
      func high(_ r: PDFRect) -> Double { turned ? r.x2 : r.y2 }
      let chosen = words.filter { $0.orientation == orientation }
        .sorted { low($0.box) + high($0.box) < low($1.box) + high($1.box) }
      var groups: [(low: Double, high: Double, words: [PDFWord])] = []
      for word in chosen {
        let a = low(word.box)
        let b = high(word.box)
        var best: Int?
        var bestOverlap = 0.0
        // Words come sorted by centre, so only the last few groups can still overlap.
        for index in groups.indices.reversed() {
          let group = groups[index]
          if group.high < a - 2 * (b - a) { break }
          let overlap = min(b, group.high) - max(a, group.low)
          let needed = 0.5 * min(b - a, group.high - group.low)
          if overlap >= needed, overlap > bestOverlap {
            best = index
            bestOverlap = overlap
          }
        }
        if let best {
          groups[best].words.append(word)
          groups[best].low = min(groups[best].low, a)
          groups[best].high = max(groups[best].high, b)
        } else {
          groups.append((a, b, [word]))
        }
      }
      var made = groups.map { PDFTextLine(words: $0.words) }
      switch orientation {
      case .upright: made.sort { ($0.baseline, $0.box.x1) < ($1.baseline, $1.box.x1) }
      case .down: made.sort { $0.baseline > $1.baseline }
      case .up: made.sort { $0.baseline < $1.baseline }
      }
      lines += made
    }
    return lines
  }
}
