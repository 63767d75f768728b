import PLCore

/// Walks the MIME tree of one message, collecting attachments (see `MailMessage` for the
/// rules). Parts are handled as their closing delimiter is found, so a message beyond
/// `MailLimits.maxParts` is refused at the first part too many, before anything after it is
/// looked at.
struct MIMEWalker {
  let name: String
  let limits: MailLimits
  var partCount = 0
  var decodedBytes = 0
  var attachments: [MailAttachment] = []
  var skipped = 0
  var notes: [String] = []

  /// Where an entity is: the message it belongs to, the forwarded messages around it, and
  /// whether its bytes are the file's own (so that offsets give line numbers).
  struct Scope {
    var message: MailHeaders
    var path: [String]
    var fileLines: Bool
    var bytes: UnsafeBufferPointer<UInt8>
  }

  /// Types that are prose for a person to read, skipped unless named or attached.
  static let bodyTypes: Set<String> = ["text/plain", "text/html", "text/enriched", "text/richtext"]

  init(name: String, limits: MailLimits) {
    self.name = name
    self.limits = limits
  }

  mutating func message(_ bytes: UnsafeBufferPointer<UInt8>) throws(PLError) -> MailMessage {
    let (fields, bodyStart) = MIMEHeaders.parse(bytes, 0..<bytes.count)
    let headers = MailHeaders(fields)
    let scope = Scope(message: headers, path: [], fileLines: true, bytes: bytes)
    try entity(fields, body: bodyStart..<bytes.count, section: "", messageBody: true, depth: 0, scope: scope, defaultType: "text/plain")
    return MailMessage(headers: headers, attachments: attachments, skippedParts: skipped, partCount: partCount, notes: notes)
  }

  /// One entity: a multipart is split, a forwarded message opened, a leaf kept or skipped.
  /// `section` is the entity's IMAP number ("" for the message itself); `messageBody` says the
  /// entity is the body of a message, whose single part is numbered `<section>.1`.
  mutating func entity(
    _ fields: MIMEHeaders, body: Range<Int>, section: String, messageBody: Bool, depth: Int, scope: Scope, defaultType: String
  ) throws(PLError) {
    let contentType = MIMEParameterValue(fields["content-type"] ?? defaultType)
    var type = contentType.value
    if !type.contains("/") { type = defaultType }
    if type.hasPrefix("multipart/") {
      try multipart(type, contentType, body: body, section: section, depth: depth + 1, scope: scope)
    } else if type == "message/rfc822" || type == "message/global" {
      try forwarded(fields, body: body, section: messageBody ? child(section, 1) : section, depth: depth + 1, scope: scope)
    } else {
      try leaf(fields, type: type, contentType, body: body, section: messageBody ? child(section, 1) : section, scope: scope)
    }
  }

  func child(_ section: String, _ number: Int) -> String {
    section.isEmpty ? String(number) : "\(section).\(number)"
  }

  /// "part 2.1" or "the message", for messages.
  func describe(_ section: String, _ filename: String? = nil) -> String {
    let part = section.isEmpty ? "the message" : "part \(section)"
    return filename.map { "\(part) (\($0))" } ?? part
  }

  func location(_ offset: Int, _ scope: Scope) -> Location? {
    guard scope.fileLines else { return nil }
    var line = 1
    for i in 0..<min(offset, scope.bytes.count) where scope.bytes[i] == 0x0A { line += 1 }
    return .line(line)
  }

  func checkDepth(_ depth: Int, _ section: String, _ offset: Int, _ scope: Scope) throws(PLError) {
    if depth > limits.maxDepth {
      throw .malformed(
        source: name, location: location(offset, scope),
        message: "\(describe(section)): multiparts and forwarded messages nested more than \(limits.maxDepth) deep (the limit): refused as damaged or hostile")
    }
  }

  /// Splits a multipart body at its boundary lines (RFC 2046 §5.1.1) and handles each part as
  /// the delimiter after it is found. The line break before a delimiter belongs to the
  /// delimiter; the preamble before the first and the epilogue after the last are ignored.
  mutating func multipart(
    _ type: String, _ contentType: MIMEParameterValue, body: Range<Int>, section: String, depth: Int, scope: Scope
  ) throws(PLError) {
    try checkDepth(depth, section, body.lowerBound, scope)
    guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty else {
      throw .malformed(source: name, location: location(body.lowerBound, scope), message: "\(describe(section)): \(type) without a boundary parameter")
    }
    let delimiter = Array("--\(boundary)".utf8)
    let bytes = scope.bytes
    let childDefault = type == "multipart/digest" ? "message/rfc822" : "text/plain"
    var partStart: Int?
    var number = 0
    var closed = false
    var pos = body.lowerBound
    while pos < body.upperBound {
      var lineEnd = pos
      while lineEnd < body.upperBound, bytes[lineEnd] != 0x0A { lineEnd += 1 }
      let next = min(lineEnd + 1, body.upperBound)
      if let close = delimiterLine(bytes, pos..<lineEnd, delimiter) {
        if let start = partStart {
          var end = pos
          if end > start, bytes[end - 1] == 0x0A { end -= 1 }
          if end > start, bytes[end - 1] == 0x0D { end -= 1 }
          try part(start..<max(start, end), section: child(section, number), depth: depth, scope: scope, defaultType: childDefault)
        }
        if close {
          closed = true
          break
        }
        number += 1
        partCount += 1
        if partCount > limits.maxParts {
          throw .malformed(
            source: name, location: location(pos, scope),
            message: "more than \(limits.maxParts) MIME parts (the limit): refused as damaged or hostile")
        }
        partStart = next
      }
      pos = next
    }
    guard let start = partStart else {
      throw .malformed(
        source: name, location: location(body.lowerBound, scope),
        message: "\(describe(section)): \(type) holds no part: its boundary \"\(boundary)\" never starts a line")
    }
    if !closed {
      try part(start..<body.upperBound, section: child(section, number), depth: depth, scope: scope, defaultType: childDefault)
      notes.append(
        "\(describe(section)): \(type) has no closing boundary \"--\(boundary)--\"; its last part (\(child(section, number))) was read to the end of \(section.isEmpty ? "the message" : "part \(section)")")
    }
  }

  /// Whether `bytes[line]` is a delimiter line, and then whether it is the closing one: the
  /// delimiter, `--` for the closing one, then only whitespace.
  func delimiterLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, _ delimiter: [UInt8]) -> Bool? {
    guard line.count >= delimiter.count, bytes[line.lowerBound] == UInt8(ascii: "-") else { return nil }
    for k in 0..<delimiter.count where bytes[line.lowerBound + k] != delimiter[k] { return nil }
    var i = line.lowerBound + delimiter.count
    var close = false
    if i + 1 < line.upperBound, bytes[i] == UInt8(ascii: "-"), bytes[i + 1] == UInt8(ascii: "-") {
      close = true
      i += 2
    }
    while i < line.upperBound {
      guard bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D else { return nil }
      i += 1
    }
    return close
  }

  mutating func part(_ range: Range<Int>, section: String, depth: Int, scope: Scope, defaultType: String) throws(PLError) {
    let (fields, bodyStart) = MIMEHeaders.parse(scope.bytes, range)
    try entity(fields, body: bodyStart..<range.upperBound, section: section, messageBody: false, depth: depth, scope: scope, defaultType: defaultType)
  }

  /// A forwarded message: its attachments are collected with its own headers and subject.
  mutating func forwarded(_ fields: MIMEHeaders, body: Range<Int>, section: String, depth: Int, scope: Scope) throws(PLError) {
    try checkDepth(depth, section, body.lowerBound, scope)
    let encoding = (fields["content-transfer-encoding"] ?? "").trimmingASCIISpaces().lowercased()
    if encoding == "base64" || encoding == "quoted-printable" {
      // Not allowed by RFC 2046, but sent: the message is decoded first, and its line numbers
      // are no longer the file's.
      let decoded = try transferDecode(encoding, body: body, section: section, filename: nil, scope: scope)
      let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: decoded.count)
      defer { buffer.deallocate() }
      _ = buffer.initialize(from: decoded)
      var inner = scope
      inner.bytes = UnsafeBufferPointer(buffer)
      inner.fileLines = false
      try openMessage(0..<decoded.count, section: section, depth: depth, scope: inner)
    } else {
      try openMessage(body, section: section, depth: depth, scope: scope)
    }
  }

  mutating func openMessage(_ range: Range<Int>, section: String, depth: Int, scope: Scope) throws(PLError) {
    let (fields, bodyStart) = MIMEHeaders.parse(scope.bytes, range)
    let headers = MailHeaders(fields)
    var inner = scope
    inner.message = headers
    inner.path.append(headers.subject.flatMap { $0.isEmpty ? nil : $0 } ?? "message \(section)")
    try entity(fields, body: bodyStart..<range.upperBound, section: section, messageBody: true, depth: depth, scope: inner, defaultType: "text/plain")
  }

  /// A leaf part: an attachment, decoded, or a text body, counted.
  mutating func leaf(_ fields: MIMEHeaders, type: String, _ contentType: MIMEParameterValue, body: Range<Int>, section: String, scope: Scope) throws(PLError) {
    let disposition = MIMEParameterValue(fields["content-disposition"] ?? "")
    let given = (disposition.parameters["filename"] ?? contentType.parameters["name"]).flatMap { Self.sanitized(EncodedWords.decode($0)) }
    if Self.bodyTypes.contains(type) && disposition.value != "attachment" && given == nil {
      skipped += 1
      return
    }
    let encoding = (fields["content-transfer-encoding"] ?? "").trimmingASCIISpaces().lowercased()
    let bytes = try transferDecode(encoding, body: body, section: section, filename: given, scope: scope)
    decodedBytes += bytes.count
    if decodedBytes > limits.maxDecodedBytes {
      throw .malformed(
        source: name, location: location(body.lowerBound, scope),
        message: "\(describe(section, given)): the attachments decode to more than \(limits.maxDecodedBytes) bytes (the limit)")
    }
    let filename = given ?? "part-\(String(section.map { $0 == "." ? "-" : $0 })).\(Self.fileExtension(type))"
    attachments.append(
      MailAttachment(
        filename: filename, filenameGenerated: given == nil, contentType: type, charset: contentType.parameters["charset"],
        bytes: bytes, section: section, path: scope.path, message: scope.message))
  }

  /// The body of a part with its transfer encoding undone.
  func transferDecode(_ encoding: String, body: Range<Int>, section: String, filename: String?, scope: Scope) throws(PLError) -> [UInt8] {
    let text = UnsafeBufferPointer(rebasing: scope.bytes[body])
    switch encoding {
    case "", "7bit", "8bit", "binary":
      return Array(text)
    case "quoted-printable":
      return QuotedPrintable.decode(text)
    case "base64":
      do throws(TransferDecodingError) {
        return try Base64.decode(text)
      } catch {
        throw .malformed(source: name, location: location(body.lowerBound + error.offset, scope), message: "\(describe(section, filename)): \(error.message)")
      }
    default:
      throw .malformed(
        source: name, location: location(body.lowerBound, scope),
        message: "\(describe(section, filename)): unknown Content-Transfer-Encoding '\(encoding)' (known: base64, quoted-printable, 7bit, 8bit, binary)")
    }
  }

  /// A file name fit to name a member: no directory part, no control characters; nil when
  /// nothing is left.
  static func sanitized(_ name: String) -> String? {
    var base = Substring(name)
    if let slash = base.lastIndex(where: { $0 == "/" || $0 == "\\" }) { base = base[base.index(after: slash)...] }
    let cleaned = String(String.UnicodeScalarView(base.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })).trimmingASCIISpaces()
    return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? nil : cleaned
  }

  /// The file name extension for a content type, for attachments without a name.
  static func fileExtension(_ type: String) -> String {
    switch type {
    case "application/pdf": "pdf"
    case "text/csv", "text/comma-separated-values", "application/csv": "csv"
    case "text/tab-separated-values": "tsv"
    case "text/plain": "txt"
    case "text/html": "html"
    case "text/xml", "application/xml": "xml"
    case "application/json": "json"
    case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"
    case "application/vnd.ms-excel": "xls"
    case "application/vnd.oasis.opendocument.spreadsheet": "ods"
    case "application/zip", "application/x-zip-compressed": "zip"
    case "application/gzip", "application/x-gzip": "gz"
    case "application/x-tar": "tar"
    case "application/x-xz": "xz"
    case "application/zstd": "zst"
    case "application/x-bzip2": "bz2"
    case "application/x-7z-compressed": "7z"
    case "image/png": "png"
    case "image/jpeg": "jpg"
    case "image/gif": "gif"
    case "message/rfc822": "eml"
    case "application/vnd.ms-outlook": "msg"
    default: "bin"
    }
  }
}
