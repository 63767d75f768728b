import PLCore
import PLExtract
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
