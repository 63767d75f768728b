#if canImport(Glibc)
  import Glibc
#endif

/// Text in the character sets that mail declares, converted to Swift strings by iconv.
///
/// No code-page tables of our own: every charset is iconv's. Charset names come from the
/// message, so only names made of letters, digits and `-_.:` are handed to iconv (no `//`
/// conversion options slip in). Following the WHATWG encoding standard, which describes what
/// mail programs actually send, `ISO-8859-1`, `Latin1` and `US-ASCII` are read as their
/// superset Windows-1252.
enum MailCharset {
  /// `bytes` in `charset` as a string, or nil when iconv does not know the charset or a byte
  /// sequence is no character of it.
  static func decode(_ bytes: [UInt8], charset: String) -> String? {
    guard let name = iconvName(charset) else { return nil }
    if name == "UTF-8" { return String(validating: bytes, as: UTF8.self) }
    return convert(bytes, from: name)
  }

  /// Bytes of a header or parameter whose charset nobody declared: UTF-8 when they are
  /// (RFC 6532 allows it, and ASCII is), else Windows-1252, else ISO-8859-1 (which reads
  /// every byte).
  static func text(_ bytes: some Collection<UInt8>) -> String {
    let array = Array(bytes)
    if let utf8 = String(validating: array, as: UTF8.self) { return utf8 }
    return convert(array, from: "WINDOWS-1252") ?? String(array.map { Character(Unicode.Scalar($0)) })
  }

  /// `bytes` in `charset`, falling back to `text(_:)` when the charset is unknown or wrong.
  static func decodeLeniently(_ bytes: [UInt8], charset: String?) -> String {
    if let charset, let text = decode(bytes, charset: charset) { return text }
    return text(bytes)
  }

  /// The name to give iconv for a declared charset, or nil when it holds characters a charset
  /// name never has. An RFC 2231 language suffix (`utf-8*de`) and quotes are dropped.
  static func iconvName(_ declared: String) -> String? {
    var name = declared.trimmingASCIISpaces()
    if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
    if name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 { name = String(name.dropFirst().dropLast()) }
    name = name.uppercased()
    guard !name.isEmpty, name.utf8.allSatisfy({ isCharsetNameByte($0) }) else { return nil }
    switch name {
    case "UTF-8", "UTF8": return "UTF-8"
    case "ISO-8859-1", "ISO8859-1", "ISO_8859-1", "LATIN1", "L1", "US-ASCII", "ASCII", "CP1252": return "WINDOWS-1252"
    default: return name
    }
  }

  static func isCharsetNameByte(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
      || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
  }

  /// `bytes` converted from `encoding` (an iconv name) to UTF-8, or nil on any failure.
  static func convert(_ bytes: [UInt8], from encoding: String) -> String? {
    let converter = iconv_open("UTF-8", encoding)
    guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
    defer { iconv_close(converter) }
    if bytes.isEmpty { return "" }
    // Four UTF-8 bytes per input byte cover every single- and multi-byte charset.
    var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
    var input = bytes
    let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
      output.withUnsafeMutableBufferPointer { outBuffer in
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
        var inLeft = inBuffer.count
        var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
        var outLeft = outBuffer.count
        guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
        // Flush a stateful encoding's shift sequence (ISO-2022-JP).
        guard iconv(converter, nil, nil, &outPointer, &outLeft) != -1 else { return nil }
        return outBuffer.count - outLeft
      }
    }
    guard let produced else { return nil }
    return String(decoding: output[0..<produced], as: UTF8.self)
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs, CRs and LFs.
  func trimmingASCIISpaces() -> String {
    let bytes = Array(utf8)
    var start = 0
    var end = bytes.count
    while start < end, isMailSpace(bytes[start]) { start += 1 }
    while end > start, isMailSpace(bytes[end - 1]) { end -= 1 }
    if start == 0 && end == bytes.count { return self }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}

/// Space, tab, CR or LF.
@inline(__always)
func isMailSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
