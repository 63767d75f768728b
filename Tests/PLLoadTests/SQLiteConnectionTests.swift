import Foundation
import PLSQLite
import Testing

@Suite struct SQLiteConnectionTests {
  @Test(arguments: [
    ("plain", "\"plain\""), ("with \"quotes\"", "\"with \"\"quotes\"\"\""), ("", "\"\""),
    ("naïve µg/L", "\"naïve µg/L\""), ("select", "\"select\""),
  ])
  func quotesIdentifiers(name: String, expected: String) {
    #expect(SQLiteConnection.quoteIdentifier(name) == expected)
  }

  @Test func bindsAndReadsEveryStorageClass() throws {
    let db = try SQLiteConnection(path: ":memory:")
    try db.execute("CREATE TABLE t (a, b, c, d, e)")
    let insert = try db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)")
    #expect(insert.parameterCount == 5)
    try insert.bind(Int64.min, at: 1)
    try insert.bind(12.5, at: 2)
    try insert.bind(text: "µ \"x\"", at: 3)
    try insert.bind(text: "", at: 4)
    try insert.bindNull(at: 5)
    #expect(try insert.step() == false)
    insert.reset()
    insert.clearBindings()
    try insert.step()
    let rows = try db.rows("SELECT a, b, c, d, e FROM t ORDER BY rowid")
    #expect(rows[0] == [.integer(Int64.min), .real(12.5), .text("µ \"x\""), .text(""), .null])
    #expect(rows[1] == Array(repeating: .null, count: 5))
    #expect(db.changes == 1)
  }

  @Test func bindsTextWithoutACopy() throws {
    let db = try SQLiteConnection(path: ":memory:")
    try db.execute("CREATE TABLE t (a TEXT, b TEXT)")
    let insert = try db.prepare("INSERT INTO t VALUES (?1, ?2)")
    let bytes = Array("ärger\u{0}nul".utf8)
    try bytes.withUnsafeBufferPointer { buffer in
      try insert.bind(unsafeUTF8: buffer, at: 1)
      try insert.bind(unsafeUTF8: UnsafeBufferPointer(rebasing: buffer[0..<0]), at: 2)
      try insert.step()
    }
    #expect(try db.rows("SELECT a, b, length(CAST(a AS BLOB)) FROM t") == [[.text("ärger\u{0}nul"), .text(""), .integer(Int64(bytes.count))]])
  }

  @Test func refusesAPathWithNUL() throws {
    let directory = try TemporaryDirectory()
    let error = try #require(throws: SQLiteError.self) { _ = try SQLiteConnection(path: directory.file("a.db\u{0}b")) }
    #expect(error.kind == .cannotOpen)
    #expect(!FileManager.default.fileExists(atPath: directory.file("a.db")))
  }

  @Test func bindingAMissingParameterThrows() throws {
    let db = try SQLiteConnection(path: ":memory:")
    let statement = try db.prepare("SELECT ?1")
    #expect(throws: SQLiteError.self) { try statement.bind(Int64(1), at: 2) }
  }

  @Test func describesColumnsAndFindsTablesIgnoringCase() throws {
    let db = try SQLiteConnection(path: ":memory:")
    try db.execute("CREATE TABLE \"Lab Results\" (id INTEGER PRIMARY KEY, v varchar(20) NOT NULL, w)")
    #expect(try db.tableExists("lab results"))
    #expect(try !db.tableExists("other"))
    let columns = try db.columns(of: "LAB RESULTS")
    #expect(columns.map(\.name) == ["id", "v", "w"])
    #expect(columns.map(\.affinity) == [.integer, .text, .blob])
    #expect(columns[0].primaryKeyIndex == 1 && columns[1].notNull)
    #expect(try db.columns(of: "missing").isEmpty)
  }

  @Test(arguments: [
    ("INTEGER", SQLiteAffinity.integer), ("bigint", .integer), ("VARCHAR(10)", .text), ("clob", .text),
    ("", .blob), ("BLOB", .blob), ("double precision", .real), ("FLOAT", .real), ("DECIMAL(10,2)", .numeric),
    ("DATE", .numeric), ("POINT", .integer),  // "POINT" contains "INT": SQLite's rule, quirks included
  ])
  func derivesAffinityAsSQLiteDoes(declared: String, affinity: SQLiteAffinity) {
    #expect(SQLiteAffinity(declaredType: declared) == affinity)
  }

  @Test func classifiesErrors() throws {
    let directory = try TemporaryDirectory()
    let missing = try #require(throws: SQLiteError.self) {
      _ = try SQLiteConnection(path: directory.file("missing/x.db"))
    }
    #expect(missing.kind == .cannotOpen)

    let text = directory.file("notes.txt")
    try String(repeating: "not a database\n", count: 20).write(toFile: text, atomically: true, encoding: .utf8)
    let notes = try SQLiteConnection(path: text)
    let notADatabase = try #require(throws: SQLiteError.self) { try notes.execute("CREATE TABLE t (a)") }
    #expect(notADatabase.kind == .notADatabase && notADatabase.message.contains("not a database"))

    let db = try SQLiteConnection(path: ":memory:")
    let syntax = try #require(throws: SQLiteError.self) { _ = try db.prepare("SELEC 1") }
    #expect(syntax.kind == .other && syntax.message.contains("syntax error"))
  }

  @Test func reportsBusyWhenAnotherWriterHoldsTheLock() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("locked.db")
    let first = try SQLiteConnection(path: path)
    try first.execute("CREATE TABLE t (a); BEGIN IMMEDIATE")
    let second = try SQLiteConnection(path: path, busyTimeout: .milliseconds(50))
    let busy = try #require(throws: SQLiteError.self) { try second.execute("BEGIN IMMEDIATE") }
    #expect(busy.isBusy)
    #expect(first.isInTransaction && !second.isInTransaction)
  }

  @Test func reportsReadOnlyAndFull() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("small.db")
    let writer = try SQLiteConnection(path: path)
    try writer.execute("CREATE TABLE t (a TEXT)")
    let reader = try SQLiteConnection(path: path, readOnly: true)
    #expect(reader.isReadOnly && !writer.isReadOnly)
    let readOnly = try #require(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES ('x')") }
    #expect(readOnly.kind == .readOnly)
    // A page limit stands in for a full disk: SQLite reports both as SQLITE_FULL.
    try writer.execute("PRAGMA max_page_count = 3")
    let full = try #require(throws: SQLiteError.self) {
      try writer.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO t SELECT hex(randomblob(1000)) FROM n")
    }
    #expect(full.kind == .full)
  }

  @Test func opensFileURIsWhateverTheLibraryDefault() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("uri.db")
    try SQLiteConnection(path: "file:\(path)?mode=rwc").execute("CREATE TABLE t (a)")
    #expect(try SQLiteConnection(path: path, readOnly: true).tableExists("t"))
    let memory = try SQLiteConnection(path: "file:\(path)?mode=memory")
    #expect(try !memory.tableExists("t"))
  }

  @Test func closesOnRequestAndSaysSoAfterwards() throws {
    let directory = try TemporaryDirectory()
    let connection = try SQLiteConnection(path: directory.file("close.db"))
    #expect(connection.columnLimit == 2000)
    try connection.execute("BEGIN IMMEDIATE; CREATE TABLE t (a)")
    connection.close()
    connection.close()
    #expect(!connection.isInTransaction)
    #expect(throws: SQLiteError.self) { try connection.execute("SELECT 1") }
    #expect(try !SQLiteConnection(path: directory.file("close.db")).tableExists("t"))
  }
}
