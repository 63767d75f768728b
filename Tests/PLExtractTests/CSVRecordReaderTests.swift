import PLCore
import PLExtract
import Testing

/// The CSV reader as a `RecordReader`: its compact lines against its records.
@Suite struct CSVRecordReaderTests {
  struct Input: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var csv = CSVOptions()
    var includeMeta = true
    var source = "t.csv"
    var testDescription: String { name }
  }

  /// Inputs whose lines are easy to get wrong: escapes in keys and values, non-ASCII, every
  /// line end, ragged rows, renamed keys, no header, no metadata, large line numbers.
  static let inputs: [Input] =
    CSVExtractorTests.cases.map { Input(name: $0.name, bytes: $0.input, csv: $0.options) } + [
      Input(name: "escapes in keys", bytes: bytes("\"k\"\"q\",\"b\\\\s\",\"t\tab\",\"nl\n\"\n1,2,3,4\n")),
      Input(name: "control characters", bytes: bytes("a,b\n\"\u{1}\u{8}\u{c}\u{1f}\",\"\u{7f}\"\n")),
      Input(name: "non-ASCII keys and values", bytes: bytes("µg,°C,名前\n€,\"ü\r\nß\",😀\n")),
      Input(name: "source needing escapes", bytes: bytes("a\n1\n"), source: "dir/\"q\"\\x.csv"),
      Input(name: "archive member source", bytes: bytes("a\tb\n1\t2\n"), source: "lab.zip!data/x.tsv"),
      Input(name: "no meta", bytes: bytes("a,b\r1,\"2\"\"\"\r"), includeMeta: false),
      Input(name: "no meta, ragged", bytes: bytes("a\n1,2,3\n\n4\n"), csv: CSVOptions(allowRagged: true), includeMeta: false),
      Input(name: "line numbers past 9, 99, 999", bytes: bytes("a\n", String(repeating: "x\n\n", count: 600))),
      Input(name: "values that look like JSON", bytes: bytes("a,b,c,d\n1.50,true,null,{\"\"x\"\":[1]}\n")),
      Input(name: "empty keys and _pl", bytes: bytes(",_pl,,x\n1,2,3,4\n")),
    ]

  static func reader(_ input: Input) throws -> CSVRecordReader {
    let stream = MemoryStream(input.bytes, name: input.source)
    return try CSVRecordReader(input: BlockBuffer(source: stream, blockSize: 64), options: ReaderOptions(csv: input.csv, includeMeta: input.includeMeta))
  }

  /// Every item of a reader: a compact line's bytes, or a record it gave instead.
  enum Item: Equatable {
    case line([UInt8], meta: [UInt8]?, members: [String])
    case record(Record)
  }

  static func items(_ input: Input, members: Bool) throws -> [Item] {
    let reader = try reader(input)
    var items: [Item] = []
    while let item = try reader.nextItem(members: members) {
      switch item {
      case .line(let line):
        let meta = line.metaMember.map { Array(line.bytes[$0]) }
        // Each member as `key=value` with the bytes of the line (a string's without its quotes).
        let text = line.members.map {
          String(decoding: line.bytes[$0.key], as: UTF8.self) + ($0.kind == .string ? "=" : "=?") + String(decoding: line.bytes[$0.value], as: UTF8.self)
        }
        items.append(.line(Array(line.bytes), meta: meta, members: text))
      case .record:
        items.append(.record(reader.takeRecord()))
      }
    }
    #expect(reader.recordCount == items.count)
    return items
  }

  /// The differential test: compact lines parse to exactly the records `next()` gives, and
  /// those records written by `JSONWriter` are the same bytes; members and `_pl` are where
  /// the scanner finds them; and the lines are what pl-extract writes through `CSVExtractor`.
  @Test(arguments: inputs)
  func compactLinesAreTheRecords(_ input: Input) throws {
    let recordReader = try Self.reader(input)
    var records: [Record] = []
    while let record = try recordReader.next() { records.append(record) }

    let lines = try Self.items(input, members: false)
    let scanned = try Self.items(input, members: true)
    #expect(lines.count == records.count)
    #expect(scanned.count == records.count)

    var written: [UInt8] = []
    for (i, record) in records.enumerated() where i < lines.count && i < scanned.count {
      guard case .line(let bytes, let meta, _) = lines[i] else {
        Issue.record("record \(i + 1) came parsed without members asked for")
        continue
      }
      let parsed = try bytes.withUnsafeBufferPointer { try JSONParser.parseRecord($0) }
      #expect(parsed == record, "record \(i + 1)")
      #expect(String(decoding: bytes, as: UTF8.self) == JSONWriter.string(record, includeMeta: input.includeMeta), "record \(i + 1)")
      written += bytes + [0x0A]

      // `_pl` is where it is, and where the scanner finds it (it declines keys with escapes).
      let expectedMeta = input.includeMeta ? Array(("\"_pl\":" + JSONWriter.string(.object(record.meta))).utf8) : nil
      #expect(meta == expectedMeta, "record \(i + 1): _pl member")
      if let compact = bytes.withUnsafeBufferPointer({ JSONScanner.scanCompact($0) }) {
        #expect(meta == compact.metaMember.map { Array(bytes[$0]) }, "record \(i + 1): _pl member")
      }

      switch scanned[i] {
      case .line(let scannedBytes, let scannedMeta, let members):
        #expect(scannedBytes == bytes, "record \(i + 1)")
        #expect(scannedMeta == meta, "record \(i + 1)")
        // Every value of a CSV record is a string.
        let expected = record.fields.map { field in
          String(JSONWriter.string(.string(field.key)).dropFirst().dropLast()) + "=" + String(JSONWriter.string(field.value).dropFirst().dropLast())
        }
        #expect(members == expected, "record \(i + 1)")
      case .record(let fallback):
        #expect(fallback == record, "record \(i + 1)")
        // Only keys with escapes are left to the parser.
        #expect(record.fields.contains { JSONWriter.string(.string($0.key)).contains("\\") }, "record \(i + 1)")
      }
    }

    // The same bytes as the extractor writes for pl-extract today.
    let stream = MemoryStream(input.bytes, name: input.source)
    var csv = input.csv
    if input.source.hasSuffix(".tsv") && csv.delimiter == nil { csv.delimiter = 0x09 }
    let extractor = try CSVExtractor(input: BlockBuffer(source: stream, blockSize: 64), sourceName: input.source, options: csv)
    let out = ByteBuffer(capacity: 64)
    if try extractor.readHeader() {
      while try extractor.writeNext(to: out, includeMeta: input.includeMeta) {}
    }
    #expect(written == Array(out.bytes))
  }

  @Test func sniffClaimsAnyTextWeakly() {
    func sniff(_ head: [UInt8]) -> Confidence {
      head.withUnsafeBufferPointer { CSVRecordReader.sniff(name: "x", head: $0) }
    }
    #expect(sniff(bytes("a,b\n1,2\n")) == .low)
    #expect(sniff(bytes("just some words")) == .low)
    #expect(sniff(bytes("µg;°C\r")) == .low)
    #expect(sniff([]) == .low)
    // A NUL byte is still this reader's to report, with its line and field.
    #expect(sniff([0x61, 0x00, 0x2C, 0x00]) == .low)
    #expect(sniff(bytes("a,b\n1,", [0], "\n")) == .low)
    #expect(CSVRecordReader.format == "csv")
    #expect(CSVRecordReader.extensions == ["csv", "txt", "tsv", "tab"])
  }

  @Test(arguments: [
    ("x.csv", nil, "a;b\n1;2\n", "csv", ";", true),
    ("x.csv", UInt8(ascii: ","), "a;b\n1;2\n", "csv", ",", false),
    ("x.TSV", nil, "a,b\tc\n1,2\t3\n", "tsv", "\t", false),
    ("x.tab", nil, "a\tb\n1\t2\n", "tsv", "\t", false),
    ("x.tsv", UInt8(ascii: "|"), "a|b\n1|2\n", "tsv", "|", false),
    ("lab.zip!x.tsv", nil, "a\tb\n", "tsv", "\t", false),
    ("x.tsv.d/data", nil, "a\tb\n", "csv", "\t", true),
    ("-", nil, "a|b\n", "csv", "|", true),
  ] as [(String, UInt8?, String, String, String, Bool)])
  func detailsSayWhatWasDecided(name: String, delimiter: UInt8?, text: String, format: String, used: String, detected: Bool) throws {
    let reader = try CSVRecordReader(
      input: BlockBuffer(source: MemoryStream(bytes(text), name: name)), options: ReaderOptions(csv: CSVOptions(delimiter: delimiter)))
    #expect(reader.details.first == Field("format", .string(format)))
    #expect(reader.details[key: "delimiter"] == .string(TextDialect.name(of: used.utf8.first!)))
    #expect(reader.details[key: "delimiter_detected"] == .bool(detected))
    #expect(reader.sourceName == name)
  }

  @Test func errorsNameTheSourceAndLine() throws {
    let reader = try Self.reader(Input(name: "", bytes: bytes("a,b\r1,2\r3\r"), source: "mac.csv"))
    #expect(try reader.nextItem(members: false) != nil)
    let error = plError { _ = try reader.nextItem(members: false) }
    #expect(error == .malformed(source: "mac.csv", location: .line(3), message: "1 field, fewer than the 2 of the header (read with delimiter ',', quote '\"'; use --allow-ragged to keep such rows)"))
  }

  @Test func endsOnce() throws {
    let reader = try Self.reader(Input(name: "", bytes: bytes("a\n1\n")))
    #expect(try reader.next() != nil)
    #expect(try reader.next() == nil)
    #expect(try reader.nextItem(members: true) == nil)
    #expect(reader.recordCount == 1)
    let empty = try Self.reader(Input(name: "", bytes: []))
    #expect(try empty.next() == nil)
    #expect(empty.recordCount == 0)
  }
}
