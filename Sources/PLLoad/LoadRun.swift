#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore

/// How one run of pl-load goes beyond putting records into a table: rejects, batches, the
/// ledger, skipping loaded sources, flattened metadata.
public struct LoadRunOptions: Sendable {
  /// Where records the database refuses go (`--rejects`); nil stops the load at the first one.
  public var rejectsPath: String?
  /// How many refused records are allowed (`--max-rejects`); nil: none without a rejects
  /// file, any number with one.
  public var maxRejects: RejectLimit?
  /// Commit after every this many records (`--batch`); nil for one transaction.
  public var batchSize: Int?
  /// Write the run into `_pl_loads`.
  public var ledger: Bool
  /// Pass over records of sources the ledger says were loaded into the table (`--skip-loaded`).
  public var skipLoaded: Bool
  /// Store `_pl.source`, `.line`, `.row`, `.page` and `.sheet` as columns (`--flatten-meta`).
  public var flattenMeta: Bool
  /// For the ledger.
  public var toolVersion: String
  /// For the ledger, passwords removed.
  public var commandLine: String

  public init(
    rejectsPath: String? = nil, maxRejects: RejectLimit? = nil, batchSize: Int? = nil, ledger: Bool = false,
    skipLoaded: Bool = false, flattenMeta: Bool = false, toolVersion: String = "", commandLine: String = ""
  ) {
    self.rejectsPath = rejectsPath
    self.maxRejects = maxRejects
    self.batchSize = batchSize
    self.ledger = ledger
    self.skipLoaded = skipLoaded
    self.flattenMeta = flattenMeta
    self.toolVersion = toolVersion
    self.commandLine = commandLine
  }
}

/// Stands between the pipeline and the table's sink: finds each record's source (for the
/// ledger and `--skip-loaded`), passes over records of loaded sources, flattens `_pl` into
/// columns, and knows where each record came from for messages.
///
/// Why it is a sink of its own: the sinks know tables and transactions; which records a run
/// takes and where they came from is the same for every database.
///
/// Sources: a record's source is the outer file of its `_pl.source` (the part before the
/// first `!`, so an archive rather than its member); a record without `_pl.source` belongs to
/// the NDJSON input it was read from. Each source is hashed (SHA-256 of the file, relative to
/// the working directory) the first time it is seen; one that cannot be read has no hash, is
/// listed in the ledger without one and is never skipped.
final class RunSink: CompactLineSink {
  let inner: any LoadSink
  let options: LoadRunOptions
  let control: LoadControl
  /// Told once per source passed over.
  var note: (String) -> Void = { _ in }
  /// Records passed over (`--skip-loaded`).
  private(set) var skipped = 0

  /// SHA-256 values of sources already loaded into the table.
  private let loaded: Set<String>
  /// What is decided about each source: true when its records are passed over.
  private var skips: [String: Bool] = [:]
  /// The last `_pl.source` text seen on a compact line, and its decision.
  private var lastSource: [UInt8]?
  private var lastSkip = false
  /// The NDJSON input being read, and its decision when it is the source.
  private var input = "-"
  private var inputSkip: Bool?
  private var reader: NDJSONReader?

  /// Records forwarded so far: the sink's ordinal of the last one.
  private var forwarded = 0
  /// For each input: the ordinal of its first forwarded record and its name.
  private var inputs: [(first: Int, name: String)] = []
  /// Where the line of a forwarded record stops being `first + n` of its input: (ordinal, line).
  private var lineJumps: [(ordinal: Int, line: Int)] = []
  private var expectedLine = 0

  init(inner: any LoadSink, options: LoadRunOptions, control: LoadControl) throws(PLError) {
    self.inner = inner
    self.options = options
    self.control = control
    loaded = options.skipLoaded ? try inner.committedSourceHashes() : []
    control.rejects.place = { [unowned self] record, ordinal in self.place(of: record, ordinal: ordinal) }
    if options.flattenMeta { control.rejects.original = Self.unflatten }
  }

  /// Starts the records of the NDJSON input `name`.
  func begin(input name: String, reader: NDJSONReader) {
    input = name
    inputSkip = nil
    self.reader = reader
    inputs.append((forwarded + 1, name))
    expectedLine = 0
  }

  var wantsMembers: Bool { inner.wantsMembers }

  func write(_ record: Record) throws(PLError) {
    let skip: Bool
    if case .string(let source)? = record.meta[key: MetaKey.source] {
      skip = decide(source)
    } else {
      skip = inputDecision()
    }
    if skip {
      skipped += 1
      return
    }
    noteLine()
    try inner.write(options.flattenMeta ? Self.flatten(record) : record)
  }

  func write(line: CompactLine) throws(PLError) -> Bool {
    if options.flattenMeta { return false }
    let skip: Bool
    if let meta = line.metaMember {
      // `"_pl":{"source":"` is 17 bytes; a source without escapes ends at the next quote.
      let bytes = UnsafeBufferPointer(rebasing: line.bytes[meta])
      let prefix = Self.sourcePrefix.count
      guard bytes.count > prefix, let base = bytes.baseAddress, memcmp(base, Self.sourcePrefix, prefix) == 0,
        let length = UnsafeBufferPointer(rebasing: bytes[prefix...]).firstIndex(of: UInt8(ascii: "\"")),
        memchr(base + prefix, Int32(UInt8(ascii: "\\")), length) == nil
      else { return false }
      let source = UnsafeBufferPointer(rebasing: bytes[prefix..<(prefix + length)])
      if let last = lastSource, last.count == source.count,
        last.withUnsafeBytes({ $0.baseAddress.map { memcmp($0, base + prefix, length) == 0 } ?? true })
      {
        skip = lastSkip
      } else {
        skip = decide(String(decoding: source, as: UTF8.self))
        lastSource = Array(source)
        lastSkip = skip
      }
    } else {
      skip = inputDecision()
    }
    if skip {
      skipped += 1
      return true
    }
    noteLine()
    if try inner.write(line: line) { return true }
    // The sink wants the record (counted here already), so it goes on from here.
    try inner.write(try SQLiteSink.record(of: line.bytes, source: input))
    return true
  }

  func finish() throws(PLError) { try inner.finish() }

  func abort() { inner.abort() }

  private static let sourcePrefix: [UInt8] = Array(#""_pl":{"source":""#.utf8)

  /// Counts a forwarded record and remembers its line when it is not the one expected.
  @inline(__always)
  private func noteLine() {
    forwarded += 1
    expectedLine += 1
    if let line = reader?.lineNumber, line != expectedLine {
      lineJumps.append((forwarded, line))
      expectedLine = line
    }
  }

  /// Whether records of `source` (a `_pl.source` value) are passed over; the source is
  /// hashed and listed in the ledger the first time.
  private func decide(_ source: String) -> Bool {
    let outer = source.firstIndex(of: "!").map { String(source[..<$0]) } ?? source
    if let known = skips[outer] { return known }
    let sha = LoadLedgerEntry.sha256(ofFile: outer)
    let skip = sha.map { loaded.contains($0) } ?? false
    skips[outer] = skip
    if skip {
      note("\(outer): already loaded into \(inner.report.table) (sha256 \(sha ?? "")); its records are skipped")
    } else {
      control.ledger?.sources.append(LedgerSource(source: outer, sha256: sha))
    }
    return skip
  }

  /// The decision for records without `_pl.source`: their input is their source.
  private func inputDecision() -> Bool {
    if let inputSkip { return inputSkip }
    let skip = decide(input)
    inputSkip = skip
    return skip
  }

  /// Where a record came from: its `_pl` place, else its input and line there.
  func place(of record: Record, ordinal: Int) -> (source: String, location: Location?) {
    if case .string(let source)? = record.meta[key: MetaKey.source] { return (source, record.placeDescription) }
    if options.flattenMeta, case .string(let source)? = record[Self.flatName(MetaKey.source)] {
      return (source, Self.unflatten(record).placeDescription)
    }
    guard let index = inputs.lastIndex(where: { $0.first <= ordinal }) else { return ("-", nil) }
    let (first, name) = inputs[index]
    var line = ordinal - first + 1
    if let jump = lineJumps.last(where: { $0.ordinal <= ordinal && $0.ordinal >= first }) {
      line = jump.line + (ordinal - jump.ordinal)
    }
    return (name, .line(line))
  }

  // MARK: Flattened metadata

  /// The `_pl` members that `--flatten-meta` makes columns of.
  static let flatKeys = [MetaKey.source, MetaKey.line, MetaKey.row, MetaKey.page, MetaKey.sheet]
  static let restKey = "_pl_rest"

  static func flatName(_ key: String) -> String { "_pl_" + key }

  /// `record` with `_pl.source`, … as fields `_pl_source`, …, the other `_pl` members as one
  /// JSON object in `_pl_rest`, and no `_pl`.
  static func flatten(_ record: Record) -> Record {
    guard !record.meta.isEmpty else { return record }
    var fields = record.fields
    var rest: [Field] = []
    for member in record.meta {
      if flatKeys.contains(member.key) {
        fields.append(Field(flatName(member.key), member.value))
      } else {
        rest.append(member)
      }
    }
    if !rest.isEmpty { fields.append(Field(restKey, .object(rest))) }
    return Record(fields)
  }

  /// Undoes `flatten`, to set a refused record aside as it came.
  static func unflatten(_ record: Record) -> Record {
    var fields: [Field] = []
    var meta: [Field] = []
    for field in record.fields {
      if field.key == restKey, case .object(let rest) = field.value {
        meta += rest
      } else if field.key.hasPrefix("_pl_"), flatKeys.contains(String(field.key.dropFirst(4))) {
        meta.append(Field(String(field.key.dropFirst(4)), field.value))
      } else {
        fields.append(field)
      }
    }
    return Record(fields, meta: meta + record.meta)
  }
}
