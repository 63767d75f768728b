import Foundation

/// Cell-level F1 of extracted tables against expected grids, by ICDAR 2013 adjacency
/// relations (the measure of Tests/Fixtures/pdf-tables/score.py; PDFTableScoreTests gives the
/// definition in full):
/// - cell text is normalised (each run of whitespace one space, trimmed); empty cells take no part;
/// - a table is the multiset of its relations: in each row every non-empty cell with the next
///   non-empty cell to its right (H), in each column every non-empty cell with the next below (V);
/// - per PDF, expected and extracted tables are paired one to one greedily by shared relations
///   (largest first; ties to the earlier expected, then extracted, table);
/// - F1 = 2 × correct / (extracted + expected).
public struct TableScore: Equatable {
  public struct Relation: Hashable {
    public var direction: String
    public var first: String
    public var second: String

    public init(direction: String, first: String, second: String) {
      self.direction = direction
      self.first = first
      self.second = second
    }
  }

  public var correct = 0
  public var extracted = 0
  public var expected = 0

  public init(correct: Int = 0, extracted: Int = 0, expected: Int = 0) {
    self.correct = correct
    self.extracted = extracted
    self.expected = expected
  }

  public var precision: Double { extracted == 0 ? 0 : Double(correct) / Double(extracted) }
  public var recall: Double { expected == 0 ? 0 : Double(correct) / Double(expected) }
  public var f1: Double { extracted + expected == 0 ? 1 : 2 * Double(correct) / Double(extracted + expected) }

  public mutating func add(_ other: TableScore) {
    correct += other.correct
    extracted += other.extracted
    expected += other.expected
  }

  /// A grid as indented text rows, for a report.
  public static func render(_ grid: [[String]]) -> String {
    grid.map { "    | " + $0.joined(separator: " | ") + "\n" }.joined()
  }

  public static let heading = "fixture                            tables    F1  precision  recall  (correct/extracted/expected); tables: extracted/expected"

  public func row(name: String, tables: String) -> String {
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    func lead(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
    return pad(name, 34) + lead(tables, 7) + lead(String(format: "%.3f", f1), 7) + lead(String(format: "%.3f", precision), 10)
      + lead(String(format: "%.3f", recall), 9) + "  (\(correct)/\(extracted)/\(expected))"
  }

  /// Each run of whitespace as one space, trimmed.
  public static func normalise(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  /// A cell of a JSON grid as text: null is empty, a number its spelling.
  public static func cellText(_ value: Any) -> String? {
    switch value {
    case let s as String: return s
    case is NSNull: return ""
    case let n as NSNumber: return n.stringValue
    default: return nil
    }
  }

  public static func table(_ value: Any?) -> [[String]]? {
    guard let rows = value as? [Any] else { return nil }
    var grid: [[String]] = []
    for row in rows {
      guard let cells = row as? [Any] else { return nil }
      var out: [String] = []
      for cell in cells {
        guard let text = cellText(cell) else { return nil }
        out.append(text)
      }
      grid.append(out)
    }
    return grid
  }

  public static func tables(_ value: Any?) -> [[[String]]]? {
    guard let list = value as? [Any] else { return nil }
    var out: [[[String]]] = []
    for item in list {
      guard let grid = table(item) else { return nil }
      out.append(grid)
    }
    return out
  }

  public static func relations(_ rows: [[String]]) -> [Relation: Int] {
    let grid = rows.map { $0.map(normalise) }
    var result: [Relation: Int] = [:]
    for row in grid {
      let cells = row.filter { !$0.isEmpty }
      for (a, b) in zip(cells, cells.dropFirst()) { result[Relation(direction: "H", first: a, second: b), default: 0] += 1 }
    }
    let width = grid.map(\.count).max() ?? 0
    for column in 0..<width {
      let cells = grid.compactMap { column < $0.count && !$0[column].isEmpty ? $0[column] : nil }
      for (a, b) in zip(cells, cells.dropFirst()) { result[Relation(direction: "V", first: a, second: b), default: 0] += 1 }
    }
    return result
  }

  public static func shared(_ a: [Relation: Int], _ b: [Relation: Int]) -> Int {
    a.reduce(0) { $0 + min($1.value, b[$1.key] ?? 0) }
  }

  /// The score of one PDF: its expected tables against the extracted ones.
  public static func score(expected: [[[String]]], extracted: [[[String]]]) -> TableScore {
    let e = expected.map(relations)
    let x = extracted.map(relations)
    var pairs: [(shared: Int, e: Int, x: Int)] = []
    for (i, er) in e.enumerated() {
      for (j, xr) in x.enumerated() {
        let n = shared(er, xr)
        if n > 0 { pairs.append((n, i, j)) }
      }
    }
    pairs.sort { ($0.shared, -$0.e, -$0.x) > ($1.shared, -$1.e, -$1.x) }
    var usedE = Set<Int>()
    var usedX = Set<Int>()
    var correct = 0
    for pair in pairs where !usedE.contains(pair.e) && !usedX.contains(pair.x) {
      usedE.insert(pair.e)
      usedX.insert(pair.x)
      correct += pair.shared
    }
    return TableScore(
      correct: correct,
      extracted: x.reduce(0) { $0 + $1.values.reduce(0, +) },
      expected: e.reduce(0) { $0 + $1.values.reduce(0, +) })
  }
}
