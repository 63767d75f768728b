/// A failure reported by libpq or the PostgreSQL server, with its SQLSTATE and messages.
///
/// Callers decide what a failure means to a person (a lock timeout is worth a retry, a bad
/// value is not), so SQLSTATEs and connection states are classified into `Kind` here, once.
public struct PostgresError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The classes of failure that callers treat differently.
  public enum Kind: Equatable, Sendable {
    /// The connection string or URL cannot be read.
    case invalidConnectionString
    /// No connection could be made: refused, unknown host, authentication failed, no such
    /// database or role (SQLSTATE classes 08 and 28, 3D000, or a failed connection attempt).
    case cannotConnect
    /// The connection broke during a session: the server restarted, crashed or was shut down
    /// (57P01–57P03, or libpq found the connection closed).
    case connectionLost
    /// A lock was not granted in time, a deadlock or a serialization failure, or the server
    /// has no connection slot left: trying again later may work (55P03, 40001, 40P01, 53300).
    case busy
    /// The server's disk is full (53100).
    case diskFull
    /// A value the column's type cannot take (class 22: invalid text, out of range, too long).
    case data
    /// A constraint of the table refused a row (class 23).
    case constraint
    /// The schema does not exist (3F000).
    case undefinedSchema
    /// The role may not do this (42501).
    case permission
    /// Anything else, most often an SQL error.
    case other
  }

  public let kind: Kind
  /// The five-character SQLSTATE, when the server sent one.
  public let sqlState: String?
  /// The primary message, on one line.
  public let message: String
  /// The server's detail and hint, when it sent them.
  public let detail: String?
  public let hint: String?
  /// Where the server was (`COPY t, line 3, column x: "abc"`), when it said.
  public let context: String?

  public init(
    kind: Kind? = nil, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
    context: String? = nil
  ) {
    self.sqlState = sqlState
    self.message = Self.oneLine(message)
    self.detail = detail.map(Self.oneLine)
    self.hint = hint.map(Self.oneLine)
    self.context = context.map(Self.oneLine)
    self.kind = kind ?? sqlState.map(Self.kind(ofSQLState:)) ?? .other
  }

  /// The class of a SQLSTATE.
  public static func kind(ofSQLState state: String) -> Kind {
    switch state {
    case "57P01", "57P02", "57P03": return .connectionLost
    case "55P03", "40001", "40P01", "53300": return .busy
    case "53100": return .diskFull
    case "3D000": return .cannotConnect
    case "3F000": return .undefinedSchema
    case "42501": return .permission
    default: break
    }
    switch state.prefix(2) {
    case "08", "28": return .cannotConnect
    case "22": return .data
    case "23": return .constraint
    default: return .other
    }
  }

  /// The message with the detail, as a person reads it.
  public var description: String {
    var text = message
    if let detail { text += " (\(detail))" }
    return text
  }

  /// Text of several lines (libpq's connection errors) on one, without the `ERROR:` prefix.
  static func oneLine(_ text: String) -> String {
    var words = text.split(whereSeparator: { $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == " " }).joined(separator: " ")
    for prefix in ["ERROR: ", "FATAL: ", "PANIC: "] where words.hasPrefix(prefix) { words.removeFirst(prefix.count) }
    return words
  }
}
