/// RFC 2047 encoded-words in header values: `=?UTF-8?B?UHLDvGZiZXJpY2h0?=`,
/// `=?ISO-8859-1?Q?Pr=FCfbericht?=`.
///
/// Decoded wherever they appear in a value, also inside quoted strings (where RFC 2047 does
/// not allow them but Outlook and webmail put file names). Whitespace between two
/// encoded-words is dropped, as the RFC says; adjacent words in the same charset are joined
/// before conversion, so a character split across two words comes out whole. A word that is
/// not well formed, or whose charset iconv does not know, stays as it was written: header
/// text is never a reason to refuse a message.
enum EncodedWords {
  /// `value` with its encoded-words decoded.
  static func decode(_ value: String) -> String {
    let bytes = Array(value.utf8)
    guard bytes.count >= 8, containsWordStart(bytes) else { return value }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    // Adjacent words in one charset, decoded but not yet converted, and as written (kept for a
    // charset iconv cannot read).
    var pending: [UInt8] = []
    var pendingText: [UInt8] = []
    var pendingCharset: String?
    // Whitespace after a word: dropped when another word follows.
    var gap: [UInt8] = []
    var afterWord = false

    func flush() {
      guard let charset = pendingCharset else { return }
      if let text = MailCharset.decode(pending, charset: charset) { out += text.utf8 } else { out += pendingText }
      pending = []
      pendingText = []
      pendingCharset = nil
    }

    var i = 0
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "="), let word = parseWord(bytes, at: i) {
        gap = []
        if let charset = pendingCharset, charset != word.charset { flush() }
        pendingCharset = word.charset
        pending += word.bytes
        pendingText += bytes[i..<word.end]
        afterWord = true
        i = word.end
        continue
      }
      if afterWord {
        if isMailSpace(bytes[i]) {
          gap.append(bytes[i])
          i += 1
          continue
        }
        flush()
        out += gap
        gap = []
        afterWord = false
      }
      out.append(bytes[i])
      i += 1
    }
    flush()
    out += gap
    return String(decoding: out, as: UTF8.self)
  }

  static func containsWordStart(_ bytes: [UInt8]) -> Bool {
    for i in 0..<(bytes.count - 1) where bytes[i] == UInt8(ascii: "=") && bytes[i + 1] == UInt8(ascii: "?") { return true }
    return false
  }

  /// The encoded-word starting at `start` (`=?charset?B|Q?text?=`): its charset (upper case,
  /// language suffix dropped), decoded bytes and end; nil when it is not one.
  static func parseWord(_ bytes: [UInt8], at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
    guard start + 1 < bytes.count, bytes[start + 1] == UInt8(ascii: "?") else { return nil }
    var i = start + 2
    let charsetStart = i
    while i < bytes.count, bytes[i] != UInt8(ascii: "?") {
      if isMailSpace(bytes[i]) { return nil }
      i += 1
    }
    guard i + 2 < bytes.count, i > charsetStart, bytes[i + 2] == UInt8(ascii: "?") else { return nil }
    var charset = String(decoding: bytes[charsetStart..<i], as: UTF8.self).uppercased()
    if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }
    let encoding = bytes[i + 1] | 0x20
    guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
    let textStart = i + 3
    var j = textStart
    while j + 1 < bytes.count, !(bytes[j] == UInt8(ascii: "?") && bytes[j + 1] == UInt8(ascii: "=")) {
      if isMailSpace(bytes[j]) { return nil }
      j += 1
    }
    guard j + 1 < bytes.count else { return nil }
    let text = Array(bytes[textStart..<j])
    let decoded: [UInt8]?
    if encoding == UInt8(ascii: "b") {
      decoded = try? Base64.decode(text)
    } else {
      decoded = qDecode(text)
    }
    guard let decoded else { return nil }
    return (charset, decoded, j + 2)
  }

  /// The Q encoding: `_` is a space, `=XX` a byte.
  static func qDecode(_ text: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.count)
    var i = 0
    while i < text.count {
      let b = text[i]
      if b == UInt8(ascii: "_") {
        out.append(0x20)
      } else if b == UInt8(ascii: "="), i + 2 < text.count, let high = hexValue(text[i + 1]), let low = hexValue(text[i + 2]) {
        out.append(high << 4 | low)
        i += 2
      } else {
        out.append(b)
      }
      i += 1
    }
    return out
  }
}

/// The value of a hexadecimal digit (either case).
@inline(__always)
func hexValue(_ b: UInt8) -> UInt8? {
  switch b {
  case 0x30...0x39: b - 0x30
  case 0x41...0x46: b - 0x41 + 10
  case 0x61...0x66: b - 0x61 + 10
  default: nil
  }
}
