/// Finds the tables on a page from its words and rules: ruled grids, tables with horizontal
/// rules only, and tables aligned by whitespace alone, several per page.
///
/// - Ruled grids: rules that cross each other make a grid; rows and columns come from the
///   rules, a cell whose rule is missing spans its neighbour (a group header over two columns).
///   A row without inner vertical rules takes the grid's columns when its words fit them.
/// - Other tables: blocks of lines with two or more phrases; column boundaries are the gaps that
///   are empty in most lines of the block (the union of word gaps across rows, never one row's
///   gaps), so a line crossing them (a paragraph) ends the table or is cut from its top.
///   Horizontal rules inside such a table separate its rows (kind `horizontalRulesOnly`).
/// - Rows: a line without values is merged into the row above when it continues it (a wrapped
///   name or method); a single phrase in the first column before more data is a section row.
///   Rows before the first row with a number are header rows.
/// - Page headers and footers (`Page 1 of 2`, `Seite 1 von 2`) are not table rows.
/// - A page whose text reads sideways (a table turned on a portrait page) is read turned upright;
///   the tables' boxes are given on the page as it is.
///
/// Stateless: one page at a time; memory is that page's words and rules.
public struct PDFTableFinder: Sendable {
  public var options: PDFTableOptions

  public init(options: PDFTableOptions = PDFTableOptions()) {
    self.options = options
  }

  /// The tables on `page`, top to bottom. Renders the page for its rules when
  /// `options.detectRulings` is on and the page might hold a table: some line of it has two
  /// phrases apart (a page of running text is not rendered).
  public func tables(on page: PDFPage) -> [PDFTable] {
    let glyphs = page.textLayout
    let words = PDFWord.group(glyphs)
    guard !words.isEmpty else { return [] }
    let mayHoldTable = PDFTextLine.group(words).contains { Self.phrases($0.words).count >= 2 }
    let rulings =
      options.detectRulings && mayHoldTable ? page.rulings(scale: options.renderScale, glyphs: glyphs) : []
    return tables(words: words, rulings: rulings, page: page.index, size: page.size)
  }

  /// The tables among `words` and `rulings` of page `page` (from 0), top to bottom.
  public func tables(words: [PDFWord], rulings: [PDFRuling], page: Int, size: PDFSize) -> [PDFTable] {
    let vertical = words.filter { $0.orientation.isVertical }.count
    if vertical > words.count / 2 {
      let turn: PDFOrientation = words.filter { $0.orientation == .up }.count * 2 >= vertical ? .up : .down
      let frame = PageFrame(turn: turn, size: size)
      let turnedWords = words.compactMap(frame.upright)
      let turnedRulings = rulings.map(frame.upright)
      let turnedSize = PDFSize(width: size.height, height: size.width)
      return upright(words: turnedWords, rulings: turnedRulings, page: page, size: turnedSize).map(frame.back)
    }
    return upright(words: words.filter { !$0.orientation.isVertical }, rulings: rulings, page: page, size: size)
  }

  private func upright(words: [PDFWord], rulings: [PDFRuling], page: Int, size: PDFSize) -> [PDFTable] {
    let furniture = Set(
      PDFTextLine.group(words).filter { Self.isPageFurniture($0, size: size) }.flatMap { $0.words.map(\.box) }
        .map(BoxKey.init))
    var remaining = words.filter { !furniture.contains(BoxKey($0.box)) }
    let horizontals = rulings.filter { $0.axis == .horizontal }
    var tables: [PDFTable] = []
    if let area = options.area {
      let inside = remaining.filter { area.containsCentre(of: $0.box) }
      let lines = PDFTextLine.group(inside)
      var builder = TableBuilder(options: options, page: page)
      if let table = builder.table(lines: lines, rules: horizontals.filter { area.intersects($0.box) }) {
        tables.append(table)
      }
      return tables
    }
    if options.columns == nil {
      for grid in RuledGrid.find(rulings) {
        let inside = remaining.filter { grid.bbox.containsCentre(of: $0.box) }
        guard !inside.isEmpty else { continue }
        var builder = TableBuilder(options: options, page: page)
        guard let table = builder.table(grid: grid, words: inside) else { continue }
        tables.append(table)
        remaining.removeAll { grid.bbox.containsCentre(of: $0.box) }
      }
    }
    let lines = PDFTextLine.group(remaining)
    for block in Self.blocks(lines) {
      var builder = TableBuilder(options: options, page: page)
      tables += builder.tables(block: block, horizontals: horizontals)
    }
    return tables.sorted { ($0.bbox.y1, $0.bbox.x1) < ($1.bbox.y1, $1.bbox.x1) }
  }

  /// Whether a line is a running page header or footer: a page number (`Page 1 of 2`,
  /// `Seite 1 von 2`, `1/2`, `- 1 -`) near the top or bottom edge.
  public static func isPageFurniture(_ line: PDFTextLine, size: PDFSize) -> Bool {
    let margin = 0.12 * size.height
    guard line.box.y1 < margin || line.box.y2 > size.height - margin else { return false }
    let tokens = line.text.lowercased().split(separator: " ").map(String.init)
    for (i, token) in tokens.enumerated() where ["page", "seite", "pagina", "página", "sida", "side"].contains(token) {
      let rest = tokens.dropFirst(i + 1)
      if let number = rest.first, Int(number) != nil { return true }
    }
    if tokens.count <= 3 {
      let text = tokens.joined()
      let parts = text.split(separator: "/")
      if parts.count == 2, parts.allSatisfy({ Int($0) != nil }) { return true }
      if text.hasPrefix("-"), text.hasSuffix("-"), Int(text.dropFirst().dropLast()) != nil { return true }
    }
    return false
  }

  /// Splits the page's lines into runs that may hold a table: lines close to each other,
  /// starting at a line of two or more phrases; a single phrase may sit inside a run
  /// (a section label, a wrapped name) when more table lines follow.
  static func blocks(_ lines: [PDFTextLine]) -> [[PDFTextLine]] {
    var blocks: [[PDFTextLine]] = []
    var current: [PDFTextLine] = []
    var pending: [PDFTextLine] = []  // single-phrase lines that join only if a table line follows
    func close() {
      if current.filter({ phrases($0.words).count >= 2 }).count >= 2 { blocks.append(current) }
      current = []
      pending = []
    }
    for line in lines where line.orientation == .upright {
      let tableLine = phrases(line.words).count >= 2
      let last = pending.last ?? current.last
      if let last {
        let pitch = line.baseline - last.baseline
        let limit = 2.6 * max(line.fontSize, last.fontSize, 4)
        if pitch > limit { close() }
      }
      if current.isEmpty {
        if tableLine { current = [line] }
        continue
      }
      if tableLine {
        // A title between two blocks with different numbers of columns (a key-value block, then
        // a results table) separates them; a section label inside one table does not.
        let counts = current.map { phrases($0.words).count }.filter { $0 >= 2 }.sorted()
        let median = counts.isEmpty ? 0 : counts[counts.count / 2]
        if !pending.isEmpty, abs(median - phrases(line.words).count) >= 2 {
          close()
          current = [line]
          continue
        }
        current += pending
        pending = []
        current.append(line)
      } else {
        let width = (current.map(\.box.x2).max() ?? 0) - (current.map(\.box.x1).min() ?? 0)
        if line.box.width > 0.66 * width || pending.count >= 2 {
          close()
        } else {
          pending.append(line)
        }
      }
    }
    close()
    return blocks
  }

  /// The words of a line split where the gap between two words is wider than about two spaces.
  static func phrases(_ words: [PDFWord]) -> [[PDFWord]] {
    var result: [[PDFWord]] = []
    for word in words {
      if var last = result.last, let previous = last.last,
        word.box.x1 - previous.box.x2 < 0.6 * max(word.textHeight, previous.textHeight) / 1.15
      {
        last.append(word)
        result[result.count - 1] = last
      } else {
        result.append([word])
      }
    }
    return result
  }
}

/// A word's box as a hashable key (words are values; their boxes identify them on a page).
struct BoxKey: Hashable {
  let x1: Double
  let y1: Double
  let x2: Double
  let y2: Double
  init(_ r: PDFRect) {
    x1 = r.x1
    y1 = r.y1
    x2 = r.x2
    y2 = r.y2
  }
}

/// Turns a page whose text reads sideways upright, and back.
struct PageFrame {
  let turn: PDFOrientation
  let size: PDFSize

  /// A rectangle of the page in the upright frame.
  func upright(_ r: PDFRect) -> PDFRect {
    switch turn {
    case .up: PDFRect(x1: size.height - r.y2, y1: r.x1, x2: size.height - r.y1, y2: r.x2)
    case .down: PDFRect(x1: r.y1, y1: size.width - r.x2, x2: r.y2, y2: size.width - r.x1)
    case .upright: r
    }
  }

  /// A rectangle of the upright frame on the page.
  func back(_ r: PDFRect) -> PDFRect {
    switch turn {
    case .up: PDFRect(x1: r.y1, y1: size.height - r.x2, x2: r.y2, y2: size.height - r.x1)
    case .down: PDFRect(x1: size.width - r.y2, y1: r.x1, x2: size.width - r.y1, y2: r.x2)
    case .upright: r
    }
  }

  func upright(_ word: PDFWord) -> PDFWord? {
    guard word.orientation == turn else { return nil }
    var turned = word
    turned.box = upright(word.box)
    turned.orientation = .upright
    return turned
  }

  func upright(_ rule: PDFRuling) -> PDFRuling {
    PDFRuling(axis: rule.axis == .horizontal ? .vertical : .horizontal, box: upright(rule.box))
  }

  func back(_ table: PDFTable) -> PDFTable {
    var table = table
    table.bbox = back(table.bbox)
    table.rows = table.rows.map { $0.map { cell in var cell = cell; cell.box = back(cell.box); return cell } }
    return table
  }
}

extension PDFRect {
  func containsCentre(of r: PDFRect) -> Bool {
    let x = (r.x1 + r.x2) / 2
    let y = (r.y1 + r.y2) / 2
    return x >= x1 && x <= x2 && y >= y1 && y <= y2
  }

  func intersects(_ r: PDFRect) -> Bool {
    r.x1 <= x2 && r.x2 >= x1 && r.y1 <= y2 && r.y2 >= y1
  }
}
