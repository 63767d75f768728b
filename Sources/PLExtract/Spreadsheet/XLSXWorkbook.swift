#if canImport(Glibc)
  import Glibc
#endif
import PLArchive
import PLCore
import PLXML

/// What an XLSX workbook says about its sheets, before any of their rows is read: the sheets
/// in order with their part names and visibility, the date system, the number format of each
/// cell style, the shared strings, and each sheet's merged cells.
///
/// Made by one pass over the zip (see `WorkbookPackage`): the parts it needs are kept by name
/// whatever their order (the relationships, the workbook, and every part named like the
/// shared strings or the styles, as all writers name them); a part a relationship names
/// otherwise is fetched in a second pass. The other XML parts are scanned, not parsed, for
/// `<mergeCells>`, which a worksheet lists after its rows.
///
/// Memory: the shared strings (as text) and the styles, never a sheet's rows.
struct XLSXWorkbook {
  struct Sheet: Equatable {
    var name: String
    /// The worksheet's part name as `WorkbookPackage.partKey` gives it; nil for a chart
    /// sheet or a missing relationship (no cells to read).
    var part: String?
    var hidden: Bool
  }

  var sheets: [Sheet] = []
  var date1904 = false
  /// How each cell style (`s`, an index into `cellXfs`) shows numbers.
  var styles: [NumberDisplay] = []
  var sharedStrings: [String] = []
  /// Merged ranges by worksheet part.
  var merges: [String: [CellRange]] = [:]

  static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

  /// Reads the workbook's small parts from `package`.
  ///
  /// - Throws: `PLError.malformed` naming the workbook when the zip is damaged, the workbook
  ///   part is missing (a zip or a document of another kind) or a part is not well-formed.
  init(package: WorkbookPackage) throws(PLError) {
    var kept: [String: [UInt8]] = [:]
    var members: Set<String> = []
    let reader = try package.open()
    while let entry = try package.next(reader) {
      guard entry.isRegularFile else { continue }
      let key = entry.partKey
      members.insert(key)
      if Self.keeps(key) {
        kept[key] = try package.readMember(reader, entry)
      } else if key.hasSuffix(".xml") {
        if let ranges = try Self.scanMerges(reader, entry, package: package) { merges[key] = ranges }
      }
    }
    let name = package.name
    // The workbook part: named by the package's relationships, `xl/workbook.xml` by default.
    var workbookPath = "xl/workbook.xml"
    if let rels = kept["_rels/.rels"] {
      let relationships = try Self.relationships(rels, part: "_rels/.rels", workbook: name)
      if let main = relationships.first(where: { $0.type.hasSuffix("/officeDocument") }) {
        workbookPath = WorkbookPackage.partKey(WorkbookPackage.resolve(main.target, from: ""))
      }
    }
    // A part a relationship names that the first pass did not keep is fetched by name.
    var wanted: [String] = []
    func fetch(_ parts: [String]) throws(PLError) {
      let missing = parts.filter { kept[$0] == nil && members.contains($0) }
      guard !missing.isEmpty else { return }
      let again = try package.open()
      while let entry = try package.next(again) {
        if missing.contains(entry.partKey) { kept[entry.partKey] = try package.readMember(again, entry) }
      }
    }
    try fetch([workbookPath, WorkbookPackage.relsPath(of: workbookPath)])
    guard let workbookBytes = kept[workbookPath] else {
      throw PLError.malformed(
        source: name, location: nil,
        message: members.isEmpty
          ? "not a readable workbook: the zip has no members"
          : "not an XLSX workbook: the zip has no workbook part (\(workbookPath))")
    }
    let relsPath = WorkbookPackage.relsPath(of: workbookPath)
    let relationships = try kept[relsPath].map { rels throws(PLError) in try Self.relationships(rels, part: relsPath, workbook: name) } ?? []
    func target(ofType suffix: String) -> String? {
      relationships.first { $0.type.hasSuffix(suffix) }.map { WorkbookPackage.partKey(WorkbookPackage.resolve($0.target, from: workbookPath)) }
    }
    let stylesPath = target(ofType: "/styles")
    let stringsPath = target(ofType: "/sharedStrings")
    wanted = [stylesPath, stringsPath].compactMap { $0 }
    try fetch(wanted)

    try readWorkbook(workbookBytes, part: workbookPath, relationships: relationships, name: name)
    if let stylesPath, let bytes = kept[stylesPath] { try readStyles(bytes, part: stylesPath, name: name) }
    if let stringsPath, let bytes = kept[stringsPath] { try readSharedStrings(bytes, part: stringsPath, name: name) }
    // Drop merges of parts that are no worksheet of this workbook.
    let sheetParts = Set(sheets.compactMap(\.part))
    merges = merges.filter { sheetParts.contains($0.key) }
  }

  /// Parts kept in the first pass: relationships, content types, and the parts named like a
  /// workbook, shared strings or styles.
  static func keeps(_ key: String) -> Bool {
    if key.hasSuffix(".rels") || key == "[content_types].xml" { return true }
    guard key.hasSuffix(".xml") else { return false }
    let file = key.split(separator: "/").last ?? ""
    return file.hasPrefix("workbook") || file.hasPrefix("sharedstrings") || file.hasPrefix("styles")
  }

  struct Relationship {
    var id: String
    var type: String
    var target: String
    var external: Bool
  }

  static func xml(_ bytes: [UInt8], part: String, workbook: String) throws(PLError) -> XMLReader {
    do throws(XMLError) {
      return try XMLReader(bytes: bytes, name: "\(workbook)!\(part)")
    } catch {
      throw xmlError(error)
    }
  }

  static func xmlError(_ error: XMLError) -> PLError {
    switch error {
    case .stream(let e): return WorkbookPackage.damaged(e, workbook: "")
    case .malformed(let source, let line, _, let message):
      return .malformed(source: source, location: .line(line), message: "not well-formed XML: \(message)")
    case .entityReference(let source, let line, let name):
      return .malformed(source: source, location: .line(line), message: "refused: reference to the entity &\(name); (entities are never expanded)")
    case .cannotOpen(let source, let message):
      return .malformed(source: source, location: nil, message: message)
    }
  }

  /// Calls `body` for each element start of `reader` with its local name; text goes to `text`.
  static func walk(
    _ reader: XMLReader, element: (String) throws(PLError) -> Void, end: (String) throws(PLError) -> Void = { _ in },
    text: (String) -> Void = { _ in }
  ) throws(PLError) {
    do {
      while try reader.advance() {
        switch reader.nodeType {
        case .element:
          let name = reader.localName
          try element(name)
          if reader.isEmptyElement { try end(name) }
        case .endElement:
          try end(reader.localName)
        case .text, .cdata:
          text(reader.value ?? "")
        case .other:
          break
        }
      }
    }
  }

  /// The attributes of the element `reader` is on, by local name.
  static func attributes(_ reader: XMLReader) throws(PLError) -> [String: String] {
    do throws(XMLError) {
      var result: [String: String] = [:]
      for (name, value) in try reader.attributes() {
        let local = name.split(separator: ":").last.map(String.init) ?? name
        if name.hasPrefix("xmlns") { continue }
        result[local] = value
      }
      return result
    } catch {
      throw xmlError(error)
    }
  }

  static func relationships(_ bytes: [UInt8], part: String, workbook: String) throws(PLError) -> [Relationship] {
    let reader = try xml(bytes, part: part, workbook: workbook)
    var result: [Relationship] = []
    try walk(reader) { (name: String) throws(PLError) in
      guard name == "Relationship" else { return }
      let a = try attributes(reader)
      result.append(
        Relationship(id: a["Id"] ?? "", type: a["Type"] ?? "", target: a["Target"] ?? "", external: a["TargetMode"] == "External"))
    }
    return result
  }

  mutating func readWorkbook(_ bytes: [UInt8], part: String, relationships: [Relationship], name: String) throws(PLError) {
    let reader = try Self.xml(bytes, part: part, workbook: name)
    var found: [Sheet] = []
    var date1904 = false
    try Self.walk(reader) { (element: String) throws(PLError) in
      switch element {
      case "workbookPr":
        let value = try Self.attributes(reader)["date1904"]
        date1904 = value == "1" || value == "true"
      case "sheet":
        let a = try Self.attributes(reader)
        let id = a["id"] ?? ""
        let relationship = relationships.first { $0.id == id }
        let isWorksheet = relationship.map { $0.type.hasSuffix("/worksheet") && !$0.external } ?? false
        let partName = isWorksheet ? relationship.map { WorkbookPackage.partKey(WorkbookPackage.resolve($0.target, from: part)) } : nil
        let state = a["state"] ?? "visible"
        found.append(Sheet(name: a["name"] ?? "Sheet\(found.count + 1)", part: partName, hidden: state != "visible"))
      default:
        break
      }
    }
    sheets = found
    self.date1904 = date1904
  }

  mutating func readStyles(_ bytes: [UInt8], part: String, name: String) throws(PLError) {
    let reader = try Self.xml(bytes, part: part, workbook: name)
    var codes: [Int: NumberDisplay] = [:]
    var displays: [NumberDisplay] = []
    var inCellXfs = false
    try Self.walk(
      reader,
      element: { (element: String) throws(PLError) in
        switch element {
        case "numFmt":
          let a = try Self.attributes(reader)
          if let id = a["numFmtId"].flatMap({ Int($0) }), let code = a["formatCode"] { codes[id] = NumberDisplay.of(code: code) }
        case "cellXfs":
          inCellXfs = true
        case "xf" where inCellXfs:
          let id = try Self.attributes(reader)["numFmtId"].flatMap { Int($0) } ?? 0
          displays.append(codes[id] ?? NumberDisplay.builtIn(id))
        default:
          break
        }
      },
      end: { (element: String) throws(PLError) in
        if element == "cellXfs" { inCellXfs = false }
      })
    styles = displays
  }

  mutating func readSharedStrings(_ bytes: [UInt8], part: String, name: String) throws(PLError) {
    let reader = try Self.xml(bytes, part: part, workbook: name)
    var strings: [String] = []
    var current = ""
    var inText = false
    var phonetic = 0
    try Self.walk(
      reader,
      element: { (element: String) throws(PLError) in
        switch element {
        case "si": current = ""
        case "t": inText = phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
      },
      end: { (element: String) throws(PLError) in
        switch element {
        case "si": strings.append(CellText.unescapeOOXML(current))
        case "t": inText = false
        case "rPh": phonetic -= 1
        default: break
        }
      },
      text: { text in if inText { current += text } })
    sharedStrings = strings
  }

  /// The merged ranges of the current member of `reader`, read to its end: found by
  /// searching its bytes for `mergeCells`, then reading that element alone as XML.
  static func scanMerges(_ reader: ArchiveReader, _ entry: ArchiveEntry, package: WorkbookPackage) throws(PLError) -> [CellRange]? {
    guard let stream = reader.memberStream() else { return nil }
    let blockSize = 1 << 18
    let marker = Array("mergeCells".utf8)
    // Bytes from the `<` of `<mergeCells` (or `<x:mergeCells`) on, once found.
    var captured: [UInt8]?
    var window: [UInt8] = []
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
    defer { block.deallocate() }
    while true {
      let n: Int
      do throws(PLError) { n = try stream.read(into: block) } catch { throw WorkbookPackage.damaged(error, workbook: package.name) }
      if n == 0 { break }
      let chunk = UnsafeRawBufferPointer(rebasing: block[0..<n])
      if captured != nil {
        captured!.append(contentsOf: chunk)
        if captured!.count > WorkbookPackage.maxPartBytes {
          throw PLError.malformed(source: "\(package.name)!\(entry.pathname)", location: nil, message: "the list of merged cells is larger than \(WorkbookPackage.maxPartBytes >> 20) MiB")
        }
        continue
      }
      // The tail of the last block, so that a marker split between blocks is found.
      window.removeFirst(max(0, window.count - 64))
      let offset = window.count
      window.append(contentsOf: chunk)
      let found: Int? = window.withUnsafeBytes { w in
        var from = 0
        while from + marker.count <= w.count {
          guard let at = findBytes(marker, in: w, from: from) else { return nil }
          // `<mergeCells` or `<prefix:mergeCells`: walk back to the `<`.
          var lt = at - 1
          while lt >= 0 && w[lt] != UInt8(ascii: "<") && w[lt] != UInt8(ascii: ">") && at - lt < 32 { lt -= 1 }
          if lt >= 0 && w[lt] == UInt8(ascii: "<") && (lt == at - 1 || w[at - 1] == UInt8(ascii: ":")) { return lt }
          from = at + 1
        }
        return nil
      }
      if let found {
        captured = Array(window[found...])
      } else if window.count > offset + 64 {
        window = Array(window.suffix(64))
      }
    }
    guard let bytes = captured else { return nil }
    // The element alone: from its start to its end tag (or to its own `/>`).
    let closeName = Array("mergeCells>".utf8)
    var end = bytes.count
    if let firstGT = bytes.firstIndex(of: UInt8(ascii: ">")), firstGT > 0, bytes[firstGT - 1] == UInt8(ascii: "/") {
      end = firstGT + 1
    } else if let close = bytes.withUnsafeBytes({ b -> Int? in
      var from = 1
      while from < b.count {
        guard let at = findBytes(closeName, in: b, from: from) else { return nil }
        // `</mergeCells>` or `</x:mergeCells>`
        var k = at - 1
        while k > 0 && b[k] != UInt8(ascii: "<") && at - k < 32 { k -= 1 }
        if k >= 0 && k + 1 < b.count && b[k] == UInt8(ascii: "<") && b[k + 1] == UInt8(ascii: "/") { return at + closeName.count }
        from = at + 1
      }
      return nil
    }) {
      end = close
    }
    let element = bytes[..<end]
    // A prefix the element uses is declared on a wrapper, as it was on the worksheet.
    var prefix = ""
    if let colon = element.prefix(40).firstIndex(of: UInt8(ascii: ":")), let space = element.firstIndex(where: { $0 == 0x20 || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "/") }), colon < space {
      prefix = String(decoding: element[1..<colon], as: UTF8.self)
    }
    var wrapped = Array("<w xmlns=\"\(mainNamespace)\"".utf8)
    if !prefix.isEmpty { wrapped += Array(" xmlns:\(prefix)=\"\(mainNamespace)\"".utf8) }
    wrapped += Array(">".utf8) + element + Array("</w>".utf8)
    let xml = try Self.xml(wrapped, part: entry.pathname, workbook: package.name)
    var ranges: [CellRange] = []
    try walk(xml) { (name: String) throws(PLError) in
      guard name == "mergeCell", let ref = try attributes(xml)["ref"], let range = CellRange(ref) else { return }
      // A one-cell "merge" merges nothing.
      if range.firstColumn != range.lastColumn || range.firstRow != range.lastRow { ranges.append(range) }
    }
    return ranges.isEmpty ? nil : ranges
  }
}

extension XMLReader {
  /// `read()` with the document's errors as the toolkit's (see `XLSXWorkbook.xmlError`).
  func advance() throws(PLError) -> Bool {
    do throws(XMLError) {
      return try read()
    } catch {
      throw XLSXWorkbook.xmlError(error)
    }
  }
}
