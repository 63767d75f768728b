#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore

/// The tables of a run that scored under `--min-quality`: counted, reported, and written to
/// the rejects file (`--rejects`) as records of `--mode tables` with `_pl.errors`.
///
/// Contract (as pl-validate's and pl-load's rejects): a rejects file is written whole or not at
/// all (a temporary file beside it, moved into place by `finish`, removed by `abort`); without
/// one no table may be set aside unless `--max-rejects` allows it, and the run then fails its
/// quality gate (exit 1) after reading everything, its output ending with an abort line.
/// With one, any number may, unless `--max-rejects` says otherwise.
public final class TableRejects {
  public let path: String?
  public let limit: TableRejectLimit
  /// Tables found (emitted or set aside), for a percentage limit.
  public private(set) var tables = 0
  /// Tables set aside.
  public private(set) var rejected = 0
  /// The first table set aside, for the quality gate's message.
  private var first: String?
  private var file: OutputStream?
  private var fd: Int32 = -1
  private let temporary: String?
  private var done = false

  /// Opens the rejects file's temporary file when there is a path, so that a rejects file
  /// that cannot be written fails before anything is read.
  ///
  /// - Throws: `.cannotCreate` (73).
  public init(path: String?, limit: TableRejectLimit?) throws(PLError) {
    self.path = path
    self.limit = limit ?? (path == nil ? .count(0) : .percent(100))
    guard let path else {
      temporary = nil
      return
    }
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = "\(folder).\(name).pl-new-\(getpid())"
    self.temporary = temporary
    fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .cannotCreate(target: path, message: "cannot create the rejects file: \(systemMessage(errno))") }
    file = OutputStream(fd: fd, name: path)
  }

  deinit { abort() }

  /// Counts a table kept as data.
  func kept() { tables += 1 }

  /// Sets aside `table` (a record of `--mode tables`), whose place is `place`
  /// (`report.pdf: page 2: table 1`), with `reason`.
  func reject(_ table: Record, place: String, reason: String) throws(PLError) {
    tables += 1
    rejected += 1
    if first == nil { first = "\(place): \(reason)" }
    guard let file else { return }
    var record = table
    let error: JSONValue = .object([
      Field("rule", .string("min-quality")), Field("code", .string("low_quality_table")), Field("message", .string(reason)),
    ])
    record.meta.append(Field(MetaKey.errors, .array([error])))
    JSONWriter.writeLine(record, to: file.buffer)
    try file.recordDone()
  }

  /// Publishes the rejects file, then checks the limit.
  ///
  /// - Throws: `.qualityGate` (1) when more tables were set aside than the limit allows;
  ///   `.io` or `.cannotCreate` when the rejects file cannot be written.
  func finish() throws(PLError) {
    if !done, let file, let temporary, let path {
      done = true
      try file.flush()
      guard fsync(fd) == 0 || errno == EINVAL else { throw .io(target: path, message: systemMessage(errno)) }
      close(fd)
      guard rename(temporary, path) == 0 else {
        let code = errno
        unlink(temporary)
        throw .cannotCreate(target: path, message: systemMessage(code))
      }
    }
    done = true
    guard !limit.allows(rejected, of: tables), let first else { return }
    let allowed = path == nil && limit == .count(0)
      ? "without --rejects none may be (--rejects FILE keeps them, --max-rejects allows some)"
      : "--max-rejects allows \(limit)"
    throw .qualityGate(
      "\(rejected) of \(tables) table\(tables == 1 ? "" : "s") scored under --min-quality and \(allowed); the first: \(first)")
  }

  /// Removes the temporary rejects file (a failed run).
  func abort() {
    guard !done else { return }
    done = true
    guard let temporary, fd >= 0 else { return }
    close(fd)
    unlink(temporary)
  }
}
