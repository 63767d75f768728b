/// The header fields of a message or of one MIME part, unfolded (RFC 5322 §2.2.3).
///
/// Names are compared without regard to case. Values are text: UTF-8 when the bytes are
/// (RFC 6532), else Windows-1252; RFC 2047 encoded-words are left for the caller to decode
/// (a `boundary` or a Message-ID must stay as written).
struct MIMEHeaders {
  /// Name (lower case) and value (unfolded, trimmed), in the order of the message.
  var fields: [(name: String, value: String)] = []

  /// The value of the first field called `name` (lower case).
  subscript(_ name: String) -> String? {
    fields.first { $0.name == name }?.value
  }

  /// The header fields at the start of `bytes[range]` and where the body begins.
  ///
  /// The header block ends at the first empty line (CRLF or LF line ends, also mixed). A line
  /// that starts with a space or tab continues the field before it. An mbox `From ` line before
  /// the first field is skipped. A line that is no field (no `name:`) ends the header block
  /// there, as if an empty line came before it: the body starts with that line (a part written
  /// with no header fields at all is all body).
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (headers: MIMEHeaders, bodyStart: Int) {
    var headers = MIMEHeaders()
    var current: [UInt8]?
    var currentName = ""
    var pos = range.lowerBound
    let end = range.upperBound

    func finish() {
      if let value = current {
        headers.fields.append((currentName, MailCharset.text(value).trimmingASCIISpaces()))
      }
      current = nil
    }

    while pos < end {
      var lineEnd = pos
      while lineEnd < end, bytes[lineEnd] != 0x0A { lineEnd += 1 }
      let next = min(lineEnd + 1, end)
      var contentEnd = lineEnd
      if contentEnd > pos, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
      if contentEnd == pos {
        finish()
        return (headers, next)
      }
      let first = bytes[pos]
      if first == 0x20 || first == 0x09 {
        if current != nil {
          // Unfolding removes the line break and keeps the whitespace after it.
          current! += UnsafeBufferPointer(rebasing: bytes[pos..<contentEnd])
          pos = next
          continue
        }
        // A continuation with nothing to continue: no header block here.
        finish()
        return (headers, pos)
      }
      var colon = pos
      while colon < contentEnd, bytes[colon] != UInt8(ascii: ":"), bytes[colon] > 0x20, bytes[colon] < 0x7F { colon += 1 }
      if colon == contentEnd || bytes[colon] != UInt8(ascii: ":") || colon == pos {
        let isMboxLine = headers.fields.isEmpty && current == nil && pos == range.lowerBound
          && contentEnd - pos >= 5 && bytes[pos..<pos + 5].elementsEqual("From ".utf8)
        if isMboxLine {
          pos = next
          continue
        }
        finish()
        return (headers, pos)
      }
      finish()
      currentName = String(decoding: UnsafeBufferPointer(rebasing: bytes[pos..<colon]), as: UTF8.self).lowercased()
      current = Array(UnsafeBufferPointer(rebasing: bytes[(colon + 1)..<contentEnd]))
      pos = next
    }
    finish()
    return (headers, end)
  }
}

/// A structured header value with parameters: `Content-Type` and `Content-Disposition`
/// (RFC 2045 §5.1, RFC 2183), with RFC 2231 extended parameters.
///
/// `text/csv; charset="iso-8859-1"; name*=UTF-8''Pr%C3%BCfbericht.csv` has the value
/// `text/csv` (lower case) and the parameters `charset` and `name` (names lower case, values
/// unquoted and decoded). RFC 2231 continuations (`filename*0*=`, `filename*1=`) are joined in
/// the order of their numbers up to the first one missing, percent-encoded segments decoded,
/// and the bytes converted from the charset of the first segment; an extended parameter takes
/// precedence over a plain one of the same name. Values written unquoted with spaces in them
/// (which some programs send) are read up to the next `;`.
struct MIMEParameterValue {
  var value: String
  var parameters: [String: String]

  init(_ text: String) {
    let bytes = Array(text.utf8)
    var i = 0
    while i < bytes.count, bytes[i] != UInt8(ascii: ";") { i += 1 }
    value = String(decoding: bytes[0..<i], as: UTF8.self).trimmingASCIISpaces().lowercased()
    var plain: [String: String] = [:]
    var extended: [String: String] = [:]
    // name → segment number → (bytes, percent-encoded)
    var segments: [String: [Int: (text: [UInt8], encoded: Bool)]] = [:]
    while i < bytes.count {
      i += 1  // the `;`
      while i < bytes.count, isMailSpace(bytes[i]) { i += 1 }
      let nameStart = i
      while i < bytes.count, bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: ";") { i += 1 }
      let rawName = String(decoding: bytes[nameStart..<i], as: UTF8.self).trimmingASCIISpaces().lowercased()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { continue }
      i += 1
      while i < bytes.count, isMailSpace(bytes[i]) { i += 1 }
      var raw: [UInt8] = []
      if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
        i += 1
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
          if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count { i += 1 }
          raw.append(bytes[i])
          i += 1
        }
        i += 1
        while i < bytes.count, bytes[i] != UInt8(ascii: ";") { i += 1 }
      } else {
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: ";") { i += 1 }
        raw = Array(String(decoding: bytes[start..<i], as: UTF8.self).trimmingASCIISpaces().utf8)
      }
      guard !rawName.isEmpty else { continue }
      // RFC 2231: `name*` (extended), `name*N` (continuation), `name*N*` (extended continuation).
      var name = rawName
      let encoded = name.hasSuffix("*")
      if encoded { name.removeLast() }
      if let star = name.lastIndex(of: "*"), let number = Int(name[name.index(after: star)...]), number >= 0, number < 1000 {
        let base = String(name[..<star])
        segments[base, default: [:]][number] = (raw, encoded)
      } else if encoded {
        extended[name] = Self.decodeExtended(raw, charsetIncluded: true).text
      } else {
        plain[name] = String(decoding: raw, as: UTF8.self)
      }
    }
    for (name, parts) in segments {
      var joined: [UInt8] = []
      var charset: String?
      var number = 0
      while let segment = parts[number] {
        if segment.encoded {
          let decoded = Self.percentDecode(segment.text, charsetIncluded: number == 0)
          if number == 0 { charset = decoded.charset }
          joined += decoded.bytes
        } else {
          joined += segment.text
        }
        number += 1
      }
      if number > 0 { extended[name] = MailCharset.decodeLeniently(joined, charset: charset) }
    }
    parameters = plain.merging(extended) { _, new in new }
  }

  /// An RFC 2231 extended value `charset'language'percent-encoded` as text.
  static func decodeExtended(_ raw: [UInt8], charsetIncluded: Bool) -> (text: String, charset: String?) {
    let decoded = percentDecode(raw, charsetIncluded: charsetIncluded)
    return (MailCharset.decodeLeniently(decoded.bytes, charset: decoded.charset), decoded.charset)
  }

  /// The bytes of a percent-encoded value, and its charset when it starts with
  /// `charset'language'`.
  static func percentDecode(_ raw: [UInt8], charsetIncluded: Bool) -> (bytes: [UInt8], charset: String?) {
    var text = raw[...]
    var charset: String?
    if charsetIncluded {
      let quotes = raw.indices.filter { raw[$0] == UInt8(ascii: "'") }
      if quotes.count >= 2 {
        let name = String(decoding: raw[0..<quotes[0]], as: UTF8.self)
        charset = name.isEmpty ? nil : name
        text = raw[(quotes[1] + 1)...]
      }
    }
    var out: [UInt8] = []
    out.reserveCapacity(text.count)
    var i = text.startIndex
    while i < text.endIndex {
      if text[i] == UInt8(ascii: "%"), i + 2 < text.endIndex, let high = hexValue(text[i + 1]), let low = hexValue(text[i + 2]) {
        out.append(high << 4 | low)
        i += 3
      } else {
        out.append(text[i])
        i += 1
      }
    }
    return (out, charset)
  }
}
