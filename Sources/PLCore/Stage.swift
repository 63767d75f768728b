// The spine of every pl command: a source of records, transforms, and a sink, joined by the
// one loop in `Pipeline`. Fast paths are capabilities a source or sink advertises
// (`CompactLineSource`, `CompactLineSink`); the loop decides when to use them, so behaviour is
// defined once, by the record path, and the fast path only has to equal it.

/// Where records come from: a reader over a file or member, another stage's output.
public protocol RecordSource: AnyObject {
  /// The name of what is being read, for messages and provenance.
  var sourceName: String { get }
  /// The next record, or nil at the end.
  ///
  /// - Throws: `PLError` naming the source and place of bad input.
  func next() throws(PLError) -> Record?
}

/// A source that can hand out a record as one compact JSON line, without building a `Record`.
///
/// A compact line must be byte for byte what `JSONWriter.writeLine` would write for the record
/// the line stands for (no insignificant whitespace, canonical string escapes, `_pl` last):
/// then a sink may copy it and nobody can tell which path was taken.
///
/// It reads like a cursor, so that the per-record hand-over costs no allocation: `nextItem`
/// says which form the next record has; a `.line` comes with it, a parsed record is taken
/// with `takeRecord()`.
public protocol CompactLineSource: RecordSource {
  /// Moves to the next record: `.line` when it can be handed out as a compact line, `.record`
  /// when it was parsed (take it with `takeRecord()`), nil at the end.
  ///
  /// - Parameter members: also find the line's top-level members (for sinks that bind
  ///   values straight from the bytes).
  func nextItem(members: Bool) throws(PLError) -> StreamItem?
  /// The record `nextItem` parsed; once.
  func takeRecord() -> Record
  /// Where to write lines the source builds (rather than finds in its input), when the sink
  /// offers its own buffer (`CompactLineSink.lineTarget`): the line is then left at the end of
  /// that buffer, and the sink takes it where it is. A `.record` or an error leaves the buffer
  /// as it was. Set by the pipeline; nil means the source's own buffer.
  var lineTarget: ByteBuffer? { get set }
}

/// The form of the next record of a `CompactLineSource`.
public enum StreamItem {
  case line(CompactLine)
  /// Parsed: `takeRecord()` gives it.
  case record
}

/// One record as a compact JSON object: its bytes (without the newline) and, when asked for,
/// its members, all valid until the next call on its source.
public struct CompactLine {
  public var bytes: UnsafeBufferPointer<UInt8>
  /// The `"_pl":{…}` member, when there is one; it is always the last member.
  public var metaMember: Range<Int>?
  /// The top-level members other than `_pl`, when asked for (else empty).
  public var members: UnsafeBufferPointer<RawMember>

  public init(bytes: UnsafeBufferPointer<UInt8>, metaMember: Range<Int>?, members: UnsafeBufferPointer<RawMember> = .init(start: nil, count: 0)) {
    self.bytes = bytes
    self.metaMember = metaMember
    self.members = members
  }

  /// The record the line stands for.
  ///
  /// - Throws: `PLError.internalError` if the line is not valid JSON (a source broke its contract).
  public func record(source: String) throws(PLError) -> Record {
    do throws(JSONSyntaxError) {
      return try JSONParser.parseRecord(bytes)
    } catch {
      throw .internalError("\(source): a compact line did not parse: \(error.message)")
    }
  }
}

/// The members a scan found, kept in memory of their own so that a `CompactLine` can point at
/// them without copying an array per record.
public final class MemberBuffer {
  /// Found by the last scan (the scanner fills it).
  public var found: [RawMember] = []
  private var storage = UnsafeMutableBufferPointer<RawMember>.allocate(capacity: 64)

  public init() {}

  deinit { storage.deallocate() }

  /// `found`, as a pointer valid until the next call.
  public func pointer() -> UnsafeBufferPointer<RawMember> {
    if found.count > storage.count {
      storage.deallocate()
      storage = .allocate(capacity: found.count * 2)
    }
    _ = storage.initialize(from: found)
    return UnsafeBufferPointer(start: storage.baseAddress, count: found.count)
  }
}

/// One problem with a record: the rule that found it, the field, a stable code and words for
/// people. Rejected records carry a list of these in `_pl.errors`.
public struct RecordIssue: Equatable, Hashable, Sendable {
  public var rule: String
  public var field: String?
  public var code: String
  public var message: String
  /// The offending value, when one value is at fault.
  public var value: JSONValue?

  public init(rule: String, field: String? = nil, code: String, message: String, value: JSONValue? = nil) {
    self.rule = rule
    self.field = field
    self.code = code
    self.message = message
    self.value = value
  }

  /// The issue as a `_pl.errors` entry.
  public var json: JSONValue {
    var members = [Field("rule", .string(rule))]
    if let field { members.append(Field("field", .string(field))) }
    members += [Field("code", .string(code)), Field("message", .string(message))]
    if let value { members.append(Field("value", value)) }
    return .object(members)
  }
}

/// What a transform decided about one record.
public enum Outcome {
  /// The record goes on unchanged (a compact line may then be copied as it came).
  case pass
  /// The record goes on, changed.
  case change(Record)
  /// Zero, one or many records go on instead of this one (reshaping, splitting).
  case emit([Record])
  /// The record is left out on purpose (a duplicate, a filter); counted as dropped.
  case drop
  /// The record goes to the rejects, with its reasons.
  case reject([RecordIssue])
}

/// A step between source and sink: cleans, checks or reshapes records one at a time.
public protocol RecordTransform {
  mutating func apply(_ record: Record) throws(PLError) -> Outcome
  /// Called once after the last record: records held back (deduplication, gap filling,
  /// dataset-level checks) go on from here.
  mutating func finish() throws(PLError) -> [Record]
  /// `finish()` for transforms that hold more than fits in memory (spilled to disk): the held
  /// records are handed to `body` one at a time, in order, instead of as one array. The
  /// pipeline calls this one; the default hands over what `finish()` returns.
  mutating func finish(each body: (Record) throws(PLError) -> Void) throws(PLError)
}

extension RecordTransform {
  public mutating func finish() throws(PLError) -> [Record] { [] }

  public mutating func finish(each body: (Record) throws(PLError) -> Void) throws(PLError) {
    for record in try finish() { try body(record) }
  }
}

/// A transform that can judge a record from its compact line, without a `Record` being built.
///
/// The pipeline asks `check(line:)` first when every transform of the run can (`checksLines`):
/// true means exactly what `apply` returning `.pass` means — the record goes on unchanged, and
/// the transform has counted it as `apply` would have; false means "not decided here": the
/// check must then have changed nothing, and the pipeline parses the line and calls `apply`.
/// So a check only has to recognise the common passing case and may answer false whenever it
/// is unsure. `check` is not mutating: a transform whose check changes state keeps that state
/// in a class (the pipeline may hold a copy of a value-type transform for the checks).
public protocol CompactLineTransform: RecordTransform {
  /// False when this transform cannot judge lines at all (then the pipeline does not ask).
  var checksLines: Bool { get }
  /// True when the record `line` stands for passes unchanged (and is counted as passed).
  func check(line: CompactLine) throws(PLError) -> Bool
}

extension CompactLineTransform {
  public var checksLines: Bool { true }
}

/// Where records go: standard output, a database table, a lake partition, a rejects file.
///
/// A sink is all or nothing where its target allows: `finish()` makes everything durable
/// (commits, renames into place), `abort()` undoes everything written (rolls back, removes
/// temporaries). Exactly one of them ends a sink's life.
public protocol RecordSink: AnyObject {
  func write(_ record: Record) throws(PLError)
  /// Makes everything written durable; called once at the end of a complete stream.
  func finish() throws(PLError)
  /// Undoes what can be undone; called when the stream failed. Must not throw.
  func abort()
}

/// A sink that can take a compact line as bytes, without a `Record` being built.
public protocol CompactLineSink: RecordSink {
  /// True when the sink needs the line's members found (`CompactLine.members`).
  var wantsMembers: Bool { get }
  /// Writes the record a compact line stands for.
  ///
  /// - Returns: false when this line must come as a `Record` instead; the pipeline then
  ///   parses it and calls `write(_:)`.
  func write(line: CompactLine) throws(PLError) -> Bool
  /// A buffer sources may build lines in directly, saving a copy (standard output's), when
  /// every line written there is taken; nil for sinks that bind or transform lines.
  var lineTarget: ByteBuffer? { get }
}

extension CompactLineSink {
  public var lineTarget: ByteBuffer? { nil }
}
