import PLCore

/// Where the table is among a sample's rows under one dialect: its width, its first row, its
/// header rows, and what the rows above it say (see `DialectSniffer`).
struct TableShape {
  let sample: UnsafeBufferPointer<UInt8>
  let dialect: TextDialect
  /// The rows that are neither blank nor comments.
  var rows: [SampleRow]
  /// Comment lines, for the preamble.
  var comments: [SampleRow]
  /// The commonest width of two or more fields (1 when there is none).
  var width = 1
  /// Index into `rows` of the table's first row, and how many header rows it has.
  var start = 0
  var headerRows = 1
  var headerConfidence = 1.0
  var trailingDelimiter = false
  var skipInitialSpace = false
  /// Rows of the table's width from its start.
  var tableRows = 0

  init(rows all: [SampleRow], sample: UnsafeBufferPointer<UInt8>, dialect: TextDialect) {
    self.sample = sample
    self.dialect = dialect
    rows = all.filter { !$0.isComment && !$0.isBlank(sample) }
    comments = all.filter(\.isComment)
    var counts: [Int: Int] = [:]
    for row in rows where row.fields.count >= 2 { counts[row.fields.count, default: 0] += 1 }
    // The width of most rows, wider widths weighing more (a preamble of key/value pairs is as
    // long as a short table); between equals, the one seen first.
    let firstSeen = Dictionary(rows.enumerated().map { ($1.fields.count, $0) }, uniquingKeysWith: min)
    func weight(_ e: (key: Int, value: Int)) -> Double { Double(e.value) * Double(e.key - 1) / Double(e.key) }
    width = counts.max { (weight($0), -firstSeen[$0.key]!) < (weight($1), -firstSeen[$1.key]!) }?.key ?? 1
    start = findStart()
    // Rows of values above the start mean a ragged table, not a preamble: nothing is skipped.
    if rows[..<start].contains(where: isValueRow) { start = 0 }
    analyzeHeader()
  }

  func text(_ row: SampleRow, _ i: Int) -> String {
    i < row.fields.count ? SampleRows.text(sample, row.fields[i], quote: dialect.quote, escape: dialect.escape) : ""
  }

  func type(_ row: SampleRow, _ i: Int) -> CellType {
    guard i < row.fields.count else { return .empty }
    let f = row.fields[i]
    return f.escaped ? CellType.of(Array(text(row, i).utf8)) : CellType.of(sample[f.range])
  }

  func filled(_ row: SampleRow) -> Int {
    row.fields.indices.reduce(0) { $0 + (type(row, $1) == .empty ? 0 : 1) }
  }

  /// The first row of the table's width that is mostly filled and has rows of its width after it.
  func findStart() -> Int {
    guard width >= 2 else { return 0 }
    let need = width <= 2 ? width : max(2, (width + 1) / 2)
    // The rows after a header or a first data row are filled like it; a preamble's are sparse.
    // A row of names filled all through is the likeliest start (key/value lines fill two cells).
    for i in rows.indices where rows[i].fields.count == width && filled(rows[i]) == width
      && rows[i].fields.indices.allSatisfy({ type(rows[i], $0) == .text })
    {
      let after = rows[(i + 1)...].prefix(5)
      if after.isEmpty || after.filter({ filled($0) >= need }).count * 2 >= after.count { return i }
    }
    for i in rows.indices where rows[i].fields.count == width && filled(rows[i]) >= need {
      let after = rows[(i + 1)...].prefix(5)
      if after.isEmpty || after.filter({ filled($0) >= need }).count * 2 >= after.count { return i }
    }
    return rows.firstIndex { $0.fields.count == width } ?? 0
  }

  /// A row of values only (numbers, dates) is data, never preamble.
  func isValueRow(_ row: SampleRow) -> Bool {
    var values = 0
    for j in row.fields.indices {
      let t = type(row, j)
      if t == .empty { continue }
      guard t.isValueLike else { return false }
      values += 1
    }
    return values >= 1
  }

  /// The dominant type of each column over `data`, ignoring empty cells (`.empty` when all are).
  func columnTypes(_ data: ArraySlice<SampleRow>) -> [CellType] {
    (0..<width).map { j in
      var counts = [Int](repeating: 0, count: CellType.allCases.count)
      for row in data where row.fields.count == width {
        let t = type(row, j)
        if t != .empty { counts[Int(t.rawValue)] += 1 }
      }
      guard let top = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[top] > 0 else { return .empty }
      return CellType(rawValue: UInt8(top))!
    }
  }

  /// Decides whether the first row is a header, and how many rows the header has.
  mutating func analyzeHeader() {
    guard start < rows.count else {
      headerRows = 1
      return
    }
    let first = rows[start]
    let data = rows[(start + 1)...].prefix(40)
    tableRows = rows[start...].filter { $0.fields.count == width }.count
    let types = columnTypes(data)
    var headerish = 0
    var dataish = 0
    for j in 0..<min(width, first.fields.count) {
      let t = type(first, j)
      if t == .text && types[j].isValueLike { headerish += 1 }
      if t.isValueLike && t == types[j] { dataish += 1 }
    }
    if data.isEmpty {
      // A lone row: a header when it is all text.
      headerRows = (0..<first.fields.count).allSatisfy { [.text, .empty].contains(type(first, $0)) } ? 1 : 0
      headerConfidence = 0.8
    } else if headerish > 0 && headerish >= dataish {
      headerRows = 1
      headerConfidence = dataish == 0 ? 1 : 0.6
    } else if dataish > 0 {
      headerRows = 0
      headerConfidence = headerish == 0 ? 0.95 : 0.6
    } else {
      // Text all through: a header of distinct names that are not repeated below.
      var seen = Set<String>()
      var distinct = true
      for j in 0..<first.fields.count {
        let name = text(first, j)
        if name.isEmpty || !seen.insert(name).inserted { distinct = false }
        if data.contains(where: { j < $0.fields.count && text($0, j) == name }) { distinct = false }
      }
      headerRows = distinct ? 1 : 0
      headerConfidence = distinct ? 0.8 : 0.6
    }
    // A line with text right above a table without a header is its header, whatever its
    // width: `Value` over `1,5` is a column of decimal commas, not a title over two columns.
    if headerRows == 0 && start > 0 {
      let above = rows[start - 1]
      if above.endLine + 1 == first.line && (0..<above.fields.count).contains(where: { type(above, $0) == .text }) {
        start -= 1
        headerRows = 1
        // Names only, one field more or fewer than the rows (a trailing delimiter on one side,
        // a column of row names): a header written a little differently, not a guess.
        let names = (0..<above.fields.count).allSatisfy { [.text, .empty].contains(type(above, $0)) }
        headerConfidence = names && abs(above.fields.count - width) == 1 ? 0.85 : 0.5
      }
    }
    guard headerRows == 1 else {
      findTrailingAndSpaces()
      return
    }
    // Rows of units under the names: text where the column below holds values.
    var next = start + 1
    while headerRows < 3 && next < rows.count && rows[next].fields.count == width
      && rows[next].line == rows[next - 1].endLine + 1
    {
      let data = rows[(next + 1)...].prefix(40)
      guard data.count >= 2 else { break }
      let below = columnTypes(data)
      // Units over the values, or names under the gaps of the row above (labels over merged
      // cells): text only, never a value where the column holds values.
      var unitsOverValues = 0
      var textOverValues = 0
      var valuesOverValues = 0
      var fillsGaps = false
      for j in 0..<width {
        let t = type(rows[next], j)
        if t != .empty && type(rows[next - 1], j) == .empty { fillsGaps = true }
        guard below[j].isValueLike else { continue }
        if t == .text {
          textOverValues += 1
          if Self.looksLikeUnit(text(rows[next], j)) { unitsOverValues += 1 }
        } else if t != .empty {
          valuesOverValues += 1
        }
      }
      guard valuesOverValues == 0 && textOverValues > 0 && (unitsOverValues == textOverValues || fillsGaps) else { break }
      headerRows += 1
      next += 1
    }
    // A row of group labels just above the names: labels over some columns, gaps between.
    if headerRows < 3 && start > 0 {
      let above = rows[start - 1]
      if above.fields.count == width && above.endLine + 1 == first.line && isGroupRow(above) {
        start -= 1
        headerRows += 1
      }
    }
    findTrailingAndSpaces()
  }

  /// Units as a units row prints them: `%`, `mg/100 g`, `(°C)`, `[g]`, `KbE/g`, `ppm`.
  static func looksLikeUnit(_ text: String) -> Bool {
    guard !text.isEmpty, text.count <= 16, !text.contains("\n"), !text.contains("\r") else { return false }
    if (text.hasPrefix("(") && text.hasSuffix(")")) || (text.hasPrefix("[") && text.hasSuffix("]")) { return true }
    if text.contains(where: { "%°µ‰/".contains($0) }) { return true }
    return unitWords.contains(text.lowercased())
  }

  static let unitWords: Set<String> = [
    "g", "mg", "kg", "µg", "ug", "ng", "ml", "l", "µl", "s", "sec", "min", "h", "d", "ppm", "ppb", "bar", "mbar", "psi",
    "rpm", "mv", "v", "a", "pa", "kpa", "mpa", "n", "j", "kj", "kcal", "cal", "cfu", "kbe", "k", "degc", "degf", "c", "f",
    "ph", "aw", "nm", "mm", "cm", "m", "hz", "w", "kw", "ms", "ns", "mol", "mmol", "-", "unit", "units", "einheit",
  ]

  /// Labels that are not a key/value prefix: some filled cell comes after an empty one.
  func isGroupRow(_ row: SampleRow) -> Bool {
    var sawEmpty = false
    var labels = 0
    for j in row.fields.indices {
      let t = type(row, j)
      if t == .empty {
        sawEmpty = true
      } else {
        guard t == .text else { return false }
        labels += 1
        if sawEmpty && j >= 1 { return labels >= 1 && filled(row) < width }
      }
    }
    return false
  }

  /// A delimiter after the last field of every table row; spaces after every delimiter.
  mutating func findTrailingAndSpaces() {
    let table = rows[start...].filter { $0.fields.count == width }.prefix(60)
    if width >= 2 && !table.isEmpty && dialect.fixedWidth == nil {
      trailingDelimiter = table.allSatisfy { row in row.fields[width - 1].range.isEmpty && !row.fields[width - 1].quoted }
    }
    var spaced = 0
    var fields = 0
    for row in table {
      for f in row.fields.dropFirst() where !f.quoted && !f.range.isEmpty {
        fields += 1
        if sample[f.range.lowerBound] == 0x20 { spaced += 1 }
      }
    }
    skipInitialSpace = dialect.fixedWidth == nil && dialect.delimiter != 0x20 && fields >= 3 && spaced * 10 >= fields * 9
  }

  /// Starts the table at the row on `line` (a fixed-width block found by its gaps).
  mutating func forceStart(line: Int) {
    if let i = rows.firstIndex(where: { $0.line >= line }) {
      start = i
      analyzeHeader()
    }
  }

  /// The final decisions (the table's detected start and header, or the overrides'), the
  /// column names and the preamble's meta, into `report`.
  func describe(into report: inout SniffReport, dialect: inout TextDialect, overrides: DialectOverrides) {
    dialect.trailingDelimiter = trailingDelimiter
    dialect.skipInitialSpace = skipInitialSpace
    dialect.tableLine = start < rows.count ? rows[start].line : 1
    dialect.headerRows = headerRows
    dialect = overrides.apply(to: dialect)
    report.dialect = dialect
    report.confidence.append(Field("header", .number(DialectSniffer.rounded(headerConfidence))))
    if headerConfidence < 0.7 && overrides.headerRows == nil && overrides.headerLine == nil {
      report.warnings.append(
        headerRows == 0
          ? "the first row of the table was taken for data, not a header, on weak evidence: give --header-rows 1 if it is one"
          : "the first row of the table was taken for a header on weak evidence: give --no-header if it is data")
    }
    // The header rows, as the reader will take them.
    let tableIndex = rows.firstIndex { $0.line >= dialect.tableLine } ?? rows.count
    let header = rows[tableIndex...].prefix(dialect.headerRows).map { row in
      (0..<row.fields.count).map { text(row, $0) }
    }
    report.tableWidth = width
    let data = rows[min(tableIndex + dialect.headerRows, rows.count)...].prefix(60).filter { $0.fields.count == width }
    report.dataLastFieldEmpty = width >= 2 && !data.isEmpty && data.allSatisfy { $0.fields[width - 1].range.isEmpty && !$0.fields[width - 1].quoted }
    // Row names: three rows or more, each first field different.
    let firsts = data.map { text($0, 0) }
    report.dataHasRowNames = firsts.count >= 3 && Set(firsts).count == firsts.count && !firsts.contains("")
    if dialect.headerRows > 0 {
      report.columns = HeaderNames.join(header, trailingDelimiter: dialect.trailingDelimiter)
    } else {
      let columns = max(width - (dialect.trailingDelimiter ? 1 : 0), 1)
      report.columns = CSVHeader.numbered(columns)
    }
    // The preamble: rows and comment lines above the table.
    var preamble = (rows.filter { $0.line < dialect.tableLine } + comments.filter { $0.line < dialect.tableLine })
      .sorted { $0.line < $1.line }
    preamble.removeAll { $0.line >= dialect.tableLine }
    var meta = PreambleMeta()
    for row in preamble {
      if row.isComment {
        var line = String(decoding: sample[row.fields[0].range], as: UTF8.self)
        let mark = Character(Unicode.Scalar(dialect.comment ?? UInt8(ascii: "#")))
        line = SampleRows.trimmed(String(line.drop { $0 == mark || $0 == " " }))
        meta.add(cells: [line])
      } else if let whole = row.lineRange {
        meta.add(cells: [SampleRows.trimmed(String(decoding: sample[whole], as: UTF8.self))])
      } else {
        meta.add(cells: (0..<row.fields.count).map { text(row, $0) })
      }
    }
    report.meta = meta.fields
    report.preamble = meta.lines
    report.decimal = decimalSeparator(rows[min(tableIndex + dialect.headerRows, rows.count)...].prefix(60))
    report.confidence.append(Field("table", .number(DialectSniffer.rounded(tableRows >= 3 ? 1 : Double(tableRows) / 3))))
  }

  /// `,` when the numbers of the table use decimal commas, `.` when they use points.
  func decimalSeparator(_ data: ArraySlice<SampleRow>) -> String? {
    var comma = 0
    var point = 0
    for row in data {
      for j in row.fields.indices where type(row, j) == .decimal {
        let t = text(row, j)
        if let last = t.lastIndex(where: { $0 == "," || $0 == "." }) {
          let digitsAfter = t[t.index(after: last)...].filter(\.isNumber).count
          // `1,234` could be a thousands separator: count only clear cases.
          if digitsAfter == 3 && t.filter({ $0 == "," || $0 == "." }).count == 1 { continue }
          if t[last] == "," { comma += 1 } else { point += 1 }
        }
      }
    }
    if comma == 0 && point == 0 { return nil }
    return comma > point ? "," : "."
  }
}

/// Where the table is among rows of cells that are already split (a spreadsheet's rows): the
/// same decisions `DialectSniffer` makes for text, for readers of other formats.
public struct TableAnalysis: Sendable, Equatable {
  /// Index of the table's first row (its first header row, or first data row without one).
  public var tableStart: Int
  /// Header rows from `tableStart`: 0 to 3.
  public var headerRows: Int
  /// The column names, joined from the header rows (column numbers without a header).
  public var columns: [String]
  /// Key/value pairs of the rows above the table, and its other lines.
  public var meta: [Field]
  public var preamble: [String]
  /// How sure the header decision is, 0…1.
  public var headerConfidence: Double

  /// Analyses `rows` (cells as text, `""` for empty cells; rows of one sheet, top to bottom).
  public static func analyze(_ rows: [[String]]) -> TableAnalysis {
    // The cells laid out in one buffer, each row a `SampleRow` of ranges into it.
    var bytes: [UInt8] = []
    var ranges: [[Range<Int>]] = []
    for row in rows {
      var r: [Range<Int>] = []
      for cell in row {
        let start = bytes.count
        bytes.append(contentsOf: cell.utf8)
        r.append(start..<bytes.count)
      }
      ranges.append(r)
    }
    return bytes.withUnsafeBufferPointer { sample in
      let sampleRows = ranges.enumerated().map { i, r in
        SampleRow(
          line: i + 1, endLine: i + 1,
          fields: r.isEmpty ? [SampleField(range: 0..<0, quoted: false, escaped: false)] : r.map { SampleField(range: $0, quoted: false, escaped: false) })
      }
      var dialect = TextDialect()
      dialect.quote = nil
      let shape = TableShape(rows: sampleRows, sample: sample, dialect: dialect)
      var report = SniffReport(dialect: dialect, lineEnding: "none")
      shape.describe(into: &report, dialect: &dialect, overrides: DialectOverrides())
      return TableAnalysis(
        tableStart: dialect.tableLine - 1, headerRows: dialect.headerRows, columns: report.columns, meta: report.meta,
        preamble: report.preamble, headerConfidence: shape.headerConfidence)
    }
  }
}

/// Key/value pairs and other lines of a preamble or a footer.
public struct PreambleMeta: Sendable {
  public var fields: [Field] = []
  public var lines: [String] = []

  public init(fields: [Field] = [], lines: [String] = []) {
    self.fields = fields
    self.lines = lines
  }

  /// One preamble row, as its cells: `Key: value`, `Key;value`, `Key,,value`, `K1,V1,K2,V2`.
  mutating func add(cells raw: [String]) {
    let cells = raw.filter { !$0.isEmpty }
    if cells.isEmpty { return }
    if cells.count == 1 {
      if let (key, value) = Self.split(cells[0]) {
        add(key, value)
      } else {
        lines.append(cells[0])
      }
      return
    }
    if cells.count % 2 == 0 {
      for k in stride(from: 0, to: cells.count, by: 2) { add(cells[k], cells[k + 1]) }
      return
    }
    lines.append(raw.joined(separator: " ").trimmingSpaces)
  }

  mutating func add(_ rawKey: String, _ value: String) {
    var key = rawKey
    while key.hasSuffix(":") || key.hasSuffix("=") { key.removeLast() }
    key = key.trimmingSpaces
    guard !key.isEmpty else {
      lines.append(value)
      return
    }
    var unique = key
    var n = 2
    while fields.contains(where: { $0.key == unique }) || unique == Record.metaKey {
      unique = "\(key)_\(n)"
      n += 1
    }
    fields.append(Field(unique, .string(value)))
  }

  /// `Key: value` or `Key = value`; not a time (`16:38`) or a URL.
  static func split(_ text: String) -> (String, String)? {
    for sep in [":", "="] {
      guard let r = text.firstIndex(of: Character(sep)) else { continue }
      let key = text[..<r]
      let rest = text[text.index(after: r)...]
      guard let keyLast = key.last, !keyLast.isNumber, !key.trimmingSpaces.isEmpty else { continue }
      guard rest.first == " " || rest.first == "\t" else { continue }
      let value = String(rest).trimmingSpaces
      guard !value.isEmpty else { continue }
      return (String(key), value)
    }
    return nil
  }
}

/// Joins the rows of a header into one name per column.
///
/// One row: its names. A first row with labels over some columns only (groups) is carried to
/// the right until the next label and put in front (`Fat mean`); a row under the names is
/// their units, put after them in brackets (`Protein [%]`) unless already in brackets or
/// parentheses. Names are then made unique as `CSVHeader` does.
public enum HeaderNames {
  public static func join(_ rows: [[String]], trailingDelimiter: Bool) -> [String] {
    guard !rows.isEmpty else { return [] }
    var rows = rows.map { $0.map(\.trimmingSpaces) }
    if trailingDelimiter {
      for i in rows.indices where rows[i].count >= 2 && rows[i].last == "" { rows[i].removeLast() }
    }
    let width = rows.map(\.count).max() ?? 0
    for i in rows.indices where rows[i].count < width { rows[i] += Array(repeating: "", count: width - rows[i].count) }
    var group: [String]? = nil
    var names: [String]
    var units: [String]? = nil
    switch rows.count {
    case 1:
      names = rows[0]
    case 2:
      if isSparse(rows[0]) {
        group = rows[0]
        names = rows[1]
      } else {
        names = rows[0]
        units = rows[1]
      }
    default:
      group = rows[0]
      names = rows[1]
      units = rows[2]
    }
    if var g = group {
      var current = ""
      for j in g.indices {
        if !g[j].isEmpty { current = g[j] } else { g[j] = current }
      }
      for j in names.indices where !g[j].isEmpty && g[j] != names[j] {
        names[j] = names[j].isEmpty ? g[j] : "\(g[j]) \(names[j])"
      }
    }
    if let units {
      for j in names.indices where !units[j].isEmpty {
        let u = units[j]
        let bracketed = (u.hasPrefix("[") && u.hasSuffix("]")) || (u.hasPrefix("(") && u.hasSuffix(")"))
        let unit = bracketed ? u : "[\(u)]"
        names[j] = names[j].isEmpty ? unit : "\(names[j]) \(unit)"
      }
    }
    return CSVHeader.keys(from: names)
  }

  /// Some cells empty, and a filled one after an empty one.
  static func isSparse(_ row: [String]) -> Bool {
    guard let firstEmpty = row.firstIndex(where: \.isEmpty) else { return false }
    return row[(firstEmpty + 1)...].contains { !$0.isEmpty }
  }
}

extension StringProtocol {
  /// Without spaces and tabs at either end.
  var trimmingSpaces: String {
    var sub = Substring(self)
    while let c = sub.first, c == " " || c == "\t" { sub = sub.dropFirst() }
    while let c = sub.last, c == " " || c == "\t" { sub = sub.dropLast() }
    return String(sub)
  }
}
