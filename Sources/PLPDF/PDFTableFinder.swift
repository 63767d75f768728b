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
  /// phrases apart (a page of running text is not rendered). Only the band of the page that
  /// such lines span is rendered, with a margin of a few lines above and below for the rules
  /// framing a table (a pinned area adds itself); the whole page when a vertical rule runs
  /// out of that band.
  public func tables(on page: PDFPage) -> [PDFTable] {
    let glyphs = page.textLayout
    let words = PDFWord.group(glyphs)
    guard !words.isEmpty else { return [] }
    var rulings: [PDFRuling] = []
    if options.detectRulings, let area = Self.renderArea(PDFTextLine.group(words), pinned: options.area) {
      rulings = page.rulings(scale: options.renderScale, glyphs: glyphs, area: area)
      // A vertical rule running into the band's top or bottom goes on beyond it: a grid whose
      // rows hold one phrase each (a checklist, a table of empty cells). Render it all.
      if rulings.contains(where: { $0.axis == .vertical && ($0.box.y1 <= area.y1 + 2 || $0.box.y2 >= area.y2 - 2) }) {
        rulings = page.rulings(scale: options.renderScale, glyphs: glyphs)
      }
    }
    return tables(words: words, rulings: rulings, page: page.index, size: page.size)
  }

  /// The part of a page worth rendering for rules: around the lines of two or more phrases
  /// (upright or turned: the box of every such line), across the page and three of the
  /// largest lines' heights above and below, or nil when no line has two phrases and no area
  /// is pinned.
  static func renderArea(_ lines: [PDFTextLine], pinned: PDFRect?) -> PDFRect? {
    var area = pinned
    var margin = 0.0
    for line in lines where phrases(line.words).count >= 2 || line.orientation != .upright {
      area = area.map { $0.union(line.box) } ?? line.box
      margin = max(margin, line.orientation == .upright ? line.box.height : line.box.width)
    }
    guard let area else { return nil }
    // Across the page's whole width: a table's rules reach beyond its text sideways (an empty
    // column), but not by many lines up or down.
    let m = 3 * max(margin, 10)
    return PDFRect(x1: -.infinity, y1: area.y1 - m, x2: .infinity, y2: area.y2 + m)
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
    for region in Self.columnRegions(remaining) {
      for block in Self.blocks(PDFTextLine.group(region)) {
        for part in Self.sideBySide(block, horizontals: horizontals) {
          var builder = TableBuilder(options: options, page: page)
          tables += builder.tables(block: part, horizontals: horizontals)
        }
      }
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

  /// The words of a page split at the gutters of a page set in columns of running text, so
  /// that a table in one column is not joined with the text beside it: a vertical strip at
  /// least about two ems wide that no word crosses over many lines, with running text (lines of
  /// four or more words close together across their side) on both sides. The words beside a
  /// gutter go to one region per side, split again at their own gutters; the words above and
  /// below it (a title across the page) to one more.
  static func columnRegions(_ words: [PDFWord], depth: Int = 0) -> [[PDFWord]] {
    let lines = PDFTextLine.group(words).filter { $0.orientation == .upright }
    guard depth < 3, lines.count >= 8, let left = lines.map(\.box.x1).min(), let right = lines.map(\.box.x2).max(),
      right - left > 100
    else { return [words] }
    let sizes = lines.map(\.fontSize).sorted()
    let em = max(6, sizes[sizes.count / 2])
    let minLines = 8
    let bins = Int(right - left) + 1
    // Which one-point strips each line covers, and the longest run of consecutive lines that
    // leave each strip empty.
    var covered = [[Bool]](repeating: [Bool](repeating: false, count: bins), count: lines.count)
    var runStart = [Int](repeating: 0, count: bins)
    var best = [(from: Int, to: Int)](repeating: (0, -1), count: bins)
    for (index, line) in lines.enumerated() {
      for word in line.words {
        let a = max(0, Int(word.box.x1 - left))
        let b = min(bins - 1, Int((word.box.x2 - left).rounded(.up)))
        if a <= b { for i in a...b { covered[index][i] = true } }
      }
      for i in 0..<bins {
        if covered[index][i] {
          runStart[i] = index + 1
        } else if index - runStart[i] > best[i].to - best[i].from {
          best[i] = (runStart[i], index)
        }
      }
    }
    // From the strips empty over the most lines, a gutter spreads to the strips beside them
    // that are empty over the same lines.
    var gutters: [(low: Double, high: Double, from: Int, to: Int)] = []
    var seen = [Bool](repeating: false, count: bins)
    let order = (0..<bins).filter { best[$0].to - best[$0].from + 1 >= minLines }
      .sorted { best[$0].to - best[$0].from > best[$1].to - best[$1].from }
    for strip in order where !seen[strip] {
      let (from, to) = best[strip]
      func empty(_ i: Int) -> Bool { (from...to).allSatisfy { !covered[$0][i] } }
      var low = strip
      var high = strip
      while low > 0, !seen[low - 1], empty(low - 1) { low -= 1 }
      while high < bins - 1, !seen[high + 1], empty(high + 1) { high += 1 }
      for i in low...high { seen[i] = true }
      if Double(high - low) >= 2 * em, low > 0, high < bins - 1 {
        gutters.append((left + Double(low), left + Double(high), from, to))
      }
    }
    // The gutter over the most lines first (it is found first).
    for gutter in gutters {
      let inside = lines[gutter.from...gutter.to]
      let leftSides = inside.map { $0.words.filter { $0.box.x2 <= gutter.low + 0.5 } }
      let rightSides = inside.map { $0.words.filter { $0.box.x1 >= gutter.high - 0.5 } }
      func runningText(_ sides: [[PDFWord]]) -> Bool {
        let filled = sides.filter { !$0.isEmpty }
        guard let a = filled.compactMap({ $0.first?.box.x1 }).min(), let b = filled.compactMap({ $0.last?.box.x2 }).max()
        else { return false }
        // Running text: four words or more across most of the side, no gap wider than about
        // an em between them (justified text spreads its words, a key and its value do not sit so close).
        let prose = filled.filter { side in
          guard side.count >= 4, side.last!.box.x2 - side.first!.box.x1 >= 0.6 * (b - a) else { return false }
          let size = side.map(\.textHeight).max() ?? em
          return zip(side, side.dropFirst()).allSatisfy { $1.box.x1 - $0.box.x2 < 0.9 * size }
        }
        return prose.count >= 4 && prose.count * 10 >= filled.count * 4
      }
        guard runningText(leftSides), runningText(rightSides) else { continue }
      let top = inside.first!.box.y1
      let bottom = inside.last!.box.y2
      var leftWords: [PDFWord] = []
      var rightWords: [PDFWord] = []
      var rest: [PDFWord] = []
      for word in words {
        let y = (word.box.y1 + word.box.y2) / 2
        let x = (word.box.x1 + word.box.x2) / 2
        if y < top || y > bottom || word.orientation != .upright {
          rest.append(word)
        } else if x < (gutter.low + gutter.high) / 2 {
          leftWords.append(word)
        } else {
          rightWords.append(word)
        }
      }
      return [rest].filter { !$0.isEmpty } + columnRegions(leftWords, depth: depth + 1)
        + columnRegions(rightWords, depth: depth + 1)
    }
    return [words]
  }

  /// A block split where two tables stand side by side: a gap no line of the block crosses,
  /// with a table on each side (lines of two or more phrases), that either the horizontal
  /// rules of the block stop at (rules on both sides, none across), or that is much wider than
  /// the other gaps of the block with each side a table of its own (a text stub column on the
  /// right side, values on both).
  static func sideBySide(_ block: [PDFTextLine], horizontals: [PDFRuling]) -> [[PDFTextLine]] {
    guard block.count >= 3 else { return [block] }
    let sizes = block.map(\.fontSize).sorted()
    let em = max(4, sizes[sizes.count / 2])
    let open = TableBuilder.corridors(block.map(\.words), minWidth: 0.5 * em, tolerance: 0)
    guard open.count >= 3 else { return [block] }
    let top = block.first!.box.y1 - 2 * em
    let bottom = block.last!.box.y2 + 2 * em
    let rules = horizontals.filter { $0.position > top && $0.position < bottom }
    for gap in open.sorted(by: { $0.high - $0.low > $1.high - $1.low }) where gap.high - gap.low >= 2 * em {
      let leftLines = block.compactMap { line -> PDFTextLine? in
        let words = line.words.filter { $0.box.x2 <= gap.low + 0.5 }
        return words.isEmpty ? nil : PDFTextLine(words: words)
      }
      let rightLines = block.compactMap { line -> PDFTextLine? in
        let words = line.words.filter { $0.box.x1 >= gap.high - 0.5 }
        return words.isEmpty ? nil : PDFTextLine(words: words)
      }
      func isTable(_ lines: [PDFTextLine]) -> Bool { lines.filter { phrases($0.words).count >= 2 }.count >= 3 }
      guard isTable(leftLines), isTable(rightLines) else { continue }
      // Rules across most of each side, ending in the gap, and none across it.
      let leftFrom = leftLines.map(\.box.x1).min()!
      let rightTo = rightLines.map(\.box.x2).max()!
      let stopped =
        rules.contains { $0.end <= gap.high + 1 && $0.end >= gap.low - 2 * em && $0.length >= 0.7 * (gap.low - leftFrom) }
        && rules.contains { $0.start >= gap.low - 1 && $0.start <= gap.high + 2 * em && $0.length >= 0.7 * (rightTo - gap.high) }
        && !rules.contains { $0.start < gap.low && $0.end > gap.high }
      var separate = stopped
      if !separate {
        let others = open.filter { $0.low != gap.low }.map { $0.high - $0.low }.max() ?? 0
        func valued(_ lines: [PDFTextLine]) -> Bool {
          lines.filter { line in phrases(line.words).dropFirst().contains { TableBuilder.isNumeric($0.map(\.text).joined()) } }
            .count * 2 >= lines.count
        }
        let stubs = rightLines.filter { line in
          phrases(line.words).first.map { !TableBuilder.isNumeric($0.map(\.text).joined(separator: " ")) } ?? false
        }
        separate = gap.high - gap.low >= 1.6 * others && valued(leftLines) && valued(rightLines)
          && stubs.count * 10 >= rightLines.count * 7
      }
      guard separate else { continue }
      return sideBySide(leftLines, horizontals: horizontals) + sideBySide(rightLines, horizontals: horizontals)
    }
    return [block]
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
