import Foundation
import PLCore
import Testing

/// Lines out of a `ByteStream`, under every chunking.
@Suite struct LineReaderTests {
  /// All lines of `source`, read with a block size of `blockSize`, with their numbers.
  func lines(_ source: any ByteStream, blockSize: Int) throws -> (lines: [String], numbers: [Int], unterminated: Bool) {
    let reader = LineReader(source: source, blockSize: blockSize)
    var lines: [String] = []
    var numbers: [Int] = []
    while let line = try reader.nextLine() {
      lines.append(String(decoding: line, as: UTF8.self))
      numbers.append(reader.lineNumber)
    }
    return (lines, numbers, reader.lastLineUnterminated)
  }

  static let cases: [(String, [UInt8], [String], Bool)] = [
    ("empty", [], [], false),
    ("one newline", bytes("\n"), [""], false),
    ("LF", bytes("a\nbb\nccc\n"), ["a", "bb", "ccc"], false),
    ("CRLF", bytes("a\r\nbb\r\n\r\nccc\r\n"), ["a", "bb", "", "ccc"], false),
    ("no final newline", bytes("a\nlast"), ["a", "last"], true),
    ("no final newline, CR", bytes("a\nlast\r"), ["a", "last"], true),
    ("lone CR is data", bytes("a\rb\n"), ["a\rb"], false),
    ("BOM", bytes([0xEF, 0xBB, 0xBF], "a\nb\n"), ["a", "b"], false),
    ("BOM only", bytes([0xEF, 0xBB, 0xBF]), [], false),
    ("BOM, then CRLF", bytes([0xEF, 0xBB, 0xBF], "\r\nx"), ["", "x"], true),
    ("BOM later is data", bytes("a\n", [0xEF, 0xBB, 0xBF], "b\n"), ["a", "\u{FEFF}b"], false),
    ("start like a BOM", bytes([0xEF, 0xBB], "x\n"), ["\u{FFFD}x"], false),
    ("long line", bytes(String(repeating: "0123456789", count: 30), "\nshort\n"),
     [String(repeating: "0123456789", count: 30), "short"], false),
    ("blank lines", bytes("\n\n\nx\n\n"), ["", "", "", "x", ""], false),
  ]

  @Test(arguments: cases.indices)
  func splitsLines(index: Int) throws {
    let (name, input, expected, unterminated) = Self.cases[index]
    try forEachChunking(input) { source, blockSize in
      let result = try lines(source, blockSize: blockSize)
      #expect(result.lines == expected, "\(name), block size \(blockSize)")
      #expect(result.numbers == Array(0..<expected.count).map { $0 + 1 }, "\(name), block size \(blockSize)")
      #expect(result.unterminated == unterminated, "\(name), block size \(blockSize)")
    }
  }

  /// A bug: a BOM was looked for wherever the buffer began until three bytes had arrived in
  /// one read, so from a slow pipe `\n` then `<BOM>x` lost the mark of the second line.
  @Test func byteOrderMarkOnlyAtTheVeryStart() throws {
    let (r, w) = makePipe()
    defer { close(r) }
    writeAll(w, bytes("\n"))
    let reader = LineReader(source: try FileStream(path: "/dev/fd/\(r)"), blockSize: 16)
    #expect(try reader.nextLine().map { Array($0) } == [])
    writeAll(w, bytes([0xEF, 0xBB, 0xBF], "x\n"))
    close(w)
    #expect(try reader.nextLine().map { String(decoding: $0, as: UTF8.self) } == "\u{FEFF}x")
    #expect(try reader.nextLine() == nil)
  }

  /// From a pipe that delivers a byte at a time, a BOM split over reads is still skipped.
  @Test(arguments: [1, 2, 5])
  func tricklingPipe(chunk: Int) throws {
    let input = bytes([0xEF, 0xBB, 0xBF], "first\r\n\nsecond line\nlast")
    let (path, r) = tricklePipe(input, chunk: chunk)
    let source = try FileStream(path: path)
    close(r)
    let reader = LineReader(source: source, blockSize: 16)
    var lines: [String] = []
    while let line = try reader.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
    #expect(lines == ["first", "", "second line", "last"])
    #expect(reader.lastLineUnterminated)
  }
}

/// Records out of NDJSON, through `next()` and `nextItem()`, under every chunking.
@Suite struct NDJSONReaderTests {
  enum Mode: String, CaseIterable, Sendable { case next, nextItem }

  /// All records of `source` with the line each came from.
  func read(_ source: any ByteStream, blockSize: Int, mode: Mode) throws -> [(Record, Int)] {
    let reader = NDJSONReader(source: source, blockSize: blockSize)
    var out: [(Record, Int)] = []
    switch mode {
    case .next:
      while let record = try reader.next() { out.append((record, reader.lineNumber)) }
    case .nextItem:
      while let item = try reader.nextItem(members: false) {
        switch item {
        case .record: out.append((reader.takeRecord(), reader.lineNumber))
        case .line(let line):
          let record = try JSONParser.parseRecord(line.bytes)
          if let meta = line.metaMember {
            #expect(line.bytes[meta].starts(with: Array(#""_pl":{"#.utf8)))
            #expect(meta.upperBound == line.bytes.count - 1)
          } else {
            #expect(record.meta.isEmpty)
          }
          out.append((record, reader.lineNumber))
        }
      }
    }
    #expect(reader.recordCount == out.count)
    return out
  }

  func read(_ bytes: [UInt8], blockSize: Int, mode: Mode) throws -> [(Record, Int)] {
    try read(try temporarySource(bytes, name: "in.ndjson"), blockSize: blockSize, mode: mode)
  }

  static let input = bytes(
    [0xEF, 0xBB, 0xBF], #"{"a":1,"b":"x"}"#, "\r\n",
    "\n",
    "   \t\r\n",
    #"{ "a" : 2 }"#, "\n",
    #"{"long":""#, String(repeating: "é0123456789", count: 20), #""}"#, "\n",
    #"{"a":4,"_pl":{"source":"orig.csv","line":9}}"#, "\r\n",
    #"{"s":"\ud83d\ude00"}"#, "\n",
    "\n",
    #"{"last":true}"#)

  static let expected: [(Record, Int)] = [
    (Record([("a", .number("1")), ("b", .string("x"))]), 1),
    (Record([("a", .number("2"))]), 4),
    (Record([("long", .string(String(repeating: "é0123456789", count: 20)))]), 5),
    (Record([("a", .number("4"))], meta: [Field("source", .string("orig.csv")), Field("line", .number("9"))]), 6),
    (Record([("s", .string("😀"))]), 7),
    (Record([("last", .bool(true))]), 9),
  ]

  @Test(arguments: Mode.allCases)
  func readsRecordsWithTheirLines(mode: Mode) throws {
    try forEachChunking(Self.input) { source, blockSize in
      let records = try read(source, blockSize: blockSize, mode: mode)
      #expect(records.map(\.0) == Self.expected.map(\.0), "block size \(blockSize)")
      #expect(records.map(\.1) == Self.expected.map(\.1), "block size \(blockSize)")
    }
  }

  @Test(arguments: Mode.allCases, [1, 4096])
  func emptyAndBlankInputsHaveNoRecords(mode: Mode, blockSize: Int) throws {
    for input in ["", "\n", "\r\n\r\n", "  \n\t\n", "\u{FEFF}", "\u{FEFF}\n"] {
      #expect(try read(bytes(input), blockSize: blockSize, mode: mode).isEmpty, "\(input.debugDescription)")
    }
  }

  static let errorCases: [(String, [UInt8], Location, String)] = [
    ("bad key", bytes(#"{"a":1}"#, "\n\n", #"{"a" 1}"#, "\n"), .lineColumn(3, 6), "expected ':', found '1'"),
    ("column counts characters", bytes(#"{"a":1}"#, "\n", #"{"éé":x}"#, "\n"), .lineColumn(2, 7), "expected a value, found 'x'"),
    ("CRLF", bytes(#"{"a":1}"#, "\r\n", #"{"a":1,}"#, "\r\n"), .lineColumn(2, 8), #"expected '"' (a key), found '}'"#),
    ("not an object", bytes("[1]\n"), .lineColumn(1, 1), "not a JSON object but an array"),
    ("a number", bytes(#"{"a":1}"#, "\n", "42\n"), .lineColumn(2, 1), "not a JSON object but a number"),
    ("two objects on a line", bytes(#"{"a":1} {"b":2}"#, "\n"), .lineColumn(1, 9), "unexpected '{' after the end of the value"),
    ("unterminated, with newline", bytes(#"{"a":1"#, "\n", #"{"b":2}"#), .lineColumn(1, 7), "expected ',' or '}', found end of input"),
    ("invalid UTF-8", bytes(#"{"a":"Caf"#, [0xE9], #""}"#, "\n"), .lineColumn(1, 10), "invalid UTF-8"),
    ("NUL", bytes("{\"a\":\"\0\"}\n"), .lineColumn(1, 7), "NUL byte in a string (must be escaped)"),
    ("truncated last record", bytes(#"{"a":1}"#, "\n", #"{"a":"xy"#), .line(2),
     "the input ends inside a record (unterminated string); the last record is incomplete"),
    ("truncated after a comma", bytes(#"{"a":1,"#), .line(1),
     #"the input ends inside a record (expected '"' (a key), found end of input); the last record is incomplete"#),
    ("truncated literal", bytes(#"{"a":1}"#, "\r\n", #"{"a":tr"#), .line(2),
     "the input ends inside a record (expected a value, found 't'); the last record is incomplete"),
    ("truncated long record", bytes(#"{"a":1}"#, "\n", #"{"a":[1,2,3,"#, String(repeating: "4,", count: 100)), .line(2),
     "the input ends inside a record (expected a value, found end of input); the last record is incomplete"),
    ("broken last record, not truncated", bytes(#"{"a":1}"#, "\n", #"{"a":1]"#), .lineColumn(2, 7), "expected ',' or '}', found ']'"),
  ]

  @Test(arguments: errorCases.indices)
  func errorsNameLineAndColumn(index: Int) throws {
    let (name, input, location, message) = Self.errorCases[index]
    try forEachChunking(input, name: "in.ndjson") { source, blockSize in
      for mode in Mode.allCases {
        let error: PLError?
        do {
          _ = try read(try FileStream(path: source.name), blockSize: blockSize, mode: mode)
          error = nil
        } catch let e as PLError {
          error = e
        }
        #expect(error == .malformed(source: source.name, location: location, message: message), "\(name), block size \(blockSize), \(mode)")
        #expect(error?.exitStatus == .dataError)
      }
    }
  }

  @Test func errorDescriptionReadsLikeTheBrief() {
    let error = PLError.malformed(source: "x.ndjson", location: .lineColumn(12, 5), message: "expected ':'")
    #expect(error.description == "x.ndjson: line 12, column 5: expected ':'")
    #expect(error.exitStatus.rawValue == 65)
  }

  @Test(arguments: Mode.allCases)
  func tenMegabyteRecord(mode: Mode) throws {
    let big = String(repeating: "abcdefghij", count: 1_000_000)
    let input = bytes(#"{"a":1}"#, "\n", #"{"big":""#, big, #"","n":2}"#, "\n", #"{"z":3}"#)
    let records = try read(input, blockSize: 4096, mode: mode)
    #expect(records.count == 3)
    #expect(records[1].0["big"]?.stringValue?.utf8.count == 10_000_000)
    #expect(records[1].0["n"] == .number("2"))
    #expect(records.map(\.1) == [1, 2, 3])
  }

  @Test func compactLinesCarryTheirMetaMember() throws {
    let input = #"{"a":1,"_pl":{"line":4}}"# + "\n" + #"{"a":2}"# + "\n" + #"{"a": 3}"# + "\n"
    let reader = NDJSONReader(source: try temporarySource(bytes(input)))
    guard case .line(let first)? = try reader.nextItem(members: false) else {
      Issue.record("first line is not compact")
      return
    }
    #expect(first.metaMember.map { String(decoding: first.bytes[$0], as: UTF8.self) } == #""_pl":{"line":4}"#)
    guard case .line(let second)? = try reader.nextItem(members: false), second.metaMember == nil else {
      Issue.record("second line is not compact without meta")
      return
    }
    guard case .record? = try reader.nextItem(members: false) else {
      Issue.record("third line is not parsed")
      return
    }
    let third = reader.takeRecord()
    #expect(third == Record([("a", .number("3"))]))
    let end = try reader.nextItem(members: false)
    #expect(end == nil)
  }

  @Test func tricklingPipe() throws {
    let (path, r) = tricklePipe(Self.input, chunk: 3)
    let source = try FileStream(path: path)
    close(r)
    let reader = NDJSONReader(source: source, blockSize: 16)
    var records: [Record] = []
    while let record = try reader.next() { records.append(record) }
    #expect(records == Self.expected.map(\.0))
  }
}
