/// The type affinity of a column, which decides how SQLite converts values stored in it.
///
/// A loader needs it to bind each value so that nothing is converted behind its back: a JSON
/// number bound into a TEXT column keeps its exact text only when bound as text.
public enum SQLiteAffinity: Equatable, Sendable {
  case integer
  case text
  case blob
  case real
  case numeric

  /// The affinity of a declared type, by SQLite's rules, which look at substrings in this order:
  /// `INT` → INTEGER; `CHAR`, `CLOB`, `TEXT` → TEXT; `BLOB` or no type → BLOB;
  /// `REAL`, `FLOA`, `DOUB` → REAL; anything else → NUMERIC.
  public init(declaredType: String) {
    // SQLite folds case for ASCII letters only; Unicode case mapping could invent an "INT".
    let type = String(decoding: declaredType.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    if type.contains("INT") {
      self = .integer
    } else if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") {
      self = .text
    } else if type.contains("BLOB") || type.isEmpty {
      self = .blob
    } else if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") {
      self = .real
    } else {
      self = .numeric
    }
  }
}
