import PLCore

/// E-mail (`.eml`, RFC 5322 with MIME) split into its attachments, for pl-extract to read each
/// like a file.
///
/// The main types:
/// - `MailMessage.parse` reads a whole message held in memory and returns its headers and
///   attachments (decoded bytes, file names), skipping the text bodies and counting them.
/// - `MailMessage.sniff` recognises a message by its first header lines.
/// - `OutlookMessage` recognises an Outlook `.msg` file, which is no MIME text, so that it can
///   be refused by name.
/// - `MailLimits` bounds what a hostile message can cost.
///
/// What is an attachment: every leaf part that is not a text body. A text body is a part of
/// type `text/plain`, `text/html`, `text/enriched` or `text/richtext` that has neither a file
/// name nor `Content-Disposition: attachment` (so both alternatives of a
/// `multipart/alternative` are bodies). Any other part is an attachment, also an inline one
/// (an image with a file name in a `multipart/related`), and also a `text/csv` or `text/xml`
/// part without a name: those are data, not prose. A part without a file name gets one made
/// from its number in the message and its type: `part-3.pdf`. A `message/rfc822` part (a
/// forwarded mail) is not an attachment itself: it is opened, and its attachments are the
/// message's too, with the forwarded message's headers (`MailAttachment.message`) and
/// subject (`MailAttachment.path`).
///
/// File names come from `Content-Disposition: …; filename=` or else `Content-Type: …; name=`,
/// with RFC 2231 (`filename*=UTF-8''Pr%C3%BCfbericht.pdf`, continuations) and RFC 2047
/// (`=?UTF-8?B?…?=`, also inside quotes) decoded, charsets converted by iconv. A name is never
/// a path: everything up to the last `/` or `\` is dropped, and control characters removed,
/// so `../../etc/passwd` is `passwd` (the name names the member in `_pl.source`; nothing is
/// written under it). Two attachments may have the same name: `section` tells them apart.
///
/// Damage: a base64 part with a byte outside the base64 alphabet or cut inside a group of
/// four is an error naming the part and its line; so is a multipart without a boundary, or
/// whose boundary never appears. A multipart whose closing boundary (`--boundary--`) is
/// missing is read to the end of its enclosing part and the message gets a note in `notes`:
/// mail programs and archives do lose closing lines, while the attachment before it is
/// usually whole, and a cut base64 attachment is caught by its decoding anyway. Text bodies
/// are never decoded, so damage there costs nothing.
///
/// Memory: the whole message and the decoded attachments are held in memory. Decoding never
/// makes a part larger than its encoded text, so the attachments take at most the size of the
/// message again, and never more than `MailLimits.maxDecodedBytes`.
public struct MailMessage: Sendable {
  /// From, To, Date, Subject and Message-ID of the message, decoded.
  public var headers: MailHeaders
  /// The attachments in the order of the message, those of forwarded messages included.
  /// Empty when the message has none: the caller reports that, it is no success.
  public var attachments: [MailAttachment]
  /// Text bodies skipped (`text/plain`, `text/html` and the like, in `multipart/alternative`
  /// or not), for the summary.
  public var skippedParts: Int
  /// MIME parts in the message (multipart containers and forwarded messages included, the
  /// message itself not), as counted against `MailLimits.maxParts`.
  public var partCount: Int
  /// Damage that was tolerated, in words (`part 2: multipart/mixed has no closing boundary`).
  public var notes: [String]

  public init(headers: MailHeaders, attachments: [MailAttachment], skippedParts: Int, partCount: Int, notes: [String]) {
    self.headers = headers
    self.attachments = attachments
    self.skippedParts = skippedParts
    self.partCount = partCount
    self.notes = notes
  }

  /// The message in `bytes`, split into its headers and attachments.
  ///
  /// `name` names the message in errors (`report.eml: line 40: part 2 (CoA.pdf): '!' is not a
  /// base64 character`).
  /// - Throws: `PLError.malformed` for damage (see the type's overview) and for a message
  ///   beyond `limits`.
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, name: String, limits: MailLimits = MailLimits()) throws(PLError) -> MailMessage {
    var walker = MIMEWalker(name: name, limits: limits)
    return try walker.message(bytes)
  }

  /// The message in `bytes` (see `parse(_:name:limits:)`).
  public static func parse(_ bytes: [UInt8], name: String, limits: MailLimits = MailLimits()) throws(PLError) -> MailMessage {
    var walker = MIMEWalker(name: name, limits: limits)
    let result: Result<MailMessage, PLError> = bytes.withUnsafeBufferPointer { buffer in
      do throws(PLError) { return .success(try walker.message(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// How sure it is that `head` (the first bytes of an input) is an e-mail message.
  ///
  /// `.high` when the head starts with header fields (an mbox `From ` line may come first),
  /// every line up to the first empty one (or the end of the head) is a field or continues
  /// one, and among the fields are at least two that mail has (`From`, `To`, `Subject`, `Date`,
  /// `Message-ID`, `Received`, `Return-Path`, `MIME-Version`, `Content-Type`, …), one of them
  /// `From`, `Received`, `Return-Path`, `Delivered-To`, `Message-ID` or `MIME-Version` — a
  /// CSV export whose preamble reads `Date: …` is no mail. `.no` otherwise.
  public static func sniff(_ head: UnsafeBufferPointer<UInt8>) -> Confidence {
    var start = 0
    if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { start = 3 }
    guard start < head.count, head[start] != 0x20, head[start] != 0x09 else { return .no }
    let (headers, bodyStart) = MIMEHeaders.parse(head, start..<head.count)
    guard !headers.fields.isEmpty else { return .no }
    // The header block must end at an empty line (or run to the end of the head).
    if bodyStart < head.count {
      let before = bodyStart - 1
      guard before >= start, head[before] == 0x0A else { return .no }
      var lineStart = before
      if lineStart > start, head[lineStart - 1] == 0x0D { lineStart -= 1 }
      guard lineStart > start, head[lineStart - 1] == 0x0A else { return .no }
    }
    let names = Set(headers.fields.map(\.name))
    let known = names.intersection(mailFieldNames)
    let decisive = names.intersection(["from", "received", "return-path", "delivered-to", "message-id", "mime-version"])
    return known.count >= 2 && !decisive.isEmpty ? .high : .no
  }

  static let mailFieldNames: Set<String> = [
    "from", "to", "cc", "bcc", "subject", "date", "message-id", "received", "return-path", "mime-version",
    "content-type", "content-transfer-encoding", "delivered-to", "reply-to", "sender", "in-reply-to",
    "references", "x-mailer", "user-agent", "thread-topic", "thread-index", "dkim-signature",
    "authentication-results", "x-originating-ip", "importance", "x-priority",
  ]
}

/// The headers of a message that its records carry in `_pl.meta`, decoded: unfolded, RFC 2047
/// encoded-words converted (`=?utf-8?q?Pr=C3=BCfbericht?=` → `Prüfbericht`). Addresses stay
/// as written (`Labor Dr. Kessler GmbH <berichte@labor-kessler.example>`).
public struct MailHeaders: Sendable, Equatable {
  public var from: String?
  public var to: String?
  public var cc: String?
  /// As written (`Tue, 05 Mar 2024 15:22:10 -0600`); `utcDate` is the same time in UTC.
  public var date: String?
  public var subject: String?
  /// As written, angle brackets included.
  public var messageID: String?

  public init(from: String? = nil, to: String? = nil, cc: String? = nil, date: String? = nil, subject: String? = nil, messageID: String? = nil) {
    self.from = from
    self.to = to
    self.cc = cc
    self.date = date
    self.subject = subject
    self.messageID = messageID
  }

  /// `date` as ISO 8601 UTC (`2024-03-05T21:22:10Z`), or nil when it is missing or no RFC 5322
  /// date.
  public var utcDate: String? { date.flatMap(MailDate.utc) }

  init(_ fields: MIMEHeaders) {
    from = fields["from"].map(EncodedWords.decode)
    to = fields["to"].map(EncodedWords.decode)
    cc = fields["cc"].map(EncodedWords.decode)
    date = fields["date"]
    subject = fields["subject"].map(EncodedWords.decode)
    messageID = fields["message-id"]
  }
}

/// One attachment of a message: its decoded bytes and what the message says about it.
public struct MailAttachment: Sendable, Equatable {
  /// The file name (decoded, no directory part), or one made from the part number and the
  /// type (`part-3.pdf`) when the message gives none.
  public var filename: String
  /// True when `filename` was made up, not given by the message.
  public var filenameGenerated: Bool
  /// The content type, lower case, without parameters (`application/pdf`).
  public var contentType: String
  /// The `charset` parameter of the content type, when there is one (`iso-8859-1`): a hint
  /// for reading a text attachment, which its own bytes may contradict.
  public var charset: String?
  /// The bytes, transfer encoding (base64, quoted-printable) undone.
  public var bytes: [UInt8]
  /// The part's number in the IMAP way (`2`, `3.1.2`): unique within the message.
  public var section: String
  /// The subjects of the forwarded messages the attachment is inside, outermost first (a
  /// forwarded message without a subject is `message <section>`); empty for an attachment of
  /// the message itself.
  public var path: [String]
  /// The headers of the message the attachment belongs to: the forwarded one, when it is in
  /// one.
  public var message: MailHeaders

  public init(
    filename: String, filenameGenerated: Bool = false, contentType: String, charset: String? = nil, bytes: [UInt8], section: String,
    path: [String] = [], message: MailHeaders
  ) {
    self.filename = filename
    self.filenameGenerated = filenameGenerated
    self.contentType = contentType
    self.charset = charset
    self.bytes = bytes
    self.section = section
    self.path = path
    self.message = message
  }
}

/// What a message may cost before it is refused as damaged or hostile.
public struct MailLimits: Sendable, Equatable {
  /// MIME parts in the whole message (containers and forwarded messages count). A message
  /// with more is refused as soon as the one too many is found, before it is decoded.
  public var maxParts: Int
  /// How deep multiparts and forwarded messages may nest inside one another.
  public var maxDepth: Int
  /// Bytes of all attachments together, decoded.
  public var maxDecodedBytes: Int

  public init(maxParts: Int = 1000, maxDepth: Int = 10, maxDecodedBytes: Int = 256 << 20) {
    self.maxParts = maxParts
    self.maxDepth = maxDepth
    self.maxDecodedBytes = maxDecodedBytes
  }
}
