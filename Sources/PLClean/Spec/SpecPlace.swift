import PLCore

/// Where something was written in a spec file: its name and the 1-based line and column.
public struct SpecPlace: Equatable, Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// `line 3, column 5`, as in every other message of the toolkit.
  public var location: Location { .lineColumn(line, column) }

  public var description: String { "\(file): \(location)" }

  /// A spec error at this place: `clean.yml: line 3, column 5: reason`, exit 78.
  public func error(_ reason: String) -> PLError {
    .config(source: file, message: "\(location): \(reason)")
  }
}

/// Words for people about names: quoting, and the nearest known name to a misspelt one.
enum SpecWords {
  /// `"name"`, quoted as JSON quotes it.
  static func quoted(_ name: String) -> String {
    JSONWriter.string(.string(name))
  }

  /// `a, b or c`.
  static func list(_ names: [String]) -> String {
    guard names.count > 1 else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " or " + names.last!
  }

  /// The known name closest to `name` when it is a likely misspelling (a small edit distance,
  /// case ignored), for "did you mean".
  static func nearest(_ name: String, among known: [String]) -> String? {
    let lower = name.lowercased()
    var best: (String, Int)?
    for candidate in known {
      let d = editDistance(lower, candidate.lowercased())
      let allowed = max(1, min(3, candidate.count / 3))
      if d <= allowed, d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    return best?.0
  }

  /// `; did you mean "fields"?`, or nothing.
  static func suggestion(_ name: String, among known: [String]) -> String {
    guard let near = nearest(name, among: known) else { return "" }
    return "; did you mean \(quoted(near))?"
  }

  /// Edit distance counting a swap of two neighbouring characters as one edit.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
      }
    }
    return d[a.count][b.count]
  }
}
