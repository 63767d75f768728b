import Foundation
import PLPDF
import Testing

@Suite struct PDFDocumentTests {
  /// A results table: analyte at x = 72, result at x = 300, as contract labs lay them out.
  static let report = MinimalPDF(pages: [
    [
      .init(x: 72, y: 720, text: "Certificate of Analysis", size: 16),
      .init(x: 72, y: 700, text: "Protein"), .init(x: 300, y: 700, text: "12.3"),
      .init(x: 72, y: 680, text: "Fat"), .init(x: 300, y: 680, text: "<0.05"),
    ],
    [.init(x: 72, y: 700, text: "Page two (continued)")],
  ])

  @Test func pagesTextAndSize() throws {
    let document = try PDFDocument(bytes: Self.report.bytes(), name: "report.pdf")
    #expect(document.pageCount == 2)
    let first = try document.page(0)
    #expect(first.size == PDFSize(width: 612, height: 792))
    #expect(first.number == 1)
    for word in ["Certificate of Analysis", "Protein", "12.3", "Fat", "<0.05"] {
      #expect(first.text.contains(word), "\(word) in \(first.text.debugDescription)")
    }
    #expect(try document.page(1).text.contains("Page two (continued)"))
  }

  @Test func layoutHasOneBoxPerScalarAtTheRightPlace() throws {
    let page = try PDFDocument(bytes: Self.report.bytes()).page(0)
    let glyphs = page.textLayout
    #expect(glyphs.count == page.text.unicodeScalars.count)
    #expect(String(glyphs.map(\.character)) == page.text)
    let protein = try #require(glyphs.firstIndex { $0.character == "P" })
    let p = glyphs[protein].box
    // x from the left; the baseline at 700 from the bottom is 92 from the top.
    #expect(abs(p.x1 - 72) < 1)
    #expect(p.y1 < 92 && p.y2 > 88)
    #expect(p.x2 > p.x1 && p.height > 8 && p.height < 20)
    let one = try #require(glyphs.firstIndex { $0.character == "1" })
    #expect(abs(glyphs[one].box.x1 - 300) < 1)
  }

  @Test func wordsComeApartByPositionNotOnlyBySpaces() throws {
    let page = try PDFDocument(bytes: Self.report.bytes()).page(0)
    let words = page.words()
    #expect(words.map(\.text) == ["Certificate", "of", "Analysis", "Protein", "12.3", "Fat", "<0.05"])
    let result = try #require(words.first { $0.text == "12.3" })
    #expect(abs(result.box.x1 - 300) < 1)
    let protein = try #require(words.first { $0.text == "Protein" })
    #expect(abs(protein.box.y1 - result.box.y1) < 0.5)  // same row
    #expect(protein.box.x2 < 200)
  }

  @Test func opensAFileFromDisk() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write("report.pdf", Self.report.bytes())
    let document = try PDFDocument(path: path)
    #expect(document.source == path)
    #expect(document.pageCount == 2)
    #expect(try document.page(0).words().contains { $0.text == "Protein" })
  }

  @Test func pageOutsideTheDocumentIsAnError() throws {
    let document = try PDFDocument(bytes: Self.report.bytes(), name: "report.pdf")
    for index in [2, -1] {
      let error = #expect(throws: PDFError.self) { _ = try document.page(index) }
      #expect(error == .noSuchPage(source: "report.pdf", page: index + 1, pageCount: 2))
    }
    #expect(
      PDFError.noSuchPage(source: "report.pdf", page: 3, pageCount: 2).description
        == "report.pdf: page 3: no such page (the document has 2)")
  }

  @Test func pageOutlivesItsDocumentVariable() throws {
    var document: PDFDocument? = try PDFDocument(bytes: Self.report.bytes())
    let page = try document!.page(1)
    document = nil
    #expect(page.text.contains("Page two"))
  }

  static let damaged: [String: [UInt8]] = [
    "garbage": Array("this is not a PDF at all, just some text\n".utf8),
    "empty": [],
    "noise": (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) },
    "header only": Array("%PDF-1.4\n%%EOF\n".utf8),
  ]

  @Test(arguments: ["garbage", "empty", "noise", "header only"])
  func damagedInputThrows(label: String) throws {
    let bytes = try #require(Self.damaged[label])
    let dir = try TemporaryDirectory()
    let path = try dir.write("bad.pdf", bytes)
    let error = #expect(throws: PDFError.self, "\(label)") { _ = try PDFDocument(path: path) }
    guard case .damaged(path, _) = error else {
      Issue.record("\(label): expected damaged, got \(String(describing: error))")
      return
    }
    #expect(throws: PDFError.self, "\(label)") { _ = try PDFDocument(bytes: bytes) }
  }

  @Test func truncatedPDFIsAnErrorOrReadableNeverACrash() throws {
    let bytes = Self.report.bytes()
    for length in stride(from: 0, to: bytes.count, by: 97) {
      // poppler repairs what it can; whatever it opens must be safe to read.
      if let document = try? PDFDocument(bytes: Array(bytes[0..<length])) {
        for index in 0..<document.pageCount {
          if let page = try? document.page(index) { _ = page.words() }
        }
      }
    }
  }

  @Test func passwordProtectedPDFIsRefused() throws {
    var encrypted = Self.report
    encrypted.encrypted = true
    let error = #expect(throws: PDFError.self) {
      _ = try PDFDocument(bytes: encrypted.bytes(), name: "locked.pdf")
    }
    #expect(error == .encrypted(source: "locked.pdf"))
  }

  @Test func missingFileAndDirectoryCannotBeOpened() throws {
    let dir = try TemporaryDirectory()
    for path in [dir.file("nope.pdf"), dir.url.path] {
      let error = #expect(throws: PDFError.self) { _ = try PDFDocument(path: path) }
      guard case .cannotOpen(path, _) = error else {
        Issue.record("expected cannotOpen, got \(String(describing: error))")
        continue
      }
    }
  }
}

@Suite struct PDFWordTests {
  static func glyphs(
    _ specs: [(Character, Double, Double)], height: Double = 10, width: Double = 6
  ) -> [PDFGlyph] {
    specs.map { c, x, y in PDFGlyph(character: c, box: PDFRect(x1: x, y1: y, x2: x + width, y2: y + height)) }
  }

  static func run(_ text: String, x: Double, y: Double) -> [(Character, Double, Double)] {
    text.enumerated().map { ($1, x + Double($0) * 6, y) }
  }

  @Test(arguments: [
    ("adjacent letters", run("Fat", x: 72, y: 80), ["Fat"]),
    ("a space glyph", run("a b", x: 72, y: 80), ["a", "b"]),
    ("cells run together", run("Fat", x: 72, y: 80) + run("4.5", x: 300, y: 80), ["Fat", "4.5"]),
    ("a small gap", run("ab", x: 72, y: 80) + run("c", x: 86, y: 80), ["abc"]),
    ("a gap above a quarter height", run("ab", x: 72, y: 80) + run("c", x: 87, y: 80), ["ab", "c"]),
    ("next line", run("ab", x: 72, y: 80) + run("cd", x: 84, y: 100), ["ab", "cd"]),
    ("moving left", run("ab", x: 72, y: 80) + run("cd", x: 20, y: 80), ["ab", "cd"]),
    ("newlines only", [("\n", 0, 0), ("\n", 0, 0)], []),
  ] as [(String, [(Character, Double, Double)], [String])])
  func grouping(label: String, specs: [(Character, Double, Double)], expected: [String]) {
    #expect(PDFWord.group(Self.glyphs(specs)).map(\.text) == expected, "\(label)")
  }

  @Test func wordBoxIsTheUnionOfItsGlyphs() {
    let words = PDFWord.group(Self.glyphs(Self.run("12.3", x: 300, y: 90)))
    #expect(words == [PDFWord(text: "12.3", box: PDFRect(x1: 300, y1: 90, x2: 324, y2: 100))])
  }
}
