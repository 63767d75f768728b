import PLCore
import PLSQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension SQLiteError {
  /// This failure as the toolkit's error for a load into `table` of `database`.
  ///
  /// The mapping follows what a cron job should do next: retry later (75), fix the disk (74),
  /// fix the target (73), fix the data (65).
  ///
  /// - Parameters:
  ///   - record: the 1-based ordinal of the record being inserted, when there is one.
  ///   - action: what was being done, for messages (`"cannot create table"`).
  ///   - path: the database file's path, when `database` is a URI.
  func plError(database: String, table: String, record: Int? = nil, action: String? = nil, path: String? = nil) -> PLError {
    let context = [action, record.map { "record \($0)" }].compactMap { $0 }.joined(separator: ": ")
    let detail = context.isEmpty ? message : "\(context): \(message)"
    switch kind {
    case .busy:
      return .tempFail(
        target: database, message: "the database is locked by another writer (\(message)); try again later")
    case .cannotOpen:
      if let directory = Self.missingDirectory(of: path ?? database) {
        return .cannotCreate(target: database, message: "cannot create the database: the directory \(directory) does not exist")
      }
      return .cannotCreate(target: database, message: "cannot open or create the database (\(message))")
    case .notADatabase:
      // 73, not 65: the database is pl-load's output, and the records read were fine. A 65
      // would tell a nightly job that its input is bad (and get good input quarantined);
      // what needs fixing is the target path, exactly as with an unwritable output file.
      return .cannotCreate(target: database, message: "the file is not an SQLite database (\(message)); refusing to write to it")
    case .readOnly:
      return .cannotCreate(target: database, message: "the database cannot be written (\(message))")
    case .full:
      return .io(target: database, message: "\(context.isEmpty ? "" : context + ": ")the disk or database is full (\(message)); nothing was loaded")
    case .ioError, .corrupt:
      return .io(target: database, message: detail)
    case .constraint, .tooBig:
      return .malformed(source: database, location: nil, message: "table \(table): \(detail)")
    case .outOfMemory:
      return .internalError("\(database): \(detail)")
    case .other:
      if action != nil { return .cannotCreate(target: database, message: "table \(table): \(detail)") }
      return .internalError("\(database): table \(table): \(detail)")
    }
  }

  /// The directory part of `path` when that directory does not exist, else nil.
  static func missingDirectory(of path: String) -> String? {
    guard let slash = path.lastIndex(of: "/") else { return nil }
    let directory = slash == path.startIndex ? "/" : String(path[..<slash])
    var info = stat()
    return stat(directory, &info) == 0 ? nil : directory
  }
}
