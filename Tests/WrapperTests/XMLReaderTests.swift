import Foundation
import PLXML
import Testing

/// One node as the reader saw it, for comparing whole documents at once.
struct SeenNode: Equatable, CustomStringConvertible {
  var type: XMLNodeType
  var name: String
  var value: String?
  var depth: Int

  var description: String { "\(type) \(name) \(value.map { "'\($0)'" } ?? "-") @\(depth)" }
}

func nodes(of reader: XMLReader) throws -> [SeenNode] {
  var seen: [SeenNode] = []
  while try reader.read() {
    seen.append(SeenNode(type: reader.nodeType, name: reader.name, value: reader.value, depth: reader.depth))
  }
  return seen
}

@Suite struct XMLReaderTests {
  @Test func attributesKeepTheirOrder() throws {
    let reader = try XMLReader(string: #"<r zeta="1" alpha="two" mid="&amp;3&#176;"/>"#)
    #expect(try reader.read())
    #expect(reader.nodeType == .element)
    #expect(reader.isEmptyElement)
    let attributes = try reader.attributes()
    #expect(attributes.map(\.name) == ["zeta", "alpha", "mid"])
    #expect(attributes.map(\.value) == ["1", "two", "&3°"])
    #expect(try reader.attribute("alpha") == "two")
    #expect(try reader.attribute("missing") == nil)
    // Reading the attributes leaves the cursor on the element.
    #expect(reader.name == "r")
    #expect(try reader.read() == false)
  }

  @Test func textCDATAAndStructure() throws {
    let xml = """
      <?xml version="1.0"?>
      <!-- an instrument export -->
      <run id="7"><sample>Milk &amp; whey</sample><raw><![CDATA[<12.3>]]></raw><t xml:space="preserve"> </t><empty/></run>
      """
    let seen = try nodes(of: XMLReader(string: xml))
    #expect(
      seen == [
        SeenNode(type: .other, name: "#comment", value: " an instrument export ", depth: 0),
        SeenNode(type: .element, name: "run", value: nil, depth: 0),
        SeenNode(type: .element, name: "sample", value: nil, depth: 1),
        SeenNode(type: .text, name: "#text", value: "Milk & whey", depth: 2),
        SeenNode(type: .endElement, name: "sample", value: nil, depth: 1),
        SeenNode(type: .element, name: "raw", value: nil, depth: 1),
        SeenNode(type: .cdata, name: "#cdata-section", value: "<12.3>", depth: 2),
        SeenNode(type: .endElement, name: "raw", value: nil, depth: 1),
        SeenNode(type: .element, name: "t", value: nil, depth: 1),
        SeenNode(type: .text, name: "#text", value: " ", depth: 2),
        SeenNode(type: .endElement, name: "t", value: nil, depth: 1),
        SeenNode(type: .element, name: "empty", value: nil, depth: 1),
        SeenNode(type: .endElement, name: "run", value: nil, depth: 0),
      ])
  }

  @Test func namespacesAndLines() throws {
    let xml = """
      <x:root xmlns:x="urn:lab" a="1">
        <x:cell
          r="A1"/>
      </x:root>
      """
    let reader = try XMLReader(string: xml)
    #expect(try reader.read())
    #expect(reader.name == "x:root")
    #expect(reader.localName == "root")
    #expect(reader.namespaceURI == "urn:lab")
    #expect(reader.line == 1)
    #expect(try reader.attributes().map(\.name) == ["xmlns:x", "a"])
    #expect(try reader.read())
    #expect(reader.nodeType == .text)  // the indentation
    #expect(try reader.read())
    #expect(reader.localName == "cell")
    #expect(reader.line == 3)  // libxml2 records where the start tag ends
    #expect(try reader.attribute("r") == "A1")
  }

  @Test func latin1DocumentComesOutAsUTF8() throws {
    var bytes = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?><unit>"#.utf8)
    bytes += [0xB5, 0x67, 0x2F, 0xB0, 0x43]  // µg/°C in Latin-1
    bytes += Array("</unit>".utf8)
    let reader = try XMLReader(bytes: bytes)
    #expect(try reader.read() && reader.read())
    #expect(reader.value == "µg/°C")
  }

  @Test func malformedDocumentNamesTheLine() throws {
    let reader = try XMLReader(string: "<a>\n  <b>text\n</a>\n", name: "run.xml")
    let error = #expect(throws: XMLError.self) { _ = try nodes(of: reader) }
    guard case .malformed(let source, let line, _, let message) = error else {
      Issue.record("expected malformed, got \(String(describing: error))")
      return
    }
    #expect(source == "run.xml")
    #expect(line == 3)
    #expect(message.contains("mismatch"))
    #expect(error!.description.hasPrefix("run.xml: line 3"))
    // The reader is spent: it keeps saying why.
    #expect(throws: error!) { _ = try reader.read() }
  }

  @Test(arguments: ["", "not xml at all", "<a>", "<a></b>", "<a x='1' x='2'/>", "<a/><b/>", "<a>\u{0}</a>"])
  func brokenDocumentsThrow(xml: String) throws {
    #expect(throws: XMLError.self) { _ = try nodes(of: XMLReader(string: xml)) }
  }

  static let billionLaughs = """
    <?xml version="1.0"?>
    <!DOCTYPE lolz [
      <!ENTITY lol "lol">
      <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
      <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
      <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
      <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
      <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
      <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
      <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
      <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
      <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
    ]>
    """

  @Test func billionLaughsInTextIsRefused() throws {
    let start = ContinuousClock.now
    let reader = try XMLReader(string: Self.billionLaughs + "<lolz>&lol9;</lolz>")
    let error = #expect(throws: XMLError.self) { _ = try nodes(of: reader) }
    #expect(ContinuousClock.now - start < .seconds(5))
    // Refused either by libxml2's own loop guard or by the reader's refusal to expand.
    switch error {
    case .entityReference(_, _, "lol9"): break
    case .malformed(_, _, _, let message): #expect(message.contains("entity"))
    default: Issue.record("expected a refusal, got \(String(describing: error))")
    }
  }

  @Test func billionLaughsInAnAttributeIsRefused() throws {
    let start = ContinuousClock.now
    let reader = try XMLReader(string: Self.billionLaughs + #"<lolz a="&lol9;"/>"#)
    var total = 0
    let error = #expect(throws: XMLError.self) {
      while try reader.read() {
        total += try reader.attributes().reduce(0) { $0 + $1.value.utf8.count }
      }
    }
    #expect(total < 1000)
    #expect(ContinuousClock.now - start < .seconds(5))
    #expect(error != nil)
  }

  @Test func externalEntityIsNotRead() throws {
    let dir = try TemporaryDirectory()
    let secret = try dir.write("secret.txt", Array("TOP-SECRET-CONTENT".utf8))
    let xml = """
      <?xml version="1.0"?>
      <!DOCTYPE r [<!ENTITY xxe SYSTEM "file://\(secret)">]>
      <r>&xxe;</r>
      """
    let path = try dir.write("xxe.xml", Array(xml.utf8))
    let reader = try XMLReader(path: path)
    var text = ""
    let error = #expect(throws: XMLError.self) {
      while try reader.read() { text += reader.value ?? "" }
    }
    #expect(!text.contains("TOP-SECRET"))
    #expect(error?.description.contains("TOP-SECRET") == false)
    guard case .entityReference(path, 3, "xxe") = error else {
      Issue.record("expected entityReference, got \(String(describing: error))")
      return
    }
  }

  @Test func externalDTDIsNotLoaded() throws {
    let dir = try TemporaryDirectory()
    let dtd = try dir.write("evil.dtd", Array(#"<!ATTLIST r leaked CDATA "TOP-SECRET">"#.utf8))
    let reader = try XMLReader(string: "<!DOCTYPE r SYSTEM \"file://\(dtd)\"><r/>")
    #expect(try reader.read() && reader.read())
    #expect(reader.name == "r")
    #expect(try reader.attributes().isEmpty)
  }

  @Test func readsAFileFromDisk() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write("run.xml", Array("<run><v>1</v></run>".utf8))
    #expect(try nodes(of: XMLReader(path: path)).compactMap(\.value) == ["1"])
  }

  @Test func missingFileAndDirectoryCannotBeOpened() throws {
    let dir = try TemporaryDirectory()
    for path in [dir.file("nope.xml"), dir.url.path] {
      let error = #expect(throws: XMLError.self) { _ = try XMLReader(path: path) }
      guard case .cannotOpen(path, _) = error else {
        Issue.record("expected cannotOpen, got \(String(describing: error))")
        continue
      }
    }
  }
}
