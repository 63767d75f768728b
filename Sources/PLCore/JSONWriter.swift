/// Serialises values and records as compact JSON into a `ByteBuffer`.
///
/// Strings are written as UTF-8 with only what JSON requires escaped (`"`, `\`, and control
/// characters, the common ones in their short forms); numbers as their stored text.
public enum JSONWriter {
  /// Writes `record` as one line (with its newline). `_pl` comes last, and only when
  /// `includeMeta` is true and the record has metadata.
  @inlinable
  public static func writeLine(_ record: Record, includeMeta: Bool = true, to out: ByteBuffer) {
    out.append(UInt8(ascii: "{"))
    var first = true
    for field in record.fields {
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      writeString(field.key, to: out)
      out.append(UInt8(ascii: ":"))
      writeValue(field.value, to: out)
    }
    if includeMeta && !record.meta.isEmpty {
      if !first { out.append(UInt8(ascii: ",")) }
      out.append("\"_pl\":" as StaticString)
      writeObject(record.meta, to: out)
    }
    out.append("}\n" as StaticString)
  }

  /// The record as one line of text without the newline (for tests and SQL columns).
  public static func string(_ record: Record, includeMeta: Bool = true) -> String {
    let out = ByteBuffer(capacity: 256)
    writeLine(record, includeMeta: includeMeta, to: out)
    out.removeLast(1)
    return String(decoding: out.bytes, as: UTF8.self)
  }

  /// A value as compact JSON text.
  public static func string(_ value: JSONValue) -> String {
    let out = ByteBuffer(capacity: 64)
    writeValue(value, to: out)
    return String(decoding: out.bytes, as: UTF8.self)
  }

  @inlinable
  public static func writeValue(_ value: JSONValue, to out: ByteBuffer) {
    switch value {
    case .string(let s): writeString(s, to: out)
    case .number(let n): out.append(n)
    case .null: out.append("null" as StaticString)
    case .bool(let b): out.append(b ? "true" as StaticString : "false")
    case .object(let fields): writeObject(fields, to: out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        writeValue(item, to: out)
      }
      out.append(UInt8(ascii: "]"))
    }
  }

  @inlinable
  public static func writeObject(_ fields: [Field], to out: ByteBuffer) {
    out.append(UInt8(ascii: "{"))
    for (i, field) in fields.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      writeString(field.key, to: out)
      out.append(UInt8(ascii: ":"))
      writeValue(field.value, to: out)
    }
    out.append(UInt8(ascii: "}"))
  }

  @inlinable
  public static func writeString(_ string: String, to out: ByteBuffer) {
    var string = string
    string.withUTF8 { writeString(utf8: $0, to: out) }
  }

  /// Writes already-valid UTF-8 bytes as a JSON string.
  @inlinable
  public static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: ByteBuffer) {
    var high: UInt64 = 0
    writeString(bytes: bytes, high: &high, to: out)
  }

  /// Writes bytes as a JSON string and ORs every byte into `high`, so the caller learns
  /// whether any was non-ASCII (and must be validated) without a second pass.
  ///
  /// Scans eight bytes at a time: a word with no control character, quote or backslash is
  /// copied as it is; only words that hold one are looked at byte by byte.
  @inlinable
  public static func writeString(bytes: UnsafeBufferPointer<UInt8>, high: inout UInt64, to out: ByteBuffer) {
    out.reserve(bytes.count + 2)
    out.append(UInt8(ascii: "\""))
    guard let base = bytes.baseAddress else {
      out.append(UInt8(ascii: "\""))
      return
    }
    let n = bytes.count
    var runStart = 0
    var i = 0
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    while i < n {
      if i + 8 <= n {
        let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        high |= x
        let control = (x &- ones &* 0x20) & ~x & highs
        let q = x ^ (ones &* 0x22)
        let quote = (q &- ones) & ~q & highs
        let s = x ^ (ones &* 0x5C)
        let slash = (s &- ones) & ~s & highs
        if control | quote | slash == 0 {
          i += 8
          continue
        }
      }
      let b = base[i]
      high |= UInt64(b)
      if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
        i += 1
        continue
      }
      if runStart < i { out.append(UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
      writeEscape(b, to: out)
      i += 1
      runStart = i
    }
    if runStart < n { out.append(UnsafeBufferPointer(start: base + runStart, count: n - runStart)) }
    out.append(UInt8(ascii: "\""))
  }

  @usableFromInline
  static func writeEscape(_ b: UInt8, to out: ByteBuffer) {
    out.append(UInt8(ascii: "\\"))
    switch b {
    case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
    case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
    case 0x0A: out.append(UInt8(ascii: "n"))
    case 0x0D: out.append(UInt8(ascii: "r"))
    case 0x09: out.append(UInt8(ascii: "t"))
    case 0x08: out.append(UInt8(ascii: "b"))
    case 0x0C: out.append(UInt8(ascii: "f"))
    default:
      let hex: StaticString = "0123456789abcdef"
      out.append("u00" as StaticString)
      out.append(hex.utf8Start[Int(b >> 4)])
      out.append(hex.utf8Start[Int(b & 0xF)])
    }
  }
}
