/// One character of a page's text with the box it occupies.
///
/// Tables in PDF reports are only columns because of where their text sits, so readers need
/// each character's position, not just the text.
///
/// Contract: `character` holds exactly one Unicode scalar (poppler gives one box per scalar);
/// the line breaks and spaces poppler inserts between words and lines are glyphs too.
public struct PDFGlyph: Equatable, Sendable {
  public var character: Character
  public var box: PDFRect

  public init(character: Character, box: PDFRect) {
    self.character = character
    self.box = box
  }
}
