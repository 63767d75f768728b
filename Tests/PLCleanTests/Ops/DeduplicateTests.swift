import Foundation
import PLClean
import PLCore
import PLTestSupport
import Testing

@Suite struct DeduplicateTests {
  static let stream = [
    #"{"id":1,"v":"a","_pl":{"line":1}}"#,
    #"{"id":2,"v":"b","_pl":{"line":2}}"#,
    #"{"id":1,"v":"a","_pl":{"line":3}}"#,
    #"{"id":1,"v":"c","_pl":{"line":4}}"#,
    #"{"id":3,"v":"d","_pl":{"line":5}}"#,
    #"{"id":2,"v":"b","_pl":{"line":6}}"#,
  ]

  func input() throws -> [Record] { try Self.stream.map(rec) }

  @Test func exactKeepFirstStreamsAndIgnoresMeta() throws {
    let counters = CleanCounters()
    var op = try Deduplicate(counters: counters)
    var outcomes: [String] = []
    for record in try input() {
      switch try op.apply(record) {
      case .pass: outcomes.append("pass")
      case .drop: outcomes.append("drop")
      default: outcomes.append("other")
      }
    }
    #expect(outcomes == ["pass", "pass", "drop", "pass", "pass", "drop"])
    #expect(try op.finish().isEmpty)
    #expect(counters["duplicate_dropped"] == 2)
  }

  @Test func keyedKeepFirst() throws {
    let result = try run(try Deduplicate(.init(key: ["id"])), try input())
    #expect(result.output.map { $0.meta } == [1, 2, 5].map { [Field("line", .integer($0))] })
    #expect(result.dropped == 3)
  }

  @Test func keyedKeepLastPutsSurvivorsAtTheirLastPlace() throws {
    let counters = CleanCounters()
    let result = try run(try Deduplicate(.init(key: ["id"], keep: .last), counters: counters), try input())
    #expect(lines(result.output) == [Self.stream[3], Self.stream[4], Self.stream[5]])
    #expect(counters["duplicate_dropped"] == 3)
  }

  @Test func exactKeepLast() throws {
    let result = try run(try Deduplicate(.init(keep: .last)), try input())
    #expect(lines(result.output) == [Self.stream[2], Self.stream[3], Self.stream[4], Self.stream[5]])
  }

  @Test func missingKeyFieldDiffersFromNullAndValuesDoNotRunTogether() throws {
    let input = try [
      rec(#"{"a":null,"b":1}"#), rec(#"{"b":1}"#), rec(#"{"a":1,"b":23}"#), rec(#"{"a":12,"b":3}"#),
      rec(#"{"a":"1","b":23}"#), rec(#"{"b":1}"#), rec(#"{"a":1.0,"b":23}"#),
    ]
    let result = try run(try Deduplicate(.init(key: ["a", "b"])), input)
    #expect(result.output == [input[0], input[1], input[2], input[3], input[4], input[6]])
  }

  @Test func fieldOrderAndNumberTextMatterForExactKeys() throws {
    let input = try [rec(#"{"a":1,"b":2}"#), rec(#"{"b":2,"a":1}"#), rec(#"{"a":1.0,"b":2}"#), rec(#"{"a":1,"b":2}"#)]
    let result = try run(try Deduplicate(), input)
    #expect(result.output == Array(input[0..<3]))
  }

  /// A stream of `count` records with `distinct` keys, repeated in a scrambled order.
  static func manyRecords(count: Int, distinct: Int) -> [Record] {
    (0..<count).map { i in
      let key = (i &* 7919) % distinct
      return Record([("k", .integer(key)), ("pad", .string(String(repeating: "x", count: i % 13)))], meta: [Field("line", .integer(i + 1))])
    }
  }

  /// What an in-memory run makes of `records`, computed independently.
  static func expected(_ records: [Record], keepLast: Bool) -> [Record] {
    if keepLast {
      var last: [JSONValue: Int] = [:]
      for (i, r) in records.enumerated() { last[r["k"]!] = i }
      return records.enumerated().filter { last[$0.element["k"]!] == $0.offset }.map(\.element)
    }
    var seen = Set<JSONValue>()
    return records.filter { seen.insert($0["k"]!).inserted }
  }

  @Test(arguments: [(Deduplicate.Keep.first, 64 * 10), (.first, 64 * 300), (.last, 2000), (.last, 0), (.first, 0)])
  func spillingGivesTheSameOutputInOrder(keep: Deduplicate.Keep, limit: Int) throws {
    let dir = try TemporaryDirectory()
    let records = Self.manyRecords(count: 5000, distinct: 1700)
    let counters = CleanCounters()
    var op = try Deduplicate(.init(key: ["k"], keep: keep, memoryLimit: limit, temporaryFolder: dir.path), counters: counters)
    let result = try run(&op, records)
    #expect(op.hasSpilled)
    #expect(result.output == Self.expected(records, keepLast: keep == .last))
    #expect(counters["duplicate_dropped"] == 5000 - 1700)
    // The spill folder is gone.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test(arguments: [Deduplicate.Keep.first, .last])
  func spillingSplitsLargeBucketsAgain(keep: Deduplicate.Keep) throws {
    // A bucket is reduced in at least 16 KiB (256 fingerprints); 64 buckets of about 390
    // records each are split again.
    let dir = try TemporaryDirectory()
    let records = Self.manyRecords(count: 25_000, distinct: 20_000)
    var op = try Deduplicate(.init(key: ["k"], keep: keep, memoryLimit: 0, temporaryFolder: dir.path))
    let result = try run(&op, records)
    #expect(op.hasSpilled)
    #expect(result.output == Self.expected(records, keepLast: keep == .last))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test(arguments: [Deduplicate.Keep.first, .last])
  func oneKeyRepeatedPastTheLimit(keep: Deduplicate.Keep) throws {
    // Splitting cannot separate copies of one key; the bucket is reduced as it is.
    let dir = try TemporaryDirectory()
    let records = (0..<3000).map { i in Record([("k", .integer(i < 5 ? i : 7))], meta: [Field("line", .integer(i))]) }
    var op = try Deduplicate(.init(key: ["k"], keep: keep, memoryLimit: 0, temporaryFolder: dir.path))
    let result = try run(&op, records)
    #expect(op.hasSpilled)
    #expect(result.output == (keep == .first ? Array(records[0..<6]) : Array(records[0..<5]) + [records[2999]]))
  }

  @Test func spilledRecordsKeepTheirMeta() throws {
    let dir = try TemporaryDirectory()
    let input = try [
      rec(#"{"a":"ü\n\"x\"","_pl":{"source":"s.csv","notes":[{"field":"a","code":"c","message":"m"}]}}"#),
      rec(#"{"a":1.50e3}"#), rec(#"{"a":"ü\n\"x\""}"#),
    ]
    var op = try Deduplicate(.init(memoryLimit: 0, temporaryFolder: dir.path))
    let result = try run(&op, input)
    #expect(op.hasSpilled)
    #expect(result.output == [input[0], input[1]])
  }

  @Test func anUncreatableSpillFolderIsAnError() throws {
    var op = try Deduplicate(.init(memoryLimit: 0, temporaryFolder: "/nonexistent/folder"))
    let error = plError { _ = try op.apply(Record([("a", .integer(1))])) }
    guard case .cannotCreate(let target, let message) = error else {
      Issue.record("expected cannotCreate, got \(String(describing: error))")
      return
    }
    #expect(target == "/nonexistent/folder")
    #expect(message.contains("deduplication"))
  }

  @Test func anAbandonedSpillIsRemoved() throws {
    let dir = try TemporaryDirectory()
    do {
      var op = try Deduplicate(.init(keep: .last, memoryLimit: 0, temporaryFolder: dir.path))
      _ = try op.apply(Record([("a", .integer(1))]))
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 1)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }
}
