import PLCore

/// The character encoding of a text input, decided from its first bytes.
///
/// UTF-8 is read as it is (and a file that starts with a UTF-8 byte-order mark is held to it).
/// UTF-16 is recognised by its byte-order mark, or without one by the
/// zero bytes that ASCII characters leave in every other position. Text that is not valid
/// UTF-8 is Windows-1252 (the superset of Latin-1 that Windows instruments write: `°`, `µ`,
/// umlauts, `€`), or ISO-8859-1 when it holds a byte Windows-1252 leaves undefined. Everything
/// but UTF-8 is converted by `TranscodingStream` (iconv) before any reader sees it.
public enum TextEncoding {
  /// The iconv name of the encoding of `head`, or nil for UTF-8 (and for bytes that are no
  /// text, which the readers report). `complete` says the head is the whole input.
  public static func detect(_ head: UnsafeBufferPointer<UInt8>, complete: Bool) -> String? {
    if head.count >= 2 {
      if head[0] == 0xFF && head[1] == 0xFE { return "UTF-16LE" }
      if head[0] == 0xFE && head[1] == 0xFF { return "UTF-16BE" }
    }
    // A UTF-8 byte-order mark declares UTF-8: bytes that are not are damage to report, not a
    // hint of another encoding.
    if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { return nil }
    if let utf16 = utf16WithoutMark(head) { return utf16 }
    guard let invalid = firstInvalidUTF8(head) else { return nil }
    // A sequence cut by the end of the head is not a fault of the text.
    if !complete && head.count - invalid < 4 && head[invalid] >= 0xC2 {
      let rest = UnsafeBufferPointer(rebasing: head[(invalid + 1)...])
      if rest.allSatisfy({ $0 & 0xC0 == 0x80 }) { return nil }
    }
    if head.contains(0) { return nil }
    // Bytes that Windows-1252 leaves undefined: only ISO-8859-1 reads them (as C1 controls).
    for b in head where b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D { return "ISO-8859-1" }
    return "WINDOWS-1252"
  }

  /// True for the names of UTF-8 (`utf-8`, `UTF8`): no conversion.
  public static func isUTF8(_ name: String) -> Bool {
    name.lowercased().filter { $0 != "-" && $0 != "_" } == "utf8"
  }

  /// UTF-16 without a byte-order mark: most of the first pairs have one zero byte, on the same
  /// side (ASCII text in UTF-16 is every other byte zero).
  static func utf16WithoutMark(_ head: UnsafeBufferPointer<UInt8>) -> String? {
    let pairs = min(head.count / 2, 2048)
    guard pairs >= 4 else { return nil }
    var zeroFirst = 0
    var zeroSecond = 0
    for i in 0..<pairs {
      let a = head[2 * i]
      let b = head[2 * i + 1]
      if a == 0 && b != 0 { zeroFirst += 1 }
      if b == 0 && a != 0 { zeroSecond += 1 }
    }
    if zeroSecond * 10 >= pairs * 7 && zeroFirst == 0 { return "UTF-16LE" }
    if zeroFirst * 10 >= pairs * 7 && zeroSecond == 0 { return "UTF-16BE" }
    return nil
  }
}
