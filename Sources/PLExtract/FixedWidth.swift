/// Fixed-width text tables: columns aligned by spaces, as older instruments print their reports.
///
/// `FixedWidthLayout` says where each field of a line starts and splits lines by it;
/// `FixedWidthLayout.detect(lines:)` finds the table among a report's lines (after a preamble of
/// titles and `Key: value` lines, before a footer of rules and totals) and its layout.
///
/// Positions are character columns: Unicode scalars, not bytes (`°` and `µ` take two bytes and one
/// column). A tab advances to the next multiple of 8, as a terminal or printer shows it, so a report
/// padded with tabs still lines up; a file whose lines all hold the same number of tabs is
/// tab-separated text, and detection refuses it. Spaces and tabs are blank; every other byte is text.

/// Where the fields of a fixed-width line start.
public struct FixedWidthLayout: Sendable, Equatable {
  /// The character column (0-based, in Unicode scalars, not bytes) where each field starts; the
  /// first is 0. Text before the first start belongs to the first field, text past the last start to
  /// the last, so nothing of a line is lost; a start not past the one before gives an empty field.
  public var starts: [Int]

  /// The layout of `--widths 10,8,6`: fields of these widths, one after the other.
  ///
  /// By default the widths are those of all the columns, the last one included: its width only
  /// says how wide it was meant to be, since text past it still belongs to it (as with gawk's
  /// `FIELDWIDTHS`). With `lastRunsToEnd`, they are the widths of all columns but the last, which
  /// starts after them and runs to the end of the line (`--widths 10,8,*`): one column more.
  /// No widths give one column, the whole line.
  public init(widths: [Int], lastRunsToEnd: Bool = false) {
    var starts = [0]
    var at = 0
    for width in lastRunsToEnd ? widths[...] : widths.dropLast() {
      at += width
      starts.append(at)
    }
    self.starts = starts
  }

  /// The layout whose fields start at these columns; no starts give one column, the whole line.
  public init(starts: [Int]) {
    self.starts = starts.isEmpty ? [0] : starts
  }

  /// The fields of one line (UTF-8 bytes, no line end) as byte ranges into `line`, trimmed of
  /// spaces and tabs, one per start.
  ///
  /// A line shorter than a column gives an empty field (an empty range where the line or the
  /// field's blanks end); text past the last start belongs to the last field. A scalar belongs to
  /// the field whose columns it starts in. Bytes that are not UTF-8 are split without failing,
  /// though their columns may be miscounted.
  public func split(_ line: UnsafeBufferPointer<UInt8>, into fields: inout [Range<Int>]) {
    fields.removeAll(keepingCapacity: true)
    let count = line.count
    var byte = 0
    var column = 0
    for index in starts.indices {
      let from = byte
      if index + 1 < starts.count {
        let end = starts[index + 1]
        while byte < count && column < end {
          column = FixedWidthLayout.column(after: line[byte], at: column)
          byte += 1
          while byte < count && line[byte] & 0xC0 == 0x80 { byte += 1 }
        }
      } else {
        byte = count
      }
      var low = from
      var high = byte
      while low < high && FixedWidthLayout.isBlank(line[low]) { low += 1 }
      while high > low && FixedWidthLayout.isBlank(line[high - 1]) { high -= 1 }
      fields.append(low..<high)
    }
  }

  /// The column after a scalar whose first byte is `byte`, printed at `column`.
  static func column(after byte: UInt8, at column: Int) -> Int {
    byte == tab ? (column / tabStop + 1) * tabStop : column + 1
  }

  static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

  static let space = UInt8(ascii: " ")
  static let tab: UInt8 = 0x09
  /// Tabs stop every 8 columns.
  static let tabStop = 8
}

/// A fixed-width table found among a sample of lines, as `FixedWidthLayout.detect(lines:)` gives it.
public struct FixedWidthDetection: Sendable {
  public var layout: FixedWidthLayout
  /// Index (into the lines given) of the first line of the table: its header, when it has one.
  /// Lines before it are a preamble (titles, `Key: value` lines).
  public var firstLine: Int
  /// Index of the last line of the table; lines after it are a footer (rules, totals, `End of
  /// report`). When it is the sample's last line, the table probably goes on past the sample.
  public var lastLine: Int
  /// How sure detection is, from 0 to 1: higher when many lines agree on the columns and the
  /// columns are at least two spaces apart in every line.
  public var confidence: Double
  /// The reason in words, for a `--detect` report (lines counted from 1 in the sample).
  public var reason: String
}

extension FixedWidthLayout {
  /// Lines of the sample looked at: the table must start among them. Detection looks at every
  /// block of lines, so its time grows faster than the square of the lines.
  public static let detectionLineLimit = 200
  /// Columns looked at: text past it belongs to the last column.
  public static let detectionColumnLimit = 1024

  /// The table of aligned columns among the sample's lines (UTF-8, no line ends), or nil when the
  /// lines are not a fixed-width table (delimited text, prose, a single column, fewer than 3 lines).
  ///
  /// The rules, in order:
  /// - Refused at once: fewer than 3 non-blank lines, or every non-blank line holding the same
  ///   number (one or more) of `,`, `;`, tab or `|` (delimited text).
  /// - A gap is a run of columns blank in every non-blank line of a block of consecutive lines
  ///   (blank lines may lie inside; a line is blank past its end), with text on both sides in the
  ///   block. A gap is clear when every line is blank at least two columns wide there: it parts
  ///   columns. A gap one column wide where some lines have text right on both sides is tight: it
  ///   parts columns only when the words those lines have on either side line up with text of
  ///   lines that are not tight there, or, in a block without clear gaps (a densely printed
  ///   table), when most lines are tight there and the first line has text on both sides. So the
  ///   inner space of a header name (`Sample ID` over `S-001`) or of text values that happen to
  ///   line up (`Pea protein 85` under a short header) is no gap, while `9.05 12.7` between
  ///   numbers that are apart elsewhere is one.
  /// - The table is the block of 3 or more non-blank lines with at least one gap that scores best.
  ///   Each line scores 1 for each gap between its first and last text where it is clear, or tight
  ///   in a densely printed table; ties go to more gaps, then fewer lines, then the earlier block.
  ///   Preamble and footer lines break or bridge gaps, or end before them, and so stay out.
  /// - A group of lines at either edge of the block, set off by a blank line, none of which
  ///   reaches the last gap, is left out (`Key:  value` lines that happen to line up with the
  ///   first columns), when 3 lines remain.
  /// - The block is refused when its lines all hold the same number of a delimiter, when fewer than
  ///   half its lines have text in two columns or more, or when all its gaps are tight and more of
  ///   its words are parted by spaces inside columns than by gaps (prose). Then the next best block
  ///   is tried.
  /// - A field starts where its gap ends. When its values are right-aligned (right edges equal, or
  ///   values of one width that look like numbers), they grow to the left: it starts where the gap
  ///   starts, or in the middle of the gap (rounded right) when the column before it is left-aligned
  ///   text, which grows to the right. Alignment is read from the lines after the first.
  public static func detect(lines: [[UInt8]]) -> FixedWidthDetection? {
    let sample = lines.prefix(detectionLineLimit).map(SampleLine.init)
    let textLines = sample.indices.filter { !sample[$0].isBlank }
    guard textLines.count >= 3 else { return nil }
    if isDelimited(textLines.map { sample[$0] }) { return nil }
    let width = textLines.map { sample[$0].columns.count }.max() ?? 0

    var candidates: [Candidate] = []
    for first in textLines {
      var block = BlockGaps(width: width)
      for last in first..<sample.count where !sample[last].isBlank {
        block.add(sample[last])
        guard block.lineCount >= 3 else { continue }
        let gaps = block.gaps()
        let score = block.score(gaps)
        if !gaps.isEmpty && score > 0 {
          candidates.append(Candidate(firstLine: first, lastLine: last, lines: block.lineCount, gaps: gaps.count, score: score))
        }
      }
    }
    candidates.sort { a, b in
      (a.score, a.gaps, -a.lines, -a.firstLine) > (b.score, b.gaps, -b.lines, -b.firstLine)
    }
    // Blocks that score well and are still refused are prose-like: a few are enough to try.
    for candidate in candidates.prefix(candidateLimit) {
      switch examine(sample, candidate) {
      case .table(let detection): return detection
      case .delimited: return nil
      case .notTable: continue
      }
    }
    return nil
  }

  /// Blocks examined, best first, before giving up.
  static let candidateLimit = 64

  /// A block of lines that has gaps, before it is examined.
  struct Candidate {
    var firstLine: Int
    var lastLine: Int
    var lines: Int
    var gaps: Int
    var score: Int
  }

  enum Verdict {
    case table(FixedWidthDetection)
    case delimited
    case notTable
  }

  /// True when every line holds the same number, one or more, of one of `,` `;` tab `|`.
  static func isDelimited(_ lines: [SampleLine]) -> Bool {
    guard let first = lines.first else { return false }
    for delimiter in first.delimiterCounts.indices where first.delimiterCounts[delimiter] > 0 {
      if lines.allSatisfy({ $0.delimiterCounts[delimiter] == first.delimiterCounts[delimiter] }) { return true }
    }
    return false
  }

  /// The rules past scoring, applied to one block: its gaps, columns, starts and confidence.
  static func examine(_ sample: [SampleLine], _ candidate: Candidate) -> Verdict {
    let lines = (candidate.firstLine...candidate.lastLine).map { sample[$0] }.filter { !$0.isBlank }
    if isDelimited(lines) { return .delimited }
    var block = BlockGaps(width: lines.map(\.columns.count).max() ?? 0)
    for line in lines { block.add(line) }
    let gaps = block.gaps()
    guard let lastGap = gaps.last else { return .notTable }
    if let trimmed = trimmingEdges(sample, candidate, lastGap: lastGap.from) {
      return examine(sample, trimmed)
    }

    // The columns are the spans of text between gaps.
    var spans: [Range<Int>] = []
    var from = 0
    for gap in gaps {
      spans.append(from..<gap.from)
      from = gap.to + 1
    }
    spans.append(from..<max(from, block.lastText + 1))

    var linesInColumns = 0
    var partedByGaps = 0
    var partedInside = 0
    for line in lines {
      let filled = spans.filter { line.hasText(in: $0) }.count
      if filled >= 2 { linesInColumns += 1 }
      partedByGaps += filled - 1
      partedInside += line.innerBlankRuns - (filled - 1)
    }
    guard 2 * linesInColumns >= lines.count else { return .notTable }
    let clearGaps = gaps.filter { !$0.isTight }.count
    if clearGaps == 0 && partedInside > partedByGaps { return .notTable }

    let alignments = spans.map { alignment(of: $0, in: lines.dropFirst()) }
    var starts = [0]
    for (index, gap) in gaps.enumerated() {
      let before = alignments[index], after = alignments[index + 1]
      let afterGrowsLeft = after != .left
      let beforeGrowsRight = before != .right
      if !afterGrowsLeft {
        starts.append(gap.to + 1)
      } else if !beforeGrowsRight {
        starts.append(gap.from)
      } else {
        starts.append(gap.from + (gap.to - gap.from + 1) / 2)
      }
    }

    let base = min(1, 0.55 + 0.05 * Double(lines.count - 1))
    let confidence = (base * (0.6 + 0.4 * Double(clearGaps) / Double(gaps.count)) * 100).rounded() / 100
    let tightGaps = gaps.count - clearGaps
    var reason = "\(lines.count) lines (\(candidate.firstLine + 1)–\(candidate.lastLine + 1)) agree on "
    reason += "\(starts.count) columns starting at \(starts.map(String.init).joined(separator: ", ")); "
    reason += tightGaps == 0
      ? "every line has 2 or more spaces at each gap"
      : "\(tightGaps) of \(gaps.count) gaps are single spaces"
    let before = sample[..<candidate.firstLine].filter { !$0.isBlank }.count
    let after = sample[(candidate.lastLine + 1)...].filter { !$0.isBlank }.count
    if before > 0 { reason += "; \(before) line\(before == 1 ? "" : "s") before it" }
    if after > 0 { reason += "; \(after) line\(after == 1 ? "" : "s") after it" }
    let detection = FixedWidthDetection(
      layout: FixedWidthLayout(starts: starts), firstLine: candidate.firstLine, lastLine: candidate.lastLine,
      confidence: confidence, reason: reason)
    return .table(detection)
  }

  /// The block without a group of lines at an edge, set off by a blank line, that ends before
  /// the last gap; nil when there is none to leave out or fewer than 3 lines would remain.
  static func trimmingEdges(_ sample: [SampleLine], _ candidate: Candidate, lastGap: Int) -> Candidate? {
    let indices = Array(candidate.firstLine...candidate.lastLine)
    guard let firstBlank = indices.firstIndex(where: { sample[$0].isBlank }),
          let lastBlank = indices.lastIndex(where: { sample[$0].isBlank }) else { return nil }
    let textLines = indices.filter { !sample[$0].isBlank }.count
    let head = indices[..<firstBlank]
    let tail = indices[(lastBlank + 1)...]
    var trimmed = candidate
    if head.allSatisfy({ sample[$0].lastText < lastGap }) && textLines - head.count >= 3,
       let next = indices[firstBlank...].first(where: { !sample[$0].isBlank }) {
      trimmed.firstLine = next
    } else if tail.allSatisfy({ sample[$0].lastText < lastGap }) && textLines - tail.count >= 3,
              let previous = indices[...lastBlank].last(where: { !sample[$0].isBlank }) {
      trimmed.lastLine = previous
    } else {
      return nil
    }
    return trimmed
  }

  enum Alignment { case left, right, unknown }

  /// How the values of a column line up, from the lines after the header.
  static func alignment(of span: Range<Int>, in lines: ArraySlice<SampleLine>) -> Alignment {
    var lefts = Set<Int>(), rights = Set<Int>()
    var numeric = true
    for line in lines {
      guard let cell = line.textExtent(in: span) else { continue }
      lefts.insert(cell.lowerBound)
      rights.insert(cell.upperBound)
      numeric = numeric && line.looksNumeric(at: cell.lowerBound)
    }
    switch (lefts.count, rights.count) {
    case (0, _): return .unknown
    case (1, 1): return numeric ? .right : .left
    case (1, _): return .left
    case (_, 1): return .right
    default: return .unknown
    }
  }
}

/// One line of a detection sample, column by column.
struct SampleLine {
  /// The first byte of the scalar in each column, a space where the line is blank (tabs are expanded);
  /// trailing blanks are left out.
  var columns: [UInt8] = []
  /// How many `,` `;` tab `|` the line holds.
  var delimiterCounts = [0, 0, 0, 0]
  /// Runs of blanks between text.
  var innerBlankRuns = 0
  /// The first column with text, -1 in a blank line.
  var firstText = -1
  /// How many columns before each column (and before the end) hold text, to tell in constant time
  /// whether a span of columns does.
  var textBefore: [Int] = [0]

  init(_ bytes: [UInt8]) {
    var column = 0
    var index = 0
    while index < bytes.count && column < FixedWidthLayout.detectionColumnLimit {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: ","): delimiterCounts[0] += 1
      case UInt8(ascii: ";"): delimiterCounts[1] += 1
      case FixedWidthLayout.tab: delimiterCounts[2] += 1
      case UInt8(ascii: "|"): delimiterCounts[3] += 1
      default: break
      }
      let next = FixedWidthLayout.column(after: byte, at: column)
      columns.append(FixedWidthLayout.isBlank(byte) ? FixedWidthLayout.space : byte)
      while columns.count < next { columns.append(FixedWidthLayout.space) }
      column = next
      index += 1
      while index < bytes.count && bytes[index] & 0xC0 == 0x80 { index += 1 }
    }
    while columns.last == FixedWidthLayout.space { columns.removeLast() }
    columns = Array(columns.prefix(FixedWidthLayout.detectionColumnLimit))
    firstText = columns.firstIndex { $0 != FixedWidthLayout.space } ?? -1
    textBefore.reserveCapacity(columns.count + 1)
    for byte in columns { textBefore.append(textBefore[textBefore.count - 1] + (byte == FixedWidthLayout.space ? 0 : 1)) }
    var blank = false
    for byte in columns.dropFirst(max(firstText, 0)) {
      if byte == FixedWidthLayout.space {
        blank = true
      } else if blank {
        innerBlankRuns += 1
        blank = false
      }
    }
  }

  var isBlank: Bool { columns.isEmpty }
  var lastText: Int { columns.count - 1 }

  func hasText(at column: Int) -> Bool { column < columns.count && columns[column] != FixedWidthLayout.space }

  func hasText(in span: Range<Int>) -> Bool {
    let span = span.clamped(to: 0..<columns.count)
    return textBefore[span.upperBound] > textBefore[span.lowerBound]
  }

  /// The first and one past the last column with text in `span`.
  func textExtent(in span: Range<Int>) -> Range<Int>? {
    let span = span.clamped(to: 0..<columns.count)
    guard let low = span.first(where: { hasText(at: $0) }),
          let high = span.last(where: { hasText(at: $0) }) else { return nil }
    return low..<(high + 1)
  }

  /// The first column of the word whose last column is `column`.
  func wordStart(endingAt column: Int) -> Int {
    var start = column
    while start > 0 && hasText(at: start - 1) { start -= 1 }
    return start
  }

  /// One past the last column of the word whose first column is `column`.
  func wordEnd(startingAt column: Int) -> Int {
    var end = column
    while hasText(at: end) { end += 1 }
    return end
  }

  /// Blank at `column`, with text right on both sides.
  func isTight(at column: Int) -> Bool {
    column > 0 && !hasText(at: column) && hasText(at: column - 1) && hasText(at: column + 1)
  }

  /// True when the value starting at `column` looks like a number (`4.8`, `-0.2`, `.5`, `<0.1`, `04:49`).
  func looksNumeric(at column: Int) -> Bool {
    var at = column
    if at < columns.count && "+-<>".utf8.contains(columns[at]) { at += 1 }
    if at < columns.count && columns[at] == UInt8(ascii: ".") { at += 1 }
    return at < columns.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(columns[at])
  }
}

/// The gaps of a block of lines, kept up to date as lines are added.
struct BlockGaps {
  /// True where every line so far is blank.
  var blank: [Bool]
  /// How many lines so far are tight at each column.
  var tight: [Int]
  /// How many lines so far have their first text, and their last text, at each column.
  var firstTexts: [Int]
  var lastTexts: [Int]
  /// Columns where some line is tight.
  var tightColumns: [Int] = []
  /// At each column where lines are tight: from the first column of their words on the left to
  /// one past the last of their words on the right.
  var wordsFrom: [Int]
  var wordsTo: [Int]
  /// At each column where lines are tight: whether a line that is not tight there has text
  /// under their words on the left, and on the right.
  var textUnderLeftWords: [Bool]
  var textUnderRightWords: [Bool]
  /// The non-blank lines so far.
  var lines: [SampleLine] = []
  var firstText = Int.max
  var lastText = -1

  init(width: Int) {
    blank = [Bool](repeating: true, count: width)
    tight = [Int](repeating: 0, count: width)
    firstTexts = [Int](repeating: 0, count: width)
    lastTexts = [Int](repeating: 0, count: width)
    wordsFrom = [Int](repeating: Int.max, count: width)
    wordsTo = [Int](repeating: 0, count: width)
    textUnderLeftWords = [Bool](repeating: false, count: width)
    textUnderRightWords = [Bool](repeating: false, count: width)
  }

  var lineCount: Int { lines.count }

  mutating func add(_ line: SampleLine) {
    for column in line.columns.indices where line.columns[column] != FixedWidthLayout.space {
      blank[column] = false
    }
    // Kept up to date line by line, so that judging tight gaps does not go through all lines
    // for each block: a line apart at a column may be under the words of a tight line added
    // before it or after it.
    for column in tightColumns where !line.isTight(at: column) {
      if !textUnderLeftWords[column] && line.hasText(in: wordsFrom[column]..<column) { textUnderLeftWords[column] = true }
      if !textUnderRightWords[column] && line.hasText(in: (column + 1)..<wordsTo[column]) { textUnderRightWords[column] = true }
    }
    if line.columns.count > 2 {
      for column in 1..<(line.columns.count - 1) where line.isTight(at: column) {
        tight[column] += 1
        if tight[column] == 1 { tightColumns.append(column) }
        let from = line.wordStart(endingAt: column - 1)
        if from < wordsFrom[column] {
          wordsFrom[column] = from
          if !textUnderLeftWords[column] {
            textUnderLeftWords[column] = lines.contains { !$0.isTight(at: column) && $0.hasText(in: from..<column) }
          }
        }
        let to = line.wordEnd(startingAt: column + 1)
        if to > wordsTo[column] {
          wordsTo[column] = to
          if !textUnderRightWords[column] {
            textUnderRightWords[column] = lines.contains { !$0.isTight(at: column) && $0.hasText(in: (column + 1)..<to) }
          }
        }
      }
    }
    lines.append(line)
    firstTexts[line.firstText] += 1
    lastTexts[line.lastText] += 1
    firstText = min(firstText, line.firstText)
    lastText = max(lastText, line.lastText)
  }

  struct Gap {
    /// First and last blank column.
    var from: Int
    var to: Int
    var isTight: Bool
    /// Tight, in a block without clear gaps: a densely printed table.
    var isDense = false
  }

  /// How well the lines agree on `gaps`: for each line and each gap between its first and last
  /// text, 1 when the line is clear there, or tight at a gap of a densely printed table.
  func score(_ gaps: [Gap]) -> Int {
    // A line spans a gap when its text starts before the gap and ends after it; text cannot end
    // inside the gap, blank in every line, so that is starting before it less ending before it.
    var score = 0
    var gapIndex = 0
    var started = 0
    var ended = 0
    for column in blank.indices where gapIndex < gaps.count {
      let gap = gaps[gapIndex]
      if column == gap.from {
        let spanning = started - ended
        score += gap.isTight && !gap.isDense ? spanning - tight[gap.from] : spanning
        gapIndex += 1
      }
      started += firstTexts[column]
      ended += lastTexts[column]
    }
    return score
  }

  /// The gaps that part columns (see `FixedWidthLayout.detect(lines:)`).
  func gaps() -> [Gap] {
    var runs: [Range<Int>] = []
    guard firstText < lastText else { return [] }
    var column = firstText
    while column <= lastText {
      guard blank[column] else {
        column += 1
        continue
      }
      var end = column
      while end + 1 <= lastText && blank[end + 1] { end += 1 }
      runs.append(column..<(end + 1))
      column = end + 1
    }
    let hasClearGap = runs.contains { $0.count > 1 || tight[$0.lowerBound] == 0 }
    var gaps: [Gap] = []
    for (index, run) in runs.enumerated() {
      guard run.count == 1, tight[run.lowerBound] > 0 else {
        gaps.append(Gap(from: run.lowerBound, to: run.upperBound - 1, isTight: false))
        continue
      }
      let at = run.lowerBound
      let left = (index == 0 ? firstText : runs[index - 1].upperBound)..<at
      let right = (at + 1)..<(index + 1 < runs.count ? runs[index + 1].lowerBound : lastText + 1)
      // The words the tight lines put on either side must line up with text of lines that are
      // apart there: "9.05 12.7" under "3.1" does, "Sample ID" over "S-001" does not.
      let apartElsewhere = textUnderLeftWords[at] && textUnderRightWords[at]
      let dense = !hasClearGap && 2 * tight[at] > lineCount && lines[0].hasText(in: left) && lines[0].hasText(in: right)
      if apartElsewhere || dense { gaps.append(Gap(from: at, to: at, isTight: true, isDense: !hasClearGap)) }
    }
    return gaps
  }
}
