import PLCore

/// Everything the sniffer decided about a text input, with how sure it was: the dialect to
/// read it with, and what `--detect` reports.
public struct SniffReport: Sendable {
  public var dialect: TextDialect
  /// `LF`, `CRLF`, `CR` or `mixed` (`none` for a single line).
  public var lineEnding: String
  /// The decimal separator the numbers of the table use, when they show one.
  public var decimal: String?
  /// The key/value pairs of the preamble, as printed (keys without a trailing `:`).
  public var meta: [Field] = []
  /// The preamble lines that are not key/value pairs (titles, notes), as printed.
  public var preamble: [String] = []
  /// The column names (joined from the header rows), or the column numbers.
  public var columns: [String] = []
  /// The width of most rows of the table, and whether their last field is always empty.
  public var tableWidth = 0
  public var dataLastFieldEmpty = false
  /// The table's rows (three or more in the sample) start with distinct values, as row names do.
  public var dataHasRowNames = false
  /// 0…1 per decision (`delimiter`, `header`, `table`).
  public var confidence: [Field] = []
  /// The runner-up of a decision, where there was one worth naming.
  public var runnerUp: [Field] = []
  /// Decisions made with little confidence, as sentences for standard error.
  public var warnings: [String] = []
}

/// Decides how a text table is written from a sample of it (the first 64 KiB).
///
/// **Dialect.** Every candidate delimiter that occurs in the sample (`,` `;` tab `|` `:` `~`
/// `+` `^` space), with each quote character that occurs (`"`, `'`, or none) and, where `\"`
/// occurs, backslash escapes, splits the sample into rows. A candidate scores by how
/// consistently its rows have one width (CleverCSV's pattern score: Σ N·(L−1)/L over the
/// widths L seen N times, divided by the number of widths) times the share of its cells that
/// look like clean values (numbers, dates, words without another delimiter in them). The best
/// wins; ties go to the earlier candidate in the list.
///
/// **Table.** The table's width is the commonest width of two or more. Its first row is the
/// first of that width with at least half its cells filled and rows of the same width after
/// it; everything above is preamble. That row is a header when some column holds text in it
/// and numbers, dates or times below, or when the whole table is text and its cells are
/// distinct names not repeated below; otherwise it is data and columns are numbered.
/// A row under the header that holds text where the column holds values (units) joins the
/// header, as does a row just above it with labels over some of the columns (groups): up to
/// three header rows, joined into one name per column (`Fat mean [%]`).
public enum DialectSniffer {
  /// Candidate delimiters, in the order ties are broken.
  static let delimiters: [UInt8] = [
    UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|"), UInt8(ascii: ":"), UInt8(ascii: "~"),
    UInt8(ascii: "+"), UInt8(ascii: "^"), 0x20,
  ]

  /// Which byte values occur in a sample.
  struct PresentBytes {
    let seen: [Bool]
    func contains(_ b: UInt8) -> Bool { seen[Int(b)] }
  }

  /// The delimiters of most tables; the others need more evidence.
  static let primaryDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]

  struct Candidate {
    var delimiter: UInt8
    var quote: UInt8?
    var escape: TextDialect.Escape
    var score: Double
    var rows: [SampleRow]
  }

  /// The dialect of `sample` (UTF-8 text), with the decisions `overrides` fixes kept as given.
  ///
  /// - Parameter complete: the sample is the whole input (its last line is whole).
  public static func sniff(_ sample: UnsafeBufferPointer<UInt8>, complete: Bool, overrides: DialectOverrides = DialectOverrides())
    -> SniffReport
  {
    var overrides = overrides
    var dialect = TextDialect()
    // Excel's hint on a first line of its own (`sep=;`) says the delimiter outright.
    let excelHint = excelSeparator(sample)
    if let hint = excelHint, overrides.delimiter == nil { overrides.delimiter = hint }
    let comment = overrides.comment ?? detectComment(sample)
    dialect.comment = comment
    var report = SniffReport(dialect: dialect, lineEnding: lineEnding(sample))

    if let layout = overrides.layout {
      dialect.fixedWidth = layout
      report.dialect = overrides.apply(to: dialect)
      analyzeFixedWidth(sample, complete: complete, layout: dialect.fixedWidth!, firstLine: nil, report: &report, overrides: overrides)
      return report
    }

    var candidates: [Candidate] = []
    var seen = [Bool](repeating: false, count: 256)
    for b in sample { seen[Int(b)] = true }
    let present = PresentBytes(seen: seen)
    // `,` always competes: a file of one column has no delimiter in it at all.
    let delimiterChoices = overrides.delimiter.map { [$0] } ?? delimiters.filter { present.contains($0) || $0 == UInt8(ascii: ",") }
    // `"` first: when no quote occurs, it splits like none and wins the tie.
    var quoteChoices: [UInt8?] = [UInt8(ascii: "\"")]
    if present.contains(UInt8(ascii: "'")) { quoteChoices.append(UInt8(ascii: "'")) }
    quoteChoices.append(nil)
    if let quote = overrides.quote { quoteChoices = [quote] }
    let backslash = present.contains(0x5C)
    for delimiter in delimiterChoices {
      for quote in quoteChoices {
        var escapes: [TextDialect.Escape] = overrides.escape.map { [$0] } ?? [.doubled]
        if overrides.escape == nil, backslash, let quote, hasBackslashQuote(sample, quote) { escapes.append(.backslash) }
        for escape in escapes {
          let rows = SampleRows.parse(sample, delimiter: delimiter, quote: quote, escape: escape, comment: comment, complete: complete)
          // A field that opens with `"` means quoting, even when a quote is left open (which
          // the reader then reports by line): quoting off is no way out of that.
          if quote == nil && overrides.quote == nil && rows.contains(where: { row in
            !row.isComment && row.fields.contains { !$0.range.isEmpty && sample[$0.range.lowerBound] == UInt8(ascii: "\"") }
          }) {
            continue
          }
          let score = self.score(rows, sample, delimiter: delimiter, quote: quote)
          candidates.append(Candidate(delimiter: delimiter, quote: quote, escape: escape, score: score, rows: rows))
        }
      }
    }
    var best = candidates[0]
    // Quoting off must do clearly better than quoting on to be believed.
    for c in candidates.dropFirst() where c.score > best.score * (c.quote == nil && best.quote != nil ? 1.1 : 1.000001) { best = c }
    let runnerUp = candidates.filter { $0.delimiter != best.delimiter }.max { $0.score < $1.score }
    dialect.delimiter = best.delimiter
    dialect.quote = best.quote
    dialect.escape = best.escape
    let delimiterConfidence = runnerUp.map { best.score > 0 ? 1 - $0.score / best.score : 0 } ?? 1
    report.confidence.append(Field("delimiter", .number(rounded(delimiterConfidence))))
    if let runnerUp, runnerUp.score > 0 {
      report.runnerUp.append(Field("delimiter", .string(TextDialect.name(of: runnerUp.delimiter))))
      if delimiterConfidence < 0.1 && overrides.delimiter == nil {
        report.warnings.append(
          "the delimiter \(describe(best.delimiter)) was chosen over \(describe(runnerUp.delimiter)) by a narrow margin: give -d to be sure")
      }
    }

    let table = TableShape(rows: best.rows, sample: sample, dialect: dialect)
    // Text that no common delimiter splits into a table may be aligned in columns: a block of
    // aligned lines longer than the table the delimiter found wins.
    if table.width < 2 || table.tableRows < 3 || !primaryDelimiters.contains(best.delimiter), overrides.delimiter == nil,
      let fixed = FixedWidthLayout.detect(lines: SampleRows.lines(sample, complete: complete)),
      fixed.confidence >= 0.5, fixed.lastLine - fixed.firstLine + 1 > table.tableRows || table.width < 2
    {
      dialect.fixedWidth = fixed.layout
      report.dialect = dialect
      report.confidence.append(Field("fixed_width", .number(rounded(fixed.confidence))))
      analyzeFixedWidth(sample, complete: complete, layout: fixed.layout, firstLine: fixed.firstLine + 1, report: &report, overrides: overrides)
      return report
    }
    table.describe(into: &report, dialect: &dialect, overrides: overrides)
    if let hint = excelHint, let i = report.preamble.firstIndex(where: { $0.lowercased() == "sep=" }) {
      report.preamble[i] += String(Character(Unicode.Scalar(hint)))
    }
    return report
  }

  /// Fills in the report for a fixed-width table: rows are the lines split at the layout.
  static func analyzeFixedWidth(
    _ sample: UnsafeBufferPointer<UInt8>, complete: Bool, layout: FixedWidthLayout, firstLine: Int?, report: inout SniffReport,
    overrides: DialectOverrides
  ) {
    var dialect = report.dialect
    dialect.fixedWidth = layout
    dialect.quote = nil
    // Rows over a copy of the sample whose fields are ranges of each line.
    var rows: [SampleRow] = []
    var p = 0
    var line = 1
    var ranges: [Range<Int>] = []
    while p < sample.count && rows.count < 400 {
      var q = p
      while q < sample.count && sample[q] != 0x0A && sample[q] != 0x0D { q += 1 }
      if q >= sample.count && !complete { break }
      let isComment = dialect.comment.map { p < q && sample[p] == $0 } ?? false
      layout.split(UnsafeBufferPointer(rebasing: sample[p..<q]), into: &ranges)
      var fields = ranges.map { SampleField(range: ($0.lowerBound + p)..<($0.upperBound + p), quoted: false, escaped: false) }
      if ranges.allSatisfy(\.isEmpty) { fields = [SampleField(range: p..<p, quoted: false, escaped: false)] }
      rows.append(SampleRow(line: line, endLine: line, fields: fields, isComment: isComment, lineRange: p..<q))
      p = SampleRows.skipLineEnd(sample, q)
      line += 1
    }
    var table = TableShape(rows: rows, sample: sample, dialect: dialect)
    if let firstLine { table.forceStart(line: firstLine) }
    table.describe(into: &report, dialect: &dialect, overrides: overrides)
  }

  /// CleverCSV's consistency: pattern score times type score.
  static func score(_ rows: [SampleRow], _ s: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quote: UInt8?) -> Double {
    var widthCounts: [Int: Int] = [:]
    var clean = 0
    var cells = 0
    for row in rows where !row.isComment && !row.isBlank(s) {
      widthCounts[row.fields.count, default: 0] += 1
      for f in row.fields where !f.range.isEmpty || f.malformed {
        cells += 1
        if !f.malformed && isClean(s[f.range], quoted: f.quoted, delimiter: delimiter, quote: quote) { clean += 1 }
      }
    }
    guard !widthCounts.isEmpty else { return 0 }
    var pattern = 0.0
    for (width, count) in widthCounts {
      pattern += Double(count) * max(0.01, Double(width - 1) / Double(width))
    }
    pattern /= Double(widthCounts.count)
    // Space and the rarer delimiters split prose and markup too: they need a table of three
    // rows or more to be believed.
    if !primaryDelimiters.contains(delimiter) {
      let modal = widthCounts.filter { $0.key >= 2 }.map(\.value).max() ?? 0
      if modal < 3 { pattern *= 0.001 }
    }
    let types = cells == 0 ? 1e-6 : max(1e-6, Double(clean) / Double(cells))
    return pattern * types
  }

  /// A cell that looks like a whole value: typed, or text holding no other likely delimiter
  /// (and no stray quote when quoting is off).
  static func isClean(_ cell: Slice<UnsafeBufferPointer<UInt8>>, quoted: Bool, delimiter: UInt8, quote: UInt8?) -> Bool {
    if quoted { return true }
    let type = CellType.of(cell)
    if type != .text { return true }
    for b in cell {
      if b != delimiter && (b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == 0x09 || b == UInt8(ascii: "|")) {
        return false
      }
      if quote == nil && (b == UInt8(ascii: "\"")) { return false }
    }
    if quote == nil, let first = cell.first, first == UInt8(ascii: "'"), cell.last == UInt8(ascii: "'"), cell.count > 1 { return false }
    return true
  }

  /// The delimiter of an Excel `sep=X` first line, if the sample has one.
  static func excelSeparator(_ s: UnsafeBufferPointer<UInt8>) -> UInt8? {
    var i = 0
    if s.count >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF { i = 3 }
    let quoted = i < s.count && s[i] == UInt8(ascii: "\"")
    if quoted { i += 1 }
    guard s.count >= i + 5, s[i] | 0x20 == UInt8(ascii: "s"), s[i + 1] | 0x20 == UInt8(ascii: "e"),
      s[i + 2] | 0x20 == UInt8(ascii: "p"), s[i + 3] == UInt8(ascii: "=")
    else { return nil }
    let delimiter = s[i + 4]
    var end = i + 5
    if quoted {
      guard end < s.count, s[end] == UInt8(ascii: "\"") else { return nil }
      end += 1
    }
    guard delimiter >= 0x20 || delimiter == 0x09, delimiter != 0x0A, delimiter != 0x0D else { return nil }
    guard end == s.count || s[end] == 0x0A || s[end] == 0x0D else { return nil }
    return delimiter
  }

  /// `#` when lines of the sample start with it.
  static func detectComment(_ s: UnsafeBufferPointer<UInt8>) -> UInt8? {
    var atLineStart = true
    for b in s {
      if atLineStart && b == UInt8(ascii: "#") { return b }
      atLineStart = b == 0x0A || b == 0x0D
    }
    return nil
  }

  static func hasBackslashQuote(_ s: UnsafeBufferPointer<UInt8>, _ quote: UInt8) -> Bool {
    guard s.count > 1 else { return false }
    for i in 1..<s.count where s[i] == quote && s[i - 1] == 0x5C { return true }
    return false
  }

  static func lineEnding(_ s: UnsafeBufferPointer<UInt8>) -> String {
    var crlf = 0
    var lf = 0
    var cr = 0
    var i = 0
    while i < s.count {
      if s[i] == 0x0D {
        if i + 1 < s.count && s[i + 1] == 0x0A {
          crlf += 1
          i += 1
        } else {
          cr += 1
        }
      } else if s[i] == 0x0A {
        lf += 1
      }
      i += 1
    }
    let kinds = [(crlf, "CRLF"), (lf, "LF"), (cr, "CR")].filter { $0.0 > 0 }
    if kinds.isEmpty { return "none" }
    if kinds.count == 1 { return kinds[0].1 }
    // Line breaks inside quoted fields of a CRLF file are often bare LF: that is still CRLF.
    if crlf > 0 && cr == 0 && lf < crlf { return "CRLF" }
    return "mixed"
  }

  static func describe(_ b: UInt8) -> String {
    switch b {
    case 0x09: "tab"
    case 0x20: "space"
    default: "'\(Character(Unicode.Scalar(b)))'"
    }
  }

  static func rounded(_ x: Double) -> String {
    let clamped = min(max(x, 0), 1)
    let hundredths = Int((clamped * 100).rounded())
    if hundredths == 100 { return "1" }
    if hundredths == 0 { return "0" }
    return hundredths % 10 == 0 ? "0.\(hundredths / 10)" : (hundredths < 10 ? "0.0\(hundredths)" : "0.\(hundredths)")
  }
}
