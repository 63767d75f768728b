/// One value read from a result row, in the storage class SQLite holds it in.
///
/// Used to read results back (tests, small queries); loading binds values directly and never
/// builds these.
public enum SQLiteValue: Equatable, Hashable, Sendable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])

  /// The name of the storage class, as `typeof()` spells it.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .integer: "integer"
    case .real: "real"
    case .text: "text"
    case .blob: "blob"
    }
  }
}
