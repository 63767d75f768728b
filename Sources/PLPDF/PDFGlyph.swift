/// One character of a page's text with the box it occupies and its font's size and weight.
///
/// Tables in PDF reports are only columns because of where their text sits, so readers need
/// each character's position, not just the text; bold type marks header rows and section labels.
///
/// Contract: `character` holds exactly one Unicode scalar (poppler gives one box per scalar);
/// the line breaks and spaces poppler inserts between words and lines are glyphs too.
/// `fontSize` is 0 when unknown.
public struct PDFGlyph: Equatable, Sendable {
  public var character: Character
  public var box: PDFRect
  /// The font size in points, as the page sets it (0 when unknown).
  public var fontSize: Double
  /// Whether the font's name says bold (Bold, Black, Heavy, Semibold, Demi).
  public var isBold: Bool

  public init(character: Character, box: PDFRect, fontSize: Double = 0, isBold: Bool = false) {
    self.character = character
    self.box = box
    self.fontSize = fontSize
    self.isBold = isBold
  }

  /// Whether a font name (`ABCDEF+Helvetica-Bold`) names a bold face.
  public static func isBold(fontName: String) -> Bool {
    let name = fontName.lowercased()
    return ["bold", "black", "heavy", "semibold", "demi"].contains { name.contains($0) }
  }
}
