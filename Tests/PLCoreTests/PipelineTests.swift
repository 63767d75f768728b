import Foundation
import PLCore
import Testing

/// Collects what reaches it, as records or as lines, and whether it finished or aborted.
final class CollectingSink: CompactLineSink {
  var records: [Record] = []
  var lines: [String] = []
  /// Everything written, in arrival order, in the writer's form.
  var log: [String] = []
  var takesLines: Bool
  var finished = false
  var aborted = false
  var wantsMembers: Bool { false }

  init(takesLines: Bool = true) { self.takesLines = takesLines }

  func write(_ record: Record) throws(PLError) {
    records.append(record)
    log.append(JSONWriter.string(record))
  }
  func write(line: CompactLine) throws(PLError) -> Bool {
    guard takesLines else { return false }
    lines.append(String(decoding: line.bytes, as: UTF8.self))
    log.append(lines.last!)
    return true
  }
  func finish() throws(PLError) { finished = true }
  func abort() { aborted = true }
}

/// Records from a list; can stand for a source that resumes after bad data or one that cannot.
final class ListSource: RecordSource {
  enum Item {
    case record(Record)
    case bad(String)
  }
  var items: [Item]
  let resumes: Bool
  var sourceName: String { "list" }
  init(_ items: [Item], resumes: Bool = true) {
    self.items = items
    self.resumes = resumes
  }
  func next() throws(PLError) -> Record? {
    guard !items.isEmpty else { return nil }
    switch items.removeFirst() {
    case .record(let record): return record
    case .bad(let message):
      if !resumes { items.removeAll() }
      throw .malformed(source: "list", location: .line(1), message: message)
    }
  }
}

final class ResumableListSource: ResumableSource {
  let list: ListSource
  var sourceName: String { list.sourceName }
  init(_ items: [ListSource.Item]) { list = ListSource(items) }
  func next() throws(PLError) -> Record? { try list.next() }
}

/// Hides a reader's compact-line capability, so the pipeline must take the record path.
final class RecordsOnly: RecordSource {
  let base: any RecordSource
  init(_ base: any RecordSource) { self.base = base }
  var sourceName: String { base.sourceName }
  func next() throws(PLError) -> Record? { try base.next() }
}

func record(_ n: Int, _ extra: [(String, JSONValue)] = []) -> Record {
  Record([("n", .integer(n))] + extra)
}

/// A transform given by closures, for tables of behaviour.
struct Step: RecordTransform {
  var body: (Record) -> Outcome
  var atEnd: () -> [Record] = { [] }
  mutating func apply(_ record: Record) throws(PLError) -> Outcome { body(record) }
  mutating func finish() throws(PLError) -> [Record] { atEnd() }
}

/// Numbers of the records, read back from field `n`.
func numbers(_ records: [Record]) -> [Int] {
  records.compactMap { if case .number(let n)? = $0["n"] { Int(n) } else { nil } }
}

@Suite struct PipelineTests {
  @Test func outcomesAndCountsAddUp() throws {
    let sink = CollectingSink()
    let rejects = CollectingSink()
    let pipeline = Pipeline(
      transforms: [
        Step(body: { r in
          switch numbers([r]).first! {
          case 1: .drop
          case 2: .reject([RecordIssue(rule: "range", field: "n", code: "too_small", message: "n is 2")])
          case 3: .emit([record(30), record(31)])
          case 4: .change(record(40))
          case 5: .emit([])
          default: .pass
          }
        }),
        // Held back until the end: records 6 and up are counted, then flushed by finish().
        Step(body: { r in (6...7).contains(numbers([r]).first!) ? .drop : .pass }, atEnd: { [record(99)] }),
      ],
      sink: sink, rejects: rejects)
    try pipeline.run(ListSource((0...7).map { .record(record($0)) }))
    try pipeline.finish()
    #expect(numbers(sink.records) == [0, 30, 31, 40, 99])
    #expect(numbers(rejects.records) == [2])
    #expect(rejects.records[0].meta[key: MetaKey.errors] == .array([
      .object([Field("rule", .string("range")), Field("field", .string("n")), Field("code", .string("too_small")), Field("message", .string("n is 2"))])
    ]))
    let c = pipeline.counts
    #expect(c.read == 8 && c.written == 5 && c.rejected == 1 && c.dropped == 3)
    #expect(c.read + c.emitted == c.written + c.rejected + c.dropped)
    #expect(sink.finished && rejects.finished && !sink.aborted)
  }

  /// A transform that holds everything and hands it out one at a time at the end, the way
  /// one that spilled to disk does; what it hands out still runs through the later steps.
  struct HoldAll: RecordTransform {
    var held: [Record] = []
    mutating func apply(_ record: Record) throws(PLError) -> Outcome {
      held.append(record)
      return .emit([])
    }
    mutating func finish(each body: (Record) throws(PLError) -> Void) throws(PLError) {
      for record in held.reversed() { try body(record) }
      held = []
    }
  }

  @Test func heldRecordsHandedOutOneAtATimeRunThroughLaterSteps() throws {
    let sink = CollectingSink()
    let pipeline = Pipeline(
      transforms: [HoldAll(), Step(body: { r in numbers([r]).first! == 2 ? .drop : .change(record(numbers([r]).first! * 10)) })],
      sink: sink)
    try pipeline.run(ListSource((0...3).map { .record(record($0)) }))
    #expect(sink.records.isEmpty)
    try pipeline.finish()
    #expect(numbers(sink.records) == [30, 10, 0])
    let c = pipeline.counts
    #expect(c.read == 4 && c.written == 3 && c.dropped == 1 && c.emitted == 0)
  }

  /// Without a rejects sink a reject stops the run, naming the record's place.
  @Test func rejectWithoutRejectsSinkIsAnError() throws {
    let pipeline = Pipeline(
      transforms: [Step(body: { _ in .reject([RecordIssue(rule: "required", field: "x", code: "missing", message: "x is missing")]) })],
      sink: CollectingSink())
    var r = record(1)
    r.setProvenance(source: "a.csv", line: 7)
    let error = plError { try pipeline.run(ListSource([.record(r)])) }
    #expect(error == .malformed(source: "a.csv", location: .line(7), message: "x is missing"))
  }

  @Test func abortReachesBothSinks() {
    let sink = CollectingSink()
    let rejects = CollectingSink()
    let pipeline = Pipeline(sink: sink, rejects: rejects)
    pipeline.abort()
    #expect(sink.aborted && rejects.aborted)
  }

  /// Under `.skip`, a source that can resume goes on after bad data; one that cannot is left.
  @Test func skipPolicy() throws {
    let items: [ListSource.Item] = [.record(record(1)), .bad("broken"), .record(record(2))]
    var skipped: [String] = []
    let sink = CollectingSink()
    let pipeline = Pipeline(sink: sink, errorPolicy: .skip)
    pipeline.onSkip = { skipped.append($0.description) }
    #expect(try pipeline.run(ResumableListSource(items)) == true)
    #expect(try pipeline.run(ListSource(items, resumes: false)) == false)
    #expect(numbers(sink.records) == [1, 2, 1])
    #expect(skipped == ["list: line 1: broken", "list: line 1: broken"])
    #expect(pipeline.counts.skipped == 2)
    // The default stops at the first bad record.
    let strict = Pipeline(sink: CollectingSink())
    #expect(plError { try strict.run(ResumableListSource(items)) }?.description == "list: line 1: broken")
  }

  /// An upstream abort line is never skipped: the stream it ends is incomplete.
  @Test func upstreamAbortIsNeverSkipped() throws {
    let stream = MemoryStream(Array("{\"a\":1}\n!pl-abort pl-extract: x.csv: line 3: bad\n{\"a\":2}\n".utf8), name: "-")
    let pipeline = Pipeline(sink: CollectingSink(), errorPolicy: .skip)
    let error = plError { try pipeline.run(NDJSONReader(source: stream)) }
    #expect(error == StreamAbort.error(source: "-", line: 2, upstream: "pl-extract: x.csv: line 3: bad"))
    #expect(error?.exitStatus == .dataError)
    #expect(pipeline.counts.skipped == 0)
  }

  /// The fast path is an optimisation of the record path: lines the source hands out as bytes
  /// reach a line-taking sink as exactly the bytes the record path writes, and a transform that
  /// passes a record leaves its line as it came.
  @Test(arguments: [1, 2, 3, 4])
  func linePathEqualsRecordPath(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    var generator = JSONTextGenerator()
    var text = ""
    for i in 0..<800 {
      let (line, _) = generator.record(using: &rng)
      text += line + (i % 7 == 0 ? "\r\n" : "\n")
      if i % 50 == 0 { text += "\n" }
    }
    let bytes = Array(text.utf8)
    for provenance in [false, true] {
      func run(_ wrap: (NDJSONReader) -> any RecordSource, transforms: [any RecordTransform]) throws -> (CollectingSink, Pipeline) {
        let reader = NDJSONReader(source: MemoryStream(bytes, name: "in.ndjson"), blockSize: 64)
        reader.provenance = provenance
        let sink = CollectingSink()
        let pipeline = Pipeline(transforms: transforms, sink: sink)
        try pipeline.run(wrap(reader))
        try pipeline.finish()
        return (sink, pipeline)
      }
      let (slow, _) = try run({ RecordsOnly($0) }, transforms: [])
      let (fast, fastPipeline) = try run({ $0 }, transforms: [])
      let (passing, _) = try run({ $0 }, transforms: [Step(body: { _ in .pass })])
      #expect(slow.lines.isEmpty)
      #expect(!fast.lines.isEmpty)
      // The same bytes in the same order, whichever path each record took.
      #expect(fast.log == slow.log)
      #expect(passing.log == slow.log)
      #expect(fastPipeline.counts.read == slow.records.count)
    }
  }

}

/// Passes the lines that hold its word without a record being built; counts what it was asked.
final class WordCheck: CompactLineTransform {
  let word: String
  var checked = 0
  var applied = 0
  init(_ word: String) { self.word = word }
  func check(line: CompactLine) throws(PLError) -> Bool {
    checked += 1
    return String(decoding: line.bytes, as: UTF8.self).contains("\"\(word)\"")
  }
  func apply(_ record: Record) throws(PLError) -> Outcome {
    applied += 1
    return record["drop"] != nil ? .drop : .pass
  }
}

/// A transform that only takes records.
struct PassAll: RecordTransform {
  mutating func apply(_ record: Record) throws(PLError) -> Outcome { .pass }
}

@Suite struct CompactLineTransformTests {
  func run(_ transforms: [any RecordTransform], _ lines: [String]) throws -> CollectingSink {
    let sink = CollectingSink()
    let pipeline = Pipeline(transforms: transforms, sink: sink)
    let input = Array(lines.joined(separator: "\n").utf8) + [0x0A]
    try pipeline.run(NDJSONReader(source: MemoryStream(input, name: "in")))
    try pipeline.finish()
    #expect(pipeline.counts.read == lines.count)
    return sink
  }

  @Test func recordsAreBuiltOnlyFromTheFirstTransformThatDoesNotPassTheLine() throws {
    let a = WordCheck("a"), b = WordCheck("b")
    let sink = try run([a, b], [#"{"a":1,"b":2}"#, #"{"a":1}"#, #"{"b":1}"#, #"{"b":1,"drop":true}"#])
    // The first passes both checks as a line; the second is parsed for b; the others for a.
    #expect(sink.lines == [#"{"a":1,"b":2}"#, #"{"a":1}"#, #"{"b":1}"#])
    #expect(sink.records.isEmpty)
    #expect(a.checked == 4 && a.applied == 2)
    #expect(b.checked == 2 && b.applied == 2)
  }

  @Test func linesAreNotCheckedWhenATransformTakesOnlyRecords() throws {
    let a = WordCheck("a")
    let sink = try run([a, PassAll()], [#"{"a":1}"#, #"{"b":1}"#])
    #expect(sink.lines == [#"{"a":1}"#, #"{"b":1}"#])
    #expect(a.checked == 0 && a.applied == 2)
  }
}
