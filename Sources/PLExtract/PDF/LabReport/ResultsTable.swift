/// A results table found on one page: its columns (from the heading line) and its rows.
///
/// The heading line decides the columns; a row's cells are the phrases of its line, each given
/// to the column whose heading it overlaps, else to the column whose heading starts left of it
/// (numbers are often right-aligned under a left-aligned heading). The table ends at a line
/// that is not a row: a wide gap, a footnote or a sentence reaching across the columns, a new
/// heading, the page's footer. Between rows, a line with one short phrase in the first column
/// is a section heading (`Fatty acids`) when a row follows it at the usual distance, and a
/// line set closer than the rows are apart continues the cells of the row above (a wrapped
/// analyte name or method).
struct ResultsTable {
  struct Column {
    var heading: String
    var role: ResultColumnRole?
    var box: LabReportBox
  }

  struct Row {
    var cells: [String]
    var box: LabReportBox
    /// The section heading above the row, if any.
    var section: String?
  }

  var columns: [Column]
  var rows: [Row] = []
  /// The folded headings, to recognise the heading repeated on the next page.
  var signature: String { columns.map { LabText.fold($0.heading) }.joined(separator: "|") }

  /// The column of the analyte's name: the analyte heading, else the first column.
  var analyteColumn: Int { columns.firstIndex { $0.role == .analyte } ?? 0 }
  var resultColumn: Int? { columns.firstIndex { $0.role == .result } }
  /// One column per sample: columns of no known role beside the analyte when no result column exists.
  var sampleColumns: [Int] {
    guard resultColumn == nil else { return [] }
    return columns.indices.filter { $0 != analyteColumn && columns[$0].role == nil }
  }

  /// A table heading: an analyte heading and a result heading, or an analyte heading, another
  /// known heading and columns of no known role (one per sample). Most headings must be known.
  static func heading(_ phrases: [LabReportWord]) -> [Column]? {
    guard phrases.count >= 2 else { return nil }
    let columns = phrases.map { Column(heading: $0.text.trimmed, role: ResultColumnRole.of(heading: $0.text), box: $0.box) }
    let roles = columns.compactMap(\.role)
    guard roles.contains(.analyte), 2 * roles.count >= columns.count else { return nil }
    if roles.contains(.result) { return columns }
    // One column per sample: the other headings must read as samples (`S24-001`, `Sample A`).
    let others = roles.filter { $0 != .analyte }
    guard !others.isEmpty, roles.count < columns.count,
      columns.filter({ $0.role == nil }).allSatisfy({ Self.namesSample($0.heading) })
    else { return nil }
    return columns
  }

  /// `S24-00776`, `Sample 2`, `Probe A`, `Lot 2404101`: a heading naming a sample.
  static func namesSample(_ heading: String) -> Bool {
    if heading.contains(where: \.isNumber) { return true }
    let words = Set(LabText.words(heading).map(String.init))
    return !words.isDisjoint(with: HeaderField.sampleWords) || !words.isDisjoint(with: HeaderField.lotWords)
  }

  /// The phrases of a heading line with phrases that run two headings together
  /// (`Ergebnis Einheit`, printed close) split into known headings, from the line's words.
  /// A phrase whose words do not all fall into known headings is kept whole.
  static func splitRunTogether(_ phrases: [LabReportWord], words: [LabReportWord]) -> [LabReportWord] {
    var out: [LabReportWord] = []
    for phrase in phrases {
      let inside = words.filter { $0.box.x1 >= phrase.box.x1 - 0.5 && $0.box.x2 <= phrase.box.x2 + 0.5 }.sorted { $0.box.x1 < $1.box.x1 }
      guard ResultColumnRole.of(heading: phrase.text) == nil, inside.count >= 2 else {
        out.append(phrase)
        continue
      }
      var parts: [LabReportWord] = []
      var i = 0
      while i < inside.count {
        // The longest run of words from i that is a known heading.
        var found: Int?
        for j in stride(from: inside.count, to: i, by: -1) {
          let text = inside[i..<j].map(\.text).joined(separator: " ")
          if ResultColumnRole.of(heading: text) != nil || (j - i == 1 && isUnitLine(text) && !parts.isEmpty) {
            found = j
            break
          }
        }
        guard let j = found else { break }
        let box = inside[i..<j].dropFirst().reduce(inside[i].box) { $0.union($1.box) }
        parts.append(LabReportWord(text: inside[i..<j].map(\.text).joined(separator: " "), box: box))
        i = j
      }
      if i == inside.count, parts.count >= 2 { out += parts } else { out.append(phrase) }
    }
    return out
  }

  /// Whether a line reads as a full row of this table: each phrase in a column of its own, at
  /// least three columns (or all), the analyte's and the result's among them. A table
  /// continued on a page that does not repeat its heading starts at such a line.
  func isFullRow(_ phrases: [LabReportWord]) -> Bool {
    let cols = assign(phrases)
    let distinct = Set(cols)
    guard distinct.count == cols.count, distinct.count >= min(3, columns.count), distinct.contains(analyteColumn) else { return false }
    return resultColumn.map(distinct.contains) ?? true
  }

  /// The column each phrase of a line belongs to.
  func assign(_ phrases: [LabReportWord]) -> [Int] {
    phrases.map { column(for: $0.box) }
  }

  func column(for box: LabReportBox) -> Int {
    var best = -1
    var bestOverlap = 0.0
    for (i, c) in columns.enumerated() {
      let overlap = c.box.horizontalOverlap(box)
      if overlap > bestOverlap {
        best = i
        bestOverlap = overlap
      }
    }
    if best >= 0 { return best }
    // No heading above it: the column whose heading starts left of it.
    var index = 0
    for (i, c) in columns.enumerated() where c.box.x1 <= box.x1 + 0.5 { index = i }
    return index
  }

  /// Reads the rows below the heading at `start` in `lines` (phrases already split);
  /// returns the index of the first line after the table.
  ///
  /// `above` stands for the heading line when the table continues on a page without one.
  mutating func collect(
    _ lines: [[LabReportWord]], boxes: [LabReportBox], from start: Int, above: LabReportBox? = nil, isFurniture: (Int) -> Bool
  ) -> Int {
    let headingBox = above ?? boxes[start - 1]
    var previous = headingBox
    var pitch: Double?
    var section: String?
    var prefix: LabReportWord?
    var j = start
    let secondColumnStart = columns.count > 1 ? columns[1].box.x1 : .infinity
    func isRow(_ phrases: [LabReportWord]) -> Bool { Set(assign(phrases)).count >= 2 }
    while j < lines.count {
      let phrases = lines[j]
      let box = boxes[j]
      if phrases.isEmpty { j += 1; continue }
      if isFurniture(j) || Self.heading(phrases) != nil { break }
      let distance = box.midY - previous.midY
      let lineHeight = max(box.height, 1)
      let limit = 1.6 * (pitch ?? 1.6 * max(lineHeight, headingBox.height))
      if distance > limit { break }
      let close = distance < 0.75 * (pitch ?? 1.6 * lineHeight)
      // A heading printed on two lines: `Result` over `(mg/100 g)`, or a group heading over
      // its columns (`Result` over `Value | Unit`).
      if rows.isEmpty, Self.isSubheading(phrases), distance < 2 * max(lineHeight, headingBox.height) {
        addSubheading(phrases)
        previous = box
        j += 1
        continue
      }
      if isRow(phrases) {
        if pitch == nil { pitch = distance }
        var cells = Array(repeating: "", count: columns.count)
        var rowBox = box
        var parts = phrases
        if let first = prefix {
          parts.insert(first, at: 0)
          rowBox = rowBox.union(first.box)
          prefix = nil
        }
        for (phrase, c) in zip(parts, assign(parts)) {
          cells[c] = cells[c].isEmpty ? phrase.text.trimmed : cells[c] + " " + phrase.text.trimmed
        }
        rows.append(Row(cells: cells, box: rowBox, section: section))
        previous = box
        j += 1
        continue
      }
      // A continuation of the row above: set closer than rows are apart, or the cell above is
      // visibly unfinished (an open bracket, a trailing hyphen or comma) or this one starts in
      // lower case.
      if !rows.isEmpty, close || (Set(assign(phrases)) == [analyteColumn] && (Self.isUnfinished(rows[rows.count - 1].cells[analyteColumn]) || phrases[0].text.first?.isLowercase == true)) {
        for (phrase, c) in zip(phrases, assign(phrases)) {
          let old = rows[rows.count - 1].cells[c]
          rows[rows.count - 1].cells[c] = old.isEmpty ? phrase.text.trimmed : old + " " + phrase.text.trimmed
        }
        rows[rows.count - 1].box = rows[rows.count - 1].box.union(box)
        previous = box
        j += 1
        continue
      }
      // A section heading: one phrase within the first column, a row following it.
      if phrases.count == 1, phrases[0].box.x2 < secondColumnStart, j + 1 < lines.count, isRow(lines[j + 1]),
        boxes[j + 1].midY - box.midY <= limit
      {
        if let pitch, boxes[j + 1].midY - box.midY < 0.75 * pitch {
          // Closer to the row below than rows are apart: the first line of a wrapped cell.
          prefix = phrases[0]
        } else {
          section = phrases[0].text.trimmed
        }
        previous = box
        j += 1
        continue
      }
      break
    }
    return j
  }

  /// `(mg/100 g)`, `[%]`, `mg/kg`: the second line of a heading that gives the unit.
  static func isUnitLine(_ text: String) -> Bool {
    let t = text.trimmed
    if let first = t.first, let last = t.last, (first == "(" && last == ")") || (first == "[" && last == "]") { return true }
    return LabText.looksLikeUnit(t)
  }

  /// A second heading line: every phrase a known heading, a unit or a bracket.
  static func isSubheading(_ phrases: [LabReportWord]) -> Bool {
    !phrases.isEmpty && phrases.allSatisfy { ResultColumnRole.of(heading: $0.text) != nil || isUnitLine($0.text) }
  }

  /// Puts a second heading line under the first: one phrase under a heading completes it
  /// (`Result (mg/100 g)`); several under one heading split it into as many columns, each
  /// named and given a role by its own phrase (`Result` over `Value | Unit`).
  mutating func addSubheading(_ phrases: [LabReportWord]) {
    var under: [Int: [LabReportWord]] = [:]
    for phrase in phrases { under[column(for: phrase.box), default: []].append(phrase) }
    for c in under.keys.sorted(by: >) {
      let parts = under[c]!.sorted { $0.box.x1 < $1.box.x1 }
      if parts.count == 1 {
        columns[c].heading += " " + parts[0].text.trimmed
        if columns[c].role == nil { columns[c].role = ResultColumnRole.of(heading: parts[0].text) }
        continue
      }
      let parent = columns[c]
      let split = parts.map { part in
        Column(heading: part.text.trimmed, role: ResultColumnRole.of(heading: part.text) ?? parent.role, box: part.box)
      }
      columns.replaceSubrange(c...c, with: split)
    }
  }

  /// `Protein (N x 6.25),`, `C18:3 n-3 (alpha-`: a cell whose text goes on below.
  static func isUnfinished(_ text: String) -> Bool {
    let opened = text.filter { $0 == "(" }.count, closed = text.filter { $0 == ")" }.count
    return opened > closed || text.hasSuffix("-") || text.hasSuffix(",")
  }
}
