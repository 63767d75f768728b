/// What SQLite makes of a database name: a file, given by path or by `file:` URI, or a
/// database that lives only as long as its connection.
///
/// Why it matters: `pl-load "" …` (an unset `$DB` in a cron job), `:memory:` or
/// `file:x?mode=memory` load into a database that vanishes when the load ends, and exit 0.
/// The loader refuses those unless asked, and needs the file's path to build a new database
/// under a temporary name. Names are read as `SQLiteConnection` opens them: `file:` starts a
/// URI (section 3 of SQLite's "Uniform Resource Identifiers"), anything else is a path.
struct SQLiteDatabaseName: Equatable {
  enum Storage: Equatable {
    /// A database file at this path (relative to the working directory, or absolute).
    case file(path: String)
    /// An in-memory database (`:memory:`, `file::memory:`, `mode=memory`, `vfs=memdb`).
    case memory
    /// A private temporary database, deleted on close (the empty name, or a URI without a path).
    case temporary
  }

  /// The name as given.
  let name: String
  let storage: Storage
  /// For a URI: everything after its path (`?mode=rwc#x`), kept when the path changes.
  private let uriTail: String?

  init(_ name: String) {
    self.name = name
    guard name.hasPrefix("file:") else {
      uriTail = nil
      switch name {
      case "": storage = .temporary
      case ":memory:": storage = .memory
      default: storage = .file(path: name)
      }
      return
    }
    var rest = Substring(name.dropFirst(5))
    // "file://host/path": only an empty host or "localhost" is allowed; SQLite rejects others.
    if rest.hasPrefix("//") {
      rest = rest.dropFirst(2)
      rest = rest[(rest.firstIndex(of: "/") ?? rest.endIndex)...]
    }
    let pathEnd = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? rest.endIndex
    let path = Self.percentDecoded(rest[..<pathEnd])
    uriTail = String(rest[pathEnd...])
    let query = rest[pathEnd...].prefix(while: { $0 != "#" }).dropFirst()
    var inMemory = path == ":memory:"
    for parameter in query.split(separator: "&") {
      let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = Self.percentDecoded(parts[0])
      let value = parts.count > 1 ? Self.percentDecoded(parts[1]) : ""
      if (key == "mode" && value == "memory") || (key == "vfs" && value == "memdb") { inMemory = true }
    }
    if inMemory {
      storage = .memory
    } else if path.isEmpty {
      storage = .temporary
    } else {
      storage = .file(path: path)
    }
  }

  /// The name that opens the file at `path` instead, with the same URI parameters.
  func replacingPath(with path: String) -> String {
    guard let uriTail else { return path }
    // Only what would end the path or start an escape needs escaping.
    var bytes: [UInt8] = []
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"):
        bytes += Array("%\(String(byte, radix: 16, uppercase: true))".utf8)
      default:
        bytes.append(byte)
      }
    }
    return "file:" + String(decoding: bytes, as: UTF8.self) + uriTail
  }

  /// `text` with `%HH` escapes decoded, as SQLite decodes URI paths and parameters.
  private static func percentDecoded(_ text: Substring) -> String {
    guard text.contains("%") else { return String(text) }
    var bytes: [UInt8] = []
    let utf8 = Array(text.utf8)
    var i = 0
    while i < utf8.count {
      if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count,
        let high = hexDigit(utf8[i + 1]), let low = hexDigit(utf8[i + 2])
      {
        bytes.append(high << 4 | low)
        i += 3
      } else {
        bytes.append(utf8[i])
        i += 1
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
