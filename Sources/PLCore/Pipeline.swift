/// What a pipeline did: the counts that must add up.
///
/// For a complete run: `read + emitted == written + rejected + dropped`, where `emitted` counts
/// the records transforms added (splits, end-of-stream flushes) beyond the ones they replaced.
public struct PipelineCounts: Equatable, Sendable {
  /// Records taken from the sources.
  public var read = 0
  /// Records handed to the sink.
  public var written = 0
  /// Records handed to the rejects sink (or refused, when there is none).
  public var rejected = 0
  /// Records a transform left out on purpose.
  public var dropped = 0
  /// Records that transforms put out beyond one per record read (may be negative for merges).
  public var emitted = 0
  /// Bad records or inputs passed over because the run was asked to (`--on-error skip`).
  public var skipped = 0

  public init() {}
}

/// What to do when a source meets bad input.
public enum ErrorPolicy: String, Sendable, CaseIterable {
  /// Stop the run with the error (the default): the stream is incomplete and says so.
  case fail
  /// Tell the person, count it, and go on with the next record (or the next input when the
  /// format cannot resume inside a file). The stream is then complete by the user's choice.
  case skip
}

/// A source that can go on after `next()` threw a `.malformed` error: the bad record was
/// consumed, and the next call reads the one after it.
public protocol ResumableSource: RecordSource {}

/// The one loop of the toolkit: records from sources, through transforms, into a sink.
///
/// Every command runs through it, so behaviour is defined once. Fast paths are decided here:
/// when the source can hand out compact lines and the sink can take them, a line goes through
/// as bytes (transforms, if any, still see the parsed record; a record they pass unchanged is
/// written as the line it came as). When every transform is a `CompactLineTransform`, each
/// checks the line first, and the record is parsed only for the first one that does not pass
/// it (it and the transforms after it then see the record). Rejected records get their reasons in `_pl.errors` and go
/// to the rejects sink; with none, a reject stops the run (exit 65).
///
/// Contract: call `run(_:)` once per source, in order, then `finish()` once; on any error the
/// caller calls `abort()` (the runner does), which aborts the sink and the rejects sink.
public final class Pipeline {
  public var transforms: [any RecordTransform]
  public let sink: any RecordSink
  public let rejects: (any RecordSink)?
  public let errorPolicy: ErrorPolicy
  public private(set) var counts = PipelineCounts()
  /// Told every 1024 records read, with the count so far.
  public var onProgress: ((Int) -> Void)?
  /// Told of each bad record or input passed over under `ErrorPolicy.skip`.
  public var onSkip: ((PLError) -> Void)?

  let lineSink: (any CompactLineSink)?
  let wantsMembers: Bool
  var finished = false

  public init(
    transforms: [any RecordTransform] = [], sink: any RecordSink, rejects: (any RecordSink)? = nil,
    errorPolicy: ErrorPolicy = .fail
  ) {
    self.transforms = transforms
    self.sink = sink
    self.rejects = rejects
    self.errorPolicy = errorPolicy
    lineSink = sink as? any CompactLineSink
    wantsMembers = lineSink?.wantsMembers ?? false
  }

  /// Moves every record of `source` through the transforms into the sink.
  ///
  /// - Returns: false when, under `.skip`, the rest of the source was passed over because its
  ///   format cannot resume after bad data (the caller goes on with its next input).
  /// - Throws: the source's, a transform's or the sink's `PLError`; under `.skip`, only errors
  ///   that are not about bad input data.
  @discardableResult
  public func run(_ source: any RecordSource) throws(PLError) -> Bool {
    let lines = lineSink == nil ? nil : source as? any CompactLineSource
    // Lines built straight into the sink's buffer are taken as they are: only when no
    // transform may turn them down.
    lines?.lineTarget = transforms.isEmpty ? lineSink?.lineTarget : nil
    // Held in locals for the loop, so that each record reads no stored optional.
    let lineSink = self.lineSink
    let checks = lines == nil ? [] : lineChecks()
    let members = wantsMembers || !checks.isEmpty
    while true {
      do throws(PLError) {
        if let lines {
          guard let item = try lines.nextItem(members: members) else { return true }
          counted()
          switch item {
          case .line(let line):
            // A record that no transform changes goes to the sink as the line it came as.
            if !transforms.isEmpty {
              var first = 0
              while first < checks.count, try checks[first].check(line: line) { first += 1 }
              if first == transforms.count {
                if try lineSink!.write(line: line) { counts.written += 1 } else { try write(try line.record(source: source.sourceName)) }
                continue
              }
              let record = try line.record(source: source.sourceName)
              guard try apply(record, from: first) == .unchanged else { continue }
              if try lineSink!.write(line: line) { counts.written += 1 } else { try write(record) }
            } else if try lineSink!.write(line: line) {
              counts.written += 1
            } else {
              try write(try line.record(source: source.sourceName))
            }
          case .record:
            try flow(lines.takeRecord())
          }
        } else {
          guard let record = try source.next() else { return true }
          counted()
          try flow(record)
        }
      } catch {
        guard try resumes(after: error, source: source) else { return false }
      }
    }
  }

  /// The transforms as line checkers, when every one of them checks lines; else none.
  func lineChecks() -> [any CompactLineTransform] {
    var checks: [any CompactLineTransform] = []
    for transform in transforms {
      guard let check = transform as? any CompactLineTransform, check.checksLines else { return [] }
      checks.append(check)
    }
    return checks
  }

  /// Tells the transforms the stream has ended (their held records go on), then makes the
  /// sinks durable.
  public func finish() throws(PLError) {
    guard !finished else { return }
    finished = true
    for i in transforms.indices {
      // Taken out while it hands records on, which runs the transforms after it.
      var transform = transforms[i]
      try transform.finish { (record) throws(PLError) in
        counts.emitted += 1
        _ = try apply(record, from: i + 1, always: true)
      }
      transforms[i] = transform
    }
    try sink.finish()
    try rejects?.finish()
  }

  /// Undoes what the sinks can undo. Harmless after `finish()` failed and when called twice.
  public func abort() {
    sink.abort()
    rejects?.abort()
  }

  @inline(__always)
  func counted() {
    counts.read += 1
    if counts.read & 1023 == 0 { onProgress?(counts.read) }
  }

  /// Under `.skip`, passes over bad data: true when the source can go on after it, false when
  /// the rest of the source must be left. Otherwise rethrows.
  func resumes(after error: PLError, source: any RecordSource) throws(PLError) -> Bool {
    guard errorPolicy == .skip, case .malformed = error, !error.isUpstreamAbort else { throw error }
    counts.skipped += 1
    onSkip?(error)
    return source is any ResumableSource
  }

  /// Counts an input passed over under `.skip` (missing, unreadable, of no known format).
  public func skipped(_ error: PLError) {
    counts.skipped += 1
    onSkip?(error)
  }

  enum Applied { case unchanged, handled }

  func flow(_ record: Record) throws(PLError) {
    if try apply(record, from: 0) == .unchanged { try write(record) }
  }

  /// Runs `record` through transforms `from...`; writes what comes out of the last one.
  /// Returns `.unchanged` when every transform passed it unchanged and nothing was written yet
  /// (so the caller may write it in the form it has, line or record); `always` writes it anyway.
  func apply(_ record: Record, from first: Int, always: Bool = false) throws(PLError) -> Applied {
    var current = record
    var changed = always
    var i = first
    while i < transforms.count {
      switch try transforms[i].apply(current) {
      case .pass:
        break
      case .change(let next):
        current = next
        changed = true
      case .emit(let records):
        counts.emitted += records.count - 1
        for next in records { _ = try apply(next, from: i + 1, always: true) }
        return .handled
      case .drop:
        counts.dropped += 1
        return .handled
      case .reject(let issues):
        try reject(current, issues)
        return .handled
      }
      i += 1
    }
    if !changed { return .unchanged }
    try write(current)
    return .handled
  }

  func write(_ record: Record) throws(PLError) {
    try sink.write(record)
    counts.written += 1
  }

  func reject(_ record: Record, _ issues: [RecordIssue]) throws(PLError) {
    var record = record
    var errors: [JSONValue] = []
    if case .array(let earlier)? = record.meta[key: MetaKey.errors] { errors = earlier }
    errors += issues.map(\.json)
    record.meta[key: MetaKey.errors] = .array(errors)
    guard let rejects else {
      let place = record.placeDescription
      throw .malformed(
        source: record.meta[key: MetaKey.source]?.stringValue ?? "-", location: place,
        message: issues.map(\.message).joined(separator: "; "))
    }
    try rejects.write(record)
    counts.rejected += 1
  }
}

extension PLError {
  /// True for the error a reader raises on an upstream tool's abort line: never skipped, since
  /// the stream it belongs to is incomplete whatever the policy.
  public var isUpstreamAbort: Bool {
    if case .malformed(_, _, let message) = self { return message.hasPrefix(StreamAbort.readerMessagePrefix) }
    return false
  }
}

extension Record {
  /// Where `_pl` says the record came from (line, row or page), for messages.
  public var placeDescription: Location? {
    if case .number(let n)? = meta[key: MetaKey.line], let line = Int(n) { return .line(line) }
    if case .number(let n)? = meta[key: MetaKey.row], let row = Int(n) { return .row(row) }
    if case .number(let n)? = meta[key: MetaKey.page], let page = Int(n) { return .page(page) }
    return nil
  }
}
