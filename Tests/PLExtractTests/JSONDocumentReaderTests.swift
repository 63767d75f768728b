import PLCore
import PLExtract
import Testing

/// Records out of JSON documents (arrays, pretty-printed or concatenated objects), under every chunking.
@Suite struct JSONDocumentReaderTests {
  /// All records of `input` with the line each starts on.
  static func read(_ input: BlockBuffer) throws -> [(Record, Int)] {
    let reader = JSONDocumentReader(input: input)
    var out: [(Record, Int)] = []
    while let record = try reader.next() { out.append((record, reader.recordLine)) }
    return out
  }

  static func read(_ bytes: [UInt8], blockSize: Int) throws -> [(Record, Int)] {
    try read(try temporaryInput(bytes, blockSize: blockSize))
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var records: [String]
    var lines: [Int]
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "array", input: bytes(#"[{"a":1},{"b":"2"},{"c":[1,{"d":null}]}]"#),
         records: [#"{"a":1}"#, #"{"b":"2"}"#, #"{"c":[1,{"d":null}]}"#], lines: [1, 1, 1]),
    Case(name: "pretty-printed array", input: bytes("[\n  {\n    \"a\": 1,\n    \"b\": [\n      2\n    ]\n  },\n  {\n    \"c\": \"x]\"\n  }\n]\n"),
         records: [#"{"a":1,"b":[2]}"#, #"{"c":"x]"}"#], lines: [2, 8]),
    Case(name: "concatenated objects", input: bytes("{\"a\":1}\n{\"b\":2}{\"c\":3}\n\n{\n  \"d\": 4\n}\n"),
         records: [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#, #"{"d":4}"#], lines: [1, 2, 2, 4]),
    Case(name: "one object", input: bytes("  {\"only\": true}  \n"), records: [#"{"only":true}"#], lines: [1]),
    Case(name: "empty array", input: bytes("[]"), records: [], lines: []),
    Case(name: "empty array with space", input: bytes(" [\n ]\n\n"), records: [], lines: []),
    Case(name: "empty input", input: [], records: [], lines: []),
    Case(name: "whitespace only", input: bytes(" \r\n\t\n"), records: [], lines: []),
    Case(name: "BOM", input: bytes([0xEF, 0xBB, 0xBF], #"[{"a":1}]"#), records: [#"{"a":1}"#], lines: [1]),
    Case(name: "brackets and escaped quotes in strings", input: bytes(#"[{"a":"]}[{\"","b":{"c":["}"]}},{"e":"\\"},{"f":"\\\"]"}]"#),
         records: [#"{"a":"]}[{\"","b":{"c":["}"]}}"#, #"{"e":"\\"}"#, #"{"f":"\\\"]"}"#], lines: [1, 1, 1]),
    Case(name: "metadata kept", input: bytes(#"[{"a":1,"_pl":{"source":"x.csv","line":3}}]"#),
         records: [#"{"a":1,"_pl":{"source":"x.csv","line":3}}"#], lines: [1]),
    Case(name: "CRLF", input: bytes("[\r\n{\"a\":\r\n1},\r\n{\"b\":2}\r\n]\r\n"), records: [#"{"a":1}"#, #"{"b":2}"#], lines: [2, 4]),
    Case(name: "long element", input: bytes(#"[{"a":""#, String(repeating: "[{x}]", count: 60), #""},"#, "\n", #"{"b":1}]"#),
         records: [#"{"a":""# + String(repeating: "[{x}]", count: 60) + #""}"#, #"{"b":1}"#], lines: [1, 2]),
  ]

  @Test(arguments: cases)
  func readsRecords(_ c: Case) throws {
    try forEachChunking(c.input) { source, blockSize in
      let input = BlockBuffer(source: source, blockSize: blockSize)
      let records = try Self.read(input)
      #expect(records.map { JSONWriter.string($0.0) } == c.records, "block size \(blockSize)")
      #expect(records.map(\.1) == c.lines, "block size \(blockSize)")
    }
  }

  @Test(arguments: [1, 2])
  func readsFromATricklingPipe(chunk: Int) throws {
    for c in Self.cases {
      let records = try Self.read(try tricklingInput(c.input, chunk: chunk))
      #expect(records.map { JSONWriter.string($0.0) } == c.records, "\(c.name)")
    }
  }

  struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var line: Int
    var message: String
    var testDescription: String { name }
  }

  static let errorCases: [ErrorCase] = [
    ErrorCase(name: "number element", input: bytes("[1]"), line: 1, message: "array element 1 is not a JSON object but a number"),
    ErrorCase(name: "string element on line 3", input: bytes("[\n{\"a\":1},\n\"x,y\"\n]"), line: 3,
              message: "array element 2 is not a JSON object but a string"),
    ErrorCase(name: "nested array element", input: bytes("[{\"a\":1},\n[{\"b\":2}]]"), line: 2,
              message: "array element 2 is not a JSON object but an array"),
    ErrorCase(name: "null element", input: bytes("[null]"), line: 1, message: "array element 1 is not a JSON object but null"),
    ErrorCase(name: "top-level number", input: bytes("\n42\n"), line: 2, message: "the value is not a JSON object but a number"),
    ErrorCase(name: "missing ]", input: bytes("[{\"a\":1}"), line: 1, message: "the input ends inside the array (missing ']')"),
    ErrorCase(name: "missing ] after a comma", input: bytes("[{\"a\":1},\n\n"), line: 3, message: "the input ends inside the array (missing ']')"),
    ErrorCase(name: "unterminated element", input: bytes("[{\"a\":1},\n{\"b\":\"]"), line: 2, message: "the input ends inside array element 2"),
    ErrorCase(name: "unterminated object", input: bytes("{\"a\":{\"b\":1}\n"), line: 1, message: "the input ends inside the value"),
    ErrorCase(name: "garbage between elements", input: bytes("[{\"a\":1} {\"b\":2}]"), line: 1,
              message: "expected ',' or ']' between array elements, found '{'"),
    ErrorCase(name: "syntax error inside a pretty element", input: bytes("[\n  {\n    \"a\": 1,\n    \"b\" 2\n  }\n]"), line: 4,
              message: "expected ':', found '2'"),
    ErrorCase(name: "trailing comma", input: bytes("[{\"a\":1},\n]"), line: 2, message: "expected array element 2, found ']'"),
    ErrorCase(name: "leading comma", input: bytes("[,{\"a\":1}]"), line: 1, message: "expected array element 1, found ','"),
    ErrorCase(name: "second array", input: bytes("[]\n[]"), line: 2,
              message: "expected the end of the input after the top-level array, found '['"),
    ErrorCase(name: "object after the array", input: bytes("[{\"a\":1}]\n{\"b\":2}"), line: 2,
              message: "expected the end of the input after the top-level array, found '{'"),
    ErrorCase(name: "too deep", input: bytes("[", String(repeating: "[", count: 600), String(repeating: "]", count: 601)), line: 1,
              message: "array element 1 is nested deeper than \(JSONParser.maxDepth) levels"),
    ErrorCase(name: "invalid UTF-8", input: bytes("[{\"a\":\"", [0xE9], "\"}]"), line: 1, message: "invalid UTF-8"),
  ]

  @Test(arguments: errorCases)
  func errorsNameTheLine(_ c: ErrorCase) throws {
    try forEachChunking(c.input) { source, blockSize in
      let input = BlockBuffer(source: source, blockSize: blockSize)
      let error = plError { _ = try Self.read(input) }
      #expect(error == .malformed(source: input.source.name, location: .line(c.line), message: c.message), "block size \(blockSize)")
    }
  }

  @Test func recordsBeforeAnErrorAreReturned() throws {
    let reader = JSONDocumentReader(input: try temporaryInput(bytes(#"[{"a":1},2]"#), blockSize: 16))
    #expect(try reader.next() == Record([("a", .number("1"))]))
    #expect(throws: PLError.self) { try reader.next() }
  }
}

@Suite struct InputFormatTests {
  /// Content decides; the name only breaks ties between readers equally sure.
  @Test(arguments: [
    ("x.csv", #"{"a":1}"# + "\n" + #"{"a":2}"#, "ndjson"),
    // Bug: an NDJSON file named .txt was read as CSV and gave {"{\"a\":1}":"{\"a\":2}"}.
    ("notes.txt", #"{"a":1}"# + "\n" + #"{"a":2}"# + "\n", "ndjson"),
    ("-", #"{"a":1}"#, "ndjson"),
    ("-", "\n\n  " + #"{"a":1}  "# + "\r\n", "ndjson"),
    ("-", "{\n  \"a\": 1\n}\n", "json"),
    ("-", #"{"a":1,"# + "\n" + #""b":2}"#, "json"),
    ("x.csv", "[{\"a\":1}]", "json"),
    ("-", "  \n[\n", "json"),
    ("x.json", "a,b\n1,2\n", "csv"),
    ("-", "a;b\n", "csv"),
    ("-", "Instrument: NIR\nsample,protein\n", "csv"),
    ("-", "", "ndjson"),
    ("x.csv", "", "ndjson"),
    ("-", " \n\t", "ndjson"),
    ("-", "{not json\n", "json"),
  ])
  func choose(name: String, head: String, format: String) {
    let chosen = Array(head.utf8).withUnsafeBufferPointer { ReaderRegistry.choose(name: name, head: $0) }
    #expect(chosen?.format == format)
  }

  /// A NUL byte goes to the reader that can name its place best: CSV for text, NDJSON for a
  /// line that starts like JSON. Bug: `{"a":1}<NUL>` on standard input said "empty record".
  @Test(arguments: [("x.csv", "a,b\n1,\0\n", "csv"), ("-", "a\0b\n", "csv"), ("-", "{\"a\":1}\0\n", "ndjson")])
  func nulBytes(name: String, head: String, format: String) {
    let chosen = Array(head.utf8).withUnsafeBufferPointer { ReaderRegistry.choose(name: name, head: $0) }
    #expect(chosen?.format == format)
  }

  @Test(arguments: [
    ("r.7z", [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00], "a 7-Zip archive"),
    ("x.bin", [0x50, 0x4B, 0x03, 0x04, 0x14], "a ZIP archive (or an XLSX/ODS workbook)"),
    ("x.csv.gz", [0x1F, 0x8B, 0x08, 0x00], "gzip-compressed data"),
    ("page.html", Array("\n  <!DOCTYPE html>\n<html>".utf8), "an HTML document"),
    ("bom.htm", [0xEF, 0xBB, 0xBF] + Array("<html><body>".utf8), "an HTML document"),
    ("mail.msg", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "an old Excel (XLS) workbook"),
    ("panel.xlsx", [], "a spreadsheet workbook"),
  ] as [(String, [UInt8], String)])
  func unreadableKinds(name: String, head: [UInt8], kind: String) {
    #expect(head.withUnsafeBufferPointer { InputFormat.unreadableKind(name: name, head: $0) } == kind)
  }

  // PDF is read since the PDF reader: it was refused as "a PDF document".
  @Test func aPDFIsNotAnUnreadableKind() {
    let head = Array("%PDF-1.7\n".utf8)
    #expect(head.withUnsafeBufferPointer { InputFormat.unreadableKind(name: "r.pdf", head: $0) } == nil)
  }

  // XML is read since XMLRecordReader: it was refused as "XML or HTML".
  @Test(arguments: ["a,b\n1,2\n", "{\"a\":1}\n", "[{\"a\":1}]", "", "Probe;Wert\n", "\u{FEFF}s,v", "\n  <?xml version=\"1.0\"?>", "\u{FEFF}<Run/>"])
  func readableHeadsAreNotRefused(head: String) {
    #expect(Array(head.utf8).withUnsafeBufferPointer { InputFormat.unreadableKind(name: "x.csv", head: $0) } == nil)
  }
}

/// Records out of an object holding the array of records (`{"meta":…,"results":[…]}`),
/// found by `--record-path` or detected, under every chunking.
@Suite struct JSONRecordPathTests {
  static func read(_ text: String, path: String? = nil, blockSize: Int = 4096) throws -> (lines: [String], details: [Field]) {
    var options = ReaderOptions()
    options.recordPath = path
    let reader = try JSONDocumentReader(input: try temporaryInput(Array(text.utf8), blockSize: blockSize, name: "r.json"), options: options)
    var lines: [String] = []
    while let record = try reader.next() {
      var record = record
      record.meta.removeAll { $0.key == MetaKey.source }
      lines.append(JSONWriter.string(record))
    }
    return (lines, reader.details)
  }

  static let wrapped = """
    {
      "meta": {"instrument": "NIR", "run": 7, "operators": ["a"]},
      "lab": "North",
      "results": [
        {"sample": "S1", "fat": 1.5},
        {"sample": "S2", "fat": 2.0, "note": "]}"}
      ],
      "count": 2
    }

    """

  @Test func detectsTheOnlyArrayOfObjectsAndKeepsTheScalarsAsMeta() throws {
    let meta = #""meta":{"meta.instrument":"NIR","meta.run":7,"lab":"North"}"#
    for blockSize in chunkings {
      let (lines, details) = try Self.read(Self.wrapped, blockSize: blockSize)
      #expect(lines == [
        #"{"sample":"S1","fat":1.5,"_pl":{"line":5,\#(meta)}}"#,
        #"{"sample":"S2","fat":2.0,"note":"]}","_pl":{"line":6,\#(meta)}}"#,
      ], "block size \(blockSize)")
      #expect(details[key: "record_path"] == .string("results"))
      #expect(details[key: "record_path_reason"] == .string("detected"))
    }
  }

  @Test(arguments: ["results", "/results"])
  func pathGiven(path: String) throws {
    let (lines, details) = try Self.read(Self.wrapped, path: path)
    #expect(lines.count == 2)
    #expect(details[key: "record_path_reason"] == .string("given"))
  }

  @Test func nestedPathGoesThroughObjects() throws {
    let text = #"{"data": {"v": 1, "rows": [{"a": 1}, {"a": 2}], "w": 2}, "z": [{"b": 1}]}"#
    let (lines, details) = try Self.read(text, path: "data/rows")
    #expect(lines == [#"{"a":1,"_pl":{"line":1,"meta":{"data.v":1}}}"#, #"{"a":2,"_pl":{"line":1,"meta":{"data.v":1}}}"#])
    #expect(details[key: "record_path"] == .string("data/rows"))
  }

  @Test func objectsWithoutAnArrayOfObjectsStayRecords() throws {
    let text = "{\"a\": 1, \"b\": [1, 2], \"c\": []}\n{\"d\": {\"e\": [{\"x\": 1}]}}\n"
    let (lines, details) = try Self.read(text)
    #expect(lines == [#"{"a":1,"b":[1,2],"c":[],"_pl":{"line":1}}"#, #"{"d":{"e":[{"x":1}]},"_pl":{"line":2}}"#])
    #expect(details[key: "record_path"] == nil)
  }

  @Test func metadataOfARecordObjectIsKept() throws {
    let (lines, _) = try Self.read(#"{"a": 1, "_pl": {"source": "x.csv", "line": 3}}"#)
    #expect(lines == [#"{"a":1,"_pl":{"line":3}}"#])
  }

  struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var path: String?
    var message: String
    var testDescription: String { name }
  }

  static let errorCases: [ErrorCase] = [
    ErrorCase(name: "second array of records", text: "{\"r\": [{\"a\": 1}],\n\"s\": [{\"b\": 2}]}", path: nil,
              message: "r.json: line 2: a second array of records, s, after r: --record-path names the one to read"),
    ErrorCase(name: "no such member", text: "{\"r\": [{\"a\": 1}]}", path: "rows",
              message: "r.json: line 1: the object has no member rows holding the records (--record-path)"),
    ErrorCase(name: "member not an array", text: "{\"rows\": 5}", path: "rows",
              message: "r.json: line 1: member rows is not an array of records (--record-path)"),
    ErrorCase(name: "something after the wrapper", text: "{\"r\": [{\"a\": 1}]}\n{\"b\": 2}", path: nil,
              message: "r.json: line 2: expected the end of the input after the object holding the records, found '{'"),
    ErrorCase(name: "unclosed wrapper", text: "{\"r\": [{\"a\": 1}]\n", path: nil,
              message: "r.json: line 2: the input ends inside the object holding the records (missing '}')"),
    ErrorCase(name: "bad member", text: "{\"v\": tru,\n \"r\": [{\"a\": 1}]}", path: nil,
              message: "r.json: line 1: member v: expected a value, found 't'"),
    ErrorCase(name: "element not an object", text: "{\"r\": [{\"a\": 1},\n 2]}", path: nil,
              message: "r.json: line 2: array element 2 is not a JSON object but a number"),
  ]

  @Test(arguments: errorCases)
  func errorsNameTheLine(_ c: ErrorCase) throws {
    var options = ReaderOptions()
    options.recordPath = c.path
    let input = try temporaryInput(Array(c.text.utf8), blockSize: 16, name: "r.json")
    let reader = try JSONDocumentReader(input: input, options: options)
    let error = plError { while try reader.next() != nil {} }
    #expect(error?.description.replacingOccurrences(of: input.source.name, with: "r.json") == c.message)
  }

  @Test(arguments: ["", "a//b", "/"])
  func badPathIsAUsageError(path: String) throws {
    var options = ReaderOptions()
    options.recordPath = path
    let input = try temporaryInput(Array("{}".utf8), blockSize: 16)
    let error = plError { _ = try JSONDocumentReader(input: input, options: options) }
    guard case .usage = error else {
      Issue.record("expected a usage error, got \(String(describing: error))")
      return
    }
  }
}
