/// Builds one table's grid from lines and columns: cells from words, rows from lines, merges of
/// continuation lines, section rows, header rows and the quality figures.
///
/// One builder per table; not reused.
struct TableBuilder {
  /// A cell being built: its columns, the rows it spans and its words by line.
  struct Cell {
    var first: Int
    var last: Int
    var rowSpan = 1
    var lines: [[PDFWord]]
    var box: PDFRect?

    var text: String { lines.map { $0.map(\.text).joined(separator: " ") }.joined(separator: " ") }
    var words: Int { lines.reduce(0) { $0 + $1.count } }
  }

  /// A row being built.
  struct Row {
    var cells: [Cell]
    var top: Double
    var bottom: Double
    /// The baseline of the row's last line, to measure the distance to the next line.
    var baseline: Double
    var kind: PDFTable.RowKind = .data
    var lineCount = 1
  }

  let options: PDFTableOptions
  let page: Int
  /// Column regions: where each column's words are (between the gaps).
  var regions: [(low: Double, high: Double)] = []
  /// The x positions of the column edges, outer edges included (`columns + 1` of them).
  var edges: [Double] = []

  init(options: PDFTableOptions, page: Int) {
    self.options = options
    self.page = page
  }

  var columnCount: Int { regions.count }

  // MARK: Ruled grids

  /// The table of a ruled grid, or nil when the grid holds no table (a framed paragraph).
  mutating func table(grid: RuledGrid, words: [PDFWord]) -> PDFTable? {
    let lines = PDFTextLine.group(words)
    if grid.xs.count > 2 {
      edges = grid.xs
      regions = (0..<(grid.xs.count - 1)).map { (grid.xs[$0], grid.xs[$0 + 1]) }
    } else {
      // A frame and horizontal rules: columns from the gaps between words.
      let tableLines = lines.filter { PDFTableFinder.phrases($0.words).count >= 2 }
      let gaps = Self.corridors(tableLines.map(\.words), minWidth: minGap(lines), tolerance: tableLines.count / 5)
      guard !gaps.isEmpty else { return nil }
      setColumns(gaps: gaps, left: grid.bbox.x1, right: grid.bbox.x2)
    }
    let columns = columnCount
    let bands = grid.ys.count - 1
    // Slots (band, column) joined where a rule between them is missing.
    var parent = Array(0..<(bands * columns))
    func root(_ i: Int) -> Int {
      var i = i
      while parent[i] != i {
        parent[i] = parent[parent[i]]
        i = parent[i]
      }
      return i
    }
    var bandLines: [[PDFTextLine]] = []
    for band in 0..<bands {
      let top = grid.ys[band]
      let bottom = grid.ys[band + 1]
      let inBand = lines.filter { let y = ($0.box.y1 + $0.box.y2) / 2; return y >= top && y < bottom }
      bandLines.append(inBand)
      let middle = (top + bottom) / 2
      let innerRules = (1..<columns).filter { grid.hasVertical(at: edges[$0], through: middle) }
      if grid.xs.count > 2, innerRules.isEmpty {
        // No inner rules in this band: it keeps the grid's columns if its words fit them, or
        // is one cell across the table (a title or section row).
        let fits = inBand.contains { line in
          Set(line.words.compactMap { columnOf($0) }).count >= 2
        }
        if !fits { for c in 1..<columns { parent[root(band * columns + c)] = root(band * columns) } }
      } else if grid.xs.count > 2 {
        for c in 1..<columns where !innerRules.contains(c) {
          parent[root(band * columns + c)] = root(band * columns + c - 1)
        }
      }
      if band + 1 < bands {
        for c in 0..<columns where !grid.hasHorizontal(at: bottom, through: (edges[c] + edges[c + 1]) / 2) {
          parent[root((band + 1) * columns + c)] = root(band * columns + c)
        }
      }
    }
    var rows: [Row] = []
    var placed = Set<Int>()
    var bandRowIndex: [Int] = []
    for band in 0..<bands {
      bandRowIndex.append(rows.count)
      let top = grid.ys[band]
      let bottom = grid.ys[band + 1]
      var row = Row(cells: [], top: top, bottom: bottom, baseline: bandLines[band].last?.baseline ?? bottom)
      row.lineCount = max(1, bandLines[band].count)
      for c in 0..<columns {
        let r = root(band * columns + c)
        guard !placed.contains(r) else { continue }
        placed.insert(r)
        let members = (0..<(bands * columns)).filter { root($0) == r }
        let b0 = members.map { $0 / columns }.min()!
        let b1 = members.map { $0 / columns }.max()!
        let c0 = members.map { $0 % columns }.min()!
        let c1 = members.map { $0 % columns }.max()!
        let box = PDFRect(x1: edges[c0], y1: grid.ys[b0], x2: edges[c1 + 1], y2: grid.ys[b1 + 1])
        let cellLines = lines.compactMap { line -> [PDFWord]? in
          let inside = line.words.filter { box.containsCentre(of: $0.box) }
          return inside.isEmpty ? nil : inside
        }
        row.cells.append(Cell(first: c0, last: c1, rowSpan: b1 - b0 + 1, lines: cellLines, box: box))
      }
      rows.append(row)
    }
    // A band holding several rows of data (rules between columns only) is split into its lines.
    var split: [Row] = []
    for (band, row) in rows.enumerated() {
      let numericLines = bandLines[band].filter { line in
        line.words.contains { word in (columnOf(word) ?? 0) > 0 && Self.isNumeric(word.text) }
      }
      if numericLines.count >= 2, row.cells.allSatisfy({ $0.rowSpan == 1 && $0.first == $0.last }) {
        var lineRows = bandLines[band].map { line(asRow: $0) }
        if let first = lineRows.first?.top { lineRows[0].top = min(first, row.top) }
        lineRows[lineRows.count - 1].bottom = row.bottom
        split += mergeContinuations(lineRows, separated: { _ in false })
      } else {
        split.append(row)
      }
    }
    _ = bandRowIndex
    let nonEmpty = split.filter { $0.cells.contains { !$0.lines.isEmpty } }
    guard nonEmpty.count >= 1, columns >= 2 || split.count >= 2 else { return nil }
    guard columns >= 2 else { return nil }
    let kind: PDFTable.Kind = grid.xs.count > 2 ? .ruled : .horizontalRulesOnly
    return finish(rows: split, kind: kind, bbox: grid.bbox, headerRule: nil)
  }

  // MARK: Tables without vertical rules

  /// The tables in a block of lines (several when a line that fits no columns splits it).
  mutating func tables(block: [PDFTextLine], horizontals: [PDFRuling]) -> [PDFTable] {
    var lines = block
    var gaps: [(low: Double, high: Double)] = []
    for _ in 0..<4 {
      let tableLines = lines.filter { PDFTableFinder.phrases($0.words).count >= 2 }
      guard tableLines.count >= 2 else { return [] }
      gaps = Self.corridors(tableLines.map(\.words), minWidth: minGap(lines), tolerance: tableLines.count / 5)
      guard !gaps.isEmpty else { return [] }
      if let rest = withoutRunningText(lines, gaps: gaps) {
        lines = rest
        continue
      }
      let crossings = lines.map { Self.crossings($0.words, gaps: gaps) }
      // A line that crosses two or more gaps is text, not a row: the table ends there.
      if let cut = crossings.firstIndex(where: { $0 >= 2 }) {
        let above = Array(lines[..<cut])
        let below = Array(lines[(cut + 1)...])
        let longer = above.count >= below.count ? above : below
        let other = above.count >= below.count ? below : above
        var result: [PDFTable] = []
        var builder = TableBuilder(options: options, page: page)
        result += builder.tables(block: other, horizontals: horizontals)
        lines = longer
        if !result.isEmpty || lines.count >= 2 {
          var again = TableBuilder(options: options, page: page)
          result += again.tables(block: lines, horizontals: horizontals)
        }
        return result
      }
      // A table starts and ends with lines of two or more phrases.
      var trimmed = lines
      while let first = trimmed.first, PDFTableFinder.phrases(first.words).count < 2 { trimmed.removeFirst() }
      while let last = trimmed.last, PDFTableFinder.phrases(last.words).count < 2 { trimmed.removeLast() }
      if trimmed.count == lines.count { break }
      lines = trimmed
    }
    guard let table = table(lines: lines, rules: horizontals, gaps: gaps) else { return [] }
    return [table]
  }

  /// The table of `lines` (a pinned area, or a block), columns from `gaps` or the options.
  mutating func table(
    lines: [PDFTextLine], rules: [PDFRuling], gaps given: [(low: Double, high: Double)]? = nil
  ) -> PDFTable? {
    guard !lines.isEmpty else { return nil }
    let left = lines.map(\.box.x1).min()!
    let right = lines.map(\.box.x2).max()!
    if let pinned = options.columns {
      setColumns(gaps: pinned.map { ($0, $0) }, left: min(left, pinned.first ?? left), right: max(right, pinned.last ?? right))
    } else {
      let gaps =
        given
        ?? {
          let tableLines = lines.filter { PDFTableFinder.phrases($0.words).count >= 2 }
          return Self.corridors(tableLines.map(\.words), minWidth: minGap(lines), tolerance: tableLines.count / 5)
        }()
      guard !gaps.isEmpty else { return nil }
      setColumns(gaps: withoutWeakColumns(gaps, lines: lines, left: left, right: right), left: left, right: right)
    }
    let top = lines.first!.box.y1
    let bottom = lines.last!.box.y2
    let width = right - left
    // Rules across the table, from just above its first line to just below its last.
    let across = rules.filter {
      $0.axis == .horizontal && $0.length >= 0.7 * width && $0.start <= left + 0.3 * width
        && $0.end >= right - 0.3 * width && $0.position > top - 1.5 * lines.first!.box.height
        && $0.position < bottom + 1.5 * lines.last!.box.height
    }
    func ruleBetween(_ a: PDFTextLine, _ b: PDFTextLine) -> Bool {
      across.contains { $0.position > a.baseline && $0.position < b.box.y1 + 0.3 * b.box.height }
    }
    var separated = [false]
    for i in 1..<lines.count { separated.append(ruleBetween(lines[i - 1], lines[i])) }
    // Rules between most lines: each row is the lines between two rules.
    let separations = separated.filter { $0 }.count
    let ruledRows = separations >= 2 && Double(separations) >= 0.4 * Double(lines.count - 1)
    var rows: [Row] = []
    for (i, line) in lines.enumerated() {
      let row = self.line(asRow: line)
      if ruledRows, i > 0, !separated[i], var last = rows.popLast() {
        last = merge(row, into: last)
        rows.append(last)
      } else {
        rows.append(row)
      }
    }
    if !ruledRows {
      // Which rows are separated from the one above by a rule, after the merges above.
      var rowSeparated: [Bool] = []
      for row in rows {
        let line = lines.first { abs($0.box.y1 - row.top) < 0.01 }
        let index = line.flatMap { l in lines.firstIndex { $0 == l } } ?? 0
        rowSeparated.append(separated[index])
      }
      rows = mergeContinuations(rows, separated: { rowSeparated[$0] })
    }
    // A table has at least three rows of two or more cells (two in a pinned area).
    let data = rows.filter { $0.cells.count >= 2 }
    guard data.count >= (options.area == nil ? 3 : 2) else { return nil }
    // A rule under one of the first rows, in a table without rules between all rows, ends the header.
    var headerRule: Int?
    if !ruledRows {
      for r in 1..<min(rows.count, 4) {
        let line = lines.firstIndex { abs($0.box.y1 - rows[r].top) < 0.01 }
        if let line, separated[line] {
          headerRule = r
          break
        }
      }
    }
    var box = PDFRect(x1: left, y1: top, x2: right, y2: bottom)
    for rule in across { box = box.union(rule.box) }
    let kind: PDFTable.Kind = across.isEmpty ? .whitespace : .horizontalRulesOnly
    return finish(rows: rows, kind: kind, bbox: box, headerRule: headerRule)
  }

  /// `lines` without the running text beside the table (a paragraph set next to it), or nil
  /// when there is none: an outer column whose cells hold five words or more on average in
  /// most lines, next to columns of short cells.
  private mutating func withoutRunningText(_ lines: [PDFTextLine], gaps: [(low: Double, high: Double)]) -> [PDFTextLine]? {
    guard gaps.count >= 2, let left = lines.map(\.box.x1).min(), let right = lines.map(\.box.x2).max() else { return nil }
    setColumns(gaps: gaps, left: left, right: right)
    var filled = [[Int]](repeating: [], count: columnCount)
    for line in lines {
      var perColumn: [Int: Int] = [:]
      for word in line.words {
        for c in columns(of: word) { perColumn[c, default: 0] += 1 }
      }
      for (c, n) in perColumn { filled[c].append(n) }
    }
    func mean(_ values: [Int]) -> Double { values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count) }
    for edge in Set([0, columnCount - 1]) {
      guard filled[edge].count * 10 >= lines.count * 6, mean(filled[edge]) >= 5 else { continue }
      let others = (0..<columnCount).filter { $0 != edge }.flatMap { filled[$0] }
      guard mean(others) <= 3 else { continue }
      return lines.compactMap { line in
        let rest = line.words.filter { !columns(of: $0).contains(edge) }
        return rest.isEmpty ? nil : PDFTextLine(words: rest)
      }
    }
    return nil
  }

  /// `gaps` less those beside a column that words fill in only a few lines (a header label set
  /// apart from right-aligned numbers, a footnote marker after long names): such a column joins
  /// the neighbour across the narrower gap.
  private mutating func withoutWeakColumns(
    _ gaps: [(low: Double, high: Double)], lines: [PDFTextLine], left: Double, right: Double
  ) -> [(low: Double, high: Double)] {
    var gaps = gaps
    let limit = max(1, lines.count / 5)
    while gaps.count >= 2 {
      setColumns(gaps: gaps, left: left, right: right)
      var filled = [Int](repeating: 0, count: columnCount)
      for line in lines {
        var seen = Set<Int>()
        for word in line.words {
          if let c = columnOf(word) { seen.insert(c) }
        }
        for c in seen { filled[c] += 1 }
      }
      let weak = (0..<columnCount).filter { filled[$0] <= limit }
      guard let column = weak.min(by: { filled[$0] < filled[$1] }) else { break }
      let leftGap = column > 0 ? column - 1 : nil
      let rightGap = column < columnCount - 1 ? column : nil
      let width = { (i: Int) in gaps[i].high - gaps[i].low }
      switch (leftGap, rightGap) {
      case (let l?, let r?): gaps.remove(at: width(l) <= width(r) ? l : r)
      case (let l?, nil): gaps.remove(at: l)
      case (nil, let r?): gaps.remove(at: r)
      case (nil, nil): return gaps
      }
    }
    return gaps
  }

  /// Columns between the gaps, from `left` to `right`.
  private mutating func setColumns(gaps: [(low: Double, high: Double)], left: Double, right: Double) {
    regions = []
    edges = [left]
    var low = left
    for gap in gaps {
      regions.append((low, gap.low))
      edges.append((gap.low + gap.high) / 2)
      low = gap.high
    }
    regions.append((low, right))
    edges.append(right)
  }

  /// The narrowest gap between columns: about two spaces of the block's text.
  private func minGap(_ lines: [PDFTextLine]) -> Double {
    let sizes = lines.map(\.fontSize).sorted()
    let size = sizes.isEmpty ? 9 : sizes[sizes.count / 2]
    return max(2.5, 0.5 * size)
  }

  /// The column a word lies in, or nil when it crosses a boundary between columns.
  func columnOf(_ word: PDFWord) -> Int? {
    let span = columns(of: word)
    return span.lowerBound == span.upperBound ? span.lowerBound : nil
  }

  /// The columns a word overlaps: the column of its centre, widened to every column region it
  /// reaches into by more than a point.
  func columns(of word: PDFWord) -> ClosedRange<Int> {
    let centre = (word.box.x1 + word.box.x2) / 2
    var home = regions.count - 1
    for c in 1..<max(1, edges.count - 1) where centre < edges[c] {
      home = c - 1
      break
    }
    var first = home
    var last = home
    while first > 0, word.box.x1 < regions[first - 1].high - 1, regions[first - 1].high > regions[first - 1].low {
      if regions[first].low == regions[first - 1].high { break }  // pinned: by centre only
      first -= 1
    }
    while last < regions.count - 1, word.box.x2 > regions[last + 1].low + 1 {
      if regions[last].high == regions[last + 1].low { break }
      last += 1
    }
    return max(0, first)...max(0, last)
  }

  /// A line's words as a row of cells: consecutive words in the same columns form one cell.
  func line(asRow line: PDFTextLine) -> Row {
    var cells: [Cell] = []
    for word in line.words {
      let span = columns(of: word)
      if var last = cells.last, span.lowerBound <= last.last {
        last.last = max(last.last, span.upperBound)
        last.lines[0].append(word)
        cells[cells.count - 1] = last
      } else {
        cells.append(Cell(first: span.lowerBound, last: span.upperBound, lines: [[word]]))
      }
    }
    return Row(cells: cells, top: line.box.y1, bottom: line.box.y2, baseline: line.baseline)
  }

  /// `row` appended to `into`: cells in the same columns join, line by line.
  func merge(_ row: Row, into: Row) -> Row {
    var result = into
    for cell in row.cells {
      if let index = result.cells.firstIndex(where: { $0.first <= cell.last && cell.first <= $0.last }) {
        result.cells[index].lines += cell.lines
        result.cells[index].first = min(result.cells[index].first, cell.first)
        result.cells[index].last = max(result.cells[index].last, cell.last)
      } else {
        result.cells.append(cell)
        result.cells.sort { $0.first < $1.first }
      }
    }
    result.top = min(into.top, row.top)
    result.bottom = max(into.bottom, row.bottom)
    result.baseline = row.baseline
    result.lineCount += row.lineCount
    return result
  }

  /// Value columns: beyond the first, where most filled cells are numbers.
  func valueColumns(_ rows: [Row]) -> Set<Int> {
    var numeric = [Int](repeating: 0, count: columnCount)
    var filled = [Int](repeating: 0, count: columnCount)
    for row in rows {
      for cell in row.cells where cell.first == cell.last && !cell.lines.isEmpty {
        filled[cell.first] += 1
        if Self.isNumeric(cell.text) { numeric[cell.first] += 1 }
      }
    }
    return Set((1..<max(1, columnCount)).filter { filled[$0] > 0 && numeric[$0] * 2 >= filled[$0] })
  }

  /// Merges lines that continue the row above (a wrapped name or method) and marks section rows.
  ///
  /// Header lines whose first column is empty join the header line above when they sit
  /// closer to it than rows of values sit to each other. A line without values continues the row above when the text above is unfinished (ends in
  /// `-`, `,` or an open parenthesis), when it starts in lower case, when its first column is
  /// empty, or when it sits closer to the row above than rows sit to each other. Otherwise a
  /// line with one phrase in the first column is a section row; anything else is a row.
  func mergeContinuations(_ rows: [Row], separated: (Int) -> Bool) -> [Row] {
    let values = valueColumns(rows)
    let hasValues = rows.map { row in row.cells.contains { values.contains($0.first) && Self.isNumeric($0.text) } }
    guard let firstData = hasValues.firstIndex(of: true) else { return mergeTextContinuations(rows, separated: separated) }
    // The usual distance between rows with values.
    var pitches: [Double] = []
    for i in 1..<rows.count where hasValues[i] && hasValues[i - 1] {
      pitches.append(rows[i].baseline - rows[i - 1].baseline)
    }
    pitches.sort()
    let pitch = pitches.isEmpty ? nil : pitches[pitches.count / 2]
    // Header lines: a line without a first column set closer to the line above than rows of
    // values sit to each other continues it (a header label wrapped onto two lines).
    var result: [Row] = []
    for (i, row) in rows[..<firstData].enumerated() {
      if let above = result.last, let pitch, !separated(i), !row.cells.contains(where: { $0.first == 0 }),
        row.baseline - above.baseline < 0.8 * pitch
      {
        result[result.count - 1] = merge(row, into: above)
      } else {
        result.append(row)
      }
    }
    for (offset, row) in rows[firstData...].enumerated() {
      let i = firstData + offset
      guard i > firstData, !hasValues[i], !separated(i), let above = result.last else {
        result.append(row)
        continue
      }
      let firstEmpty = !row.cells.contains { $0.first == 0 }
      let text = row.cells.first?.text ?? ""
      let aboveFirst = above.cells.first { $0.first == 0 }?.text ?? ""
      let unfinished = aboveFirst.hasSuffix("-") || aboveFirst.hasSuffix(",") || aboveFirst.hasSuffix("/")
        || aboveFirst.filter { $0 == "(" }.count > aboveFirst.filter { $0 == ")" }.count
      let lower = text.first?.isLowercase ?? false
      let close = pitch.map { row.baseline - above.baseline < 0.8 * $0 } ?? false
      let nextHasValues = i + 1 < rows.count && hasValues[i + 1]
      let boldLabel = row.cells.count == 1 && row.cells.allSatisfy { $0.lines.joined().allSatisfy(\.isBold) }
        && !above.cells.allSatisfy { $0.lines.joined().allSatisfy(\.isBold) }
      if boldLabel, !unfinished, row.cells[0].first == 0, nextHasValues {
        var section = row
        section.cells[0].last = columnCount - 1
        section.kind = .section
        result.append(section)
      } else if unfinished || lower || firstEmpty || close {
        result[result.count - 1] = merge(row, into: above)
      } else if row.cells.count == 1, row.cells[0].first == 0, nextHasValues {
        var section = row
        section.cells[0].last = columnCount - 1
        section.kind = .section
        result.append(section)
      } else {
        result.append(row)
      }
    }
    return result
  }

  /// Merges continuation lines of a table without values (text in every column): a line whose
  /// first column (the key) is empty continues the row above when it sits closer to it than
  /// rows with a key sit to each other (wrapped cells are set at the text's leading, rows
  /// further apart). A table whose rows all sit at one pitch keeps its rows.
  func mergeTextContinuations(_ rows: [Row], separated: (Int) -> Bool) -> [Row] {
    let keyed = rows.map { row in row.cells.contains { $0.first == 0 } }
    var pitches: [Double] = []
    var lastKeyed: Double?
    for (row, hasKey) in zip(rows, keyed) where hasKey {
      if let lastKeyed { pitches.append(row.baseline - lastKeyed) }
      lastKeyed = row.baseline
    }
    guard !pitches.isEmpty else { return rows }
    pitches.sort()
    let pitch = pitches[pitches.count / 2]
    var result: [Row] = []
    for (i, row) in rows.enumerated() {
      if let above = result.last, !keyed[i], !separated(i), row.baseline - above.baseline < 0.8 * pitch {
        result[result.count - 1] = merge(row, into: above)
      } else {
        result.append(row)
      }
    }
    return result
  }

  /// The finished table: header rows, the grid with covered slots, and the quality figures.
  ///
  /// Header rows: the rows above `headerRule` (a rule under the header) when given, else the
  /// rows above the first row with a value, at most three.
  func finish(rows: [Row], kind: PDFTable.Kind, bbox: PDFRect, headerRule: Int?) -> PDFTable {
    var rows = rows
    let values = valueColumns(rows)
    let firstData = rows.firstIndex { row in row.cells.contains { values.contains($0.first) && Self.isNumeric($0.text) } }
    var headerRows = headerRule ?? min(firstData ?? 0, 3)
    // Bold rows at the top, in a table that is not bold throughout, are the header.
    let bold = rows.map { row -> Bool? in
      let words = row.cells.flatMap { $0.lines.joined() }
      return words.isEmpty ? nil : words.allSatisfy(\.isBold)
    }
    if headerRule == nil, bold.first == true, bold.contains(false) {
      headerRows = min(3, bold.prefix { $0 != false }.count)
    }
    if headerRows >= rows.count { headerRows = 0 }
    if let pinned = options.headerRows { headerRows = min(max(0, pinned), rows.count) }
    for r in 0..<headerRows { rows[r].kind = .header }
    let columns = columnCount
    var grid: [[PDFCell]] = []
    var covered = Set<[Int]>()
    var total = 0
    var assigned = 0
    var consistent = 0
    var dataRows = 0
    for (r, row) in rows.enumerated() {
      var slots: [PDFCell] = []
      var byColumn: [Int: Cell] = [:]
      for cell in row.cells { byColumn[cell.first] = cell }
      var c = 0
      while c < columns {
        if covered.contains([r, c]) {
          slots.append(PDFCell(text: "", box: slotBox(row: row, first: c, last: c), rowSpan: 0, colSpan: 0, lines: 0))
          c += 1
          continue
        }
        if let cell = byColumn[c] {
          let last = min(cell.last, columns - 1)
          let box = cell.box ?? slotBox(row: row, first: c, last: last)
          slots.append(PDFCell(text: cell.text, box: box, rowSpan: cell.rowSpan, colSpan: last - c + 1, lines: cell.lines.count))
          for rr in r..<(r + cell.rowSpan) {
            for cc in c...last where rr != r || cc != c { covered.insert([rr, cc]) }
          }
          total += cell.words
          if row.kind != .data || cell.first == last { assigned += cell.words }
          for cc in (c + 1)...max(c + 1, last) where cc <= last {
            slots.append(PDFCell(text: "", box: slotBox(row: row, first: cc, last: cc), rowSpan: 0, colSpan: 0, lines: 0))
          }
          c = last + 1
        } else {
          slots.append(PDFCell(text: "", box: slotBox(row: row, first: c, last: c), lines: 0))
          c += 1
        }
      }
      grid.append(slots)
      if row.kind == .data {
        dataRows += 1
        let filled = row.cells.filter { !$0.lines.isEmpty }
        if filled.count >= 2, filled.allSatisfy({ $0.first == $0.last }) { consistent += 1 }
      }
    }
    let open = grid.flatMap { $0 }.filter { !$0.isCovered }
    let empty = open.filter { $0.text.isEmpty }.count
    let quality = PDFTableQuality(
      assigned: total == 0 ? 0 : Self.round(Double(assigned) / Double(total)),
      whitespace: open.isEmpty ? 1 : Self.round(Double(empty) / Double(open.count)),
      columnConsistency: dataRows == 0 ? 0 : Self.round(Double(consistent) / Double(dataRows)))
    return PDFTable(
      pages: [page], bbox: bbox, rows: grid, rowPages: Array(repeating: page, count: grid.count),
      rowKinds: rows.map(\.kind), headerRows: headerRows, kind: kind, quality: quality,
      columnBoundaries: Array(edges.dropFirst().dropLast()))
  }

  private func slotBox(row: Row, first: Int, last: Int) -> PDFRect {
    PDFRect(x1: edges[first], y1: row.top, x2: edges[min(last + 1, edges.count - 1)], y2: row.bottom)
  }

  private static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

  // MARK: Gaps between columns

  /// The x intervals, at least `minWidth` wide, that no more than `tolerance` of `lines` cover
  /// with a word, between the leftmost and the rightmost word: the gaps between columns.
  static func corridors(_ lines: [[PDFWord]], minWidth: Double, tolerance: Int) -> [(low: Double, high: Double)] {
    let all = lines.flatMap { $0 }
    guard let left = all.map(\.box.x1).min(), let right = all.map(\.box.x2).max(), right > left else { return [] }
    let resolution = 0.5
    let bins = Int(((right - left) / resolution).rounded(.up)) + 1
    var count = [Int](repeating: 0, count: bins)
    var mark = [Int](repeating: -1, count: bins)
    for (index, line) in lines.enumerated() {
      for word in line {
        let a = max(0, Int(((word.box.x1 - left) / resolution).rounded(.down)))
        let b = min(bins - 1, Int(((word.box.x2 - left) / resolution).rounded(.up)))
        guard a <= b else { continue }
        for i in a...b where mark[i] != index {
          mark[i] = index
          count[i] += 1
        }
      }
    }
    var gaps: [(low: Double, high: Double)] = []
    var start: Int?
    for i in 0..<bins {
      if count[i] <= tolerance {
        if start == nil { start = i }
      } else if let s = start {
        let low = left + Double(s) * resolution
        let high = left + Double(i) * resolution
        if s > 0, high - low >= minWidth { gaps.append((low, high)) }
        start = nil
      }
    }
    return gaps
  }

  /// How many gaps one word of the line crosses at most... counted over the line: the number of
  /// gaps that a single word or phrase runs across.
  static func crossings(_ words: [PDFWord], gaps: [(low: Double, high: Double)]) -> Int {
    var crossed = Set<Int>()
    for phrase in PDFTableFinder.phrases(words) {
      guard let a = phrase.first?.box.x1, let b = phrase.last?.box.x2 else { continue }
      for (index, gap) in gaps.enumerated() where a < gap.low - 1 && b > gap.high + 1 {
        // A phrase across a gap crosses it only where one of its words does, or its words bridge it.
        crossed.insert(index)
      }
    }
    return crossed.count
  }

  /// Whether a cell's text reads as a value: a number, possibly with a sign or comparison
  /// (`<0.05`, `1,25`, `1.1E+04`, `< 10`), or a placeholder for none (`n.d.`, `-`).
  static func isNumeric(_ text: String) -> Bool {
    let t = text.trimmingPrefix { " <>≤≥~±+-=".contains($0) }
    if t.isEmpty { return text.contains("-") || text.contains("–") }
    let lowered = text.lowercased()
    if ["n.d.", "nd", "n.n.", "n.a.", "n/a", "—", "–", "bdl", "<loq", "<lod", "nn", "n. d.", "n.b."].contains(lowered) {
      return true
    }
    return t.first.map { $0.isNumber } ?? false
  }
}
