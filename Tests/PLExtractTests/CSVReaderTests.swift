import PLCore
@testable import PLExtract
import Testing

/// Bytes in memory handed out at most `chunk` at a time, as a pipe does: deterministic, unlike a
/// real pipe, so tests can count the work done.
func chunkedStream(_ bytes: [UInt8], chunk: Int) -> MemoryStream {
  MemoryStream(bytes, name: "t.csv", maxRead: chunk)
}

/// The row scanner over inputs that arrive in pieces.
@Suite struct CSVReaderTests {
  /// A row is where it starts and the bytes of its fields.
  struct Row: Equatable {
    var line: Int
    var fields: [[UInt8]]
  }

  static func rows(_ reader: CSVReader) throws -> [Row] {
    var rows: [Row] = []
    while try reader.nextRow() {
      rows.append(Row(line: reader.rowLine, fields: reader.spans.map { Array(reader.bytes(of: $0)) }))
    }
    return rows
  }

  /// A field of about `kilobytes` KiB holding everything a quoted field can: delimiters,
  /// doubled quotes, LF, CRLF and lone CRs, some of them across every chunk boundary.
  static func bigQuotedField(kilobytes: Int) -> [UInt8] {
    let piece = Array("0123456789,;\"\"\tabc\r\ndef\rghi\n".utf8)
    var field: [UInt8] = [UInt8(ascii: "\"")]
    field.reserveCapacity(kilobytes << 10 + piece.count + 1)
    while field.count < kilobytes << 10 { field += piece }
    field.append(UInt8(ascii: "\""))
    return field
  }

  static func bigInputs(kilobytes: Int) -> [(name: String, bytes: [UInt8])] {
    let quoted = bigQuotedField(kilobytes: kilobytes)
    let unquoted = [UInt8](repeating: UInt8(ascii: "x"), count: kilobytes << 10)
    return [
      ("quoted", Array("a,b\r1,".utf8) + quoted + Array("\r\n2,3\r".utf8)),
      ("unquoted", Array("a,b\n1,".utf8) + unquoted + Array("\n2,3\n".utf8)),
    ]
  }

  /// A pipe that delivers 4 KiB at a time made the reader scan a row again from its start
  /// after each refill: reading a 30 MB field took 3 s from a pipe against 0.1 s from a file.
  /// Each byte must now be looked at a bounded number of times whatever the reads.
  @Test func scanningARowIsLinearInItsLength() throws {
    for (name, input) in Self.bigInputs(kilobytes: 4096) {
      let stream = chunkedStream(input, chunk: 4096)
      let reader = try CSVReader(input: BlockBuffer(source: stream, blockSize: 4096), delimiter: UInt8(ascii: ","))
      let rows = try Self.rows(reader)
      #expect(rows.count == 3, "\(name)")
      // Rescanning from the row's start after each of the ~1000 refills would be ~2 GB.
      #expect(reader.bytesScanned <= input.count + 64, "\(name): \(reader.bytesScanned) bytes scanned for \(input.count)")
      #expect(stream.reads <= input.count / 4096 + 8, "\(name): \(stream.reads) reads")
    }
  }

  /// The rows, their lines and their bytes do not depend on how the input is split. A row
  /// of 128 KiB read a byte at a time is resumed some 130,000 times.
  @Test(arguments: [1, 2, 3, 7, 4096])
  func chunkingDoesNotChangeRows(chunk: Int) throws {
    var inputs = Self.bigInputs(kilobytes: 128)
    inputs += [
      ("line ends", Array("a,b\r\n\"1\r\n\",\"\r\"\r\"\n\r\",x\r\r\n\n\r3,\"4\"\r\n5,6\r7,8".utf8)),
      ("doubled quotes", Array("\"a\"\"\",b\n\"\"\"\"\"\",\"x\"\"\r\"\"y\"\r\"\",\"\"\n".utf8)),
      ("BOM", [0xEF, 0xBB, 0xBF] + Array("\"a\",b\r1,2\r".utf8)),
    ]
    for (name, input) in inputs {
      let whole = try Self.rows(CSVReader(input: BlockBuffer(source: MemoryStream(input, name: "t.csv"), blockSize: input.count + 16), delimiter: nil))
      let chunked = try Self.rows(CSVReader(input: BlockBuffer(source: chunkedStream(input, chunk: chunk), blockSize: 16), delimiter: nil))
      #expect(chunked == whole, "\(name)")
      #expect(!whole.isEmpty, "\(name)")
    }
  }

  @Test func lineEndsInsideAQuotedFieldAreCountedOnceWhereverTheySplit() throws {
    // Field 1 spans lines 2 to 6 (CRLF, CR, LF, CRLF), so the next row starts on line 7.
    let input = Array("a\r\n\"1\r\n2\r3\n4\r\n5\"\r\n6\r\n".utf8)
    for chunk in 1...input.count {
      let rows = try Self.rows(CSVReader(input: BlockBuffer(source: chunkedStream(input, chunk: chunk), blockSize: 16), delimiter: nil))
      #expect(rows.map(\.line) == [1, 2, 7], "chunk \(chunk)")
    }
  }
}
