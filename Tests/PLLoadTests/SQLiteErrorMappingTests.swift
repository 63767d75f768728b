import PLCore
@testable import PLLoad
import PLSQLite
import Testing

/// SQLite failures map to the exit statuses a nightly job acts on.
@Suite struct SQLiteErrorMappingTests {
  @Test(arguments: [
    (Int32(5), "database is locked", PLCore.ExitStatus.tempFail),  // SQLITE_BUSY
    (6, "database table is locked", .tempFail),  // SQLITE_LOCKED
    (13, "database or disk is full", .ioError),  // SQLITE_FULL
    (10 | (3 << 8), "disk I/O error", .ioError),  // SQLITE_IOERR_WRITE
    (11, "database disk image is malformed", .ioError),  // SQLITE_CORRUPT
    (14, "unable to open database file", .cannotCreate),  // SQLITE_CANTOPEN
    (26, "file is not a database", .cannotCreate),  // SQLITE_NOTADB
    (8, "attempt to write a readonly database", .cannotCreate),  // SQLITE_READONLY
    (19 | (5 << 8), "NOT NULL constraint failed: t.a", .dataError),  // SQLITE_CONSTRAINT_NOTNULL
    (18, "string or blob too big", .dataError),  // SQLITE_TOOBIG
    (7, "out of memory", .software),  // SQLITE_NOMEM
  ])
  func mapsToExitStatus(code: Int32, message: String, status: PLCore.ExitStatus) {
    let error = SQLiteError(code: code, message: message).plError(database: "lab.db", table: "t", record: 3)
    #expect(error.exitStatus == status)
    #expect(error.description.contains("lab.db"))
    #expect(error.description.contains(message))
  }

  @Test func keepsTheExtendedCode() {
    let error = SQLiteError(code: 10 | (3 << 8), message: "disk I/O error")
    #expect(error.code == 10 && error.extendedCode == 10 | (3 << 8) && error.kind == .ioError)
  }

  @Test func schemaErrorsCannotCreateTheTable() {
    let error = SQLiteError(code: 1, message: "too many columns on t")
      .plError(database: "lab.db", table: "t", action: "cannot add column x")
    #expect(error.exitStatus == .cannotCreate)
    #expect(error.description == "lab.db: table t: cannot add column x: too many columns on t")
  }
}
