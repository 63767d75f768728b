/// A run of glyphs that sit next to each other on one line, with its bounding box.
///
/// poppler's text puts no separator between adjacent table cells ("Protein12.3"), so words are
/// found from positions: a new word starts at whitespace, at a horizontal gap wider than a
/// fraction of the text height, when the text moves left, or when it leaves the line.
public struct PDFWord: Equatable, Sendable {
  public var text: String
  public var box: PDFRect

  public init(text: String, box: PDFRect) {
    self.text = text
    self.box = box
  }

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
    for glyph in glyphs {
      if glyph.character.isWhitespace {
        if let word = current { words.append(word) }
        current = nil
        previous = nil
        continue
      }
      if var word = current, let last = previous {
        let box = glyph.box
        let gap = box.x1 - last.x2
        let height = max(last.height, box.height)
        let overlap = min(word.box.y2, box.y2) - max(word.box.y1, box.y1)
        let sameLine = overlap >= 0.5 * min(word.box.height, box.height)
        if sameLine, box.x1 >= last.x1, gap <= gapFactor * height {
          word.text.append(glyph.character)
          word.box = word.box.union(box)
          current = word
          previous = box
          continue
        }
        words.append(word)
      }
      current = PDFWord(text: String(glyph.character), box: glyph.box)
      previous = glyph.box
    }
    if let word = current { words.append(word) }
    return words
  }
}
