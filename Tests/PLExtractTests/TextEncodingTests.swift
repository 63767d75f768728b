import PLCore
@testable import PLExtract
import Testing

/// The encoding of a text input, decided from its first bytes.
@Suite struct TextEncodingTests {
  static func detect(_ bytes: [UInt8], complete: Bool = true) -> String? {
    bytes.withUnsafeBufferPointer { TextEncoding.detect($0, complete: complete) }
  }

  @Test(arguments: [
    (Array("a,b\n1,2\n".utf8), nil),
    (Array("Temp °C;µg\n".utf8), nil),
    ([0xEF, 0xBB, 0xBF] + Array("a\n".utf8), nil),
    ([0xFF, 0xFE, 0x61, 0x00], "UTF-16LE"),
    ([0xFE, 0xFF, 0x00, 0x61], "UTF-16BE"),
    (Array("sample,value\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, "UTF-16LE"),
    (Array("sample,value\n".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, "UTF-16BE"),
    (Array("Temp ".utf8) + [0xB0] + Array("C\n".utf8), "WINDOWS-1252"),
    (Array("M".utf8) + [0xFC, 0x6C, 0x6C, 0x65, 0x72] + Array(";".utf8) + [0x80], "WINDOWS-1252"),
    (Array("x".utf8) + [0x81] + Array("y\n".utf8), "ISO-8859-1"),
    // A UTF-8 byte-order mark declares UTF-8: Latin-1 bytes after it are damage, reported.
    ([0xEF, 0xBB, 0xBF] + Array("Temp ".utf8) + [0xB0] + Array("C\n".utf8), nil),
    // Binary data is no text: the readers report it.
    ([0x61, 0x00, 0x00, 0x00, 0xB0, 0x01], nil),
  ] as [([UInt8], String?)])
  func detects(bytes: [UInt8], expected: String?) {
    #expect(Self.detect(bytes) == expected)
  }

  /// A UTF-8 sequence cut by the end of the head is not taken for Latin-1.
  @Test func sequenceCutByTheHead() {
    let head = Array("Temp ".utf8) + [0xC2]
    #expect(Self.detect(head, complete: false) == nil)
    #expect(Self.detect(head, complete: true) == "WINDOWS-1252")
  }

  @Test(arguments: ["utf-8", "UTF8", "Utf_8"])
  func utf8Names(name: String) {
    #expect(TextEncoding.isUTF8(name))
  }
}

/// Legacy encodings decided by uchardet and checked against the text iconv reads.
@Suite struct DetectedEncodingTests {
  static func decide(_ bytes: [UInt8], complete: Bool = true) -> EncodingDecision {
    bytes.withUnsafeBufferPointer { TextEncoding.decide($0, complete: complete) }
  }

  /// A lab export of 12 rows (about 1 KB) in each encoding: detected under iconv's name for
  /// it, and read back as the text it was made from.
  @Test(arguments: [
    (LabExport.japanese, "SHIFT_JIS", "CP932"), (.japanese, "EUC-JP", "EUC-JP"), (.japanese, "ISO-2022-JP", "ISO-2022-JP"),
    (.simplifiedChinese, "GB18030", "GB18030"), (.simplifiedChinese, "GBK", "GB18030"),
    (.simplifiedChinese, "GB2312", "GB18030"), (.traditionalChinese, "BIG5", "CP950"), (.korean, "EUC-KR", "CP949"),
    (.russian, "WINDOWS-1251", "WINDOWS-1251"), (.russian, "KOI8-R", "KOI8-R"), (.russian, "ISO-8859-5", "ISO-8859-5"),
    (.russian, "IBM866", "IBM866"), (.greek, "ISO-8859-7", "ISO-8859-7"),
    (.polish, "WINDOWS-1250", "WINDOWS-1250"), (.polish, "ISO-8859-2", "ISO-8859-2"),
    (.czech, "WINDOWS-1250", "WINDOWS-1250"), (.czech, "ISO-8859-2", "ISO-8859-2"),
  ] as [(LabExport, String, String)])
  func labExport(language: LabExport, encoding: String, expected: String) throws {
    let text = language.text(rows: 12)
    let bytes = try #require(encoded(text, as: encoding))
    let decision = Self.decide(bytes)
    #expect(decision.name == expected, "\(decision.reason)")
    #expect(decision.name.flatMap { decoded(bytes, from: $0) } == text)
    #expect(decision.confidence >= 0.5 && decision.confidence <= 1)
    #expect(decision.reason.hasPrefix("uchardet"))
    // The fallback it won over (nil for seven-bit ISO-2022-JP, which is also valid UTF-8).
    #expect(decision.runnerUp == (encoding == "ISO-2022-JP" ? nil : bytes.contains { [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains($0) } ? "ISO-8859-1" : "WINDOWS-1252"))
  }

  /// Western exports stay as they were: Windows-1252, whatever uchardet's name for them.
  @Test(arguments: [
    (LabExport.german, "WINDOWS-1252"), (.german, "ISO-8859-1"), (.french, "WINDOWS-1252"), (.french, "ISO-8859-1"),
  ] as [(LabExport, String)])
  func westernExportsStayWindows1252(language: LabExport, encoding: String) throws {
    for rows in [1, 12, 200] {
      // Œ has no form in ISO-8859-1: those rows go without it.
      let text = language.text(rows: rows).replacing("Œ", with: "O")
      let bytes = try #require(encoded(text, as: encoding))
      let decision = Self.decide(bytes)
      #expect(decision.name == "WINDOWS-1252", "\(rows) rows: \(decision.reason)")
      #expect(decision.reason.hasPrefix("not UTF-8: Windows-1252 fallback"))
    }
  }

  /// The Central European, Cyrillic and CJK readings of a German export are turned down even
  /// when uchardet names them: its letters read the same in Windows-1250, and as Cyrillic or
  /// kanji they would sit inside Latin words (`Mьller`).
  @Test(arguments: ["WINDOWS-1250", "ISO-8859-2", "WINDOWS-1251", "KOI8-R", "ISO-8859-5", "SHIFT_JIS", "GB18030", "BIG5", "UHC"])
  func germanIsNotReadAs(answer: String) throws {
    let text = LabExport.german.text(rows: 20) + "Volumen;5 m³;Fläche 2 m²;½ l;Vitamin B12 0,5 µg\r\n"
    let bytes = try #require(encoded(text, as: "WINDOWS-1252"))
    let verdict = bytes.withUnsafeBufferPointer { TextEncoding.judge(answer, $0, fallback: "WINDOWS-1252") }
    guard case .turnedDown = verdict else {
      Issue.record("\(answer) taken for German text: \(verdict)")
      return
    }
  }

  /// uchardet 0.0.7 names ISO-8859-2 for this Shift_JIS export (its `μ` tips the whole-text
  /// answer); the lines on their own say Shift_JIS, and the text bears it out.
  @Test func shiftJISThatUchardetCallsLatin() throws {
    let text = LabExport.japanese.text(rows: 3)
    let bytes = try #require(encoded(text, as: "SHIFT_JIS"))
    let decision = Self.decide(bytes)
    #expect(decision.name == "CP932")
    #expect(decision.reason.hasPrefix("uchardet line by line: SHIFT_JIS"))
  }

  /// CP932 reads what Windows adds to Shift_JIS: circled numbers, `㎎`.
  @Test func windowsShiftJIS() throws {
    let text = LabExport.japanese.text(rows: 12) + "L9,①白米,鉄,0.5,㎎/100 g,0.01,2024-03-30,\r\n"
    let bytes = try #require(encoded(text, as: "CP932"))
    #expect(Self.decide(bytes).name == "CP932")
    #expect(decoded(bytes, from: "CP932") == text)
  }

  /// Two lines (a header and one row) are enough for CJK and Cyrillic; a Polish or Czech
  /// header on its own is not, and stays Windows-1252 (say `--encoding`). Four kanji are too
  /// few for uchardet, which calls them Windows-1252: the fallback.
  @Test func shortInputs() throws {
    for (language, encoding, expected) in [
      (LabExport.japanese, "SHIFT_JIS", "CP932"), (.simplifiedChinese, "GB18030", "GB18030"),
      (.traditionalChinese, "BIG5", "CP950"), (.korean, "EUC-KR", "CP949"), (.russian, "WINDOWS-1251", "WINDOWS-1251"),
      (.russian, "KOI8-R", "KOI8-R"), (.greek, "ISO-8859-7", "ISO-8859-7"), (.polish, "WINDOWS-1250", "WINDOWS-1250"),
    ] {
      let bytes = try #require(encoded(language.text(rows: 1), as: encoding))
      #expect(Self.decide(bytes).name == expected, "\(language) in \(encoding)")
    }
    let polishHeader = try #require(encoded(LabExport.polish.text(rows: 0), as: "WINDOWS-1250"))
    #expect(Self.decide(polishHeader).name == "WINDOWS-1252")
    let tiny = try #require(encoded("試料,値\nA,1\n", as: "SHIFT_JIS"))
    let decision = Self.decide(tiny)
    #expect(decision.name == "WINDOWS-1252")
    #expect(decision.reason == "not UTF-8: Windows-1252 fallback (uchardet: WINDOWS-1252)")
  }

  /// A head cut inside a double-byte character (the input goes on) is still Shift_JIS, and
  /// so is a whole input that ends inside one: the converter reports that with its line.
  @Test func headCutInsideACharacter() throws {
    let bytes = try #require(encoded(LabExport.japanese.text(rows: 12), as: "SHIFT_JIS"))
    let lead = try #require(bytes.lastIndex { $0 >= 0x81 && $0 <= 0x9F })
    let cut = Array(bytes[...lead])
    #expect(Self.decide(cut, complete: false).name == "CP932")
    #expect(Self.decide(cut, complete: true).name == "CP932")
  }

  /// Windows-1253 Greek with `€` and typographic quotes (bytes 0x80–0x9F, controls in
  /// ISO-8859-7) is read as Windows-1253 when uchardet says ISO-8859-7.
  @Test func windowsSiblingOfAnISOAnswer() throws {
    let text = LabExport.greek.text(rows: 12) + "L9;Μέλι;Κόστος;12,50 €;„δείγμα“;0,01;2024-03-30;\r\n"
    let bytes = try #require(encoded(text, as: "WINDOWS-1253"))
    let decision = Self.decide(bytes)
    #expect(decision.name == "WINDOWS-1253", "\(decision.reason)")
    #expect(decoded(bytes, from: "WINDOWS-1253") == text)
  }

  @Test func reasons() throws {
    #expect(Self.decide([0xFF, 0xFE, 0x61, 0x00]) == EncodingDecision(name: "UTF-16LE", confidence: 1, reason: "byte-order mark"))
    #expect(Self.decide(Array("a,b\n1,2\n".utf8)) == EncodingDecision(name: nil, confidence: 1, reason: "valid UTF-8"))
    let utf16 = Self.decide(Array("sample,value\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
    #expect(utf16 == EncodingDecision(name: "UTF-16LE", confidence: 1, reason: "zero bytes of UTF-16LE"))
    let japanese = Self.decide(try #require(encoded(LabExport.japanese.text(rows: 12), as: "SHIFT_JIS")))
    #expect(japanese.reason == "uchardet: SHIFT_JIS (\(TextEncoding.formatted(japanese.confidence)))")
    let latin = Self.decide(Array("x".utf8) + [0x81] + Array("y\n".utf8))
    #expect(latin.name == "ISO-8859-1")
    #expect(latin.reason.hasPrefix("not UTF-8: ISO-8859-1 fallback"))
  }

  @Test(arguments: [(0.0, "0.00"), (0.5, "0.50"), (0.987, "0.99"), (0.05, "0.05"), (1.0, "1.00")])
  func confidenceShown(value: Double, shown: String) {
    #expect(TextEncoding.formatted(value) == shown)
  }
}
