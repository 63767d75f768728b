import PLCore
import PLTestSupport
import Testing

/// Sees every byte read from a stream, as a digest does.
final class Collector: ByteObserver {
  var bytes: [UInt8] = []
  func observe(_ chunk: UnsafeRawBufferPointer) { bytes += chunk }
}

@Suite struct MemoryStreamTests {
  @Test(arguments: [1, 2, 7, 4096], [1, 3, Int.max])
  func readsItsBytesAndShowsThemToObservers(block: Int, maxRead: Int) throws {
    let bytes = Array("a,b\n1,2\nµg\n".utf8)
    let stream = MemoryStream(bytes, name: "mail.eml!a.csv", maxRead: maxRead)
    let seen = Collector()
    stream.observers.append(seen)
    #expect(try readToEnd(stream, blockSize: block) == bytes)
    #expect(seen.bytes == bytes)
    #expect(stream.bytesRead == bytes.count)
    #expect(stream.size == bytes.count)
    #expect(try readToEnd(stream, blockSize: block) == [])
  }

  @Test func readAllRefusesPastItsLimit() throws {
    let stream = MemoryStream(Array(repeating: 0x41, count: 3 << 20), name: "big.pdf")
    let error = plError { _ = try stream.readAll(limit: 2 << 20) }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.hasPrefix("big.pdf: larger than the 2 MiB") == true)
  }
}

/// Latin-1, Windows-1252 and UTF-16 text becomes UTF-8, under every chunking, and the
/// underlying stream's observers still see the bytes as they were.
@Suite struct TranscodingStreamTests {
  static let text = "Probe;Protein µg/100 g;Temp °C\nK-1;1,25;21\nMüller – “Öl”;0,5;€\n"

  static func encoded(_ encoding: String) -> [UInt8] {
    switch encoding {
    case "UTF-16LE": return Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    case "UTF-16BE": return Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    default:
      // Windows-1252: ASCII as it is, and the few characters of the text by their code.
      let table: [Character: UInt8] = ["µ": 0xB5, "°": 0xB0, "ü": 0xFC, "–": 0x96, "“": 0x93, "”": 0x94, "Ö": 0xD6, "€": 0x80]
      return text.map { table[$0] ?? $0.asciiValue! }
    }
  }

  @Test(arguments: ["WINDOWS-1252", "UTF-16LE", "UTF-16BE"], [1, 2, 3, 7, 16, 4096])
  func convertsToUTF8(encoding: String, trickle: Int) throws {
    let original = Self.encoded(encoding)
    let base = MemoryStream(original, name: "export.csv", maxRead: trickle)
    let raw = Collector()
    base.observers.append(raw)
    let stream = try TranscodingStream(base: base, encoding: encoding)
    let converted = Collector()
    stream.observers.append(converted)
    let out = try readToEnd(stream, blockSize: max(1, trickle))
    #expect(String(decoding: out, as: UTF8.self) == Self.text)
    #expect(converted.bytes == out)
    #expect(raw.bytes == original)
    #expect(stream.name == "export.csv")
  }

  @Test func latin1() throws {
    let stream = try TranscodingStream(base: MemoryStream([0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0xB0], name: "x"), encoding: "ISO-8859-1")
    #expect(String(decoding: try readToEnd(stream, blockSize: 64), as: UTF8.self) == "Müller°")
  }

  /// A byte that is no character of the encoding is an error naming the line, never U+FFFD.
  @Test func badByteNamesTheLine() throws {
    // 0x81 is undefined in Windows-1252.
    let bytes = Array("a;b\n1;2\nx".utf8) + [0x81] + Array(";y\n".utf8)
    let stream = try TranscodingStream(base: MemoryStream(bytes, name: "odd.csv"), encoding: "WINDOWS-1252")
    let error = plError { _ = try readToEnd(stream, blockSize: 4096) }
    #expect(error == .malformed(source: "odd.csv", location: .line(3), message: "byte 0x81 is not a character of WINDOWS-1252 (give the right one with --encoding)"))
  }

  @Test func textCutInsideACharacter() throws {
    let stream = try TranscodingStream(base: MemoryStream([0x41, 0x00, 0x42], name: "cut.txt"), encoding: "UTF-16LE")
    let error = plError { _ = try readToEnd(stream, blockSize: 4096) }
    #expect(error == .malformed(source: "cut.txt", location: .line(1), message: "the input ends inside a character of UTF-16LE"))
  }

  @Test func unknownEncodingIsAUsageError() {
    let error = plError { _ = try TranscodingStream(base: MemoryStream([], name: "x"), encoding: "KLINGON-8") }
    #expect(error?.exitStatus == .usage)
  }

  /// Readers built on block buffers read transcoded text like any other.
  @Test func linesOfATranscodedStream() throws {
    let stream = try TranscodingStream(base: MemoryStream(Self.encoded("UTF-16LE"), name: "u16.csv"), encoding: "UTF-16LE")
    let reader = LineReader(source: stream, blockSize: 16)
    var lines: [String] = []
    while let line = try reader.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
    #expect(lines == Self.text.split(separator: "\n").map(String.init))
  }
}
