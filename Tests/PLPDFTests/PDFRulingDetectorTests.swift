import PLPDF
import Testing

@Suite struct PDFRulingDetectorTests {
  /// A white image of 200 × 100 pixels at one pixel per point, with rectangles painted grey.
  static func image(_ paint: [(x: Range<Int>, y: Range<Int>, level: UInt8)]) -> [UInt8] {
    var gray = [UInt8](repeating: 255, count: 200 * 100)
    for p in paint {
      for y in p.y { for x in p.x { gray[y * 200 + x] = p.level } }
    }
    return gray
  }

  static func detect(_ gray: [UInt8], glyphs: [PDFRect] = []) -> [PDFRuling] {
    gray.withUnsafeBufferPointer {
      PDFRulingDetector().detect(gray: $0, width: 200, height: 100, scale: 1, glyphBoxes: glyphs)
    }
  }

  @Test func thinLinesAreRulesWithTheirExtent() {
    let rules = Self.detect(Self.image([(10..<190, 20..<21, 0), (50..<51, 10..<90, 90)]))
    #expect(rules.count == 2)
    let h = rules.first { $0.axis == .horizontal }
    #expect(h?.box == PDFRect(x1: 10, y1: 20, x2: 190, y2: 21))
    let v = rules.first { $0.axis == .vertical }
    #expect(v?.box == PDFRect(x1: 50, y1: 10, x2: 51, y2: 90))
  }

  @Test func aShadedBandIsNotARuleButALineOverItIs() {
    // A band 20 points high in light grey, a black line along its top edge and one through it.
    let rules = Self.detect(Self.image([(10..<190, 30..<50, 210), (10..<190, 30..<31, 0), (10..<190, 40..<41, 0)]))
    #expect(rules.map(\.axis) == [.horizontal, .horizontal])
    #expect(rules.map(\.position) == [30.5, 40.5])
  }

  @Test func thickBarsShortRunsAndGlyphStrokesAreNotRules() {
    let gray = Self.image([
      (10..<190, 10..<18, 0),  // 8 points thick: a filled bar
      (10..<15, 60..<61, 0),  // 5 points long: shorter than a rule
      (100..<140, 80..<81, 0),  // a stroke inside a glyph box
    ])
    #expect(Self.detect(gray, glyphs: [PDFRect(x1: 98, y1: 74, x2: 142, y2: 86)]).isEmpty)
  }

  @Test func dashedPiecesOnOneLineJoinButSeparateRulesDoNot() {
    let rules = Self.detect(Self.image([(10..<60, 50..<51, 0), (62..<120, 50..<51, 0), (140..<190, 50..<51, 0)]))
    #expect(rules.map(\.box) == [PDFRect(x1: 10, y1: 50, x2: 120, y2: 51), PDFRect(x1: 140, y1: 50, x2: 190, y2: 51)])
  }
}
