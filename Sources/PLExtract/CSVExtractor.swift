#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Options for reading delimited text.
public struct CSVOptions: Sendable {
  /// The field separator; nil detects it.
  public var delimiter: UInt8?
  /// False when the first row is data; keys are then the column numbers.
  public var header = true
  /// Keep rows whose field count differs from the header: extra fields are keyed by their
  /// column number, missing ones are empty strings (Miller's --allow-ragged-csv-input).
  public var allowRagged = false

  public init(delimiter: UInt8? = nil, header: Bool = true, allowRagged: Bool = false) {
    self.delimiter = delimiter
    self.header = header
    self.allowRagged = allowRagged
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

  public init(input: BlockBuffer, sourceName: String, options: CSVOptions) throws(PLError) {
    reader = try CSVReader(input: input, delimiter: options.delimiter)
    reader.sourceName = sourceName
    self.options = options
    self.sourceName = sourceName
    metaPrefix = ByteBuffer(capacity: 64)
    metaPrefix.append("\"_pl\":{\"source\":" as StaticString)
    JSONWriter.writeString(sourceName, to: metaPrefix)
    metaPrefix.append(",\"line\":" as StaticString)
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
    guard options.header else { return true }
    guard try reader.nextRow() else { return false }
    var names: [String] = []
    for span in reader.spans {
      names.append(try text(of: span, field: names.count + 1))
    }
    setKeys(CSVHeader.keys(from: names))
    return true
  }

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
    guard try reader.nextRow() else { return false }
    let spans = reader.spans
    // Without a header the first row sets the width: later rows are held to it like rows
    // under a header (extra fields of ragged rows get their column numbers all the same).
    if !options.header && width == 0 { setKeys(CSVHeader.numbered(spans.count)) }
    if spans.count != width {
      guard options.allowRagged else { throw fieldCountError(spans.count) }
      if spans.count > keys.count { addExtraKeys(upTo: spans.count) }
    }
    out.append(UInt8(ascii: "{"))
    for (i, span) in spans.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(encodedKey(i))
      try writeValue(span, field: i + 1, to: out)
    }
    if spans.count < width {
      for i in spans.count..<width {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        out.append(encodedKey(i))
        out.append("\"\"" as StaticString)
      }
    }
    if includeMeta {
      if !spans.isEmpty || !keys.isEmpty { out.append(UInt8(ascii: ",")) }
      metaOffset = out.count
      out.append(metaPrefix.bytes)
      out.append(decimal: reader.rowLine)
      out.append("}}\n" as StaticString)
    } else {
      out.append("}\n" as StaticString)
    }
    recordCount += 1
    return true
  }

  /// The error for a row of `count` fields under a header (or first row) of `width`.
  ///
  /// Rows wider than a one-field header most often mean the delimiter is not the one used,
  /// or a one-column file's values hold it (decimal commas): the fix is `-d`, not
  /// `--allow-ragged`, so the message says so.
  func fieldCountError(_ count: Int) -> PLError {
    let reference = options.header ? "header" : "first row"
    let fields = "\(count) field\(count == 1 ? "" : "s")"
    let message: String
    if width == 1 && count > 1 {
      let shown = String(Character(Unicode.Scalar(reader.delimiter)))
      let delimiter = shown == "\t" ? "tab" : "'\(shown)'"
      message = "\(fields), but the \(reference) has only one: if the fields are separated by something other than \(delimiter), give it with -d; if the values hold \(delimiter), give -d a character they lack"
    } else {
      let what = count > width ? "more" : "fewer"
      message = "\(fields), \(what) than the \(width) of the \(reference) (use --allow-ragged to keep such rows)"
    }
    return PLError.malformed(source: sourceName, location: .line(reader.rowLine), message: message)
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
    for b in bytes {
      if skipNext {
        skipNext = false
        continue
      }
      scratch.append(b)
      if b == UInt8(ascii: "\"") { skipNext = true }
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
