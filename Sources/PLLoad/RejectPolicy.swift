#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore

/// How many records the database may refuse before a load is rolled back (`--max-rejects`).
public enum RejectLimit: Equatable, Sendable, CustomStringConvertible {
  /// At most this many records.
  case count(Int)
  /// At most this share of the records read, in percent (checked when the input has ended).
  case percent(Double)

  /// `N` or `P%`; nil for anything else (negative, not a number, over 100 %).
  public init?(_ text: String) {
    if text.hasSuffix("%") {
      guard let value = Double(text.dropLast()), value.isFinite, value >= 0, value <= 100 else { return nil }
      self = .percent(value)
    } else {
      guard let value = Int(text), value >= 0 else { return nil }
      self = .count(value)
    }
  }

  public var description: String {
    switch self {
    case .count(let n): String(n)
    case .percent(let p): (p == p.rounded() ? String(Int(p)) : String(p)) + "%"
    }
  }
}

/// What happens to the records the database refuses (`--rejects`, `--max-rejects`).
///
/// Why it looks like this: a record that does not fit the table (a type mismatch, a NOT NULL,
/// CHECK or unique violation, a value too long) used to fail the whole load. With a rejects file
/// the load goes on and the record is set aside, exactly as it came plus `_pl.errors`, so that
/// nothing is lost; without one, the first refusal rolls the load back and names the record.
///
/// Contract:
/// - Without `path` the limit is 0: `refuse` throws `.qualityGate` (exit 1) naming the record's
///   place and the database's reason.
/// - With `path`, every refused record is written (in the order refused) to a temporary file
///   beside `path`, moved into place by `close()`, which the loader calls on success and on
///   failure alike: the rejects file holds every refused record even when the load was rolled
///   back for having too many.
/// - `refuse` throws once a count limit is passed; a percentage is checked by `checkLimit`.
public final class LoadRejects {
  /// The rejects file, or nil when refused records stop the load.
  public let path: String?
  /// The most refused records allowed; nil for no limit (only with a rejects file).
  public let limit: RejectLimit?
  /// Records refused so far.
  public private(set) var count = 0
  /// The first refusal's message, for the error when the limit is passed.
  public private(set) var firstRefusal: String?
  /// Where a record came from, for messages: `(source, location)`; set by the loader to name
  /// inputs whose records carry no `_pl.source`.
  public var place: (_ record: Record, _ ordinal: Int) -> (source: String, location: Location?) = { record, ordinal in
    guard let source = record.meta[key: MetaKey.source]?.stringValue else { return ("record \(ordinal)", nil) }
    return (source, record.placeDescription)
  }

  /// The record as it came, from the record as the sink saw it (`--flatten-meta` moves `_pl`
  /// members into fields, which a rejects file must not show).
  public var original: (Record) -> Record = { $0 }

  private var file: UnsafeMutablePointer<FILE>?
  private let temporaryPath: String?
  private let line = ByteBuffer(capacity: 4096)
  private var closed = false

  /// No rejects file: the first refused record stops the load.
  public convenience init() {
    self.init(unchecked: nil, limit: .count(0))
  }

  private init(unchecked path: String?, limit: RejectLimit?) {
    self.path = path
    self.limit = limit
    temporaryPath = nil
  }

  /// Opens the rejects file's temporary file, so that a rejects path that cannot be written
  /// fails before anything is loaded.
  ///
  /// - Throws: `.cannotCreate` (73) when the file cannot be created.
  public init(path: String, limit: RejectLimit?) throws(PLError) {
    self.path = path
    self.limit = limit
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = "\(directory).\(name).pl-new-\(getpid())"
    temporaryPath = temporary
    guard let opened = fopen(temporary, "w") else {
      throw .cannotCreate(target: path, message: "cannot create the rejects file: \(String(cString: strerror(errno)))")
    }
    file = opened
  }

  deinit {
    if let file {
      fclose(file)
      if let temporaryPath { unlink(temporaryPath) }
    }
  }

  /// True when refused records are set aside rather than stopping the load at once.
  public var allowsAny: Bool {
    switch limit {
    case .count(let n)?: n > 0
    case .percent(let p)?: p > 0 && path != nil
    case nil: true
    }
  }

  /// Sets `record` aside with `issue` in its `_pl.errors`.
  ///
  /// - Parameters:
  ///   - record: the record as it came (before any change pl-load makes to store it).
  ///   - ordinal: its 1-based number among the records of the load, for its place.
  ///   - database, table: for the message.
  /// - Throws: `.qualityGate` (1) when refused records are not allowed, or when this one passes
  ///   a count limit; `.io` (74) when the rejects file cannot be written.
  public func refuse(_ record: Record, ordinal: Int, issue: RecordIssue, database: String, table: String) throws(PLError) {
    count += 1
    let (source, location) = place(record, ordinal)
    let where_ = location.map { "\(source): \($0)" } ?? source
    let field = issue.field.map { " (field \(JSONWriter.string(.string($0))))" } ?? ""
    if firstRefusal == nil { firstRefusal = "\(where_)\(field): \(issue.message)" }
    if let file {
      var rejected = original(record)
      var errors: [JSONValue] = []
      if case .array(let earlier)? = rejected.meta[key: MetaKey.errors] { errors = earlier }
      errors.append(issue.json)
      rejected.meta[key: MetaKey.errors] = .array(errors)
      line.removeAll()
      JSONWriter.writeLine(rejected, to: line)
      let bytes = line.bytes
      if let base = bytes.baseAddress, fwrite(base, 1, bytes.count, file) != bytes.count {
        throw .io(target: path ?? "", message: "cannot write the rejects file: \(String(cString: strerror(errno)))")
      }
    }
    guard path != nil else {
      throw .qualityGate(
        "\(database): table \(table): \(where_)\(field): the database refused the record: \(issue.message); the load was rolled back, nothing was loaded (give --rejects FILE to set refused records aside)"
      )
    }
    if case .count(let n)? = limit, count > n {
      throw overLimit(database: database, table: table)
    }
  }

  /// Checks a percentage limit against the records read; call before committing.
  ///
  /// - Throws: `.qualityGate` (1) when more than the allowed share was refused.
  public func checkLimit(recordsRead: Int, database: String, table: String) throws(PLError) {
    guard case .percent(let p)? = limit, count > 0 else { return }
    if Double(count) * 100 > p * Double(max(recordsRead, 1)) {
      throw overLimit(database: database, table: table)
    }
  }

  private func overLimit(database: String, table: String) -> PLError {
    let first = firstRefusal.map { "; the first: \($0)" } ?? ""
    return .qualityGate(
      "\(database): table \(table): \(count) records refused, more than --max-rejects \(limit?.description ?? "0") allows\(first); the load was rolled back, and every refused record is in \(path ?? "-")"
    )
  }

  /// Moves the rejects file into place (also after a failed load, so that no refused record is
  /// lost). Harmless when called twice and without a rejects file.
  ///
  /// - Throws: `.io` (74) when the file cannot be written; `.cannotCreate` (73) when it cannot
  ///   be moved into place.
  public func close() throws(PLError) {
    guard !closed, let path, let temporaryPath, let file else { return }
    closed = true
    self.file = nil
    var failure: Int32 = 0
    if fflush(file) != 0 { failure = errno }
    if failure == 0 && fsync(fileno(file)) != 0 { failure = errno }
    if fclose(file) != 0 && failure == 0 { failure = errno }
    if failure != 0 {
      unlink(temporaryPath)
      throw .io(target: path, message: "cannot write the rejects file: \(String(cString: strerror(failure)))")
    }
    if rename(temporaryPath, path) != 0 {
      let code = errno
      unlink(temporaryPath)
      throw .cannotCreate(target: path, message: "cannot move the rejects file into place: \(String(cString: strerror(code)))")
    }
  }
}

extension RecordIssue {
  /// The issue for a value pl-load itself found would not be stored as it came.
  static func typeError(field: String, message: String) -> RecordIssue {
    RecordIssue(rule: "load", field: field, code: "type-error", message: message)
  }
}
