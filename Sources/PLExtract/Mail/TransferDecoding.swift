/// Why a part's transfer encoding could not be decoded, and at which byte of the encoded text.
struct TransferDecodingError: Error, Equatable {
  var offset: Int
  var message: String
}

/// The base64 transfer encoding (RFC 2045 §6.8).
///
/// Line breaks and other whitespace anywhere are skipped (MIME wraps base64 at 76 columns);
/// any other byte that is not of the base64 alphabet is an error, since a mail program never
/// writes one and a decoder that skipped it would hand on damaged bytes. Padding closes a
/// group; base64 that follows padding starts a new one (some programs join encoded pieces).
/// Text that ends inside a group of four was cut short, and is an error too.
enum Base64 {
  /// 0–63 for the alphabet, 64 for whitespace, 65 for `=`, 255 for anything else.
  static let table: [UInt8] = {
    var table = [UInt8](repeating: 255, count: 256)
    for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(c)] = UInt8(i) }
    for c in [0x20, 0x09, 0x0D, 0x0A, 0x0B, 0x0C] { table[c] = 64 }
    table[Int(UInt8(ascii: "="))] = 65
    return table
  }()

  static func decode(_ text: some Collection<UInt8>) throws(TransferDecodingError) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.count / 4 * 3 + 3)
    var group: UInt32 = 0
    var count = 0
    /// `=` signs still expected to finish a group.
    var padding = 0
    var groupStart = 0
    for (offset, byte) in text.enumerated() {
      let value = table[Int(byte)]
      switch value {
      case 0..<64:
        if padding > 0 {
          throw TransferDecodingError(offset: offset, message: "base64 text goes on inside '=' padding")
        }
        if count == 0 { groupStart = offset }
        group = group << 6 | UInt32(value)
        count += 1
        if count == 4 {
          out.append(UInt8(truncatingIfNeeded: group >> 16))
          out.append(UInt8(truncatingIfNeeded: group >> 8))
          out.append(UInt8(truncatingIfNeeded: group))
          group = 0
          count = 0
        }
      case 64:
        continue
      case 65:
        switch count {
        case 2:
          out.append(UInt8(truncatingIfNeeded: group >> 4))
          padding = 1
        case 3:
          out.append(UInt8(truncatingIfNeeded: group >> 10))
          out.append(UInt8(truncatingIfNeeded: group >> 2))
        case 0 where padding > 0:
          padding -= 1
          continue
        case 0:
          continue  // `=` after a finished group: harmless surplus padding
        default:
          throw TransferDecodingError(offset: offset, message: "'=' padding after a single base64 character")
        }
        group = 0
        count = 0
      default:
        throw TransferDecodingError(offset: offset, message: "\(describe(byte)) is not a base64 character")
      }
    }
    if count != 0 {
      throw TransferDecodingError(offset: groupStart, message: "the base64 text ends inside a group of four characters (cut short?)")
    }
    return out
  }

  /// A byte for a message: `'!'`, or `byte 0xC3` when it is not printable ASCII.
  static func describe(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x\(String(byte, radix: 16, uppercase: true))"
  }
}

/// The quoted-printable transfer encoding (RFC 2045 §6.7).
///
/// `=XX` is a byte (either case of hex digit), `=` at the end of a line a soft line break
/// (whitespace after it allowed), whitespace at the end of a line is padding a mail relay may
/// have added and is dropped. Hard line breaks are kept as the message has them (CRLF or LF).
/// An `=` followed by anything else is kept as it is, as RFC 2045 advises a robust decoder.
enum QuotedPrintable {
  static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.count)
    var lineStart = 0
    while lineStart < text.count {
      var lineEnd = lineStart
      while lineEnd < text.count, text[lineEnd] != 0x0A { lineEnd += 1 }
      let hasBreak = lineEnd < text.count
      var contentEnd = lineEnd
      let crlf = hasBreak && contentEnd > lineStart && text[contentEnd - 1] == 0x0D
      if crlf { contentEnd -= 1 }
      while contentEnd > lineStart, text[contentEnd - 1] == 0x20 || text[contentEnd - 1] == 0x09 { contentEnd -= 1 }
      var soft = false
      if contentEnd > lineStart, text[contentEnd - 1] == UInt8(ascii: "=") {
        soft = true
        contentEnd -= 1
      }
      var i = lineStart
      while i < contentEnd {
        let b = text[i]
        if b == UInt8(ascii: "="), i + 2 < contentEnd, let high = hexValue(text[i + 1]), let low = hexValue(text[i + 2]) {
          out.append(high << 4 | low)
          i += 3
          continue
        }
        out.append(b)
        i += 1
      }
      if hasBreak && !soft {
        if crlf { out.append(0x0D) }
        out.append(0x0A)
      }
      lineStart = lineEnd + 1
    }
    return out
  }
}
