#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore

/// A PostgreSQL database to load into, as the command line gives it.
///
/// The connection string is a libpq URL (`postgres://user@host:5432/db`,
/// `postgresql:///db` for the local socket, `postgres://?service=lab` for a service file
/// entry, or just `postgres://` for the `PG*` environment variables); whatever it leaves out
/// comes from the environment, `~/.pg_service.conf` and `~/.pgpass`, as for `psql`.
public struct PostgresTarget: Equatable, Sendable {
  /// The URL as given (it may hold a password: never shown; see `displayName`).
  public var connectionString: String
  /// The schema of the table; nil for the first schema of the search path (`public`).
  public var schema: String?
  /// A file whose first line is the password.
  public var passwordFile: String?

  public init(connectionString: String, schema: String? = nil, passwordFile: String? = nil) {
    self.connectionString = connectionString
    self.schema = schema
    self.passwordFile = passwordFile
  }

  /// True for the URLs that name a PostgreSQL target rather than an SQLite file.
  public static func isURL(_ text: String) -> Bool {
    text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
  }

  /// The URL without a password (in its user part or a `password=` parameter), for messages.
  public var displayName: String { Self.redacted(connectionString) }

  /// True when the URL itself carries a password, which other users can see in `ps`.
  public var urlHasPassword: Bool { Self.redacted(connectionString) != connectionString }

  static func redacted(_ url: String) -> String {
    guard let scheme = url.firstRange(of: "://") else { return url }
    let head = url[..<scheme.upperBound]
    var rest = url[scheme.upperBound...]
    var query = ""
    if let mark = rest.firstIndex(of: "?") {
      query = String(rest[rest.index(after: mark)...])
      rest = rest[..<mark]
    }
    let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
    var authority = rest[..<authorityEnd]
    let path = rest[authorityEnd...]
    if let at = authority.lastIndex(of: "@") {
      let user = authority[..<at]
      if let colon = user.firstIndex(of: ":") {
        authority = user[..<colon] + authority[at...]
      }
    }
    let parameters = query.split(separator: "&", omittingEmptySubsequences: false).filter {
      !$0.lowercased().hasPrefix("password=")
    }
    let kept = parameters.isEmpty || query.isEmpty ? "" : "?" + parameters.joined(separator: "&")
    return head + authority + path + kept
  }

  /// The password from `passwordFile`: its first line, without the line end.
  ///
  /// - Throws: `PLError.inputMissing` (66) when the file cannot be read, `.config` (78) when it
  ///   is empty.
  func readPassword() throws(PLError) -> String? {
    guard let path = passwordFile else { return nil }
    let stream = try FileStream(path: path)
    var bytes: [UInt8] = []
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
    defer { block.deallocate() }
    while bytes.count < 1 << 16 {
      let count = try stream.read(into: block)
      if count == 0 { break }
      bytes += block[0..<count]
    }
    var line = bytes.prefix { $0 != 0x0A }
    if line.last == 0x0D { line = line.dropLast() }
    guard !line.isEmpty else {
      throw .config(source: path, message: "the password file is empty: its first line is the password")
    }
    return String(decoding: line, as: UTF8.self)
  }
}
