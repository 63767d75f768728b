@testable import PLLoad
import Testing

@Suite struct SQLiteDatabaseNameTests {
  @Test(arguments: [
    ("lab.sqlite", SQLiteDatabaseName.Storage.file(path: "lab.sqlite")),
    ("/data/lab.sqlite", .file(path: "/data/lab.sqlite")),
    ("", .temporary),
    (":memory:", .memory),
    ("./:memory:", .file(path: "./:memory:")),
    (":MEMORY:", .file(path: ":MEMORY:")),
    ("file::memory:", .memory),
    ("file::memory:?cache=shared", .memory),
    ("file:lab.db?mode=memory", .memory),
    ("file:lab.db?cache=shared&mode=memory", .memory),
    ("file:lab.db?mode=memory#x", .memory),
    ("file:/x?vfs=memdb", .memory),
    ("file:lab.db", .file(path: "lab.db")),
    ("file:lab.db?mode=rwc", .file(path: "lab.db")),
    ("file:lab.db#mode=memory", .file(path: "lab.db")),
    ("file:///data/lab.db", .file(path: "/data/lab.db")),
    ("file://localhost/data/lab.db", .file(path: "/data/lab.db")),
    ("file:my%20lab.db", .file(path: "my lab.db")),
    ("file:a%3Fb.db", .file(path: "a?b.db")),
    ("file:", .temporary),
    ("file:?mode=rwc", .temporary),
  ])
  func tellsFilesFromDatabasesThatVanish(name: String, storage: SQLiteDatabaseName.Storage) {
    #expect(SQLiteDatabaseName(name).storage == storage, "\(name)")
  }

  @Test(arguments: [
    ("lab.db", "dir/.lab.db.pl-new-1", "dir/.lab.db.pl-new-1"),
    ("file:lab.db?mode=rwc", "dir/.lab.db.pl-new-1", "file:dir/.lab.db.pl-new-1?mode=rwc"),
    ("file:///d/lab.db", "/d/.a%b?c#.pl-new-1", "file:/d/.a%25b%3Fc%23.pl-new-1"),
  ])
  func opensAnotherPathWithTheSameParameters(name: String, path: String, expected: String) {
    #expect(SQLiteDatabaseName(name).replacingPath(with: path) == expected)
  }
}
