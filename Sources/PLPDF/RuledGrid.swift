/// Rules that cross each other: the frame of a ruled table.
///
/// Contract: `xs` and `ys` are ascending and hold the outer edges too, so a grid has
/// `xs.count - 1` columns and `ys.count - 1` rows of slots; `bbox` spans them.
struct RuledGrid {
  var bbox: PDFRect
  var xs: [Double]
  var ys: [Double]
  var horizontals: [PDFRuling]
  var verticals: [PDFRuling]

  /// How far apart two rules may be and still meet, in points.
  static let tolerance = 2.5

  /// The grids among `rulings`: groups of horizontal and vertical rules joined by crossings,
  /// with at least two horizontal rules and one vertical one.
  static func find(_ rulings: [PDFRuling]) -> [RuledGrid] {
    let t = tolerance
    var parent = Array(rulings.indices)
    func root(_ i: Int) -> Int {
      var i = i
      while parent[i] != i {
        parent[i] = parent[parent[i]]
        i = parent[i]
      }
      return i
    }
    let hs = rulings.indices.filter { rulings[$0].axis == .horizontal }
    let vs = rulings.indices.filter { rulings[$0].axis == .vertical }
    for h in hs {
      let a = rulings[h]
      for v in vs {
        let b = rulings[v]
        if b.position >= a.start - t, b.position <= a.end + t, a.position >= b.start - t, a.position <= b.end + t {
          parent[root(h)] = root(v)
        }
      }
    }
    var groups: [Int: [Int]] = [:]
    for i in rulings.indices { groups[root(i), default: []].append(i) }
    var grids: [RuledGrid] = []
    for members in groups.values {
      let horizontals = members.map { rulings[$0] }.filter { $0.axis == .horizontal }
      let verticals = members.map { rulings[$0] }.filter { $0.axis == .vertical }
      guard horizontals.count >= 2, !verticals.isEmpty else { continue }
      let box = members.dropFirst().reduce(rulings[members[0]].box) { $0.union(rulings[$1].box) }
      let xs = cluster(verticals.map(\.position) + [box.x1, box.x2])
      let ys = cluster(horizontals.map(\.position) + [box.y1, box.y2])
      guard xs.count >= 2, ys.count >= 3 || xs.count >= 3, ys.count >= 2 else { continue }
      let bbox = PDFRect(x1: xs.first!, y1: ys.first!, x2: xs.last!, y2: ys.last!)
      grids.append(RuledGrid(bbox: bbox, xs: xs, ys: ys, horizontals: horizontals, verticals: verticals))
    }
    return grids.sorted { $0.bbox.y1 < $1.bbox.y1 }
  }

  /// Positions closer than the tolerance become one, their mean.
  static func cluster(_ values: [Double]) -> [Double] {
    var result: [(sum: Double, count: Double, last: Double)] = []
    for v in values.sorted() {
      if let last = result.last, v - last.last <= tolerance {
        result[result.count - 1] = (last.sum + v, last.count + 1, v)
      } else {
        result.append((v, 1, v))
      }
    }
    return result.map { $0.sum / $0.count }
  }

  /// Whether a vertical rule runs at `x` through height `y`.
  func hasVertical(at x: Double, through y: Double) -> Bool {
    let t = Self.tolerance
    return verticals.contains { abs($0.position - x) <= t && $0.start - t <= y && $0.end + t >= y }
  }

  /// Whether a horizontal rule runs at `y` through `x`.
  func hasHorizontal(at y: Double, through x: Double) -> Bool {
    let t = Self.tolerance
    return horizontals.contains { abs($0.position - y) <= t && $0.start - t <= x && $0.end + t >= x }
  }
}
