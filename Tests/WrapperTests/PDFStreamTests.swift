import Foundation
import PLArchive
import PLCore
import PLDigest
import PLPDF
import Testing

/// Reading a PDF from a `ByteStream`: poppler gets the whole document, the observers every byte.
@Suite struct PDFStreamTests {
  /// Bug guard: the document was opened from its own descriptor, so a digest attached to the
  /// source never saw it.
  @Test func observersSeeExactlyTheFile() throws {
    let bytes = PDFDocumentTests.report.bytes()
    let dir = try TemporaryDirectory()
    let path = try dir.write("report.pdf", bytes)
    let stream = try FileStream(path: path)
    let watched = try Watched(stream)
    let document = try PDFDocument(stream: stream)
    #expect(document.source == path)
    #expect(document.pageCount == 2)
    #expect(try document.page(0).words().contains { $0.text == "Protein" })
    #expect(watched.collector.count == bytes.count)
    #expect(watched.collector.isSame(as: bytes))
    #expect(watched.digest.finalize() == (try SHA256Digest.hex(of: bytes)))
  }

  @Test(arguments: ["garbage", "empty", "noise", "header only"])
  func damagedInputStillSaysDamaged(label: String) throws {
    let bytes = try #require(PDFDocumentTests.damaged[label])
    let error = #expect(throws: PDFError.self, "\(label)") {
      _ = try PDFDocument(stream: trickleStream(bytes, name: "bad.pdf", blockSize: 7))
    }
    guard case .damaged("bad.pdf", _) = error else {
      Issue.record("\(label): expected damaged, got \(String(describing: error))")
      return
    }
    #expect(error!.description.hasPrefix("bad.pdf: not a readable PDF: "))
  }

  @Test func encryptedInputStillSaysEncrypted() throws {
    var locked = PDFDocumentTests.report
    locked.encrypted = true
    let error = #expect(throws: PDFError.self) {
      _ = try PDFDocument(stream: MemoryStream(locked.bytes(), name: "locked.pdf"))
    }
    #expect(error == .encrypted(source: "locked.pdf"))
  }

  /// A stream that fails part-way must not hand poppler a truncated document to repair.
  @Test func streamErrorIsRethrown() throws {
    let bytes = PDFDocumentTests.report.bytes()
    let stream = FailingStream(bytes, name: "report.pdf", failAfter: bytes.count / 2)
    let error = #expect(throws: PDFError.self) { _ = try PDFDocument(stream: stream) }
    #expect(error == .stream(FailingStream.error("report.pdf")))
  }

  @Test func documentLargerThanTheLimitIsRefused() throws {
    let bytes = PDFDocumentTests.report.bytes()
    let error = #expect(throws: PDFError.self) {
      _ = try PDFDocument(stream: MemoryStream(bytes, name: "report.pdf"), limit: bytes.count - 1)
    }
    guard case .stream(.malformed("report.pdf", nil, _)) = error else {
      Issue.record("expected a refusal by size, got \(String(describing: error))")
      return
    }
  }

  @Test func memberOfAnArchiveIsReadAndNamed() throws {
    let dir = try TemporaryDirectory()
    try dir.write("report.pdf", PDFDocumentTests.report.bytes())
    try dir.python(
      """
      import zipfile
      with zipfile.ZipFile('batch.zip', 'w', zipfile.ZIP_DEFLATED) as z: z.write('report.pdf', 'lab/report.pdf')
      """)
    let archive = try ArchiveReader(path: dir.file("batch.zip"))
    _ = try archive.next()
    let document = try PDFDocument(stream: #require(archive.memberStream()))
    #expect(document.source == dir.file("batch.zip") + "!lab/report.pdf")
    #expect(try document.page(1).text.contains("Page two"))
  }
}
