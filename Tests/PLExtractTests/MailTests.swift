import Foundation
import PLCore
@testable import PLExtract
import Testing

/// E-mail split into attachments: headers, MIME trees, transfer encodings, file names,
/// forwarded messages, damage and limits.
@Suite struct MailTests {
  // MARK: - Helpers

  /// A message written with LF line ends, given CRLF ones when `crlf` (as sent on the wire).
  static func message(_ text: String, crlf: Bool = false) -> [UInt8] {
    let lf = Array(text.utf8)
    guard crlf else { return lf }
    var out: [UInt8] = []
    for b in lf {
      if b == 0x0A { out.append(0x0D) }
      out.append(b)
    }
    return out
  }

  static func parse(_ text: String, crlf: Bool = false, limits: MailLimits = MailLimits()) throws -> MailMessage {
    try MailMessage.parse(message(text, crlf: crlf), name: "t.eml", limits: limits)
  }

  static func base64(_ bytes: [UInt8]) -> String {
    // Wrapped at 76 columns, as mail programs do.
    let encoded = Data(bytes).base64EncodedString()
    return stride(from: 0, to: encoded.count, by: 76).map { start in
      let a = encoded.index(encoded.startIndex, offsetBy: start)
      let b = encoded.index(a, offsetBy: min(76, encoded.count - start))
      return String(encoded[a..<b])
    }.joined(separator: "\n")
  }

  static func sniff(_ text: String) -> Confidence {
    Array(text.utf8).withUnsafeBufferPointer { MailMessage.sniff($0) }
  }

  // MARK: - The corpus e-mails

  static var corpus: URL? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = ProcessInfo.processInfo.environment["PL_CORPUS"].map { URL(fileURLWithPath: $0) }
      ?? root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    return FileManager.default.fileExists(atPath: url.appendingPathComponent("truth").path) ? url : nil
  }

  static let corpusMails = ["CoA 2404190 - Green Valley.eml", "NordLab NLA-24-005008.eml", "Pruefbericht 24-119817.eml"]

  /// An address as the truth writes it, without the quotes around a display name.
  static func unquoted(_ address: String?) -> String? { address.map { $0.filter { $0 != "\"" } } }

  @Test(.enabled(if: corpus != nil, "no corpus"), arguments: corpusMails)
  func corpusMailGivesEveryAttachmentAndItsHeaders(file: String) throws {
    let corpus = try #require(Self.corpus)
    let bytes = try [UInt8](Data(contentsOf: corpus.appendingPathComponent("inputs/\(file)")))
    let truthData = try Data(contentsOf: corpus.appendingPathComponent("truth/\(file).json"))
    let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
    let header = try #require(truth["header"] as? [String: Any])
    let members = try #require(truth["members"] as? [[String: Any]])

    #expect(bytes.withUnsafeBufferPointer { MailMessage.sniff($0) } == .high)
    let mail = try MailMessage.parse(bytes, name: file)
    #expect(Self.unquoted(mail.headers.from) == Self.unquoted(header["from"] as? String))
    #expect(Self.unquoted(mail.headers.to) == Self.unquoted(header["to"] as? String))
    #expect(mail.headers.subject == header["subject"] as? String)
    #expect(mail.headers.messageID == header["message_id"] as? String)
    #expect(mail.headers.utcDate == header["date"] as? String)
    #expect(mail.skippedParts == 1)
    #expect(mail.notes.isEmpty)
    #expect(mail.attachments.map(\.filename) == members.map { $0["name"] as? String ?? "" })
    #expect(mail.attachments.map(\.contentType) == members.map { $0["content_type"] as? String ?? "" })
    for attachment in mail.attachments {
      #expect(!attachment.filenameGenerated)
      #expect(attachment.path.isEmpty)
      #expect(attachment.message == mail.headers)
      if attachment.contentType == "application/pdf" {
        #expect(attachment.bytes.starts(with: Array("%PDF-".utf8)), "\(attachment.filename)")
        let tail = String(decoding: attachment.bytes.suffix(8), as: UTF8.self)
        #expect(tail.hasSuffix("%%EOF\n") || tail.hasSuffix("%%EOF"), "\(attachment.filename) ends with \(tail)")
      }
      if attachment.contentType == "text/csv" {
        let text = try #require(String(validating: attachment.bytes, as: UTF8.self))
        #expect(text.hasPrefix("Report;Sample no.;Customer sample ID;"))
        #expect(text.contains("NLA-24-005008;NLA-S24-05518;S24-00809;Whey protein concentrate 80;Water content;4.9;g/100 g"))
        #expect(text.hasSuffix("Absent/25 g;/25 g;;ISO 6579-1:2017;yes\r\n"))
      }
    }
  }

  /// Every other corpus input is no e-mail to the sniffer (a preamble of `Key: value` lines is
  /// no message).
  @Test(.enabled(if: corpus != nil, "no corpus"))
  func otherCorpusInputsAreNoMail() throws {
    let inputs = try #require(Self.corpus).appendingPathComponent("inputs")
    for file in try FileManager.default.contentsOfDirectory(atPath: inputs.path) where !file.hasSuffix(".eml") {
      let head = try [UInt8](Data(contentsOf: inputs.appendingPathComponent(file)).prefix(1 << 16))
      #expect(head.withUnsafeBufferPointer { MailMessage.sniff($0) } == .no, "\(file)")
    }
  }

  // MARK: - Headers

  @Test(arguments: [
    ("=?UTF-8?B?UHLDvGZiZXJpY2h0?= 24-119817", "Prüfbericht 24-119817"),
    ("=?ISO-8859-1?Q?Pr=FCfbericht_24-119817?=", "Prüfbericht 24-119817"),
    ("=?utf-8?q?Pr=C3=BCfbericht?= 24-119817 / Ihr Zeichen", "Prüfbericht 24-119817 / Ihr Zeichen"),
    // Whitespace between encoded-words is dropped; text between them is kept.
    ("=?UTF-8?Q?Gr=C3=BC?= =?UTF-8?Q?=C3=9Fe?=", "Grüße"),
    ("=?UTF-8?Q?a?= und =?UTF-8?Q?b?=", "a und b"),
    // A character split across two words comes out whole.
    ("=?UTF-8?B?UHLD?= =?UTF-8?B?vGZ1bmc=?=", "Prüfung"),
    // Words in two charsets.
    ("=?ISO-8859-1?Q?M=FCller?= =?UTF-8?B?w6k=?=", "Mülleré"),
    ("=?windows-1252?Q?=80_5?=", "€ 5"),
    ("=?ISO-8859-15?Q?=A4?=", "€"),
    ("=?UTF-8*de?Q?=C3=A4?=", "ä"),
    // Not well formed, or a charset iconv does not know: kept as written.
    ("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?="),
    ("=?no-such-charset?Q?abc?=", "=?no-such-charset?Q?abc?="),
    ("=?UTF-8?Q?unterminated", "=?UTF-8?Q?unterminated"),
    ("a =? b", "a =? b"),
    ("plain subject", "plain subject"),
  ])
  func decodesEncodedWords(raw: String, expected: String) {
    #expect(EncodedWords.decode(raw) == expected)
  }

  @Test(arguments: [false, true])
  func unfoldsAndDecodesHeaders(crlf: Bool) throws {
    let mail = try Self.parse(
      """
      From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <j.mueller@labor.example>
      To: a@example.org,
       b@example.org
      Subject: =?UTF-8?B?UHLDvGZiZXJpY2h0?=
      \t=?UTF-8?Q?_Nr=2E_7?= folded
      Date: Wed, 27 Mar 2024 16:48:02 +0100 (CET)
      Message-ID: <x.1@labor.example>

      body
      """, crlf: crlf)
    #expect(mail.headers.from == "Jürgen Müller <j.mueller@labor.example>")
    #expect(mail.headers.to == "a@example.org, b@example.org")
    #expect(mail.headers.subject == "Prüfbericht Nr. 7 folded")
    #expect(mail.headers.date == "Wed, 27 Mar 2024 16:48:02 +0100 (CET)")
    #expect(mail.headers.utcDate == "2024-03-27T15:48:02Z")
    #expect(mail.headers.messageID == "<x.1@labor.example>")
    #expect(mail.attachments.isEmpty)
    #expect(mail.skippedParts == 1)
  }

  @Test(arguments: [
    ("Tue, 05 Mar 2024 15:22:10 -0600", "2024-03-05T21:22:10Z"),
    ("Tue, 02 Apr 2024 11:05:43 +0200", "2024-04-02T09:05:43Z"),
    ("2 Apr 2024 01:05 +0200", "2024-04-01T23:05:00Z"),
    ("Sun, 31 Dec 2023 23:30:00 -0100", "2024-01-01T00:30:00Z"),
    ("Thu, 29 Feb 24 12:00:00 GMT", "2024-02-29T12:00:00Z"),
    ("Mon, 1 Jan 1990 00:00:00 EST", "1990-01-01T05:00:00Z"),
    ("Fri, 01 Mar 2024 00:15:00 +0530", "2024-02-29T18:45:00Z"),
  ])
  func readsDates(text: String, utc: String) {
    #expect(MailDate.utc(text) == utc)
  }

  @Test(arguments: ["", "yesterday", "31 Feb 2024 10:00:00 +0000", "01 Mar 2024 25:00:00 +0000", "01 Foo 2024 10:00 +0000", "01 Mar 2024 10:00 +99"])
  func refusesNonDates(text: String) {
    #expect(MailDate.utc(text) == nil)
  }

  // MARK: - File names

  @Test(arguments: [
    ("attachment; filename=\"CoA_2404190.pdf\"", "CoA_2404190.pdf"),
    ("attachment; filename=report.csv", "report.csv"),
    ("attachment; FileName = \"a \\\"quoted\\\" name.csv\" ; size=12", "a \"quoted\" name.csv"),
    ("attachment; filename*=UTF-8''Pr%C3%BCfbericht.pdf", "Prüfbericht.pdf"),
    ("attachment; filename*=iso-8859-1'de'Pr%FCfbericht.pdf", "Prüfbericht.pdf"),
    // Continuations, in any order, percent-encoded or not; the extended form wins.
    ("attachment; filename=\"fallback.pdf\"; filename*1*=fbericht%20Nr.; filename*0*=UTF-8''Pr%C3%BC; filename*2=\" 7.pdf\"", "Prüfbericht Nr. 7.pdf"),
    ("attachment; filename*0=\"very long \"; filename*1=\"name.csv\"", "very long name.csv"),
    // RFC 2047 inside quotes, as Outlook and webmail write it.
    ("attachment; filename=\"=?UTF-8?B?UHLDvGZiZXJpY2h0LnBkZg==?=\"", "Prüfbericht.pdf"),
    ("attachment; filename=\"=?ISO-8859-1?Q?Gr=FC=DFe.csv?=\"", "Grüße.csv"),
    // Never a path.
    ("attachment; filename=\"../../etc/passwd\"", "passwd"),
    ("attachment; filename=\"C:\\\\Users\\\\lab\\\\results.csv\"", "results.csv"),
  ])
  func readsFileNames(disposition: String, expected: String) throws {
    let mail = try Self.parse(
      """
      From: a@example.org
      Content-Type: multipart/mixed; boundary=b

      --b
      Content-Type: application/octet-stream
      Content-Disposition: \(disposition)

      data
      --b--
      """)
    #expect(mail.attachments.map(\.filename) == [expected])
    #expect(mail.attachments.first?.bytes == Array("data".utf8))
  }

  @Test func takesTheNameOfTheContentTypeWhenTheDispositionHasNone() throws {
    let mail = try Self.parse(
      """
      Content-Type: multipart/mixed; boundary="=_x"

      --=_x
      Content-Type: text/csv; charset=utf-8;
       name*=UTF-8''Ergebnisse%20M%C3%A4rz.csv
      Content-Disposition: inline

      a;b
      --=_x--
      """)
    #expect(mail.attachments.map(\.filename) == ["Ergebnisse März.csv"])
    #expect(mail.attachments.first?.charset == "utf-8")
  }

  @Test func makesNamesForAttachmentsWithoutOne() throws {
    let mail = try Self.parse(
      """
      Content-Type: multipart/mixed; boundary=b

      --b
      Content-Type: text/plain

      Hello
      --b
      Content-Type: application/pdf
      Content-Transfer-Encoding: base64

      JVBERi0xLjQK
      --b
      Content-Type: text/csv

      a,b
      --b
      Content-Type: text/plain
      Content-Disposition: attachment

      notes
      --b--
      """)
    #expect(mail.attachments.map(\.filename) == ["part-2.pdf", "part-3.csv", "part-4.txt"])
    #expect(mail.attachments.map(\.filenameGenerated) == [true, true, true])
    #expect(mail.attachments.map(\.section) == ["2", "3", "4"])
    #expect(mail.attachments.first?.bytes == Array("%PDF-1.4\n".utf8))
    #expect(mail.skippedParts == 1)
  }

  // MARK: - Bodies and transfer encodings

  /// A German quoted-printable body and a CSV attachment in ISO-8859-1, once in base64 and
  /// once in quoted-printable: the bytes come out as they were, the charset as a hint.
  @Test(arguments: [false, true])
  func latin1CSVBesideAGermanBody(crlf: Bool) throws {
    let csv: [UInt8] = Array("Probe;Parameter;Ergebnis;Einheit\nA1;Eiwei".utf8) + [0xDF] + Array(";12,5;g/100 g\nA2;Natrium;3,1;".utf8) + [0xB5] + Array("g/g\n".utf8)
    let mail = try Self.parse(
      """
      From: Labor <labor@example.org>
      Subject: Ergebnisse
      MIME-Version: 1.0
      Content-Type: multipart/mixed; boundary="----=_Part_7"

      This is a multi-part message in MIME format.
      ------=_Part_7
      Content-Type: text/plain; charset=utf-8
      Content-Transfer-Encoding: quoted-printable

      Sehr geehrte Damen und Herren, anbei die Ergebnisse f=C3=BCr Ihre =
      Proben. Mit freundlichen Gr=C3=BC=C3=9Fen
      ------=_Part_7
      Content-Type: text/csv; charset=ISO-8859-1
      Content-Transfer-Encoding: base64
      Content-Disposition: attachment; filename="Ergebnisse.csv"

      \(Self.base64(csv))
      ------=_Part_7
      Content-Type: text/csv; charset=ISO-8859-1
      Content-Transfer-Encoding: quoted-printable
      Content-Disposition: attachment; filename="Ergebnisse-qp.csv"

      Probe;Parameter;Ergebnis;Einheit
      A1;Eiwei=DF;12,5;g/100 g
      A2;Natrium;3,1;=B5g/g

      ------=_Part_7--
      epilogue
      """, crlf: crlf)
    #expect(mail.attachments.map(\.filename) == ["Ergebnisse.csv", "Ergebnisse-qp.csv"])
    #expect(mail.attachments.map(\.charset) == ["ISO-8859-1", "ISO-8859-1"])
    #expect(mail.attachments[0].bytes == csv)
    // Quoted-printable keeps the message's own line ends.
    #expect(mail.attachments[1].bytes == (crlf ? csv.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] } : csv))
    #expect(mail.skippedParts == 1)
  }

  @Test func decodesQuotedPrintable() {
    let text = Array("a=3Db=3db  \nsoft=\nbreak=  \r\nend=XY=4\n=C3=BC".utf8)
    let decoded = text.withUnsafeBufferPointer { QuotedPrintable.decode($0) }
    #expect(String(decoding: decoded, as: UTF8.self) == "a=b=b\nsoftbreakend=XY=4\nü")
  }

  @Test func decodesBase64AcrossLinesAndPadding() throws {
    #expect(try Base64.decode(Array("UHLD\r\nvGZ1\n bmc=".utf8)) == Array("Prüfung".utf8))
    #expect(try Base64.decode(Array("YQ==".utf8)) == Array("a".utf8))
    #expect(try Base64.decode(Array("YQ==YWI=".utf8)) == Array("aab".utf8))
    #expect(try Base64.decode(Array("".utf8)) == [])
  }

  @Test(arguments: [
    ("UHLD!vGZ1", 4, "'!' is not a base64 character"),
    ("UHLDvGZ", 4, "the base64 text ends inside a group of four characters (cut short?)"),
    ("YQ=a", 3, "base64 text goes on inside '=' padding"),
    ("Y===", 1, "'=' padding after a single base64 character"),
  ])
  func refusesBadBase64(text: String, offset: Int, message: String) {
    #expect(throws: TransferDecodingError(offset: offset, message: message)) { try Base64.decode(Array(text.utf8)) }
  }

  /// A bad base64 character is an error naming the file, the line and the part.
  @Test func badBase64NamesThePartAndLine() {
    let error = plError {
      _ = try Self.parse(
        """
        From: a@example.org
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: application/pdf
        Content-Transfer-Encoding: base64
        Content-Disposition: attachment; filename=CoA.pdf

        JVBERi0xLjQK
        JVBE*i0xLjQK
        --b--
        """)
    }
    #expect(error == .malformed(source: "t.eml", location: .line(10), message: "part 1 (CoA.pdf): '*' is not a base64 character"))
  }

  @Test func refusesAnUnknownTransferEncoding() {
    let error = plError {
      _ = try Self.parse("Content-Type: application/pdf\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 a.pdf\n")
    }
    #expect(
      error == .malformed(
        source: "t.eml", location: .line(4),
        message: "part 1: unknown Content-Transfer-Encoding 'x-uuencode' (known: base64, quoted-printable, 7bit, 8bit, binary)"))
  }

  /// A message that is a single attachment, no multipart.
  @Test func aSinglePartMessageIsItsAttachment() throws {
    let mail = try Self.parse(
      "From: a@example.org\nContent-Type: application/pdf; name=\"r.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n")
    #expect(mail.attachments.map(\.filename) == ["r.pdf"])
    #expect(mail.attachments.map(\.section) == ["1"])
    #expect(mail.partCount == 0)
  }

  // MARK: - MIME trees

  @Test(arguments: [false, true])
  func alternativeBodiesAreNoAttachments(crlf: Bool) throws {
    let mail = try Self.parse(
      """
      From: a@example.org
      Subject: no attachment
      Content-Type: multipart/alternative; boundary="alt"

      --alt
      Content-Type: text/plain; charset=utf-8

      Results follow.
      --alt
      Content-Type: text/html; charset=utf-8
      Content-Transfer-Encoding: quoted-printable

      <p>Results follow.</p>
      --alt--
      """, crlf: crlf)
    #expect(mail.attachments.isEmpty)
    #expect(mail.skippedParts == 2)
    #expect(mail.partCount == 2)
  }

  /// mixed → related → alternative, as Outlook writes a mail with a logo and a PDF.
  @Test(arguments: [false, true])
  func nestedMultipartsGiveTheirAttachments(crlf: Bool) throws {
    let mail = try Self.parse(
      """
      From: a@example.org
      Content-Type: multipart/mixed; boundary="m"

      --m
      Content-Type: multipart/related; boundary="r"

      --r
      Content-Type: multipart/alternative; boundary="a"

      --a
      Content-Type: text/plain

      text
      --a
      Content-Type: text/html

      <img src="cid:logo">
      --a--

      --r
      Content-Type: image/png; name="logo.png"
      Content-Disposition: inline; filename="logo.png"
      Content-ID: <logo>
      Content-Transfer-Encoding: base64

      iVBORw0K
      --r--

      --m
      Content-Type: application/pdf; name="report.pdf"
      Content-Disposition: attachment; filename="report.pdf"
      Content-Transfer-Encoding: base64

      JVBERi0xLjQK
      --m--
      """, crlf: crlf)
    #expect(mail.attachments.map(\.filename) == ["logo.png", "report.pdf"])
    #expect(mail.attachments.map(\.section) == ["1.2", "2"])
    #expect(mail.attachments[0].bytes == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A])
    #expect(mail.skippedParts == 2)
    #expect(mail.partCount == 6)
    #expect(mail.notes.isEmpty)
  }

  /// A forwarded message: its attachment is extracted with the inner message's headers.
  @Test(arguments: [false, true])
  func forwardedMessagesAreOpened(crlf: Bool) throws {
    let mail = try Self.parse(
      """
      From: Kollege <k@polderland.example>
      Subject: Fwd: =?UTF-8?Q?Pr=C3=BCfbericht?= 24-1
      Date: Thu, 28 Mar 2024 09:00:00 +0100
      Content-Type: multipart/mixed; boundary="outer"

      --outer
      Content-Type: text/plain

      See below.
      --outer
      Content-Type: message/rfc822
      Content-Disposition: attachment; filename="original.eml"

      From: Labor <labor@kessler.example>
      Subject: =?UTF-8?Q?Pr=C3=BCfbericht?= 24-1
      Date: Wed, 27 Mar 2024 16:48:02 +0100
      Message-ID: <inner@kessler.example>
      Content-Type: multipart/mixed; boundary="inner"

      --inner
      Content-Type: text/plain

      Anbei.
      --inner
      Content-Type: text/csv; name="24-1.csv"
      Content-Transfer-Encoding: quoted-printable

      Probe;Wert
      A;1=2C5
      --inner--

      --outer
      Content-Type: application/pdf; name="cover.pdf"
      Content-Transfer-Encoding: base64

      JVBERi0xLjQK
      --outer--
      """, crlf: crlf)
    #expect(mail.headers.subject == "Fwd: Prüfbericht 24-1")
    #expect(mail.attachments.map(\.filename) == ["24-1.csv", "cover.pdf"])
    #expect(mail.attachments.map(\.section) == ["2.2", "3"])
    let inner = mail.attachments[0]
    #expect(inner.path == ["Prüfbericht 24-1"])
    #expect(inner.message.from == "Labor <labor@kessler.example>")
    #expect(inner.message.messageID == "<inner@kessler.example>")
    #expect(inner.message.utcDate == "2024-03-27T15:48:02Z")
    #expect(inner.bytes == Self.message("Probe;Wert\nA;1,5", crlf: crlf))
    #expect(mail.attachments[1].path.isEmpty)
    #expect(mail.attachments[1].message == mail.headers)
    #expect(mail.skippedParts == 2)
  }

  /// A forwarded message sent base64-encoded (not allowed, but sent) is decoded, then opened.
  @Test func base64ForwardedMessagesAreOpened() throws {
    let inner = Array("Subject: inner\nContent-Type: text/csv; name=x.csv\n\na,b\n".utf8)
    let mail = try Self.parse(
      """
      Content-Type: multipart/mixed; boundary=o

      --o
      Content-Type: message/rfc822
      Content-Transfer-Encoding: base64

      \(Self.base64(inner))
      --o--
      """)
    #expect(mail.attachments.map(\.filename) == ["x.csv"])
    #expect(mail.attachments.first?.path == ["inner"])
    #expect(mail.attachments.first?.bytes == Array("a,b\n".utf8))
  }

  /// A boundary that merely starts another line's text is no delimiter.
  @Test func aBoundaryPrefixInTheTextIsNoDelimiter() throws {
    let mail = try Self.parse(
      """
      Content-Type: multipart/mixed; boundary=b

      --b
      Content-Type: text/csv; name=a.csv

      --bx is not a delimiter
      --b -- nor this
      --b--
      """)
    #expect(mail.attachments.map(\.bytes) == [Array("--bx is not a delimiter\n--b -- nor this".utf8)])
    #expect(mail.notes.isEmpty)
  }

  // MARK: - Damage and limits

  /// Decision: a missing closing boundary is tolerated, and said in `notes`.
  @Test(arguments: [false, true])
  func aMissingClosingBoundaryIsToleratedAndNoted(crlf: Bool) throws {
    let mail = try Self.parse(
      """
      Content-Type: multipart/mixed; boundary="b"

      --b
      Content-Type: text/plain

      hi
      --b
      Content-Type: application/pdf; name=r.pdf
      Content-Transfer-Encoding: base64

      JVBERi0xLjQK

      """, crlf: crlf)
    #expect(mail.attachments.map(\.filename) == ["r.pdf"])
    #expect(mail.attachments.first?.bytes == Array("%PDF-1.4\n".utf8))
    #expect(mail.notes == ["the message: multipart/mixed has no closing boundary \"--b--\"; its last part (2) was read to the end of the message"])
  }

  /// A base64 attachment cut short (no closing boundary, and inside a group of four) is refused.
  @Test func aCutAttachmentIsRefused() {
    let error = plError {
      _ = try Self.parse("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf; name=r.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLj")
    }
    #expect(
      error == .malformed(source: "t.eml", location: .line(7), message: "part 1 (r.pdf): the base64 text ends inside a group of four characters (cut short?)"))
  }

  @Test func aBoundaryThatNeverAppearsIsAnError() {
    let error = plError { _ = try Self.parse("Content-Type: multipart/mixed; boundary=zz\n\n--b\nContent-Type: application/pdf\n\nx\n--b--\n") }
    #expect(error == .malformed(source: "t.eml", location: .line(3), message: "the message: multipart/mixed holds no part: its boundary \"zz\" never starts a line"))
    let missing = plError { _ = try Self.parse("Content-Type: multipart/mixed\n\n--b\n\nx\n--b--\n") }
    #expect(missing == .malformed(source: "t.eml", location: .line(3), message: "the message: multipart/mixed without a boundary parameter"))
  }

  static func manyParts(_ count: Int) -> String {
    var text = "From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n"
    for i in 1...count { text += "--b\nContent-Type: text/csv; name=p\(i).csv\n\n\(i)\n" }
    return text + "--b--\n"
  }

  /// The hostile case: 10,000 parts are refused at the one too many, naming the limit.
  @Test func tenThousandPartsAreRefused() {
    let text = Self.manyParts(10_000)
    let error = plError { _ = try Self.parse(text) }
    // The 1001st part starts at line 4 + 1000 × 4.
    #expect(error == .malformed(source: "t.eml", location: .line(4004), message: "more than 1000 MIME parts (the limit): refused as damaged or hostile"))
  }

  @Test func partsUpToTheLimitAreRead() throws {
    let mail = try Self.parse(Self.manyParts(1000))
    #expect(mail.attachments.count == 1000)
    #expect(mail.attachments.last?.filename == "p1000.csv")
    #expect(mail.attachments.last?.bytes == Array("1000".utf8))
    let raised = try Self.parse(Self.manyParts(10_000), limits: MailLimits(maxParts: 10_000))
    #expect(raised.attachments.count == 10_000)
  }

  @Test func nestingBeyondTheLimitIsRefused() throws {
    func nested(_ depth: Int) -> String {
      var text = "Content-Type: multipart/mixed; boundary=b0\n\n"
      for level in 1..<depth { text += "--b\(level - 1)\nContent-Type: multipart/mixed; boundary=b\(level)\n\n" }
      text += "--b\(depth - 1)\nContent-Type: text/csv; name=deep.csv\n\nx\n"
      for level in (0..<depth).reversed() { text += "--b\(level)--\n" }
      return text
    }
    #expect(try Self.parse(nested(10)).attachments.map(\.filename) == ["deep.csv"])
    let error = plError { _ = try Self.parse(nested(11)) }
    guard case .malformed(_, _, let message)? = error else {
      Issue.record("expected a malformed error, got \(String(describing: error))")
      return
    }
    #expect(message == "part 1.1.1.1.1.1.1.1.1.1: multiparts and forwarded messages nested more than 10 deep (the limit): refused as damaged or hostile")
  }

  @Test func decodedBytesBeyondTheLimitAreRefused() {
    let error = plError { _ = try Self.parse(Self.manyParts(3), limits: MailLimits(maxDecodedBytes: 2)) }
    #expect(error == .malformed(source: "t.eml", location: .line(15), message: "part 3 (p3.csv): the attachments decode to more than 2 bytes (the limit)"))
  }

  // MARK: - Recognising mail

  @Test(arguments: [
    ("From: a@example.org\nTo: b@example.org\nSubject: x\n\nbody", Confidence.high),
    ("Received: from mx by y\n\tfor <b@example.org>\nFrom: a@example.org\n\nbody", .high),
    ("From a@example.org Thu Mar 28 09:00:00 2024\nFrom: a@example.org\nDate: Thu, 28 Mar 2024 09:00:00 +0100\n\n", .high),
    ("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x", .high),
    // Key-value preambles of lab exports are no mail.
    ("Date: 2024-03-05\nOperator: JD\n\nSample,Value\n1,2\n", .no),
    ("Instrument: HX204\nDate: 11.03.2024\nSubject: moisture\n\nid;mc\n", .no),
    ("From: a@example.org\nSample,Value\n1,2\n", .no),
    ("sample,value\n1,2\n", .no),
    ("", .no),
  ])
  func sniffsMail(text: String, expected: Confidence) {
    #expect(Self.sniff(text) == expected)
  }

  @Test func recognisesOutlookMessages() {
    let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
    let withStreams = ole + Array("__substg1.0_0037001F".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    ole.withUnsafeBufferPointer { head in
      #expect(OutlookMessage.recognise(name: "Report.MSG", head: head))
      #expect(!OutlookMessage.recognise(name: "old.xls", head: head))
    }
    withStreams.withUnsafeBufferPointer { #expect(OutlookMessage.recognise(name: "mail.bin", head: $0)) }
    Array("From: a@b\n\n".utf8).withUnsafeBufferPointer { #expect(!OutlookMessage.recognise(name: "x.msg", head: $0)) }
    #expect(
      OutlookMessage.refusal(name: "Report.msg").description
        == "Report.msg: this is an Outlook message (.msg), which pl-extract cannot read: save it from Outlook as .eml (or forward it as an attachment) and extract that")
  }
}
