import PLCore
import PLExtract
import Testing

/// CSV/TSV rows to records, under every chunking of the input.
@Suite struct CSVExtractorTests {
  /// All records of `input`, read `blockSize` bytes at a time, as the source `t.csv`.
  static func extract(_ input: BlockBuffer, options: CSVOptions = CSVOptions(), includeMeta: Bool = true) throws -> [Record] {
    let extractor = try CSVExtractor(input: input, sourceName: "t.csv", options: options)
    guard try extractor.readHeader() else { return [] }
    var records: [Record] = []
    while let record = try extractor.nextRecord(includeMeta: includeMeta) { records.append(record) }
    #expect(extractor.recordCount == records.count)
    return records
  }

  static func extract(_ bytes: [UInt8], blockSize: Int, options: CSVOptions = CSVOptions()) throws -> [Record] {
    try extract(try temporaryInput(bytes, blockSize: blockSize), options: options)
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var options = CSVOptions()
    var expected: [Record]
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "plain", input: bytes("a,b\n1,2\n3,4\n"), expected: [row(2, ["a": "1", "b": "2"]), row(3, ["a": "3", "b": "4"])]),
    Case(name: "quoted delimiter", input: bytes("a,b\n\"x,y\",2\n"), expected: [row(2, ["a": "x,y", "b": "2"])]),
    Case(name: "doubled quotes", input: bytes("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n"), expected: [row(2, ["a": "say \"hi\"", "b": "\""])]),
    Case(name: "doubled quotes, long", input: bytes("a\n\"", String(repeating: "x\"\"", count: 20), "\"\n"),
         expected: [row(2, ["a": String(repeating: "x\"", count: 20)])]),
    Case(name: "embedded LF", input: bytes("a,b\n\"l1\nl2\n\",x\n5,6\n"),
         expected: [row(2, ["a": "l1\nl2\n", "b": "x"]), row(5, ["a": "5", "b": "6"])]),
    Case(name: "embedded CRLF", input: bytes("a,b\r\n\"l1\r\nl2\",x\r\n5,6\r\n"),
         expected: [row(2, ["a": "l1\r\nl2", "b": "x"]), row(4, ["a": "5", "b": "6"])]),
    Case(name: "newlines in two fields of a row", input: bytes("a,b\n\"1\n2\",\"3\n4\n5\"\nx,y\n"),
         expected: [row(2, ["a": "1\n2", "b": "3\n4\n5"]), row(6, ["a": "x", "b": "y"])]),
    Case(name: "embedded newline with doubled quotes", input: bytes("a\n\"x\"\"\n\"\"y\"\nz\n"),
         expected: [row(2, ["a": "x\"\n\"y"]), row(4, ["a": "z"])]),
    Case(name: "CRLF rows", input: bytes("a,b\r\n1,2\r\n3,4\r\n"), expected: [row(2, ["a": "1", "b": "2"]), row(3, ["a": "3", "b": "4"])]),
    Case(name: "trailing empty field; a row of only delimiters is skipped", input: bytes("a,b,c\n1,2,\n,,\n"),
         expected: [row(2, ["a": "1", "b": "2", "c": ""])]),
    Case(name: "trailing empty field at the end", input: bytes("a,b\n1,"), expected: [row(2, ["a": "1", "b": ""])]),
    Case(name: "trailing empty field, CRLF", input: bytes("a,b\r\n1,\r\n"), expected: [row(2, ["a": "1", "b": ""])]),
    Case(name: "quoted, then empty field at the end", input: bytes("a,b\n\"1\","), expected: [row(2, ["a": "1", "b": ""])]),
    Case(name: "quoted last field at the end", input: bytes("a,b\n1,\"x\""), expected: [row(2, ["a": "1", "b": "x"])]),
    Case(name: "quoted last field, CRLF", input: bytes("a,b\r\n1,\"x\"\r\n2,\"y\"\r"),
         expected: [row(2, ["a": "1", "b": "x"]), row(3, ["a": "2", "b": "y"])]),
    Case(name: "empty last line", input: bytes("a,b\n1,2\n\n"), expected: [row(2, ["a": "1", "b": "2"])]),
    Case(name: "no final newline", input: bytes("a,b\n1,2"), expected: [row(2, ["a": "1", "b": "2"])]),
    Case(name: "no final newline after CR", input: bytes("a,b\r\n1,2\r"), expected: [row(2, ["a": "1", "b": "2"])]),
    Case(name: "BOM", input: bytes([0xEF, 0xBB, 0xBF], "a,b\n1,2\n"), expected: [row(2, ["a": "1", "b": "2"])]),
    Case(name: "BOM before a quoted header", input: bytes([0xEF, 0xBB, 0xBF], "\"a\",b\n1,2\n"), expected: [row(2, ["a": "1", "b": "2"])]),
    Case(name: "CR in quoted fields", input: bytes("a,b\n\"x\ry\",\"\r4\"\n5,6\n"),
         expected: [row(2, ["a": "x\ry", "b": "\r4"]), row(5, ["a": "5", "b": "6"])]),
    // Old Mac exports end lines with a lone CR: read as one header and no records before.
    Case(name: "CR-only rows", input: bytes("Sample,Protein\rA,1.1\rB,1.2\r"),
         expected: [row(2, ["Sample": "A", "Protein": "1.1"]), row(3, ["Sample": "B", "Protein": "1.2"])]),
    Case(name: "CR-only rows, no final line end", input: bytes("a,b\r1,2\r3,4"),
         expected: [row(2, ["a": "1", "b": "2"]), row(3, ["a": "3", "b": "4"])]),
    Case(name: "LF, CRLF and CR mixed", input: bytes("a,b\r\n1,2\r3,4\n5,6\r\n7,8\r"),
         expected: [row(2, ["a": "1", "b": "2"]), row(3, ["a": "3", "b": "4"]), row(4, ["a": "5", "b": "6"]), row(5, ["a": "7", "b": "8"])]),
    Case(name: "CR-only rows, line breaks in quoted fields", input: bytes("a,b\r\"x\ry\",1\r\"p\r\nq\",\"\n\"\r3,4\r"),
         expected: [row(2, ["a": "x\ry", "b": "1"]), row(4, ["a": "p\r\nq", "b": "\n"]), row(7, ["a": "3", "b": "4"])]),
    Case(name: "CR-only blank lines skipped", input: bytes("\ra\r\r1\r\r\n\r2\r\r"),
         expected: [row(4, ["a": "1"]), row(7, ["a": "2"])]),
    Case(name: "CR-only, quoted last fields", input: bytes("a,b\r1,\"x\"\r2,\"y\"\r"),
         expected: [row(2, ["a": "1", "b": "x"]), row(3, ["a": "2", "b": "y"])]),
    Case(name: "CR-only, semicolons detected", input: bytes("a;b\r1,5;2,5\r3,1;4\r"),
         expected: [row(2, ["a": "1,5", "b": "2,5"]), row(3, ["a": "3,1", "b": "4"])]),
    Case(name: "blank lines skipped", input: bytes("\na,b\n\n1,2\n\r\n\n3,4\n\n"),
         expected: [row(4, ["a": "1", "b": "2"]), row(7, ["a": "3", "b": "4"])]),
    Case(name: "one column, quoted empty value kept", input: bytes("a\nx\n\"\"\n\ny\n"),
         expected: [row(2, ["a": "x"]), row(3, ["a": ""]), row(5, ["a": "y"])]),
    Case(name: "header only", input: bytes("a,b\n"), expected: []),
    Case(name: "empty input", input: [], expected: []),
    Case(name: "only blank lines", input: bytes("\n\r\n\n"), expected: []),
    Case(name: "quoted header", input: bytes("\"a,1\",\"b\"\"2\"\nx,y\n"), expected: [row(2, ["a,1": "x", "b\"2": "y"])]),
    Case(name: "spaces kept", input: bytes("a,b\n 1 , 2 \n"), expected: [row(2, ["a": " 1 ", "b": " 2 "])]),
    Case(name: "quote inside an unquoted field is data", input: bytes("a,b\n5\" pipe,x\n"), expected: [row(2, ["a": "5\" pipe", "b": "x"])]),
    Case(name: "non-ASCII", input: bytes("analyte,unit\nProtein,µg/100 g\nTemp,°C\n"),
         expected: [row(2, ["analyte": "Protein", "unit": "µg/100 g"]), row(3, ["analyte": "Temp", "unit": "°C"])]),
    Case(name: "JSON specials in values", input: bytes("a,b\n\"back\\slash\",\"tab\tand\u{1}\"\n"),
         expected: [row(2, ["a": "back\\slash", "b": "tab\tand\u{1}"])]),
    Case(name: "long field", input: bytes("a,b\n", String(repeating: "0123456789", count: 30), ",\"", String(repeating: "q\n", count: 40), "\"\nz,z\n"),
         expected: [row(2, ["a": String(repeating: "0123456789", count: 30), "b": String(repeating: "q\n", count: 40)]), row(43, ["a": "z", "b": "z"])]),
    Case(name: "semicolons detected", input: bytes("a;b\n1,5;2,5\n3,1;4\n"),
         expected: [row(2, ["a": "1,5", "b": "2,5"]), row(3, ["a": "3,1", "b": "4"])]),
    Case(name: "tabs detected", input: bytes("a\tb\nx, y\tz\n"), expected: [row(2, ["a": "x, y", "b": "z"])]),
    Case(name: "pipe given", input: bytes("a|b\n1|2,3\n"), options: CSVOptions(delimiter: UInt8(ascii: "|")),
         expected: [row(2, ["a": "1", "b": "2,3"])]),
    Case(name: "header de-duplication", input: bytes("a,a,,a_2,a\n1,2,3,4,5\n"),
         expected: [row(2, ["a": "1", "a_2": "2", "3": "3", "a_2_2": "4", "a_3": "5"])]),
    Case(name: "_pl header renamed", input: bytes("_pl,x,_pl\n1,2,3\n"), expected: [row(2, ["_pl_2": "1", "x": "2", "_pl_3": "3"])]),
    Case(name: "ragged allowed", input: bytes("a,b\n1\n1,2,3,4\n1,2\n"), options: CSVOptions(allowRagged: true),
         expected: [row(2, ["a": "1", "b": ""]), row(3, ["a": "1", "b": "2", "3": "3", "4": "4"]), row(4, ["a": "1", "b": "2"])]),
    Case(name: "ragged extra field whose number a header took", input: bytes("3,b\n1,2,3\n"), options: CSVOptions(allowRagged: true),
         expected: [row(2, ["3": "1", "b": "2", "3_2": "3"])]),
    Case(name: "no header", input: bytes("x,y\n1,2\n"), options: CSVOptions(header: false),
         expected: [row(1, ["1": "x", "2": "y"]), row(2, ["1": "1", "2": "2"])]),
    Case(name: "no header, ragged allowed", input: bytes("x,y\n1\n1,2,3\n"), options: CSVOptions(header: false, allowRagged: true),
         expected: [row(1, ["1": "x", "2": "y"]), row(2, ["1": "1", "2": ""]), row(3, ["1": "1", "2": "2", "3": "3"])]),
  ]

  @Test(arguments: cases)
  func readsRows(_ c: Case) throws {
    try forEachChunking(c.input) { source, blockSize in
      let input = BlockBuffer(source: source, blockSize: blockSize)
      let records = try Self.extract(input, options: c.options)
      #expect(records.map { JSONWriter.string($0) } == c.expected.map { JSONWriter.string($0) }, "block size \(blockSize)")
      #expect(records == c.expected, "block size \(blockSize)")
    }
  }

  /// From a pipe that delivers a few bytes at a time.
  @Test(arguments: [1, 3])
  func readsRowsFromATricklingPipe(chunk: Int) throws {
    for c in Self.cases where c.input.count < 200 {
      let records = try Self.extract(try tricklingInput(c.input, chunk: chunk), options: c.options)
      #expect(records.map { JSONWriter.string($0) } == c.expected.map { JSONWriter.string($0) }, "\(c.name)")
    }
  }

  @Test func metaCanBeLeftOut() throws {
    let records = try Self.extract(try temporaryInput(bytes("a,b\n1,2\n"), blockSize: 4096), includeMeta: false)
    #expect(records == [Record([("a", .string("1")), ("b", .string("2"))])])
  }

  @Test func writesJSONLines() throws {
    let input = try temporaryInput(bytes("k,\"v\"\"\"\nx,\"a\"\"b\"\n\"é\",\\\n"), blockSize: 4096)
    let extractor = try CSVExtractor(input: input, sourceName: "dir/\"q\".csv", options: CSVOptions())
    #expect(try extractor.readHeader())
    #expect(extractor.headerKeys == ["k", "v\""])
    let out = ByteBuffer(capacity: 16)
    while try extractor.writeNext(to: out, includeMeta: true) {}
    #expect(String(decoding: out.bytes, as: UTF8.self) == #"""
      {"k":"x","v\"":"a\"b","_pl":{"source":"dir/\"q\".csv","line":2}}
      {"k":"é","v\"":"\\","_pl":{"source":"dir/\"q\".csv","line":3}}

      """#)
  }

  struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var options = CSVOptions()
    var line: Int
    var message: String
    var testDescription: String { name }
  }

  static let errorCases: [ErrorCase] = [
    ErrorCase(name: "more fields", input: bytes("a,b\n1,2\n1,2,3\n"), line: 3,
              message: "3 fields, more than the 2 of the header (read with delimiter ',', quote '\"'; use --allow-ragged to keep such rows)"),
    ErrorCase(name: "fewer fields", input: bytes("a,b,c\n1,2,3\n\n1,2\n"), line: 4,
              message: "2 fields, fewer than the 3 of the header (read with delimiter ',', quote '\"'; use --allow-ragged to keep such rows)"),
    ErrorCase(name: "fewer fields after a multi-line row", input: bytes("a,b\n\"x\ny\",z\n1\n"), line: 4,
              message: "1 field, fewer than the 2 of the header (read with delimiter ',', quote '\"'; use --allow-ragged to keep such rows)"),
    ErrorCase(name: "no header: more fields than the first row", input: bytes("1,2\n3,4,5\n"), options: CSVOptions(header: false), line: 2,
              message: "3 fields, more than the 2 of the first row (read with delimiter ',', quote '\"'; use --allow-ragged to keep such rows)"),
    ErrorCase(name: "no header: fewer fields than the first row", input: bytes("1,2\n3\n"), options: CSVOptions(header: false), line: 2,
              message: "1 field, fewer than the 2 of the first row (read with delimiter ',', quote '\"'; use --allow-ragged to keep such rows)"),
    ErrorCase(name: "fewer fields, CR-only lines", input: bytes("a,b\r1,2\r\r1\r"), line: 4,
              message: "1 field, fewer than the 2 of the header (read with delimiter ',', quote '\"'; use --allow-ragged to keep such rows)"),
    ErrorCase(name: "more fields after a multi-line row, CR-only lines", input: bytes("a,b\r\"x\ry\r\nz\",1\r1,2,3\r"), line: 5,
              message: "3 fields, more than the 2 of the header (read with delimiter ',', quote '\"'; use --allow-ragged to keep such rows)"),
    // A one-column file whose values hold commas: the delimiter is the likely mistake.
    ErrorCase(name: "more fields than a one-field header", input: bytes("Value\n1,5\n2,25\n"), line: 2,
              message: "2 fields, but the header has only one: if the fields are separated by something other than ',', give it with -d; if the values hold ',', give -d a character they lack"),
    ErrorCase(name: "more fields than a one-field first row", input: bytes("x\n1;2\n"), options: CSVOptions(delimiter: UInt8(ascii: ";"), header: false), line: 2,
              message: "2 fields, but the first row has only one: if the fields are separated by something other than ';', give it with -d; if the values hold ';', give -d a character they lack"),
    ErrorCase(name: "more fields than a one-field header, tab", input: bytes("x\n1\t2\n"), options: CSVOptions(delimiter: 0x09), line: 2,
              message: "2 fields, but the header has only one: if the fields are separated by something other than tab, give it with -d; if the values hold tab, give -d a character they lack"),
    ErrorCase(name: "Latin-1 value", input: bytes("a,b\nok,ok\nCaf", [0xE9], ",1\n"), line: 3,
              message: "invalid UTF-8 in field 1 (byte 0xE9); give the encoding with --encoding (windows-1252 for most Latin-1 exports)"),
    ErrorCase(name: "Latin-1 in a long value", input: bytes("a,b\n1,", String(repeating: "x", count: 20), [0xB5], "g\n"), line: 2,
              message: "invalid UTF-8 in field 2 (byte 0xB5); give the encoding with --encoding (windows-1252 for most Latin-1 exports)"),
    ErrorCase(name: "Latin-1 quoted value with doubled quotes", input: bytes("a,b\n1,\"\"\"", [0xB0], "C\"\n"), line: 2,
              message: "invalid UTF-8 in field 2 (byte 0xB0); give the encoding with --encoding (windows-1252 for most Latin-1 exports)"),
    ErrorCase(name: "Latin-1 header", input: bytes("a,Temp ", [0xB0], "C\n1,2\n"), line: 1,
              message: "invalid UTF-8 in field 2 (byte 0xB0); give the encoding with --encoding (windows-1252 for most Latin-1 exports)"),
    ErrorCase(name: "NUL byte", input: bytes("a,b\n1,x", [0], "y\n"), line: 2, message: "NUL byte in field 2 (a binary or UTF-16 file?)"),
    ErrorCase(name: "NUL byte in a quoted field", input: bytes("a,b\n\"", [0], "\",1\n"), line: 2, message: "NUL byte in field 1 (a binary or UTF-16 file?)"),
    ErrorCase(name: "UTF-16 file", input: bytes([0xFF, 0xFE], [0x61, 0, 0x2C, 0, 0x62, 0, 0x0A, 0]), line: 1,
              message: "NUL byte in field 1 (a binary or UTF-16 file?)"),
    ErrorCase(name: "unterminated quote", input: bytes("a,b\n1,2\n3,\"open\nmore\nstill\n"), line: 3,
              message: "a quoted field is never closed (the input ends inside it)"),
    ErrorCase(name: "unterminated quote on a later line of its row", input: bytes("a,b\n\"x\ny\",\"open\nmore\n"), line: 3,
              message: "a quoted field is never closed (the input ends inside it)"),
    ErrorCase(name: "unterminated quote after CR-only lines", input: bytes("a,b\r\"x\ry\",\"open\rmore\r"), line: 3,
              message: "a quoted field is never closed (the input ends inside it)"),
    ErrorCase(name: "text after a closing quote, CR-only lines", input: bytes("a,b\r1,2\r\"x\r\" z,1\r"), line: 4,
              message: "unexpected 'z' after the closing quote of field 1"),
    ErrorCase(name: "unterminated quote in the header", input: bytes("\"a,b\n1,2\n"), line: 1,
              message: "a quoted field is never closed (the input ends inside it)"),
    ErrorCase(name: "text after a closing quote", input: bytes("a,b\n\"x\"y,1\n"), line: 2,
              message: "unexpected 'y' after the closing quote of field 1"),
    ErrorCase(name: "text after a closing quote, on the field's last line", input: bytes("a,b\n1,\"x\ny\" z\n"), line: 3,
              message: "unexpected 'z' after the closing quote of field 2"),
  ]

  @Test(arguments: errorCases)
  func errorsNameTheLine(_ c: ErrorCase) throws {
    try forEachChunking(c.input) { source, blockSize in
      let input = BlockBuffer(source: source, blockSize: blockSize)
      let error = plError { _ = try Self.extract(input, options: c.options) }
      // Errors of the reader (quotes) and of the extractor (fields) both name the source as given.
      #expect(error == .malformed(source: "t.csv", location: .line(c.line), message: c.message), "block size \(blockSize)")
      #expect(error?.exitStatus == .dataError)
    }
  }

  @Test func errorsNameTheSource() {
    let ragged = plError { _ = try Self.extract(bytes("a,b\n1,2,3\n"), blockSize: 4096) }
    #expect(ragged?.description == "t.csv: line 2: 3 fields, more than the 2 of the header (read with delimiter ',', quote '\"'; use --allow-ragged to keep such rows)")
  }
}

@Suite struct CSVHeaderTests {
  @Test(arguments: [
    (["a", "a", ""], ["a", "a_2", "3"]),
    (["a", "b", "c"], ["a", "b", "c"]),
    (["", ""], ["1", "2"]),
    (["_pl"], ["_pl_2"]),
    (["x", "x", "x_2"], ["x", "x_2", "x_2_2"]),
    (["2", ""], ["2", "2_2"]),
    ([], []),
  ] as [([String], [String])])
  func keys(names: [String], expected: [String]) {
    #expect(CSVHeader.keys(from: names) == expected)
  }

  @Test func numbered() {
    #expect(CSVHeader.numbered(3) == ["1", "2", "3"])
    #expect(CSVHeader.numbered(0) == ["1"])
  }
}

@Suite struct DelimiterDetectionTests {
  @Test(arguments: [
    ("a,b,c\n1,2,3\n", ","),
    ("a;b;c\n1;2;3\n", ";"),
    ("a\tb\tc\n1\t2\t3\n", "\t"),
    ("a|b|c\n1|2|3\n", "|"),
    ("a;b\n\"1,2,3\";4\n\"5,6,7\";8\n", ";"),
    ("a,b\n\"x;y;z|w\",1\n", ","),
    ("Sample;Protein\n1;12,5\n2;13,25\n3;9,75\n", ";"),
    ("name\tnote\nx\ta, b\ny\tc\n", "\t"),
    ("name\nx\ny\n", ","),
    ("", ","),
    ("a,b\r\n1,2\r\n", ","),
    ("\n\na;b\n\n1;2", ";"),
    ("\"multi\nline;;;\",b\n1,2\n", ","),
    ("a;b\r1,5;2,5\r3,1;4\r", ";"),
    ("a|b\r\n1,5|2\r3|4,5\n5|6\r", "|"),
  ])
  func detects(sample: String, expected: String) {
    let delimiter = Array(sample.utf8).withUnsafeBufferPointer { CSVReader.detectDelimiter(in: $0) }
    #expect(delimiter == expected.utf8.first!)
  }

  @Test func readerSaysWhetherItDetected() throws {
    let detected = try CSVReader(input: try temporaryInput(bytes("a;b\n1;2\n"), blockSize: 16), delimiter: nil)
    #expect(detected.delimiter == UInt8(ascii: ";"))
    #expect(detected.delimiterDetected)
    let given = try CSVReader(input: try temporaryInput(bytes("a;b\n1;2\n"), blockSize: 16), delimiter: UInt8(ascii: ","))
    #expect(given.delimiter == UInt8(ascii: ","))
    #expect(!given.delimiterDetected)
  }
}
