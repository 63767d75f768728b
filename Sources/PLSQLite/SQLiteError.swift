import CPLSQLite3

/// A failure reported by SQLite, with its result codes and message.
///
/// Callers decide what a failure means to a person (a locked database is worth a retry, a full
/// disk is not), so the raw codes are classified into `Kind` here, once, and no caller has to
/// compare C constants.
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The classes of failure that callers treat differently.
  public enum Kind: Equatable, Sendable {
    /// Another connection holds a lock (`SQLITE_BUSY`, `SQLITE_LOCKED`); trying later may work.
    case busy
    /// The file cannot be opened or created (`SQLITE_CANTOPEN`), e.g. its directory is missing.
    case cannotOpen
    /// The file exists but is not an SQLite database (`SQLITE_NOTADB`).
    case notADatabase
    /// The database cannot be written (`SQLITE_READONLY`, `SQLITE_PERM`).
    case readOnly
    /// The disk or the database's size limit is full (`SQLITE_FULL`).
    case full
    /// The operating system reported a read or write failure (`SQLITE_IOERR`).
    case ioError
    /// The database file is damaged (`SQLITE_CORRUPT`).
    case corrupt
    /// A value violates a constraint of the table (`SQLITE_CONSTRAINT`, `SQLITE_MISMATCH`).
    case constraint
    /// A value or statement exceeds a limit (`SQLITE_TOOBIG`, `SQLITE_RANGE`).
    case tooBig
    /// Memory ran out (`SQLITE_NOMEM`).
    case outOfMemory
    /// Anything else, most often an SQL error (`SQLITE_ERROR`).
    case other
  }

  /// The primary result code (`SQLITE_BUSY`, …).
  public let code: Int32
  /// The extended result code (`SQLITE_IOERR_WRITE`, …); equal to `code` when there is none.
  public let extendedCode: Int32
  /// SQLite's message, or ours when SQLite has none.
  public let message: String

  public init(code: Int32, extendedCode: Int32? = nil, message: String) {
    self.code = code & 0xFF
    self.extendedCode = extendedCode ?? code
    self.message = message
  }

  /// The failure as the class callers act on.
  public var kind: Kind {
    switch code {
    case SQLITE_BUSY, SQLITE_LOCKED: .busy
    case SQLITE_CANTOPEN: .cannotOpen
    case SQLITE_NOTADB: .notADatabase
    case SQLITE_READONLY, SQLITE_PERM: .readOnly
    case SQLITE_FULL: .full
    case SQLITE_IOERR: .ioError
    case SQLITE_CORRUPT: .corrupt
    case SQLITE_CONSTRAINT, SQLITE_MISMATCH: .constraint
    case SQLITE_TOOBIG, SQLITE_RANGE: .tooBig
    case SQLITE_NOMEM: .outOfMemory
    default: .other
    }
  }

  /// True when another connection holds a lock and the operation may succeed later.
  public var isBusy: Bool { kind == .busy }

  public var description: String { message }
}
