import PLPDF
import Testing

@Suite struct PDFTextLineTests {
  @Test func linesGroupWordsByBaselineWithRaisedMarkers() throws {
    let page = try Fixture.document("lines.pdf").page(0)
    let lines = page.lines().filter { $0.orientation == .upright }
    #expect(lines.map(\.text) == ["Sample information", "Moisture * 6.1 g/100 g", "Total protein (Kjeldahl) 84.9"])
    #expect(abs(lines[0].fontSize - 14) < 1.5, "\(lines[0].fontSize)")
    #expect(abs(lines[1].fontSize - 10) < 1.5, "\(lines[1].fontSize)")
    #expect(abs(lines[1].baseline - 110) < 1.5, "\(lines[1].baseline)")
    #expect(abs(lines[2].baseline - 126) < 1.5, "\(lines[2].baseline)")
    let value = try #require(lines[1].words.first { $0.text == "6.1" })
    #expect(abs(value.box.x1 - 200) < 0.5)
  }

  @Test func sidewaysTextIsOneWordPerWordReadingUp() throws {
    let page = try Fixture.document("lines.pdf").page(0)
    let sideways = page.lines().filter { $0.orientation.isVertical }
    #expect(sideways.map(\.text) == ["Sideways label"])
    #expect(sideways.first?.orientation == .up)
    #expect(sideways.first.map { abs($0.fontSize - 10) < 1.5 } == true)
  }

  @Test func aRotatedPageReadsUpright() throws {
    let page = try Fixture.document("lines.pdf").page(1)
    let lines = page.lines()
    #expect(lines.map(\.text) == ["Landscape results", "Protein 12.5"])
    #expect(lines.allSatisfy { $0.orientation == .upright })
    let value = try #require(lines.last?.words.last)
    #expect(abs(value.box.x1 - 300) < 1, "\(value.box)")
  }

  @Test func groupingIsOrderIndependentAndKeepsTheReadingOrder() {
    let a = PDFWord(text: "a", box: PDFRect(x1: 10, y1: 10, x2: 20, y2: 20))
    let b = PDFWord(text: "b", box: PDFRect(x1: 30, y1: 11, x2: 40, y2: 21))
    let c = PDFWord(text: "c", box: PDFRect(x1: 10, y1: 25, x2: 20, y2: 35))
    let lines = PDFTextLine.group([c, b, a])
    #expect(lines.map(\.text) == ["a b", "c"])
    #expect(lines[0].box == PDFRect(x1: 10, y1: 10, x2: 40, y2: 21))
    #expect(PDFTextLine.group([]).isEmpty)
  }
}
