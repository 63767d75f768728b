/// The sender and subject of an e-mail (RFC 5322), read from the head of a `.eml` file.
///
/// Only the header block is looked at (up to the first empty line): folded lines are
/// unfolded, and encoded words (RFC 2047, `=?UTF-8?B?…?=`, `=?ISO-8859-1?Q?…?=`) are decoded
/// for UTF-8, US-ASCII, ISO-8859-1 and Windows-1252 (others are kept as written). This is what
/// bronze records of a received mail; reading the mail's parts is pl-extract's job.
public struct MailHeaders: Equatable, Sendable {
  public var from: String?
  public var subject: String?

  /// The headers of `head`, the first bytes of a message; nil values for headers not found.
  public init(head: [UInt8]) {
    var lines: [String] = []
    var current: [UInt8] = []
    var i = 0
    var headerLines: [[UInt8]] = []
    while i < head.count {
      if head[i] == 0x0A {
        if current.last == 0x0D { current.removeLast() }
        if current.isEmpty { break }
        headerLines.append(current)
        current = []
      } else {
        current.append(head[i])
      }
      i += 1
    }
    for line in headerLines {
      let text = String(decoding: line, as: UTF8.self)
      if let first = line.first, first == 0x20 || first == 0x09, !lines.isEmpty {
        lines[lines.count - 1] += text
      } else {
        lines.append(text)
      }
    }
    for line in lines {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let name = line[..<colon].lowercased()
      let value = String(line[line.index(after: colon)...]).trimmingSpaces()
      if name == "from" && from == nil { from = MailHeaders.decodeWords(value) }
      if name == "subject" && subject == nil { subject = MailHeaders.decodeWords(value) }
    }
  }

  /// `text` with its RFC 2047 encoded words decoded; white space between two encoded words
  /// is dropped, as the RFC says.
  public static func decodeWords(_ text: String) -> String {
    var out = ""
    var rest = Substring(text)
    var pendingSpace = ""
    var lastWasEncoded = false
    while !rest.isEmpty {
      if rest.hasPrefix("=?"), let (decoded, after) = encodedWord(rest) {
        if !lastWasEncoded { out += pendingSpace }
        pendingSpace = ""
        out += decoded
        rest = after
        lastWasEncoded = true
        continue
      }
      let c = rest.removeFirst()
      if c == " " || c == "\t" {
        pendingSpace.append(c)
        continue
      }
      out += pendingSpace
      pendingSpace = ""
      out.append(c)
      lastWasEncoded = false
    }
    return out + (lastWasEncoded ? "" : pendingSpace)
  }

  /// One `=?charset?enc?text?=` at the start of `s`: its text and what follows it.
  static func encodedWord(_ s: Substring) -> (String, Substring)? {
    let parts = s.dropFirst(2)
    guard let q1 = parts.firstIndex(of: "?") else { return nil }
    var charset = parts[..<q1].lowercased()
    if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
    let afterCharset = parts[parts.index(after: q1)...]
    guard let q2 = afterCharset.firstIndex(of: "?") else { return nil }
    let encoding = afterCharset[..<q2].lowercased()
    let body = afterCharset[afterCharset.index(after: q2)...]
    guard let end = body.firstRange(of: "?=") else { return nil }
    let payload = body[..<end.lowerBound]
    guard !payload.contains(" ") else { return nil }
    let bytes: [UInt8]?
    switch encoding {
    case "b": bytes = base64(Array(payload.utf8))
    case "q": bytes = quotedPrintable(Array(payload.utf8))
    default: bytes = nil
    }
    guard let bytes, let decoded = decode(bytes, charset: charset) else { return nil }
    return (decoded, body[end.upperBound...])
  }

  static func decode(_ bytes: [UInt8], charset: String) -> String? {
    switch charset {
    case "utf-8", "utf8", "us-ascii", "ascii": return String(decoding: bytes, as: UTF8.self)
    case "iso-8859-1", "latin1", "iso8859-1", "iso-8859-15", "windows-1252", "cp1252":
      return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    default: return nil
    }
  }

  static func quotedPrintable(_ b: [UInt8]) -> [UInt8]? {
    var out: [UInt8] = []
    var i = 0
    while i < b.count {
      if b[i] == UInt8(ascii: "_") {
        out.append(0x20)
      } else if b[i] == UInt8(ascii: "=") {
        guard i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) else { return nil }
        out.append(h << 4 | l)
        i += 2
      } else {
        out.append(b[i])
      }
      i += 1
    }
    return out
  }

  static func hex(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: c - 0x30
    case 0x41...0x46: c - 0x41 + 10
    case 0x61...0x66: c - 0x61 + 10
    default: nil
    }
  }

  static func base64(_ b: [UInt8]) -> [UInt8]? {
    var out: [UInt8] = []
    var acc: UInt32 = 0
    var bits = 0
    for c in b {
      let v: UInt32
      switch c {
      case 0x41...0x5A: v = UInt32(c - 0x41)
      case 0x61...0x7A: v = UInt32(c - 0x61 + 26)
      case 0x30...0x39: v = UInt32(c - 0x30 + 52)
      case UInt8(ascii: "+"): v = 62
      case UInt8(ascii: "/"): v = 63
      case UInt8(ascii: "="): continue
      default: return nil
      }
      acc = acc << 6 | v
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
      }
    }
    return out
  }
}

extension String {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
    return String(s)
  }
}
