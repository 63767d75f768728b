/// A rectangle on a page in points, origin at the top-left corner, y growing downwards.
///
/// The lab-report reader works on positions only, so it keeps its own small geometry type and
/// does not depend on the PDF library: a page layout from poppler, a test or a template all
/// reduce to words with boxes.
public struct LabReportBox: Equatable, Sendable {
  public var x1: Double
  public var y1: Double
  public var x2: Double
  public var y2: Double

  public init(x1: Double, y1: Double, x2: Double, y2: Double) {
    self.x1 = x1
    self.y1 = y1
    self.x2 = x2
    self.y2 = y2
  }

  public var width: Double { x2 - x1 }
  public var height: Double { y2 - y1 }
  public var midY: Double { (y1 + y2) / 2 }

  /// The smallest rectangle holding both.
  public func union(_ other: LabReportBox) -> LabReportBox {
    LabReportBox(x1: min(x1, other.x1), y1: min(y1, other.y1), x2: max(x2, other.x2), y2: max(y2, other.y2))
  }

  /// How far the horizontal extents overlap (negative: the gap between them).
  func horizontalOverlap(_ other: LabReportBox) -> Double { min(x2, other.x2) - max(x1, other.x1) }
}

/// A word or a phrase of a page with its box.
public struct LabReportWord: Equatable, Sendable {
  public var text: String
  public var box: LabReportBox

  public init(text: String, box: LabReportBox) {
    self.text = text
    self.box = box
  }
}

/// One line of text: the words that share a baseline, left to right.
public struct LabReportLine: Equatable, Sendable {
  public var words: [LabReportWord]

  public init(words: [LabReportWord]) {
    self.words = words.sorted { $0.box.x1 < $1.box.x1 }
  }

  public var box: LabReportBox {
    words.dropFirst().reduce(words.first?.box ?? LabReportBox(x1: 0, y1: 0, x2: 0, y2: 0)) { $0.union($1.box) }
  }

  /// The words run together into phrases: neighbours closer than a fraction of the text height
  /// (a space, a little more) belong to one phrase; a wider gap separates table cells or the
  /// label and value of a header line.
  ///
  /// - Parameter gapFactor: the widest gap inside a phrase, as a share of the taller word's
  ///   height. A space is about a quarter of the height of a line's boxes; cells of tables and
  ///   key/value blocks lie at least half a height apart.
  public func phrases(gapFactor: Double = 0.45) -> [LabReportWord] {
    var out: [LabReportWord] = []
    for word in words {
      if var last = out.last {
        let gap = word.box.x1 - last.box.x2
        let height = max(last.box.height, word.box.height)
        if gap <= gapFactor * height {
          last.text += (gap > 0.08 * height ? " " : "") + word.text
          last.box = last.box.union(word.box)
          out[out.count - 1] = last
          continue
        }
      }
      out.append(word)
    }
    return out
  }
}

/// What the lab-report reader is given of one page: its number and its lines of text.
public struct LabReportPage: Equatable, Sendable {
  /// The page number a person reads, from 1.
  public var number: Int
  public var width: Double
  public var height: Double
  /// The lines, top to bottom.
  public var lines: [LabReportLine]

  public init(number: Int, width: Double, height: Double, lines: [LabReportLine]) {
    self.number = number
    self.width = width
    self.height = height
    self.lines = lines.filter { !$0.words.isEmpty }.sorted { $0.box.midY < $1.box.midY }
  }

  /// A page from its words in any order: words whose boxes share most of their height form a line.
  public init(number: Int, width: Double, height: Double, words: [LabReportWord]) {
    let sorted = words.filter { !$0.text.isEmpty }.sorted { ($0.box.midY, $0.box.x1) < ($1.box.midY, $1.box.x1) }
    var lines: [[LabReportWord]] = []
    var lineBox: LabReportBox?
    for word in sorted {
      if let box = lineBox {
        let overlap = min(box.y2, word.box.y2) - max(box.y1, word.box.y1)
        if overlap >= 0.5 * min(box.height, word.box.height) {
          lines[lines.count - 1].append(word)
          lineBox = box.union(word.box)
          continue
        }
      }
      lines.append([word])
      lineBox = word.box
    }
    self.init(number: number, width: width, height: height, lines: lines.map(LabReportLine.init(words:)))
  }
}
