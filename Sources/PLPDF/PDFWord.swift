/// A run of glyphs that sit next to each other on one line, with its bounding box.
///
/// poppler's text puts no separator between adjacent table cells ("Protein12.3"), so words are
/// found from positions: a new word starts at whitespace, at a gap wider than a fraction of the
/// text height, when the text moves backwards, or when it leaves the line.
///
/// Rotated text (a column header set sideways, a table printed across a portrait page) keeps
/// its characters together: poppler stacks their boxes vertically, and `orientation` says which
/// way the word reads.
public struct PDFWord: Equatable, Sendable {
  public var text: String
  public var box: PDFRect
  /// Which way the word reads on the page (upright, or turned a quarter either way).
  public var orientation: PDFOrientation
  /// The largest font size among its glyphs, in points (0 when unknown).
  public var fontSize: Double
  /// Whether most of its glyphs are bold.
  public var isBold: Bool

  public init(
    text: String, box: PDFRect, orientation: PDFOrientation = .upright, fontSize: Double = 0, isBold: Bool = false
  ) {
    self.text = text
    self.box = box
    self.orientation = orientation
    self.fontSize = fontSize
    self.isBold = isBold
  }

  /// The height of the text, across the reading direction: the box's height for upright text,
  /// its width for text read top to bottom or bottom to top.
  public var textHeight: Double { orientation.isVertical ? box.width : box.height }

  /// Groups `glyphs`, in poppler's reading order, into words.
  ///
  /// - Parameter gapFactor: a gap wider than this times the taller neighbouring glyph's height
  ///   separates words. 0.25 is just under the width of a space in common fonts, so letters of
  ///   a word stay together and cells of a table row come apart.
  /// - Returns: the words in reading order; whitespace glyphs are not part of any word.
  public static func group(_ glyphs: [PDFGlyph], gapFactor: Double = 0.25) -> [PDFWord] {
    var words: [PDFWord] = []
    var current: PDFWord?
    var previous: PDFRect?
    var letters = 0
    var bold = 0
    func finished(_ word: PDFWord) -> PDFWord {
      var word = word
      word.isBold = bold * 2 > letters
      return word
    }
    for glyph in glyphs {
      if glyph.character.isWhitespace {
        if let word = current { words.append(finished(word)) }
        current = nil
        previous = nil
        continue
      }
      if var word = current, let last = previous {
        let box = glyph.box
        let step = Self.step(from: last, to: box, gapFactor: gapFactor)
        let fits: Bool
        switch (step, word.orientation) {
        case (.upright?, .upright): fits = true
        case (let direction?, _) where letters == 1: fits = true; word.orientation = direction
        case (let direction?, let orientation): fits = direction == orientation
        case (nil, _): fits = false
        }
        if fits {
          word.text.append(glyph.character)
          word.box = word.box.union(box)
          word.fontSize = max(word.fontSize, glyph.fontSize)
          current = word
          previous = box
          letters += 1
          if glyph.isBold { bold += 1 }
          continue
        }
        words.append(finished(word))
      }
      current = PDFWord(text: String(glyph.character), box: glyph.box, fontSize: glyph.fontSize)
      previous = glyph.box
      letters = 1
      bold = glyph.isBold ? 1 : 0
    }
    if let word = current { words.append(finished(word)) }
    // A word of one letter reads no way of its own: it takes the way of a sideways word it
    // stands in line with, next to it in reading order.
    for i in words.indices where words[i].text.unicodeScalars.count == 1 && words[i].orientation == .upright {
      let box = words[i].box
      for j in [i - 1, i + 1] where j >= 0 && j < words.count && words[j].orientation.isVertical {
        let other = words[j].box
        let overlap = min(box.x2, other.x2) - max(box.x1, other.x1)
        if overlap >= 0.5 * min(box.width, other.width) {
          words[i].orientation = words[j].orientation
          break
        }
      }
    }
    return words
  }

  /// Which way the text moves from glyph box `last` to `box`, if `box` continues the word.
  private static func step(from last: PDFRect, to box: PDFRect, gapFactor: Double) -> PDFOrientation? {
    let yOverlap = min(last.y2, box.y2) - max(last.y1, box.y1)
    if yOverlap >= 0.5 * min(last.height, box.height), box.x1 >= last.x1 - 0.01,
      box.x1 - last.x2 <= gapFactor * max(last.height, box.height)
    {
      return .upright
    }
    let xOverlap = min(last.x2, box.x2) - max(last.x1, box.x1)
    guard xOverlap >= 0.5 * min(last.width, box.width) else { return nil }
    let size = max(last.width, box.width)
    if box.y1 >= last.y1 - 0.01, box.y1 - last.y2 <= gapFactor * size { return .down }
    if box.y2 <= last.y2 + 0.01, last.y1 - box.y2 <= gapFactor * size { return .up }
    return nil
  }
}

/// The direction text reads in on the page, after the page's own rotation.
public enum PDFOrientation: String, Equatable, Sendable {
  /// Left to right, the usual way.
  case upright
  /// Top to bottom: the text is turned a quarter clockwise.
  case down
  /// Bottom to top: the text is turned a quarter counter-clockwise (sideways column headers).
  case up

  public var isVertical: Bool { self != .upright }
}
