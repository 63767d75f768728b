import PLCore
import PLXML

/// XML exports as a `RecordReader`: each occurrence of one repeating element is a record.
///
/// Instruments write runs as `<Run id="T2024-030"><Operator>…</Operator><Reading ts="…"
/// temp_F="355.9"/>…</Run>`. The document is streamed through libxml2's reader (see
/// `XMLReader` for how it is hardened against entity expansion, external entities and
/// network access), so a 1 GB export is read in constant memory: only the record being built
/// and the metadata above it are held.
///
/// The record element is `ReaderOptions.recordPath` (see `XMLRecordPath` for its syntax), or
/// else detected from a sample of the first 64 KiB (up to 1 MiB when nothing repeats in
/// 64 KiB): the outermost element that repeats under one parent, the most frequent of those
/// when several do. An element nested in a repeating element is a field of it, not a record
/// (a `<Reading>`'s three `<Value>` children are not three records). When nothing repeats,
/// the root element is the one record. The sample is parsed apart, then the document is
/// parsed again from its first byte over the sample and the rest of the stream.
///
/// A record's fields, all strings as printed (as in CSV), in document order, by local names
/// (namespace prefixes dropped, `xmlns` declarations skipped):
/// - its attributes: `ts`, `temp_F`;
/// - each child element's text under the child's name (`Operator`), its attributes as
///   `child.attribute`, and its own children flattened the same way (`Result.Value.unit`);
///   an element with attributes and no text gives only its attribute fields, an empty one
///   without attributes gives `""`; text between child elements (mixed content) is kept,
///   trimmed, when it is more than white space;
/// - a name already taken in the record is numbered: the second `Value` child is
///   `Value_2` (with its own fields under that name: `Value_2.unit`), the third `Value_3`;
///   a child `id` beside an attribute `id` is `id_2`. Flat keys, not arrays, so the records
///   load into tables as they are;
/// - last, the record element's own text, if it has any besides white space, under its name.
///
/// Provenance: `_pl.source`, `_pl.line` (the line where the record's start tag ends, which is
/// where it starts for the usual one-line tag), and `_pl.meta` when there is any: the
/// attributes of the record's ancestors and the leaf elements read before the records of
/// their parent, keyed by their path from the root (`Run.id`, `Run.Operator`,
/// `Run.Header.Instrument`). Elements outside records that come after records of their
/// parent (an `<Event>` between `<Reading>`s, a trailer) are skipped and counted in
/// `details` (`skipped_elements`, `skipped_element_names`).
///
/// Errors: a document that is not well-formed, or refers to a declared entity (even an
/// internal one: entities are never expanded), ends the reading with `PLError.malformed`
/// naming the source and line; the records handed out before it stand. A record holding
/// more than `maxRecordBytes` is refused the same way (the wrong record element, most likely).
/// libxml2 parses ahead of the reading position in 512-byte steps and stops at the first
/// error, so the records in the last few hundred bytes before the error do not come out.
public final class XMLRecordReader: RecordReader {
  public static let format = "xml"
  public static let extensions = ["xml"]

  /// The first bytes the record element is detected from.
  public static let sampleSize = 1 << 16
  /// How far the sample grows when nothing repeats in its first 64 KiB (a long header).
  public static let maxSampleSize = 1 << 20
  /// The most bytes of keys and values one record may hold: a larger one means the record
  /// element is wrong (the root of a 1 GB document), and holding it would not be streaming.
  public static let maxRecordBytes = 16 << 20
  /// The most members of `_pl.meta` one element outside the records contributes.
  public static let maxMetaMembers = 256
  /// The most distinct names of skipped elements reported.
  static let maxSkippedNames = 16

  /// Sure of `<?xml`, likely for `<` and a name; never for HTML, which the extractor refuses.
  public static func sniff(name: String, head: UnsafeBufferPointer<UInt8>) -> Confidence {
    switch XMLHead.kind(of: head) {
    case .declaredXML: .high
    case .xml: .medium
    case .html, .notMarkup: .no
    }
  }

  public let sourceName: String
  let xml: XMLReader
  let path: XMLRecordPath
  /// Why the record element is what it is: `given`, `detected`, or `root`.
  let reason: String
  /// Occurrences of the record element in the sample (detected paths only).
  let sampled: Int?
  let includeMeta: Bool
  let inheritedMeta: [Field]

  /// Elements open above the reading position, outside records.
  var frames: [Frame] = []
  /// The record being read, when inside one.
  var record: RecordBuilder?
  public private(set) var recordCount = 0
  var ended = false
  public private(set) var skippedElements = 0
  var skippedNames: [String] = []
  /// `_pl.meta` of the first record (for `details`), or of the document when it has none.
  var firstMeta: [Field]?
  /// The meta of the open frames, built again only when a frame changed.
  var metaCache: [Field]?

  /// An element outside the records that is open, with what it says for `_pl.meta`.
  struct Frame {
    var name: String
    /// Its path from the root, joined by dots: the prefix of its meta keys.
    var key: String
    /// Its attributes, and what its children outside records said, keyed by path.
    var meta: [Field] = []
    var text = ""
    var hasChildren = false
    var hasAttributes = false
    /// A record began inside it: later children are not metadata of those records.
    var sawRecord = false
  }

  /// Reads records from `input`, some of which may have been read already for sniffing.
  ///
  /// - Throws: `PLError.usage` when `options.recordPath` is not a path; `PLError.io` when
  ///   reading the sample fails; `PLError.internalError` when libxml2 cannot make a reader.
  public init(input: BlockBuffer, options: ReaderOptions) throws(PLError) {
    sourceName = input.source.name
    includeMeta = options.includeMeta
    inheritedMeta = options.inheritedMeta
    // A stream converted to UTF-8 before it got here (UTF-16) still declares its old
    // encoding; libxml2 must not believe the declaration.
    let transcoded = input.source is TranscodingStream
    if let given = options.recordPath {
      path = try XMLRecordPath(parsing: given)
      reason = "given"
      sampled = nil
    } else {
      while !input.eof && input.end - input.start < Self.sampleSize { try input.fill() }
      var detection = Self.detect(Array(input.bytes(input.start, input.end)), transcoded: transcoded)
      if detection == nil {
        while !input.eof && input.end - input.start < Self.maxSampleSize { try input.fill() }
        detection = Self.detect(Array(input.bytes(input.start, input.end)), transcoded: transcoded)
      }
      if let detection {
        path = .absolute(detection.path)
        reason = "detected"
        sampled = detection.count
      } else {
        path = .root
        reason = "root"
        sampled = nil
      }
    }
    let whole = PrefixedStream(prefix: Array(input.bytes(input.start, input.end)), rest: input.source)
    input.start = input.end
    do throws(XMLError) {
      xml = try XMLReader(stream: whole, ignoringDeclaredEncoding: transcoded)
    } catch {
      throw Self.plError(error, source: input.source.name)
    }
  }

  public var details: [Field] {
    var details = [
      Field("format", .string(Self.format)),
      Field("record_element", .string(path.description)),
      Field("record_element_reason", .string(reason)),
    ]
    if let sampled { details.append(Field("record_element_sampled", .integer(sampled))) }
    details.append(Field("record_count", .integer(recordCount)))
    details.append(Field("skipped_elements", .integer(skippedElements)))
    if !skippedNames.isEmpty { details.append(Field("skipped_element_names", .array(skippedNames.map { .string($0) }))) }
    if let meta = firstMeta ?? (frames.isEmpty ? nil : currentMeta()), !meta.isEmpty {
      details.append(Field("meta", .object(meta)))
    }
    return details
  }

  public func next() throws(PLError) -> Record? {
    if ended { return nil }
    do throws(XMLError) {
      while try xml.read() {
        switch xml.nodeType {
        case .element:
          if let done = try startElement() { return done }
        case .endElement:
          if let done = try endElement() { return done }
        case .text, .cdata:
          let text = xml.value ?? ""
          if record != nil {
            record!.text(text)
            try checkSize()
          } else if !frames.isEmpty && !frames[frames.count - 1].hasChildren {
            frames[frames.count - 1].text += text
          }
        case .other:
          continue
        }
      }
      ended = true
      if firstMeta == nil { firstMeta = [] }
      return nil
    } catch {
      ended = true
      throw Self.plError(error, source: sourceName)
    }
  }

  /// A start tag: a field of the record being read, a new record, or an element around them.
  func startElement() throws(XMLError) -> Record? {
    let name = xml.localName
    let empty = xml.isEmptyElement
    let attributes = try Self.fieldAttributes(xml.attributes())
    if record != nil {
      record!.start(name, attributes: attributes)
      if empty { record!.end() }
      try checkSize()
      return nil
    }
    if path.matches(frames.lazy.map(\.name), name) {
      record = RecordBuilder(name: name, line: xml.line, attributes: attributes)
      for i in frames.indices { frames[i].sawRecord = true }
      if empty { return finishRecord() }
      try checkSize()
      return nil
    }
    if !frames.isEmpty { frames[frames.count - 1].hasChildren = true }
    let key = frames.last.map { $0.key + "." + name } ?? name
    var frame = Frame(name: name, key: key, hasAttributes: !attributes.isEmpty)
    for (attribute, value) in attributes.prefix(Self.maxMetaMembers) {
      Self.add(Field(key + "." + attribute, .string(value)), to: &frame.meta)
    }
    frames.append(frame)
    metaCache = nil
    if empty { endFrame() }
    return nil
  }

  /// An end tag: of a field, of the record (which is then handed out), or of an element around.
  func endElement() throws(XMLError) -> Record? {
    if record != nil {
      if record!.depth > 0 {
        record!.end()
        return nil
      }
      return finishRecord()
    }
    if !frames.isEmpty { endFrame() }
    return nil
  }

  /// Closes the innermost element outside the records: what it said goes to its parent's
  /// meta when no record of that parent has been read yet, or it is skipped.
  func endFrame() {
    var frame = frames.removeLast()
    metaCache = nil
    guard !frame.sawRecord, !frames.isEmpty else { return }
    if !frame.hasChildren && (!frame.text.isEmpty || !frame.hasAttributes) {
      frame.meta.insert(Field(frame.key, .string(frame.text)), at: 0)
    }
    if frames[frames.count - 1].sawRecord {
      skippedElements += 1
      if skippedNames.count < Self.maxSkippedNames && !skippedNames.contains(frame.name) { skippedNames.append(frame.name) }
      return
    }
    for field in frame.meta where frames[frames.count - 1].meta.count < Self.maxMetaMembers {
      Self.add(field, to: &frames[frames.count - 1].meta)
    }
  }

  /// Appends `field` to `meta`, as `key_2` (`_3`, …) when the key is taken.
  static func add(_ field: Field, to meta: inout [Field]) {
    var key = field.key
    var n = 1
    while meta.contains(where: { $0.key == key }) {
      n += 1
      key = field.key + "_\(n)"
    }
    meta.append(Field(key, field.value))
  }

  func currentMeta() -> [Field] {
    if let metaCache { return metaCache }
    let meta = inheritedMeta + frames.flatMap(\.meta)
    metaCache = meta
    return meta
  }

  func finishRecord() -> Record {
    guard var builder = record else { return Record() }
    record = nil
    recordCount += 1
    var out = Record(builder.fields())
    let meta = currentMeta()
    if firstMeta == nil { firstMeta = meta }
    if includeMeta {
      out.setProvenance(source: sourceName, line: builder.line)
      if !meta.isEmpty { out.meta.append(Field("meta", .object(meta))) }
    }
    return out
  }

  /// Refuses a record grown past `maxRecordBytes`.
  func checkSize() throws(XMLError) {
    guard let record, record.bytes > Self.maxRecordBytes else { return }
    throw XMLError.malformed(
      source: sourceName, line: record.line, column: nil,
      message: "the <\(record.name)> record starting here holds more than \(Self.maxRecordBytes >> 20) MiB "
        + "(is it the repeating element? --record-path names the one to read)")
  }

  /// Attributes as fields: local names, namespace declarations left out.
  static func fieldAttributes(_ attributes: [(name: String, value: String)]) -> [(String, String)] {
    attributes.compactMap { attribute in
      if attribute.name == "xmlns" || attribute.name.hasPrefix("xmlns:") { return nil }
      return (localName(attribute.name), attribute.value)
    }
  }

  static func localName(_ name: String) -> String {
    // By bytes: a search by characters costs more than the rest of an attribute's handling.
    guard let colon = name.utf8.lastIndex(of: UInt8(ascii: ":")) else { return name }
    return String(name[name.utf8.index(after: colon)...])
  }

  static func plError(_ error: XMLError, source: String) -> PLError {
    switch error {
    case .stream(let error):
      return error
    case .cannotOpen(let source, let message):
      return .internalError("\(source): \(message)")
    case .malformed(let source, let line, let column, let message):
      return .malformed(source: source, location: column.map { .lineColumn(line, $0) } ?? .line(line), message: message)
    case .entityReference(let source, let line, let name):
      return .malformed(
        source: source, location: .line(line),
        message: "refused: reference to the entity &\(name); (entities are not expanded, to resist entity-expansion and external-entity attacks)")
    }
  }

  // MARK: Detecting the record element

  /// The path and sample count of the outermost element that repeats under one parent, the
  /// most frequent of those; nil when nothing in `sample` repeats.
  static func detect(_ sample: [UInt8], transcoded: Bool) -> (path: [String], count: Int)? {
    guard let reader = try? XMLReader(stream: MemoryStream(sample, name: "sample"), ignoringDeclaredEncoding: transcoded) else {
      return nil
    }
    struct Seen {
      var path: [String]
      var count = 0
      var repeats = false
      var order: Int
    }
    var seen: [String: Seen] = [:]
    // The open elements: their path key and how often each child path occurred under them.
    var open: [(key: String, children: [String: Int])] = []
    // The end of the sample cuts the document: the first error ends the sample, nothing more.
    while (try? reader.read()) == true {
      switch reader.nodeType {
      case .element:
        let name = reader.localName
        let key = (open.last?.key ?? "") + "/" + name
        if seen[key] == nil { seen[key] = Seen(path: (seen[open.last?.key ?? ""]?.path ?? []) + [name], order: seen.count) }
        seen[key]!.count += 1
        if !open.isEmpty {
          open[open.count - 1].children[key, default: 0] += 1
          if open[open.count - 1].children[key]! > 1 { seen[key]!.repeats = true }
        }
        if !reader.isEmptyElement { open.append((key, [:])) }
      case .endElement:
        if !open.isEmpty { open.removeLast() }
      default:
        continue
      }
    }
    let repeating = seen.filter { $0.value.repeats }
    let outermost = repeating.filter { candidate in
      !repeating.keys.contains { candidate.key.hasPrefix($0 + "/") }
    }
    guard let best = outermost.values.max(by: { ($0.count, -$0.order) < ($1.count, -$1.order) }) else { return nil }
    return (best.path, best.count)
  }
}

/// The fields of one record as its elements are read.
struct RecordBuilder {
  /// The record element's local name and the line it starts on.
  let name: String
  let line: Int
  /// Keys and values in document order; a nil value is a slot kept for an element's text
  /// that it may turn out not to have.
  var entries: [(key: String, value: String?)] = []
  /// Every key given out, slots included, once the record has 16 entries (before, `entries`
  /// is searched): a later key with the same name is numbered.
  var taken = Set<String>()
  /// The last number given to each key that clashed.
  var numbered: [String: Int] = [:]
  /// The record element and the elements open inside it.
  var open: [Open] = []
  /// Bytes of keys and values so far.
  var bytes = 0

  struct Open {
    /// The key of the element's text, and the prefix of its attributes' and children's.
    var key: String
    var slot: Int
    var text = ""
    var hasChildren = false
    var hasAttributes: Bool
  }

  init(name: String, line: Int, attributes: [(String, String)]) {
    self.name = name
    self.line = line
    for (attribute, value) in attributes { add(attribute, value) }
    open.append(Open(key: name, slot: -1, hasAttributes: !attributes.isEmpty))
  }

  /// How deep inside the record element the reader is (0: directly in it).
  var depth: Int { open.count - 1 }

  /// The prefix of the keys of the innermost open element's attributes and children: none
  /// for the record element itself.
  var prefix: String { open.count == 1 ? "" : open[open.count - 1].key + "." }

  /// Adds `key` (numbered `key_2`, `key_3`, … when taken) with `value`; returns the key used.
  @discardableResult
  mutating func add(_ key: String, _ value: String?) -> String {
    var unique = key
    if !take(key) {
      // Numbered from where the last clash of this key stopped: a record of 10,000 `<v>`
      // children costs 10,000 steps, not 50 million.
      var n = numbered[key, default: 1]
      repeat {
        n += 1
        unique = key + "_\(n)"
      } while !take(unique)
      numbered[key] = n
    }
    bytes += unique.utf8.count + (value?.utf8.count ?? 0)
    entries.append((unique, value))
    return unique
  }

  /// Marks `key` as given out; false when it already was. A few keys are compared one by one,
  /// which is cheaper than hashing them; the set takes over for larger records.
  mutating func take(_ key: String) -> Bool {
    if taken.isEmpty && entries.count < 16 {
      return !entries.contains { $0.key == key }
    }
    if taken.isEmpty { taken = Set(entries.map(\.key)) }
    return taken.insert(key).inserted
  }

  mutating func start(_ child: String, attributes: [(String, String)]) {
    open[open.count - 1].hasChildren = true
    let slot = entries.count
    let key = add(prefix + child, nil)
    for (attribute, value) in attributes { add(key + "." + attribute, value) }
    open.append(Open(key: key, slot: slot, hasAttributes: !attributes.isEmpty))
  }

  mutating func text(_ text: String) {
    bytes += text.utf8.count
    open[open.count - 1].text += text
  }

  /// Closes the innermost element: its text fills its slot, when it has one to give.
  mutating func end() {
    let element = open.removeLast()
    if element.hasChildren {
      let trimmed = element.text.trimmingXMLSpace()
      if !trimmed.isEmpty { entries[element.slot].value = trimmed }
    } else if !element.text.isEmpty || !element.hasAttributes {
      entries[element.slot].value = element.text
    }
  }

  /// The record's fields; the record element's own text, if any, last under its name.
  mutating func fields() -> [Field] {
    if let root = open.first {
      let trimmed = root.text.trimmingXMLSpace()
      if !trimmed.isEmpty { add(name, trimmed) }
    }
    return entries.compactMap { entry in entry.value.map { Field(entry.key, .string($0)) } }
  }
}

extension String {
  /// Without the XML white space (space, tab, CR, LF) at either end.
  func trimmingXMLSpace() -> String {
    let bytes = Array(utf8)
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
    if first == 0 && last == bytes.count - 1 { return self }
    return String(decoding: bytes[first...last], as: UTF8.self)
  }
}

/// Which elements are records (`--record-path`).
///
/// Syntax, with names compared without their namespace prefix:
/// - `Reading`: every `Reading` element, at any depth;
/// - `Run/Reading`: every `Reading` whose parent is a `Run`, at any depth;
/// - `/Run/Reading`: the `Reading` children of the root element `Run` (what detection
///   reports, so a `--detect` result can be given back).
/// An element inside a record is a field of it, never a record of its own.
public enum XMLRecordPath: Equatable, Sendable, CustomStringConvertible {
  case absolute([String])
  case relative([String])
  /// The root element: the whole document is one record.
  case root

  /// - Throws: `PLError.usage` when `text` has an empty step (`a//b`) or no name.
  public init(parsing text: String) throws(PLError) {
    let isAbsolute = text.hasPrefix("/")
    let steps = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst(isAbsolute ? 1 : 0)
    guard !steps.isEmpty, steps.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else {
      throw PLError.usage("--record-path \(text): not an element path (a name, `Run/Reading` or `/Run/Reading`)")
    }
    let names = steps.map { XMLRecordReader.localName(String($0)) }
    self = isAbsolute ? .absolute(names) : .relative(names)
  }

  public var description: String {
    switch self {
    case .absolute(let names): "/" + names.joined(separator: "/")
    case .relative(let names): names.joined(separator: "/")
    case .root: "/"
    }
  }

  /// Whether an element called `name` with ancestors `ancestors` (root first) is a record.
  func matches<C: Collection>(_ ancestors: C, _ name: String) -> Bool where C.Element == String {
    switch self {
    case .root:
      return ancestors.isEmpty
    case .absolute(let names):
      return names.count == ancestors.count + 1 && names.last == name && names.dropLast().elementsEqual(ancestors)
    case .relative(let names):
      guard names.last == name, ancestors.count >= names.count - 1 else { return false }
      return names.dropLast().elementsEqual(ancestors.suffix(names.count - 1))
    }
  }
}

/// What the first bytes of an input say about markup.
enum XMLHead {
  enum Kind {
    /// `<?xml` declaration, and no HTML root.
    case declaredXML
    /// Starts with `<` and an element name (after comments, a DOCTYPE).
    case xml
    /// HTML: a `<!DOCTYPE html>` or an `html` root.
    case html
    case notMarkup
  }

  /// Judges `head` (a UTF-8 byte-order mark, if any, is skipped here too).
  static func kind(of head: UnsafeBufferPointer<UInt8>) -> Kind {
    var i = 0
    if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { i = 3 }
    func skipSpace() { while i < head.count, isJSONSpace(head[i]) { i += 1 } }
    func startsHere(_ text: String) -> Bool {
      let bytes = Array(text.utf8)
      guard head.count - i >= bytes.count else { return false }
      return zip(head[i..<(i + bytes.count)], bytes).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }
    /// Moves past `terminator`; false when the head ends first.
    func skip(past terminator: String) -> Bool {
      let bytes = Array(terminator.utf8)
      while i + bytes.count <= head.count {
        if head[i..<(i + bytes.count)].elementsEqual(bytes) {
          i += bytes.count
          return true
        }
        i += 1
      }
      return false
    }
    skipSpace()
    guard i < head.count, head[i] == UInt8(ascii: "<") else { return .notMarkup }
    var declared = false
    if startsHere("<?xml") && i + 5 < head.count && (isJSONSpace(head[i + 5]) || head[i + 5] == UInt8(ascii: "?")) {
      declared = true
    }
    // Past the prolog: declaration, processing instructions, comments, the document type.
    while true {
      skipSpace()
      guard i < head.count else { return declared ? .declaredXML : .xml }
      guard head[i] == UInt8(ascii: "<") else { return declared ? .declaredXML : .notMarkup }
      if startsHere("<?") {
        guard skip(past: "?>") else { return declared ? .declaredXML : .xml }
      } else if startsHere("<!--") {
        guard skip(past: "-->") else { return declared ? .declaredXML : .xml }
      } else if startsHere("<!DOCTYPE") {
        i += 9
        skipSpace()
        if startsHere("html") && i + 4 < head.count && !isNameByte(head[i + 4]) { return .html }
        // An internal subset may hold `>` inside its declarations: it ends with `]`.
        var j = i
        while j < head.count && head[j] != UInt8(ascii: ">") && head[j] != UInt8(ascii: "[") { j += 1 }
        i = j
        if i < head.count && head[i] == UInt8(ascii: "[") {
          guard skip(past: "]") else { return declared ? .declaredXML : .xml }
        }
        guard skip(past: ">") else { return declared ? .declaredXML : .xml }
      } else {
        i += 1
        guard i < head.count, isNameStart(head[i]) else { return declared ? .declaredXML : .notMarkup }
        var j = i
        while j < head.count && isNameByte(head[j]) { j += 1 }
        let name = String(decoding: head[i..<j], as: UTF8.self)
        let local = name.split(separator: ":").last.map(String.init) ?? name
        if local.lowercased() == "html" { return .html }
        return declared ? .declaredXML : .xml
      }
    }
  }

  static func isNameStart(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
      || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b >= 0x80
  }

  static func isNameByte(_ b: UInt8) -> Bool {
    isNameStart(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
  }
}
