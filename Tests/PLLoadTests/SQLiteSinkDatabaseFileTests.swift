#if canImport(Glibc)
  import Glibc
#endif
import Foundation
import PLCore
import PLLoad
import PLSQLite
import Testing

/// Where the rows go: never into a database that vanishes, and no database file from a load
/// that did not commit.
@Suite struct SQLiteSinkDatabaseFileTests {
  @Test(arguments: ["", ":memory:", "file::memory:", "file:lab.db?mode=memory", "file:?cache=shared"])
  func refusesDatabasesThatVanishWithTheLoad(name: String) throws {
    let error = #expect(throws: PLError.self) { try SQLiteSink(databasePath: name, table: "t") }
    #expect(error?.exitStatus == .usage)
    #expect(error?.description.contains("the records would be lost") == true)
    #expect(error?.description.contains("--allow-memory") == true)
    let sink = try SQLiteSink(databasePath: name, table: "t", options: LoadOptions(allowMemory: true))
    try sink.write(Record([("a", .integer(1))]))
    try sink.finish()
    #expect(sink.report.rowsInserted == 1)
  }

  @Test func aNewDatabaseAppearsOnlyOnCommit() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("new.db")
    let sink = try SQLiteSink(databasePath: db, table: "t", options: LoadOptions(inferenceSample: 1))
    for i in 0..<10 { try sink.write(Record([("a", .integer(i))])) }
    #expect(!FileManager.default.fileExists(atPath: db))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).contains { $0.hasPrefix(".new.db.pl-new-") })
    try sink.finish()
    #expect(try query(db, "SELECT count(*) FROM t") == [[.integer(10)]])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["new.db"])
  }

  @Test(arguments: ["abort", "refused value", "released"])
  func aLoadThatDoesNotCommitLeavesNoFile(how: String) throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("new.db")
    do {
      let sink = try SQLiteSink(databasePath: db, table: "t", options: LoadOptions(inferenceSample: 1))
      try sink.write(Record([("a", .integer(1))]))
      switch how {
      case "abort": sink.abort()
      case "refused value": #expect(throws: PLError.self) { try sink.write(Record([("a", .string("007"))])) }
      default: break
      }
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
  }

  @Test func aFileCreatedDuringTheLoadIsNotClobbered() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("race.db")
    let sink = try SQLiteSink(databasePath: db, table: "t")
    try sink.write(Record([("a", .integer(1))]))
    try SQLiteConnection(path: db).execute("CREATE TABLE other (x); INSERT INTO other VALUES (42)")
    let error = #expect(throws: PLError.self) { try sink.finish() }
    #expect(error?.exitStatus == .tempFail)
    #expect(error?.description.contains("created by another process") == true)
    #expect(try query(db, "SELECT x FROM other") == [[.integer(42)]])
    #expect(try !SQLiteConnection(path: db).tableExists("t"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["race.db"])
  }

  @Test func aURINameIsAFileToo() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("uri.db")
    try load(try records(#"{"a":1}"#), into: "file:\(db)?mode=rwc")
    try load(try records(#"{"a":2}"#), into: "file:\(db)")
    #expect(try query(db, "SELECT a FROM t ORDER BY rowid") == [[.integer(1)], [.integer(2)]])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["uri.db"])
  }

  @Test func anExistingEmptyFileIsLoadedInPlace() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("empty.db")
    FileManager.default.createFile(atPath: db, contents: nil)
    try load(try records(#"{"a":1}"#), into: db)
    #expect(try query(db, "SELECT a FROM t") == [[.integer(1)]])
  }
}

/// Keys that SQLite would take for one column each get a column of their own.
@Suite struct SQLiteSinkColumnNameTests {
  @Test func keysDifferingOnlyInCaseKeepTheirValues() throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("case.db")
    let input = try records(#"{"A":7,"a":8,"_PL":9,"_pl":{"line":1}}"#, #"{"ID":1,"id":2,"Id":3}"#)
    let first = try load(input, into: db)
    #expect(try schema(db) == ["A INTEGER", "a_2 INTEGER", "_PL_2 INTEGER", "ID INTEGER", "id_2 INTEGER", "Id_3 INTEGER", "_pl TEXT"])
    #expect(first.columnsRenamed == [
      ColumnRename(key: "a", column: "a_2"), ColumnRename(key: "_PL", column: "_PL_2"),
      ColumnRename(key: "id", column: "id_2"), ColumnRename(key: "Id", column: "Id_3"),
    ])
    // Loading the same input again maps it the same way and adds no column.
    let second = try load(input, into: db)
    #expect(second.columnsAdded.isEmpty && second.columnsRenamed == first.columnsRenamed)
    #expect(try query(db, "SELECT A, a_2, _PL_2, _pl, ID, id_2, Id_3 FROM t ORDER BY rowid") == Array(repeating: [
      [.integer(7), .integer(8), .integer(9), .text(#"{"line":1}"#), .null, .null, .null],
      [.null, .null, .null, .null, .integer(1), .integer(2), .integer(3)],
    ], count: 2).flatMap { $0 })
  }

  @Test(arguments: [(2000, true, "--no-meta"), (2001, false, "fewer keys")])
  func tooManyColumnsNamesTheLimitAndWhatHelps(keys: Int, includeMeta: Bool, advice: String) throws {
    let directory = try TemporaryDirectory()
    let db = directory.file("wide.db")
    let record = Record((0..<keys).map { ("k\($0)", JSONValue.integer($0)) })
    let error = #expect(throws: PLError.self) {
      try load([record], into: db, options: LoadOptions(includeMeta: includeMeta))
    }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.contains("SQLite's limit of 2000 columns per table") == true, "\(String(describing: error))")
    #expect(error?.description.contains(advice) == true)
    try load([record], into: db, options: LoadOptions(includeMeta: false), keysToLoad: 2000)
  }
}

/// Loads the first `keysToLoad` keys of each record.
func load(_ records: [Record], into database: String, options: LoadOptions, keysToLoad: Int) throws {
  try load(records.map { Record(Array($0.fields.prefix(keysToLoad))) }, into: database, options: options)
}
