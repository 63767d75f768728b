/// A straight horizontal or vertical line drawn on a page: a table rule.
///
/// poppler-glib does not expose a page's drawing, so rules are found in a rendering of the page
/// (see `PDFPage.rulings`): long, thin runs of pixels darker than what lies on both sides of them.
///
/// Contract: `box` is in points, top-left origin; for a horizontal rule `box.width` is its length
/// and `box.height` its thickness, the other way round for a vertical one.
public struct PDFRuling: Equatable, Sendable {
  /// Which way a rule runs.
  public enum Axis: String, Equatable, Sendable {
    case horizontal
    case vertical
  }

  public var axis: Axis
  public var box: PDFRect

  public init(axis: Axis, box: PDFRect) {
    self.axis = axis
    self.box = box
  }

  /// The rule's centre across its length: a y for a horizontal rule, an x for a vertical one.
  public var position: Double { axis == .horizontal ? (box.y1 + box.y2) / 2 : (box.x1 + box.x2) / 2 }
  /// Where the rule begins along its length (left or top end).
  public var start: Double { axis == .horizontal ? box.x1 : box.y1 }
  /// Where the rule ends along its length (right or bottom end).
  public var end: Double { axis == .horizontal ? box.x2 : box.y2 }
  public var length: Double { end - start }
}

/// Finds rules in a grey rendering of a page.
///
/// A pixel belongs to a horizontal rule when pixels within `maxThickness` above and below it
/// are lighter by at least `contrast`; vertical rules likewise along rows. So a shaded header
/// row is not a rule (inside it, the neighbours are as dark), but a rule drawn over it is. Such
/// pixels are joined into runs at least `minLength` long, runs on neighbouring rows into one
/// rule (dropped when thicker than `maxThickness`), and rules on one line with gaps up to
/// `maxGap` into one. Runs mostly inside glyph boxes (underscores, dashes, strokes of large
/// letters) are dropped.
public struct PDFRulingDetector: Sendable {
  /// The shortest rule, in points.
  public var minLength: Double = 8
  /// The thickest rule, in points.
  public var maxThickness: Double = 2.5
  /// How much darker (out of 255) a rule is than its surroundings.
  public var contrast: Int = 40
  /// The widest gap, in points, between two pieces of one dashed or broken rule.
  public var maxGap: Double = 2

  public init() {}

  /// The rules in a grey image, where pixel (x, y) is `gray[y * width + x]`, 0 black, 255 white,
  /// rendered at `scale` pixels per point; glyph boxes in points.
  ///
  /// One pass over the image: a pixel is part of a horizontal rule when some pixel within
  /// `maxThickness` (plus one) above it and some below it are lighter by `contrast`, of a
  /// vertical rule likewise to its left and right. Pixels too light to be darker than anything
  /// by `contrast` are skipped at once, so a mostly white page costs little.
  public func detect(
    gray: UnsafeBufferPointer<UInt8>, width: Int, height: Int, scale: Double, glyphBoxes: [PDFRect]
  ) -> [PDFRuling] {
    precondition(gray.count >= width * height)
    let reach = max(1, Int((maxThickness * scale).rounded(.up))) + 1
    let minRun = max(2, Int((minLength * scale).rounded()))
    let c = contrast
    let limit = 255 - c
    let gap = 2  // a run goes on over one unmarked pixel
    var horizontal: [Piece] = []
    var vertical: [Piece] = []
    var columnFrom = [Int](repeating: -1, count: width)
    var columnLast = [Int](repeating: -10, count: width)
    for y in 0..<height {
      let row = y * width
      var from = -1
      var last = -10
      for x in 0..<width {
        let v = Int(gray[row + x])
        if v > limit { continue }
        let needed = v + c
        var above = y < reach ? 255 : 0
        var below = y + reach >= height ? 255 : 0
        var left = x < reach ? 255 : 0
        var right = x + reach >= width ? 255 : 0
        for k in 1...reach {
          if y >= k { above = max(above, Int(gray[row - k * width + x])) }
          if y + k < height { below = max(below, Int(gray[row + k * width + x])) }
          if x >= k { left = max(left, Int(gray[row + x - k])) }
          if x + k < width { right = max(right, Int(gray[row + x + k])) }
        }
        if needed <= above, needed <= below {
          if from >= 0, x - last <= gap {
            last = x
          } else {
            if from >= 0, last - from + 1 >= minRun { horizontal.append(Piece(line: y, from: from, to: last + 1)) }
            from = x
            last = x
          }
        }
        if needed <= left, needed <= right {
          if columnFrom[x] >= 0, y - columnLast[x] <= gap {
            columnLast[x] = y
          } else {
            if columnFrom[x] >= 0, columnLast[x] - columnFrom[x] + 1 >= minRun {
              vertical.append(Piece(line: x, from: columnFrom[x], to: columnLast[x] + 1))
            }
            columnFrom[x] = y
            columnLast[x] = y
          }
        }
      }
      if from >= 0, last - from + 1 >= minRun { horizontal.append(Piece(line: y, from: from, to: last + 1)) }
    }
    for x in 0..<width where columnFrom[x] >= 0 && columnLast[x] - columnFrom[x] + 1 >= minRun {
      vertical.append(Piece(line: x, from: columnFrom[x], to: columnLast[x] + 1))
    }
    vertical.sort { ($0.line, $0.from) < ($1.line, $1.from) }
    var rulings = rules(horizontal, axis: .horizontal, scale: scale)
    rulings += rules(vertical, axis: .vertical, scale: scale)
    let byTop = glyphBoxes.sorted { $0.y1 < $1.y1 }
    let tallest = byTop.reduce(0.0) { max($0, $1.height) }
    return rulings.filter { rule in
      // Only glyphs that can reach the rule: their tops between its top less the tallest glyph and its bottom.
      let low = rule.box.y1 - tallest
      var first = byTop.partitioningIndex { $0.y1 >= low }
      var near: [PDFRect] = []
      while first < byTop.count, byTop[first].y1 <= rule.box.y2 {
        if byTop[first].y2 >= rule.box.y1 { near.append(byTop[first]) }
        first += 1
      }
      return !Self.isText(rule, glyphBoxes: near)
    }
  }

  /// A run of rule pixels on one pixel row (horizontal) or column (vertical), `to` excluded.
  struct Piece {
    var line: Int
    var from: Int
    var to: Int
  }

  /// Joins runs on adjacent lines into rules no thicker than `maxThickness`, and rules on one
  /// line with small gaps into longer ones. `pieces` are sorted by line, then start.
  private func rules(_ pieces: [Piece], axis: PDFRuling.Axis, scale: Double) -> [PDFRuling] {
    // Runs on neighbouring lines that overlap are one thick rule.
    var groups: [(first: Int, last: Int, from: Int, to: Int)] = []
    var open: [Int] = []
    for piece in pieces {
      var joined = false
      for index in open where groups[index].last >= piece.line - 1 {
        let g = groups[index]
        let overlap = min(g.to, piece.to) - max(g.from, piece.from)
        if overlap > (min(g.to - g.from, piece.to - piece.from)) / 2 {
          groups[index].last = piece.line
          groups[index].from = min(g.from, piece.from)
          groups[index].to = max(g.to, piece.to)
          joined = true
          break
        }
      }
      if !joined {
        open.removeAll { groups[$0].last < piece.line - 1 }
        open.append(groups.count)
        groups.append((piece.line, piece.line, piece.from, piece.to))
      }
    }
    let thick = Int((maxThickness * scale).rounded(.up)) + 1
    var rules = groups.filter { $0.last - $0.first + 1 <= thick }.map { g -> PDFRuling in
      let a = Double(g.first) / scale
      let b = Double(g.last + 1) / scale
      let s = Double(g.from) / scale
      let e = Double(g.to) / scale
      let box = axis == .horizontal ? PDFRect(x1: s, y1: a, x2: e, y2: b) : PDFRect(x1: a, y1: s, x2: b, y2: e)
      return PDFRuling(axis: axis, box: box)
    }
    // Pieces of one broken or dashed rule: on one line (positions within a pixel), small gaps.
    rules.sort { $0.position < $1.position }
    var merged: [PDFRuling] = []
    var index = 0
    while index < rules.count {
      // Within a pixel of the first: a chain of strokes side by side (glyphs) does not creep into one.
      var end = index + 1
      while end < rules.count, rules[end].position - rules[index].position <= 1.0 / scale + 0.01 { end += 1 }
      let line = rules[index..<end].sorted { $0.start < $1.start }
      var current = line[0]
      for rule in line.dropFirst() {
        if rule.start - current.end <= maxGap {
          current.box = current.box.union(rule.box)
        } else {
          merged.append(current)
          current = rule
        }
      }
      merged.append(current)
      index = end
    }
    let thickest = Double(thick) / scale
    return merged.filter { ($0.axis == .horizontal ? $0.box.height : $0.box.width) <= thickest }
  }

  /// Whether most of `rule` runs through glyph boxes: part of the text, not a rule.
  static func isText(_ rule: PDFRuling, glyphBoxes: [PDFRect]) -> Bool {
    var covered: [(Double, Double)] = []
    let p = rule.position
    for g in glyphBoxes {
      if rule.axis == .horizontal {
        let inset = 0.1 * g.height
        guard p > g.y1 + inset, p < g.y2 - inset, g.x2 > rule.start, g.x1 < rule.end else { continue }
        covered.append((max(g.x1, rule.start), min(g.x2, rule.end)))
      } else {
        let inset = 0.1 * g.width
        guard p > g.x1 + inset, p < g.x2 - inset, g.y2 > rule.start, g.y1 < rule.end else { continue }
        covered.append((max(g.y1, rule.start), min(g.y2, rule.end)))
      }
    }
    guard !covered.isEmpty else { return false }
    covered.sort { $0.0 < $1.0 }
    var total = 0.0
    var reach = -Double.infinity
    for (a, b) in covered {
      let from = max(a, reach)
      if b > from { total += b - from }
      reach = max(reach, b)
    }
    return total >= 0.5 * rule.length
  }
}

extension Array {
  /// The first index whose element satisfies `predicate`, for an array where it holds from
  /// some index on (a binary search).
  func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if predicate(self[middle]) { high = middle } else { low = middle + 1 }
    }
    return low
  }
}
