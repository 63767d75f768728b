#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Options for reading delimited text.
public struct CSVOptions: Sendable {
  /// The field separator; nil detects it.
  public var delimiter: UInt8? {
    get { overrides.delimiter }
    set { overrides.delimiter = newValue }
  }
  /// False when the table has no header row; keys are then the column numbers.
  public var header: Bool {
    get { overrides.headerRows != 0 }
    set { overrides.headerRows = newValue ? (overrides.headerRows == 0 ? nil : overrides.headerRows) : 0 }
  }
  /// Keep rows whose field count differs from the header: extra fields are keyed by their
  /// column number, missing ones are empty strings (Miller's --allow-ragged-csv-input).
  public var allowRagged = false
  /// Decisions given rather than detected (flags, or a replayed `--detect` report).
  public var overrides = DialectOverrides()
  /// The longest row read, in bytes.
  public var maxRowBytes = CSVReader.defaultMaxRowBytes

  public init(delimiter: UInt8? = nil, header: Bool = true, allowRagged: Bool = false) {
    self.allowRagged = allowRagged
    self.delimiter = delimiter
    self.header = header
  }
}

/// Writes the rows of a CSV/TSV source as NDJSON records, straight from the input bytes.
///
/// Values stay strings (typing is pl-clean's job). Each record carries `_pl.source` and
/// `_pl.line` (the line where the row starts). This is the hot path of `pl-extract file.csv`,
/// so keys are encoded once and values are escaped from the buffer without making Strings.
public final class CSVExtractor {
  let reader: CSVReader
  let options: CSVOptions
  let sourceName: String
  /// The keys of the header, then of extra columns seen in ragged rows.
  var keys: [String] = []
  /// How many fields a row should have: the header's (or first row's) count.
  var width = 0
  /// `"key":` for each key, JSON-encoded once, one after another; key i is at
  /// `keyOffsets[i]..<keyOffsets[i + 1]`.
  let encodedKeys = ByteBuffer(capacity: 256)
  var keyOffsets: [Int] = [0]
  /// `"_pl":{"source":"…","line":` for this source.
  /// A constant, so that writing it costs no reference counting per row.
  let metaPrefix: ByteBuffer
  /// Where in `out` the last row's `"_pl":` member began, when it has one.
  public private(set) var metaOffset = 0
  /// Holds a quoted field with its doubled quotes undone.
  let scratch = ByteBuffer(capacity: 256)
  public private(set) var recordCount = 0

  /// The largest preamble meta (encoded) that goes into every record; a larger one is only in
  /// the summary and `--detect`.
  public static let maxRecordMeta = 4096

  /// How the text is written, and what the sniffer made of it (nil when told everything).
  public let dialect: TextDialect
  public let report: SniffReport?
  /// `,"meta":{…}}}` and the newline, or `}}` and the newline: what ends every record.
  let metaSuffix: ByteBuffer
  /// Rows of only delimiters or spaces skipped inside the table.
  public private(set) var blankRows = 0
  /// Rows held back at the end of the table until it is known whether data follow them.
  var held: [HeldRow] = []
  /// Rows read but not yet written (held rows that turned out to be data, and the row after).
  var pending: [HeldRow] = []
  /// What the lines after the table said (`Records exported: 12`), and its other lines.
  public private(set) var footer = PreambleMeta()
  public private(set) var footerLines = 0
  let skipInitialSpace: Bool
  let trailingDelimiter: Bool

  /// A row as text, kept aside.
  struct HeldRow {
    var line: Int
    var fields: [String]
    /// Reads like a footer line: a few words short of the table's width, or a total.
    var footerLike = false
    /// The whole line, for a fixed-width table (whose columns do not split a footer line).
    var wholeLine: String?
  }

  /// Reads delimited text as `options` says, detecting what it does not say from the first
  /// bytes of `input` (already read, up to 64 KiB).
  ///
  /// - Parameter inheritedMeta: `_pl.meta` members from what held the input (an e-mail's
  ///   headers), written before the preamble's own.
  public init(input: BlockBuffer, sourceName: String, options: CSVOptions, inheritedMeta: [Field] = []) throws(PLError) {
    while !input.eof && input.end - input.start < (1 << 16) { try input.fill() }
    let report = DialectSniffer.sniff(input.bytes(input.start, input.end), complete: input.eof, overrides: options.overrides)
    self.report = report
    dialect = report.dialect
    reader = CSVReader(input: input, dialect: dialect, detected: options.overrides.delimiter == nil)
    reader.sourceName = sourceName
    reader.maxRowBytes = options.maxRowBytes
    skipInitialSpace = dialect.skipInitialSpace
    trailingDelimiter = dialect.trailingDelimiter
    self.options = options
    self.sourceName = sourceName
    metaPrefix = ByteBuffer(capacity: 64)
    metaPrefix.append("\"_pl\":{\"source\":" as StaticString)
    JSONWriter.writeString(sourceName, to: metaPrefix)
    metaPrefix.append(",\"line\":" as StaticString)
    metaSuffix = ByteBuffer(capacity: 64)
    // Inherited members first; a preamble key that repeats one gets `_2`.
    var merged = PreambleMeta(fields: inheritedMeta)
    for field in report.meta { merged.add(field.key, field.value.stringValue ?? "") }
    if !merged.fields.isEmpty {
      let meta = ByteBuffer(capacity: 256)
      meta.append(",\"meta\":" as StaticString)
      JSONWriter.writeValue(.object(merged.fields), to: meta)
      if meta.count <= Self.maxRecordMeta { metaSuffix.append(meta.bytes) }
    }
    metaSuffix.append("}}\n" as StaticString)
    hasInheritedMeta = !inheritedMeta.isEmpty
  }

  let hasInheritedMeta: Bool

  /// True when the preamble's meta was too large to repeat in every record.
  public var metaLeftOutOfRecords: Bool {
    guard let report, !report.meta.isEmpty || hasInheritedMeta else { return false }
    return metaSuffix.count <= 3
  }

  /// The delimiter used, and whether it was detected.
  public var delimiter: UInt8 { reader.delimiter }
  public var delimiterDetected: Bool { reader.delimiterDetected }
  public var headerKeys: [String] { keys }
  /// The 1-based line where the row last read starts.
  public var rowLine: Int { reader.rowLine }

  /// Reads the header row (when there is one). Must be called once before `writeNext`.
  ///
  /// - Returns: false when the input holds no rows at all.
  public func readHeader() throws(PLError) -> Bool {
    guard try reader.skipLines(dialect.tableLine - 1) else { return false }
    guard dialect.headerRows > 0 else { return true }
    var rows: [[String]] = []
    while rows.count < dialect.headerRows, try reader.nextRow() {
      var names: [String] = []
      for span in reader.spans {
        names.append(try text(of: span, field: names.count + 1))
      }
      rows.append(names)
    }
    guard !rows.isEmpty else { return false }
    var names = HeaderNames.join(rows, trailingDelimiter: trailingDelimiter)
    // A header one field off the rows: a delimiter after the last name only (its empty name
    // goes), a delimiter after every data row only (their empty last field goes), or a first
    // column of row names without a name (it gets its number).
    if let report, dialect.headerRows == 1, dialect.fixedWidth == nil, let raw = rows.first, report.tableWidth >= 2 {
      let rawCount = trailingDelimiter && raw.count >= 2 && raw.last == "" ? raw.count - 1 : raw.count
      if rawCount == report.tableWidth + 1 && raw[rawCount - 1].isEmpty {
        names.removeLast()
      } else if rawCount + 1 == report.tableWidth {
        if report.dataLastFieldEmpty {
          dataTrailingDelimiter = true
        } else if report.dataHasRowNames {
          names = CSVHeader.keys(from: [""] + raw.prefix(rawCount))
        }
      }
    }
    setKeys(names)
    return true
  }

  /// Every data row (not the header) ends with a delimiter: its empty last field is no column.
  var dataTrailingDelimiter = false

  func setKeys(_ newKeys: [String]) {
    keys = newKeys
    width = newKeys.count
    encodedKeys.removeAll()
    keyOffsets = [0]
    for key in newKeys {
      JSONWriter.writeString(key, to: encodedKeys)
      encodedKeys.append(UInt8(ascii: ":"))
      keyOffsets.append(encodedKeys.count)
    }
  }

  /// Writes the next row as one NDJSON line into `out`; false at the end of the input.
  ///
  /// - Throws: `PLError.malformed` for a row whose field count differs from the header
  ///   (unless ragged rows are allowed), invalid UTF-8 or a NUL byte, naming the line.
  @inline(__always)
  public func writeNext(to out: ByteBuffer, includeMeta: Bool) throws(PLError) -> Bool {
    while true {
      if !pending.isEmpty {
        try write(pending.removeFirst(), to: out, includeMeta: includeMeta)
        return true
      }
      guard try reader.nextRow() else {
        // Rows held back at the end of the input are its footer, from the last one that
        // could not be a footer line on; the rows up to that one are data (or errors).
        guard !held.isEmpty else { return false }
        let data = (held.lastIndex { !$0.footerLike } ?? -1) + 1
        for row in held[data...] { footer.add(cells: row.wholeLine.map { [$0] } ?? row.fields) }
        footerLines += held.count - data
        pending = Array(held[..<data])
        held.removeAll()
        if pending.isEmpty { return false }
        continue
      }
      let spans = reader.spans
      var count = spans.count
      if (trailingDelimiter || dataTrailingDelimiter) && count == width + 1 && spans[count - 1].start == spans[count - 1].end { count -= 1 }
      // Without a header the first row sets the width: later rows are held to it like rows
      // under a header (extra fields of ragged rows get their column numbers all the same).
      if width == 0 && dialect.headerRows == 0 { setKeys(CSVHeader.numbered(count)) }
      if count != width || mayBeFooter(spans, count) {
        if isBlankRow(count) {
          blankRows += 1
          continue
        }
        if count != width || isFooterText() {
          // Not data, or the first row of a footer: known once the next row is.
          held.append(try heldRow(count))
          if held.count > 64 {
            pending = held
            held.removeAll()
          }
          continue
        }
      }
      if !held.isEmpty {
        pending = held + [try heldRow(count)]
        held.removeAll()
        continue
      }
      try writeRow(spans, count: count, to: out, includeMeta: includeMeta)
      return true
    }
  }

  /// Writes the row the reader holds, of `count` fields, as one NDJSON line.
  @inline(__always)
  func writeRow(_ spans: [CSVSpan], count: Int, to out: ByteBuffer, includeMeta: Bool) throws(PLError) {
    if count != width {
      guard options.allowRagged else { throw fieldCountError(count, line: reader.rowLine) }
      if count > keys.count { addExtraKeys(upTo: count) }
    }
    out.append(UInt8(ascii: "{"))
    for i in 0..<count {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(encodedKey(i))
      var span = spans[i]
      if skipInitialSpace && i > 0 {
        while span.start < span.end && reader.base[span.start] == 0x20 { span.start += 1 }
      }
      try writeValue(span, field: i + 1, to: out)
    }
    if count < width {
      for i in count..<width {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        out.append(encodedKey(i))
        out.append("\"\"" as StaticString)
      }
    }
    finishRecord(line: reader.rowLine, fields: max(count, width), to: out, includeMeta: includeMeta)
  }

  @inline(__always)
  func finishRecord(line: Int, fields: Int, to out: ByteBuffer, includeMeta: Bool) {
    if includeMeta {
      if fields > 0 || !keys.isEmpty { out.append(UInt8(ascii: ",")) }
      metaOffset = out.count
      out.append(metaPrefix.bytes)
      out.append(decimal: line)
      out.append(metaSuffix.bytes)
    } else {
      out.append("}\n" as StaticString)
    }
    recordCount += 1
  }

  /// Writes a row kept aside as text.
  func write(_ row: HeldRow, to out: ByteBuffer, includeMeta: Bool) throws(PLError) {
    let count = row.fields.count
    if count != width {
      guard options.allowRagged else { throw fieldCountError(count, line: row.line) }
      if count > keys.count { addExtraKeys(upTo: count) }
    }
    out.append(UInt8(ascii: "{"))
    for i in 0..<max(count, width) {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(encodedKey(i))
      JSONWriter.writeString(i < count ? row.fields[i] : "", to: out)
    }
    finishRecord(line: row.line, fields: max(count, width), to: out, includeMeta: includeMeta)
  }

  /// The row the reader holds, as text (checked like values).
  func heldRow(_ count: Int) throws(PLError) -> HeldRow {
    var fields: [String] = []
    for i in 0..<count {
      var span = reader.spans[i]
      if skipInitialSpace && i > 0 {
        while span.start < span.end && reader.base[span.start] == 0x20 { span.start += 1 }
      }
      fields.append(try text(of: span, field: i + 1))
    }
    // `Key: value` in the first field and little else; a first field like a row's (`C`, `S-12`)
    // makes a short row data cut short, not a footer.
    let filled = fields.filter { !$0.isEmpty }
    let footerLike =
      startsWithFooterWord(reader.spans)
      || (count <= width && filled.count <= 2 && filled.first.map { PreambleMeta.split($0) != nil } == true)
    var row = HeldRow(line: reader.rowLine, fields: fields, footerLike: footerLike)
    if dialect.fixedWidth != nil, let range = reader.lastLineRange {
      row.wholeLine = String(decoding: UnsafeBufferPointer(start: reader.base + range.lowerBound, count: range.count), as: UTF8.self)
      row.footerLike = row.footerLike || fields.filter({ !$0.isEmpty }).count <= 2
    }
    return row
  }

  /// A blank row, a row with only its first field filled (in a table of three or more
  /// columns), or one whose first field opens a total or an end: a footer perhaps.
  @inline(__always)
  func mayBeFooter(_ spans: [CSVSpan], _ count: Int) -> Bool {
    var i = 1
    while i < count && spans[i].start == spans[i].end { i += 1 }
    if i == count {
      return count == 0 || spans[0].start == spans[0].end || width >= 3
    }
    if spans[0].start < spans[0].end {
      let b = reader.base[spans[0].start]
      // A rule under the header or above a total.
      if b == UInt8(ascii: "-") || b == UInt8(ascii: "=") || b == UInt8(ascii: "_") || b == UInt8(ascii: "*") { return true }
    }
    return startsWithFooterWord(spans)
  }

  /// Footer words a first field may open with (lower case), each followed by its end, a space
  /// or `:`. `startsWithFooterWord` checks their first three letters first (tot, sum, ges, end,
  /// rec, anz): keep the two lists together.
  static let footerWords: [[UInt8]] = ["total", "totals", "sum", "summe", "gesamt", "end of", "ende", "records", "anzahl"].map { Array($0.utf8) }

  @inline(__always)
  func startsWithFooterWord(_ spans: [CSVSpan]) -> Bool {
    guard let first = spans.first, first.end - first.start >= 3 else { return false }
    // Three bytes decide for almost every row; only a match reads the words.
    let base = reader.base
    let prefix = UInt32(base[first.start] | 0x20) << 16 | UInt32(base[first.start + 1] | 0x20) << 8 | UInt32(base[first.start + 2] | 0x20)
    guard prefix == 0x74_6F_74 || prefix == 0x73_75_6D || prefix == 0x67_65_73 || prefix == 0x65_6E_64 || prefix == 0x72_65_63
      || prefix == 0x61_6E_7A
    else { return false }
    let bytes = reader.bytes(of: first)
    words: for word in Self.footerWords where bytes.count >= word.count {
      for k in 0..<word.count where bytes[k] | 0x20 != word[k] && !(word[k] == 0x20 && bytes[k] == 0x20) { continue words }
      if bytes.count == word.count { return true }
      let next = bytes[word.count]
      if next == 0x20 || next == UInt8(ascii: ":") { return true }
    }
    return false
  }

  /// The row is blank: no field holds anything but spaces.
  func isBlankRow(_ count: Int) -> Bool {
    // `""` is a value, empty but given.
    if reader.lastRowQuoted { return false }
    var blank = true
    for span in reader.spans where span.start < span.end {
      for p in span.start..<span.end where reader.base[p] != 0x20 && reader.base[p] != 0x09 { blank = false }
    }
    return blank || SampleRows.isRule(reader.spans.prefix(count).map { reader.bytes(of: $0) }, count: count)
  }

  /// The row reads like a footer line: `Key: value` alone in its first field, or a total.
  func isFooterText() -> Bool {
    if startsWithFooterWord(reader.spans) { return true }
    let spans = reader.spans
    guard let first = spans.first, first.start < first.end else { return false }
    guard spans.dropFirst().allSatisfy({ $0.start == $0.end }) else { return false }
    return PreambleMeta.split(String(decoding: reader.bytes(of: first), as: UTF8.self)) != nil
  }

  /// The error for a row of `count` fields under a header (or first row) of `width`.
  ///
  /// Rows wider than a one-field header most often mean the delimiter is not the one used,
  /// or a one-column file's values hold it (decimal commas): the fix is `-d`, not
  /// `--allow-ragged`, so the message says so.
  func fieldCountError(_ count: Int, line: Int) -> PLError {
    let reference = dialect.headerRows > 0 ? "header" : "first row"
    let fields = "\(count) field\(count == 1 ? "" : "s")"
    let message: String
    if width == 1 && count > 1 {
      let shown = String(Character(Unicode.Scalar(reader.delimiter)))
      let delimiter = shown == "\t" ? "tab" : "'\(shown)'"
      message = "\(fields), but the \(reference) has only one: if the fields are separated by something other than \(delimiter), give it with -d; if the values hold \(delimiter), give -d a character they lack"
    } else {
      let what = count > width ? "more" : "fewer"
      message = "\(fields), \(what) than the \(width) of the \(reference) (\(dialectWords); use --allow-ragged to keep such rows)"
    }
    return PLError.malformed(source: sourceName, location: .line(line), message: message)
  }

  /// How the rows were split, for messages: `delimiter ',', quote '"'` or the fixed-width columns.
  var dialectWords: String {
    if let layout = dialect.fixedWidth { return "fixed-width columns at \(layout.starts.map(String.init).joined(separator: ","))" }
    let delimiter = DialectSniffer.describe(dialect.delimiter)
    let quote = dialect.quote.map { "quote \(DialectSniffer.describe($0))" } ?? "no quoting"
    return "read with delimiter \(delimiter), \(quote)"
  }

  /// Keys for the extra fields of a ragged row: their column numbers, unless a header name
  /// already took one (then `_2`, `_3` as for repeated names).
  func addExtraKeys(upTo count: Int) {
    let extended = CSVHeader.keys(from: keys + Array(repeating: "", count: count - keys.count))
    for key in extended[keys.count...] {
      JSONWriter.writeString(key, to: encodedKeys)
      encodedKeys.append(UInt8(ascii: ":"))
      keyOffsets.append(encodedKeys.count)
    }
    keys = extended
  }

  @inline(__always)
  func encodedKey(_ i: Int) -> UnsafeBufferPointer<UInt8> {
    encodedKeys.bytes.extracting(keyOffsets[i]..<keyOffsets[i + 1])
  }

  /// Escapes one field as a JSON string, then checks for invalid UTF-8 and NUL bytes when
  /// the escaping saw a byte that could be one (one pass over ordinary fields).
  @inline(__always)
  func writeValue(_ span: CSVSpan, field: Int, to out: ByteBuffer) throws(PLError) {
    let bytes = fieldBytes(span)
    var high: UInt64 = 0
    let before = out.count
    JSONWriter.writeString(bytes: bytes, high: &high, to: out)
    // A NUL byte is escaped (as \u0000), so only a field that needed escapes can hold one.
    if high & 0x8080_8080_8080_8080 != 0 || out.count - before > bytes.count + 2 {
      try check(bytes, field: field)
    }
  }

  /// The bytes of a field, its doubled quotes undone (into `scratch`, valid until the next field).
  @inline(__always)
  func fieldBytes(_ span: CSVSpan) -> UnsafeBufferPointer<UInt8> {
    let bytes = reader.bytes(of: span)
    guard span.hasDoubledQuotes else { return bytes }
    scratch.removeAll()
    var skipNext = false
    let quote = reader.quote
    if reader.backslashEscape {
      var escaped = false
      for b in bytes {
        if !escaped && b == 0x5C {
          escaped = true
          continue
        }
        escaped = false
        scratch.append(b)
      }
      return scratch.bytes
    }
    for b in bytes {
      if skipNext {
        skipNext = false
        continue
      }
      scratch.append(b)
      if b == quote { skipNext = true }
    }
    return scratch.bytes
  }

  /// Refuses a field with a NUL byte or invalid UTF-8, naming the line and field.
  func check(_ bytes: UnsafeBufferPointer<UInt8>, field: Int) throws(PLError) {
    if let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil {
      throw PLError.malformed(
        source: sourceName, location: .line(reader.rowLine),
        message: "NUL byte in field \(field) (a binary or UTF-16 file?)")
    }
    if let offset = firstInvalidUTF8(bytes) {
      throw PLError.malformed(
        source: sourceName, location: .line(reader.rowLine),
        message: "invalid UTF-8 in field \(field) (byte 0x\(String(bytes[offset], radix: 16, uppercase: true))); give the encoding with --encoding (windows-1252 for most Latin-1 exports)")
    }
  }

  /// A field as a String, checked like a value.
  func text(of span: CSVSpan, field: Int) throws(PLError) -> String {
    let bytes = fieldBytes(span)
    try check(bytes, field: field)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The next row as a `Record` (for library users and tests; the extractor writes bytes).
  public func nextRecord(includeMeta: Bool = true) throws(PLError) -> Record? {
    let out = ByteBuffer(capacity: 256)
    guard try writeNext(to: out, includeMeta: includeMeta) else { return nil }
    do throws(JSONSyntaxError) {
      return try JSONParser.parseRecord(UnsafeBufferPointer(rebasing: out.bytes.dropLast()))
    } catch {
      throw PLError.internalError("\(sourceName): line \(reader.rowLine): \(error.message)")
    }
  }
}
