import PLClean
import PLCore
import Testing

@Suite struct ISO8601ZTests {
  @Test(arguments: [
    ("1970-01-01T00:00:00Z", 0.0), ("2024-03-01T08:15:00Z", 1_709_280_900), ("2000-02-29T23:59:59Z", 951_868_799),
    ("2024-03-01T08:15:00.25Z", 1_709_280_900.25), ("1969-12-31T23:59:59Z", -1),
  ])
  func roundTrips(text: String, seconds: Double) {
    #expect(ISO8601Z.parse(text) == seconds)
    #expect(ISO8601Z.format(seconds) == text)
  }

  @Test(arguments: [
    "", "2024-03-01", "2024-03-01T08:15:00", "2024-03-01T08:15:00+01:00", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
    "2024-03-01T24:00:00Z", "2024-03-01T08:15:00.Z", "2024-03-01 08:15:00Z", "2024-03-01T08:15:00.1234567890Z",
  ])
  func refusesOtherTexts(text: String) {
    #expect(ISO8601Z.parse(text) == nil)
  }
}

@Suite struct FillTimestampGapsTests {
  static func log(_ stamps: [String?], key: [Int]? = nil) -> [Record] {
    stamps.enumerated().map { i, stamp in
      var fields = [Field("ts", stamp.map { .string($0) } ?? .null), Field("n", .integer(i))]
      if let key { fields.insert(Field("run", .integer(key[i])), at: 0) }
      return Record(fields)
    }
  }

  static func notes(_ record: Record) -> [String] {
    guard case .array(let notes)? = record.meta[key: "notes"] else { return [] }
    return notes.compactMap { $0.objectValue?[key: "code"]?.stringValue }
  }

  @Test func fillsAGapFromTheIntervalAndChecksTheNext() throws {
    let counters = CleanCounters()
    let input = Self.log(["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", nil, "", "2024-01-01T00:04:00Z", "2024-01-01T00:05:00Z"])
    let result = try run(FillTimestampGaps(.init(field: "ts"), counters: counters), input)
    #expect(result.output.map { $0["ts"] } == (0...5).map { .string("2024-01-01T00:0\($0):00Z") })
    #expect(result.output.map { $0["n"] } == (0...5).map { .integer($0) })
    #expect(result.output.map(Self.notes) == [[], [], ["filled-timestamp"], ["filled-timestamp"], [], []])
    #expect(result.output[3].meta[key: "raw"] == .object([Field("ts", .string(""))]))
    #expect(counters["timestamp_filled"] == 2)
  }

  @Test func aGapThatDoesNotFitIsNotedNotFilled() throws {
    let input = Self.log(["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", nil, "2024-01-01T00:04:00Z"])
    let result = try run(FillTimestampGaps(.init(field: "ts")), input)
    #expect(result.output[2]["ts"] == .null)
    #expect(Self.notes(result.output[2]) == ["unfilled-timestamp"])
    #expect(result.output.count == 4)
  }

  @Test func aConfiguredIntervalNeedsNoHistory() throws {
    let input = Self.log(["2024-01-01T00:00:00Z", nil, "2024-01-01T00:00:20Z"])
    let result = try run(FillTimestampGaps(.init(field: "ts", interval: 10)), input)
    #expect(result.output[1]["ts"] == .string("2024-01-01T00:00:10Z"))
    let without = try run(FillTimestampGaps(.init(field: "ts")), input)
    #expect(Self.notes(without.output[1]) == ["unfilled-timestamp"])
  }

  @Test func leadingAndTrailingGapsAreNoted() throws {
    let input = Self.log([nil, "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", nil])
    let result = try run(FillTimestampGaps(.init(field: "ts")), input)
    #expect(result.output.map(Self.notes) == [["unfilled-timestamp"], [], [], ["unfilled-timestamp"]])
    #expect(result.output.map { $0["n"] } == (0...3).map { .integer($0) })
  }

  @Test func seriesAreFilledApartAndOrderIsKept() throws {
    let input = Self.log(
      ["2024-01-01T00:00:00Z", "2024-01-01T10:00:00Z", "2024-01-01T00:00:10Z", "2024-01-01T10:00:30Z", nil, nil, "2024-01-01T00:00:30Z", "2024-01-01T10:01:30Z"],
      key: [1, 2, 1, 2, 1, 2, 1, 2])
    let result = try run(FillTimestampGaps(.init(field: "ts", key: ["run"])), input)
    #expect(result.output.map { $0["n"] } == (0...7).map { .integer($0) })
    #expect(result.output[4]["ts"] == .string("2024-01-01T00:00:20Z"))
    #expect(result.output[5]["ts"] == .string("2024-01-01T10:01:00Z"))
  }

  @Test func textThatIsNotAStampIsLeftAlone() throws {
    let input = Self.log(["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", "yesterday", "2024-01-01T00:02:00Z"])
    let result = try run(FillTimestampGaps(.init(field: "ts")), input)
    #expect(result.passed == 4)
  }

  @Test func theBufferIsBounded() throws {
    let stamps: [String?] = ["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z"] + Array(repeating: nil, count: 10) + ["2024-01-01T00:12:00Z", nil, "2024-01-01T00:14:00Z"]
    var op = FillTimestampGaps(.init(field: "ts", maxHeld: 4))
    var maxWaiting = 0, applied = 0
    var output: [Record] = []
    for record in Self.log(stamps) {
      applied += 1
      switch try op.apply(record) {
      case .pass: output.append(record)
      case .change(let r): output.append(r)
      case .emit(let rs): output += rs
      default: Issue.record("unexpected outcome")
      }
      maxWaiting = max(maxWaiting, applied - output.count)
    }
    output += try op.finish()
    #expect(maxWaiting <= 4)
    #expect(output.map { $0["n"] } == (0..<15).map { .integer($0) })
    #expect(output[2...11].allSatisfy { Self.notes($0) == ["unfilled-timestamp"] && $0["ts"] == .null })
    // After the next stamp the series fills again.
    #expect(output[13]["ts"] == .string("2024-01-01T00:13:00Z"))
  }

  @Test func injectedParserAndFormatter() throws {
    let input = [Record([("ts", .string("t100"))]), Record([("ts", .string("t110"))]), Record([("ts", .null)]), Record([("ts", .string("t130"))])]
    let op = FillTimestampGaps(.init(field: "ts"), parse: { $0.hasPrefix("t") ? Double($0.dropFirst()) : nil }, format: { "t\(Int($0))" })
    let result = try run(op, input)
    #expect(result.output[2]["ts"] == .string("t120"))
  }
}
