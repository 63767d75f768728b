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
/// A pixel belongs to a horizontal rule when, going down its column, it is part of a run at
/// most `maxThickness` long that is darker by at least `contrast` than the pixels just above and
/// just below it; vertical rules likewise along rows. So a shaded header row is not a rule (its
/// inside is as dark as its neighbours), but a rule drawn over it is. Such pixels are joined into
/// runs at least `minLength` long, runs on neighbouring rows into one rule, and rules on one
/// line with gaps up to `maxGap` into one. Runs mostly inside glyph boxes (underscores, dashes,
/// strokes of large letters) are dropped.
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
  public func detect(
    gray: UnsafeBufferPointer<UInt8>, width: Int, height: Int, scale: Double, glyphBoxes: [PDFRect]
  ) -> [PDFRuling] {
    precondition(gray.count >= width * height)
    let thick = max(1, Int((maxThickness * scale).rounded(.up)))
    let minRun = max(2, Int((minLength * scale).rounded()))
    let c = contrast
    var horizontal = [Bool](repeating: false, count: width * height)
    var vertical = [Bool](repeating: false, count: width * height)
    // Column state for horizontal rules: where a darker run began, the level above it, its minimum.
    var start = [Int](repeating: -1, count: width)
    var above = [Int](repeating: 255, count: width)
    var darkest = [Int](repeating: 255, count: width)
    var previousRow = [Int](repeating: 255, count: width)
    for y in 0..<height {
      let row = y * width
      // Along the row, for vertical rules.
      var runStart = -1
      var left = 255
      var runMin = 255
      var previous = 255
      for x in 0..<width {
        let v = Int(gray[row + x])
        // Vertical rules: thin dark runs along the row.
        if runStart >= 0 {
          if v >= runMin + c {
            if x - runStart <= thick, left - runMin >= c {
              for i in runStart..<x { vertical[row + i] = true }
            }
            runStart = -1
          } else {
            runMin = min(runMin, v)
            if x - runStart > thick { runStart = -2 }  // too thick: wait for it to end
          }
        }
        if runStart == -2 {
          if v >= runMin + c { runStart = -1 } else { runMin = min(runMin, v) }
        }
        if runStart == -1, v + c <= previous {
          runStart = x
          left = previous
          runMin = v
        }
        previous = v
        // Horizontal rules: thin dark runs down the column.
        let up = previousRow[x]
        if start[x] >= 0 {
          if v >= darkest[x] + c {
            if y - start[x] <= thick, above[x] - darkest[x] >= c {
              var i = start[x]
              while i < y {
                horizontal[i * width + x] = true
                i += 1
              }
            }
            start[x] = -1
          } else {
            darkest[x] = min(darkest[x], v)
            if y - start[x] > thick { start[x] = -2 }
          }
        }
        if start[x] == -2 {
          if v >= darkest[x] + c { start[x] = -1 } else { darkest[x] = min(darkest[x], v) }
        }
        if start[x] == -1, v + c <= up {
          start[x] = y
          above[x] = up
          darkest[x] = v
        }
        previousRow[x] = v
      }
    }
    var rulings: [PDFRuling] = []
    rulings += runs(horizontal, width: width, height: height, axis: .horizontal, minRun: minRun, scale: scale)
    rulings += runs(vertical, width: width, height: height, axis: .vertical, minRun: minRun, scale: scale)
    return rulings.filter { !Self.isText($0, glyphBoxes: glyphBoxes) }
  }

  /// Joins marked pixels into runs along `axis`, runs on adjacent lines into rules, and rules
  /// on one line into longer ones.
  private func runs(
    _ marks: [Bool], width: Int, height: Int, axis: PDFRuling.Axis, minRun: Int, scale: Double
  ) -> [PDFRuling] {
    // (line, from, to) in pixels: line is the row of a horizontal run, the column of a vertical one.
    var pieces: [(line: Int, from: Int, to: Int)] = []
    let lines = axis == .horizontal ? height : width
    let along = axis == .horizontal ? width : height
    let gap = 1
    for line in 0..<lines {
      var from = -1
      var last = -2
      for i in 0..<along {
        let marked = axis == .horizontal ? marks[line * width + i] : marks[i * width + line]
        guard marked else { continue }
        if from >= 0, i - last <= gap + 1 {
          last = i
          continue
        }
        if from >= 0, last - from + 1 >= minRun { pieces.append((line, from, last + 1)) }
        from = i
        last = i
      }
      if from >= 0, last - from + 1 >= minRun { pieces.append((line, from, last + 1)) }
    }
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
      var end = index + 1
      while end < rules.count, rules[end].position - rules[end - 1].position <= 1.0 / scale + 0.01 { end += 1 }
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
    return merged
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
