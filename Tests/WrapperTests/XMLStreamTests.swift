import Foundation
import PLArchive
import PLCore
import PLDigest
import PLXML
import Testing

/// Reading XML from a `ByteStream`: what the stream's observers see, short reads, and errors
/// of the stream itself.
@Suite struct XMLStreamTests {
  /// Larger than libxml2's first reads, with content after the root element.
  static let document: String = {
    let samples = (0..<2000).map { #"  <sample id="\#($0)">µg &amp; \#($0 * 3)</sample>"# }
    return "<?xml version=\"1.0\"?>\n<run>\n" + samples.joined(separator: "\n") + "\n</run>\n<!-- end -->\n  \n"
  }()

  /// Bug guard: the reader opened its own descriptor, so a digest attached to the source
  /// never saw the document. It must see every byte, the ones after the root too.
  @Test func observersSeeExactlyTheFile() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write("run.xml", Self.document)
    let stream = try FileStream(path: path)
    let watched = try Watched(stream)
    let reader = try XMLReader(stream: stream)
    #expect(reader.source == path)
    var texts = 0
    while try reader.read() {
      if reader.nodeType == .text && reader.depth == 2 { texts += 1 }
    }
    #expect(texts == 2000)
    #expect(watched.collector.count == Self.document.utf8.count)
    #expect(watched.collector.isSame(as: Array(Self.document.utf8)))
    #expect(watched.digest.finalize() == (try SHA256Digest.hex(of: Array(Self.document.utf8))))
  }

  @Test(arguments: [1, 7, 4096])
  func shortReadsChangeNothing(blockSize: Int) throws {
    let bytes = Array(Self.document.utf8)
    let expected = try nodes(of: XMLReader(bytes: bytes))
    let stream = trickleStream(bytes, name: "run.xml", blockSize: blockSize)
    #expect(try nodes(of: XMLReader(stream: stream)) == expected)
    #expect(stream.bytesRead == bytes.count)
  }

  @Test(arguments: [1, 4096])
  func malformedDocumentStillNamesTheLine(blockSize: Int) throws {
    let bytes = Array("<a>\n  <b>text\n</a>\n".utf8)
    let reader = try XMLReader(stream: trickleStream(bytes, name: "run.xml", blockSize: blockSize))
    let error = #expect(throws: XMLError.self) { _ = try nodes(of: reader) }
    guard case .malformed("run.xml", 3, _, let message) = error else {
      Issue.record("expected malformed at line 3, got \(String(describing: error))")
      return
    }
    #expect(message.contains("mismatch"))
  }

  /// A failing stream must not pass for the end of the document or for libxml2's I/O error.
  @Test(arguments: [0, 3, 5000, 60000])
  func streamErrorIsRethrown(failAfter: Int) throws {
    let bytes = Array(Self.document.utf8)
    let stream = FailingStream(bytes, name: "run.xml", failAfter: failAfter)
    var reader: XMLReader?
    let error = #expect(throws: XMLError.self) {
      reader = try XMLReader(stream: stream)
      _ = try nodes(of: reader!)
    }
    #expect(error == .stream(FailingStream.error("run.xml")))
    if let reader {
      #expect(throws: error!) { _ = try reader.read() }
    }
  }

  @Test func memberOfAnArchiveIsReadAndNamed() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import zipfile
      with zipfile.ZipFile('batch.zip', 'w', zipfile.ZIP_DEFLATED) as z:
          z.writestr('good.xml', '<run><v>1</v><v>2</v></run>')
          z.writestr('bad.xml', '<run>\\n<v>1</w>\\n</run>')
      """)
    let path = dir.file("batch.zip")
    let archive = try ArchiveReader(path: path)
    #expect(try archive.next()?.pathname == "good.xml")
    let good = try XMLReader(stream: #require(archive.memberStream()))
    #expect(try nodes(of: good).compactMap(\.value) == ["1", "2"])
    #expect(try archive.next()?.pathname == "bad.xml")
    let bad = try XMLReader(stream: #require(archive.memberStream()))
    let error = #expect(throws: XMLError.self) { _ = try nodes(of: bad) }
    #expect(error?.description.hasPrefix("\(path)!bad.xml: line 2") == true)
  }

  @Test func externalEntityIsStillNotReadFromAStream() throws {
    let dir = try TemporaryDirectory()
    let secret = try dir.write("secret.txt", Array("TOP-SECRET-CONTENT".utf8))
    let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file://\(secret)\">]>\n<r>&xxe;</r>\n"
    let reader = try XMLReader(stream: trickleStream(Array(xml.utf8), name: "xxe.xml", blockSize: 5))
    var text = ""
    let error = #expect(throws: XMLError.self) {
      while try reader.read() { text += reader.value ?? "" }
    }
    #expect(!text.contains("TOP-SECRET"))
    #expect(error == .entityReference(source: "xxe.xml", line: 3, name: "xxe"))
  }
}
