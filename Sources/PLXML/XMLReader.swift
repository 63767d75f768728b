#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import CPLXML2
import PLCore

/// Initialises libxml2 once per process, before any reader exists: `xmlInitParser` is not
/// safe to run from two threads at once, and Swift runs a global's initialiser exactly once.
private let libxml2Initialised: Void = xmlInitParser()

/// A forward-only cursor over the nodes of an XML document, over libxml2's xmlTextReader.
///
/// Instrument exports and spreadsheet parts can be large, so documents are streamed from a
/// `ByteStream` (a file, an archive member), never loaded whole or as a tree; the stream's
/// observers see every byte. The parser is configured for hostile input: no network
/// (`XML_PARSE_NONET`), no entity substitution (no `XML_PARSE_NOENT`), no external DTD
/// loading, and libxml2's size limits kept (no `XML_PARSE_HUGE`). A reference to a declared
/// entity is refused with `XMLError.entityReference` rather than expanded or silently dropped.
///
/// Contract: call `read()` until it returns false; after it returns true the node properties
/// (`nodeType`, `name`, `value`, …) describe the current node, and are only valid until the
/// next `read()`. Any error in the document, even one libxml2 could recover from, ends the
/// reading: that `read()` and every later one throw the same error. Not thread-safe; use one
/// reader per thread.
public final class XMLReader {
  /// The stream's name (a path, or the name given), used in messages.
  public let source: String

  /// The xmlTextReader; owned, freed in `deinit` only.
  private let reader: xmlTextReaderPtr
  /// What libxml2's read callback pulls bytes from; outlives the reader.
  private let input: XMLInput
  private let errors = XMLErrorCollector()
  private var failure: XMLError?

  /// `XML_PARSE_NONET` and big line numbers; deliberately without NOENT, DTDLOAD, DTDATTR,
  /// XINCLUDE and HUGE.
  private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)

  /// Opens the XML file at `path` (`-` is standard input).
  ///
  /// - Throws: `XMLError.cannotOpen` when the file cannot be opened or is a directory;
  ///   otherwise as `init(stream:)`.
  public convenience init(path: String) throws(XMLError) {
    let stream: FileStream
    do {
      stream = try FileStream(path: path)
    } catch {
      if case .inputMissing(_, let message) = error { throw .cannotOpen(source: path, message: message) }
      throw .stream(error)
    }
    try self.init(stream: stream)
  }

  /// Reads the document from `stream`, block by block as the parser asks for more: never the
  /// whole document in memory. The stream's name stands for it in messages; its observers
  /// see every byte, the ones after the root element included.
  ///
  /// With `ignoringDeclaredEncoding`, the bytes are read as UTF-8 whatever the XML declaration
  /// says: for a stream already converted to UTF-8 from the encoding it declares (UTF-16).
  ///
  /// - Throws: `XMLError.stream` when reading the stream fails while the parser starts;
  ///   `XMLError.cannotOpen` when libxml2 cannot create a reader.
  public init(stream: ByteStream, ignoringDeclaredEncoding: Bool = false) throws(XMLError) {
    _ = libxml2Initialised
    let input = XMLInput(stream: stream)
    let context = Unmanaged.passUnretained(input).toOpaque()
    // The reader keeps `context` for its whole life; `input`, a property, outlives it.
    // libxml2 calls the close callback once, on failure here or when the reader is freed.
    let created = xmlReaderForIO(
      { context, buffer, length in
        guard let context, let buffer, length > 0 else { return 0 }
        return Unmanaged<XMLInput>.fromOpaque(context).takeUnretainedValue().read(into: buffer, length)
      },
      { _ in 0 }, context, stream.name, ignoringDeclaredEncoding ? "UTF-8" : nil,
      ignoringDeclaredEncoding ? Self.options | Int32(XML_PARSE_IGNORE_ENC.rawValue) : Self.options)
    guard let created else {
      if let error = input.error { throw .stream(error) }
      throw .cannotOpen(source: stream.name, message: "libxml2 could not create a reader")
    }
    self.source = stream.name
    self.reader = created
    self.input = input
    errors.install(on: created)
  }

  /// Reads a document held in memory; `name` stands for it in messages.
  ///
  /// - Throws: as `init(stream:)`.
  public convenience init(bytes: [UInt8], name: String = "(memory)") throws(XMLError) {
    try self.init(stream: MemoryStream(bytes, name: name))
  }

  /// Reads a document held in a string; `name` stands for it in messages.
  public convenience init(string: String, name: String = "(memory)") throws(XMLError) {
    try self.init(bytes: Array(string.utf8), name: name)
  }

  deinit {
    xmlFreeTextReader(reader)
  }

  /// Moves to the next node; returns false at the end of the document.
  ///
  /// - Throws: `XMLError.malformed` with libxml2's message and line when the document is not
  ///   well-formed; `XMLError.entityReference` on a reference to a declared entity;
  ///   `XMLError.stream` when reading the stream fails.
  public func read() throws(XMLError) -> Bool {
    if let failure { throw failure }
    let status = xmlTextReaderRead(reader)
    // A failing stream makes libxml2 report an I/O error of its own; the stream's says more.
    if let error = input.error { throw fail(.stream(error)) }
    if let first = errors.errors.first {
      let line = first.line ?? Int(xmlTextReaderGetParserLineNumber(reader))
      throw fail(.malformed(source: source, line: line, column: first.column, message: first.message))
    }
    switch status {
    case 1:
      if xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue) {
        throw fail(.entityReference(source: source, line: line, name: name))
      }
      return true
    case 0:
      // What follows the root element is part of the source too. libxml2 reads on to look
      // for extra content; draining makes sure the observers see the end whatever it does.
      do {
        try input.drain()
      } catch {
        throw fail(.stream(error))
      }
      return false
    default:
      let line = Int(xmlTextReaderGetParserLineNumber(reader))
      throw fail(.malformed(source: source, line: line, column: nil, message: "libxml2 stopped reading"))
    }
  }

  /// The kind of the current node.
  public var nodeType: XMLNodeType {
    switch UInt32(xmlTextReaderNodeType(reader)) {
    case XML_READER_TYPE_ELEMENT.rawValue: .element
    case XML_READER_TYPE_END_ELEMENT.rawValue: .endElement
    case XML_READER_TYPE_TEXT.rawValue, XML_READER_TYPE_WHITESPACE.rawValue,
      XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue:
      .text
    case XML_READER_TYPE_CDATA.rawValue: .cdata
    default: .other
    }
  }

  /// The qualified name of the current node (`x:sheet`); `#text` and the like for nodes
  /// without a name.
  public var name: String { Self.string(xmlTextReaderConstName(reader)) ?? "" }

  /// The name without its namespace prefix (`sheet`).
  public var localName: String { Self.string(xmlTextReaderConstLocalName(reader)) ?? "" }

  /// The namespace URI of the current node, if it has one.
  public var namespaceURI: String? { Self.string(xmlTextReaderConstNamespaceUri(reader)) }

  /// The text of a text or CDATA node; nil for elements.
  public var value: String? { Self.string(xmlTextReaderConstValue(reader)) }

  /// How deep the current node is; the root element is at depth 0.
  public var depth: Int { Int(xmlTextReaderDepth(reader)) }

  /// Whether the current element was written `<a/>`, so that no `endElement` follows.
  public var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

  /// The line libxml2 recorded for the current node: for an element, the line on which its
  /// start tag ends (an end tag reports its element's line); the parser's current line when
  /// libxml2 kept none for the node.
  public var line: Int {
    if let node = xmlTextReaderCurrentNode(reader) {
      let line = xmlGetLineNo(node)
      if line > 0 { return Int(line) }
    }
    return Int(xmlTextReaderGetParserLineNumber(reader))
  }

  /// The attributes of the current element as (qualified name, value), in document order;
  /// namespace declarations (`xmlns:x`) come first, as libxml2 keeps them apart.
  ///
  /// - Throws: `XMLError.entityReference` when a value refers to a declared entity (reading
  ///   it would expand the entity).
  public func attributes() throws(XMLError) -> [(name: String, value: String)] {
    if let failure { throw failure }
    guard xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue),
      xmlTextReaderHasAttributes(reader) == 1
    else { return [] }
    let count = Int(xmlTextReaderAttributeCount(reader))
    var result: [(name: String, value: String)] = []
    result.reserveCapacity(count)
    defer { _ = xmlTextReaderMoveToElement(reader) }
    for index in 0..<count {
      // Reading a value leaves the cursor on its last part, from where libxml2 cannot step
      // to the next attribute, so each attribute is reached by its number.
      guard xmlTextReaderMoveToAttributeNo(reader, Int32(index)) == 1 else { break }
      let attributeName = name
      // Walking the value's parts, instead of asking libxml2 for the whole value, is what
      // keeps an entity reference from being expanded behind our back.
      var value = ""
      while xmlTextReaderReadAttributeValue(reader) == 1 {
        if xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue) {
          let entity = name
          _ = xmlTextReaderMoveToElement(reader)
          throw fail(.entityReference(source: source, line: line, name: entity))
        }
        value += Self.string(xmlTextReaderConstValue(reader)) ?? ""
      }
      result.append((attributeName, value))
    }
    return result
  }

  /// Whether the current node's local name is `name`, without making a String (for the hot
  /// loops of large documents).
  public func localNameIs(_ name: StaticString) -> Bool {
    guard let p = xmlTextReaderConstLocalName(reader) else { return false }
    return strcmp(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self), UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
  }

  /// Calls `body` with each attribute's qualified name and value as bytes (valid only during
  /// the call), in document order, without making Strings: the fast form of `attributes()`,
  /// refusing entity references the same way.
  public func forEachAttribute(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) throws(XMLError) {
    if let failure { throw failure }
    guard xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue),
      xmlTextReaderHasAttributes(reader) == 1
    else { return }
    let count = Int(xmlTextReaderAttributeCount(reader))
    defer { _ = xmlTextReaderMoveToElement(reader) }
    for index in 0..<count {
      guard xmlTextReaderMoveToAttributeNo(reader, Int32(index)) == 1 else { break }
      attributeName.removeAll(keepingCapacity: true)
      if let p = xmlTextReaderConstName(reader) { Self.append(p, to: &attributeName) }
      attributeValue.removeAll(keepingCapacity: true)
      while xmlTextReaderReadAttributeValue(reader) == 1 {
        if xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue) {
          let entity = name
          _ = xmlTextReaderMoveToElement(reader)
          throw fail(.entityReference(source: source, line: line, name: entity))
        }
        if let p = xmlTextReaderConstValue(reader) { Self.append(p, to: &attributeValue) }
      }
      attributeName.withUnsafeBufferPointer { n in attributeValue.withUnsafeBufferPointer { v in body(n, v) } }
    }
  }

  /// Reused by `forEachAttribute`.
  private var attributeName: [UInt8] = []
  private var attributeValue: [UInt8] = []

  private static func append(_ p: UnsafePointer<xmlChar>, to bytes: inout [UInt8]) {
    var i = 0
    while p[i] != 0 {
      bytes.append(p[i])
      i += 1
    }
  }

  /// The value of the attribute with qualified name `name` on the current element, if any.
  ///
  /// - Throws: as `attributes()`.
  public func attribute(_ name: String) throws(XMLError) -> String? {
    try attributes().first { $0.name == name }?.value
  }

  private static func string(_ text: UnsafePointer<xmlChar>?) -> String? {
    text.map { String(cString: $0) }
  }

  /// Records `error` as the reader's final state and returns it for throwing.
  private func fail(_ error: XMLError) -> XMLError {
    failure = error
    return error
  }
}

/// The stream a document is read from, as libxml2's read callback sees it, with the stream's
/// error kept for the reader to throw.
final class XMLInput {
  let stream: ByteStream
  /// The first error the stream threw; libxml2 only learns that reading failed.
  private(set) var error: PLError?
  private var atEnd = false

  init(stream: ByteStream) {
    self.stream = stream
  }

  /// Reads up to `length` bytes into libxml2's `buffer`; returns the count, 0 at the end,
  /// -1 on an error (kept in `error`).
  func read(into buffer: UnsafeMutablePointer<CChar>, _ length: Int32) -> Int32 {
    if error != nil { return -1 }
    if atEnd { return 0 }
    do {
      let count = try stream.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(length)))
      if count == 0 { atEnd = true }
      return Int32(count)
    } catch {
      self.error = error
      return -1
    }
  }

  /// Reads the stream to its end, discarding the bytes (the observers still see them).
  func drain() throws(PLError) {
    if let error { throw error }
    guard !atEnd else { return }
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { block.deallocate() }
    while !atEnd {
      do {
        if try stream.read(into: block) == 0 { atEnd = true }
      } catch {
        self.error = error
        throw error
      }
    }
  }
}
