import PLClean
import PLCore
import Testing

@Suite struct WideToLongTests {
  @Test func namedColumnsBecomeRecordsWithMeta() throws {
    let counters = CleanCounters()
    let op = WideToLong(.init(ids: ["sample"], columns: .named(["Ca", "Mg"])), counters: counters)
    let result = try run(op, [try rec(#"{"sample":"S1","Ca":12.5,"unit":"mg","Mg":null,"_pl":{"line":2}}"#), try rec(#"{"sample":"S2","Mg":3}"#)])
    #expect(lines(result.output) == [
      #"{"sample":"S1","variable":"Ca","value":12.5,"_pl":{"line":2,"column":"Ca"}}"#,
      #"{"sample":"S1","variable":"Mg","value":null,"_pl":{"line":2,"column":"Mg"}}"#,
      #"{"sample":"S2","variable":"Mg","value":3,"_pl":{"column":"Mg"}}"#,
    ])
    #expect(counters["wide_to_long_values"] == 3)
    #expect(counters["wide_to_long_records"] == 2)
  }

  @Test func patternsKeptOthersAndSkippedNulls() throws {
    let op = WideToLong(.init(ids: ["sample", "lot"], columns: .matching("*_mg"), nameField: "analyte", valueField: "result", keepOthers: true, skipNulls: true))
    let result = try run(op, [try rec(#"{"sample":"S1","Ca_mg":1,"unit":"mg","Fe_mg":null,"K_mg":2,"Ca_g":9}"#)])
    #expect(lines(result.output) == [
      #"{"sample":"S1","lot":null,"unit":"mg","Ca_g":9,"analyte":"Ca_mg","result":1,"_pl":{"column":"Ca_mg"}}"#,
      #"{"sample":"S1","lot":null,"unit":"mg","Ca_g":9,"analyte":"K_mg","result":2,"_pl":{"column":"K_mg"}}"#,
    ])
  }

  @Test func allOthersAndNoValueColumnsIsARejectNotALoss() throws {
    let op = WideToLong(.init(ids: ["id"]))
    let result = try run(op, [try rec(#"{"id":1,"a":"x","b":"y"}"#), try rec(#"{"id":2}"#)])
    #expect(result.output.map { $0["variable"] } == [.string("a"), .string("b")])
    #expect(result.rejected.count == 1)
    #expect(result.rejected.first?.1.first?.code == "no-value-columns")
  }

  @Test(arguments: [
    ("*_mg", "Ca_mg", true), ("*_mg", "Ca_mg2", false), ("C?", "Ca", true), ("C?", "C", false), ("*", "", true),
    ("a*b*c", "aXbYc", true), ("a*b*c", "aXbY", false), ("Ca", "Ca", true), ("*a*", "banana", true),
  ])
  func glob(pattern: String, name: String, matches: Bool) throws {
    let op = WideToLong(.init(ids: [], columns: .matching(pattern)))
    let result = try run(op, [Record([(name, .integer(1)), ("zz~", .integer(2))])])
    #expect(result.output.contains { $0["variable"] == .string(name) } == matches)
  }
}

@Suite struct LongToWideTests {
  static let long = [
    #"{"sample":"S1","variable":"Ca","value":1,"unit":"mg","_pl":{"line":1}}"#,
    #"{"sample":"S1","variable":"Mg","value":2,"_pl":{"line":2}}"#,
    #"{"sample":"S2","variable":"Ca","value":3,"_pl":{"line":3}}"#,
    #"{"sample":"S1","variable":"K","value":4,"_pl":{"line":4}}"#,
  ]

  @Test func sortedGroupsStream() throws {
    let counters = CleanCounters()
    var op = LongToWide(.init(key: ["sample"], carry: ["unit"]), counters: counters)
    let input = try Self.long.map(rec)
    var outcomes: [Int] = []
    for record in input {
      if case .emit(let out) = try op.apply(record) { outcomes.append(out.count) }
    }
    #expect(outcomes == [0, 0, 1, 1])
    let result = try run(LongToWide(.init(key: ["sample"], carry: ["unit"])), input)
    #expect(lines(result.output) == [
      #"{"sample":"S1","unit":"mg","Ca":1,"Mg":2,"_pl":{"line":1}}"#,
      #"{"sample":"S2","unit":null,"Ca":3,"_pl":{"line":3}}"#,
      #"{"sample":"S1","unit":null,"K":4,"_pl":{"line":4}}"#,
    ])
    _ = try op.finish()
    #expect(counters["long_to_wide_records"] == 3)
  }

  @Test func unsortedGathersByFirstSeenKey() throws {
    let result = try run(LongToWide(.init(key: ["sample"], sorted: false)), try Self.long.map(rec))
    #expect(lines(result.output) == [
      #"{"sample":"S1","Ca":1,"Mg":2,"K":4,"_pl":{"line":1}}"#,
      #"{"sample":"S2","Ca":3,"_pl":{"line":3}}"#,
    ])
  }

  @Test(arguments: [true, false])
  func aDuplicateNameIsRejected(sorted: Bool) throws {
    let input = try [rec(#"{"s":1,"variable":"Ca","value":1}"#), rec(#"{"s":1,"variable":"Ca","value":2}"#)]
    let result = try run(LongToWide(.init(key: ["s"], sorted: sorted)), input)
    #expect(lines(result.output) == [#"{"s":1,"Ca":1}"#])
    #expect(result.rejected.map { $0.1.map(\.code) } == [["duplicate-name"]])
    #expect(result.rejected.first?.0 == input[1])
  }

  @Test func aDuplicateNameCanBeANote() throws {
    let input = try [rec(#"{"s":1,"variable":"Ca","value":1}"#), rec(#"{"s":1,"variable":"Ca","value":2}"#)]
    let result = try run(LongToWide(.init(key: ["s"], duplicates: .note)), input)
    #expect(lines(result.output) == [
      #"{"s":1,"Ca":1,"_pl":{"notes":[{"field":"Ca","code":"duplicate-name","message":"\"Ca\" already has a value in this group; 2 is not written over it"}]}}"#
    ])
  }

  @Test func badNamesAreRejected() throws {
    let input = try [rec(#"{"s":1,"value":1}"#), rec(#"{"s":1,"variable":null,"value":1}"#), rec(#"{"s":1,"variable":"s","value":1}"#), rec(#"{"s":1,"variable":7,"value":1}"#)]
    let result = try run(LongToWide(.init(key: ["s"])), input)
    #expect(result.rejected.map { $0.1.map(\.code) } == [["no-name"], ["no-name"], ["name-collides"]])
    #expect(lines(result.output) == [#"{"s":1,"7":1}"#])
  }

  @Test func roundTripThroughBothShapes() throws {
    let wide = try [rec(#"{"id":1,"a":1,"b":"x"}"#), rec(#"{"id":2,"a":2,"b":"y"}"#)]
    let long = try run(WideToLong(.init(ids: ["id"])), wide).output.map { Record($0.fields) }
    let back = try run(LongToWide(.init(key: ["id"])), long).output
    #expect(back == wide)
  }
}

@Suite struct PseudonymiseTests {
  static func key() throws -> PseudonymKey { try PseudonymKey(bytes: Array("Jefe".utf8)) }

  @Test func replacesNamedFieldsStably() throws {
    let counters = CleanCounters()
    let op = try Pseudonymise(.init(fields: ["who"], key: try Self.key()), counters: counters)
    let result = try run(op, [try rec(#"{"who":"what do ya want for nothing?","x":1}"#), try rec(#"{"who":null}"#), try rec(#"{"x":2}"#)])
    // RFC 4231 test case 2.
    #expect(lines(result.output) == [
      #"{"who":"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843","x":1}"#, #"{"who":null}"#, #"{"x":2}"#,
    ])
    #expect(result.passed == 2)
    #expect(counters["pseudonymised"] == 1)
    let again = try Pseudonymise(.init(fields: ["who"], key: try Self.key()))
    #expect(again.pseudonym(of: "what do ya want for nothing?") == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
  }

  @Test func prefixTruncationAndNumbers() throws {
    let op = try Pseudonymise(.init(fields: ["id", "n"], key: try Self.key(), length: 12, prefix: "P-"))
    let result = try run(op, [try rec(#"{"id":"what do ya want for nothing?","n":12}"#)])
    #expect(result.output[0]["id"] == .string("P-5bdcc146bf60"))
    #expect(result.output[0]["n"] == .string(op.pseudonym(of: "12")))
    #expect(op.pseudonym(of: "12") != op.pseudonym(of: "12.0"))
    #expect(op.pseudonym(of: "12").count == 14)
  }

  @Test func differentKeysDiffer() throws {
    let a = try Pseudonymise(.init(fields: [], key: try PseudonymKey(bytes: [1])))
    let b = try Pseudonymise(.init(fields: [], key: try PseudonymKey(bytes: [2])))
    #expect(a.pseudonym(of: "x") != b.pseudonym(of: "x"))
  }

  @Test func structuredValuesAreRejected() throws {
    let result = try run(try Pseudonymise(.init(fields: ["id"], key: try Self.key())), [try rec(#"{"id":{"a":1}}"#), try rec(#"{"id":true}"#)])
    #expect(result.rejected.map { $0.1.map(\.code) } == [["not-pseudonymisable"], ["not-pseudonymisable"]])
  }

  @Test(arguments: [0, 65])
  func badLengthsAreConfigErrors(length: Int) throws {
    #expect(throws: PLError.self) { try Pseudonymise(.init(fields: ["id"], key: try Self.key(), length: length)) }
  }
}
