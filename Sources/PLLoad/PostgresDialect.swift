import PLPostgres

/// What a PostgreSQL column's declared type means for the values loaded into it.
public enum PostgresColumnKind: Equatable, Sendable {
  /// `smallint`, `integer`, `bigint`: whole numbers of so many bits.
  case integer(bits: Int)
  /// `double precision`.
  case double
  /// `real` (4 bytes).
  case float
  /// `numeric` / `decimal`, with its scale (digits after the point) when the type fixes one.
  case numeric(scale: Int?)
  case boolean
  /// `text`, `varchar(n)`, `char(n)`, `name`, `citext`.
  case text
  /// `json`, `jsonb`.
  case json
  /// `date`: takes only `YYYY-MM-DD` text, the one form that no DateStyle reads otherwise.
  case date
  /// `timestamp with time zone`: takes only ISO 8601 date-times with `Z` or an offset, so that
  /// no instant depends on the session's time zone.
  case timestamptz
  /// Anything else (dates, timestamps, UUIDs, enums, domains): the server reads the value's
  /// text with the type's own input function and refuses what does not fit.
  case other
}

/// PostgreSQL's words and rules for `SchemaPlanner` and `PostgresSink`.
///
/// New columns are BIGINT, DOUBLE PRECISION, NUMERIC (numbers no double keeps), BOOLEAN, JSONB
/// (arrays, objects and `_pl`), DATE, TIMESTAMPTZ (strings all ISO dates, or all ISO date-times
/// with a zone) or TEXT. PostgreSQL converts text into a column's type strictly
/// (`'1.5'` into BIGINT is an error, not 1), so binding is about never letting a value be
/// stored as something else: a number goes into an integer column only when it is a whole
/// number in range (`1e3` as 1000), into DOUBLE PRECISION or REAL only when the binary number
/// keeps its decimal value, into NUMERIC(p,s) only when it has at most s decimals (the server
/// would round it); strings go into number columns only with `detectTypes` and on the same
/// terms; what does not fit refuses the load. Names are case-sensitive when quoted, so keys
/// that differ only in case get columns of their own.
public struct PostgresDialect: SQLDialect {
  public typealias ColumnKind = PostgresColumnKind

  public init() {}

  public var name: String { "PostgreSQL" }
  /// MaxHeapAttributeNumber.
  public var maxColumns: Int { 1600 }
  public var foldsCase: Bool { false }

  public func quoteIdentifier(_ name: String) -> String { PostgresConnection.quoteIdentifier(name) }

  /// The key itself when it fits PostgreSQL's 63 bytes; otherwise its first 46 bytes (cut at
  /// a character boundary), `_` and 16 hexadecimal digits of the 64-bit FNV-1a hash of the
  /// whole key. PostgreSQL would cut the name at 63 bytes, so that two keys that agree on
  /// their first 63 bytes would share a column; with the hash they do not, and the same key
  /// gets the same column in every run.
  public func columnName(forKey key: String) -> String {
    Self.shortened(key)
  }

  /// `columnName(forKey:)` for any identifier.
  public static func shortened(_ name: String) -> String {
    let limit = PostgresConnection.maxIdentifierBytes
    let utf8 = name.utf8
    guard utf8.count > limit else { return name }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    var prefix = ""
    var bytes = 0
    for scalar in name.unicodeScalars {
      let size = String(scalar).utf8.count
      if bytes + size > limit - 17 { break }
      prefix.unicodeScalars.append(scalar)
      bytes += size
    }
    let hex = String(hash, radix: 16)
    return prefix + "_" + String(repeating: "0", count: 16 - hex.count) + hex
  }

  public func typeName(of type: ColumnType) -> String {
    switch type {
    case .boolean: "BOOLEAN"
    case .integer: "BIGINT"
    case .real: "DOUBLE PRECISION"
    case .decimal: "NUMERIC"
    case .json: "JSONB"
    case .text: "TEXT"
    case .date: "DATE"
    case .timestamp: "TIMESTAMPTZ"
    }
  }

  public func kind(ofDeclaredType declaredType: String) -> PostgresColumnKind {
    let type = declaredType.lowercased()
    switch type {
    case "bigint", "int8": return .integer(bits: 64)
    case "integer", "int", "int4": return .integer(bits: 32)
    case "smallint", "int2": return .integer(bits: 16)
    case "double precision", "float8": return .double
    case "real", "float4": return .float
    case "boolean", "bool": return .boolean
    case "text", "name", "citext": return .text
    case "json", "jsonb": return .json
    case "date": return .date
    case "timestamptz", "timestamp with time zone": return .timestamptz
    default: break
    }
    if type.hasPrefix("numeric") || type.hasPrefix("decimal") {
      // `numeric(10,2)`: the scale is after the comma; `numeric(10)` has scale 0.
      guard let open = type.firstIndex(of: "(") else { return .numeric(scale: nil) }
      let inside = type[type.index(after: open)...].prefix { $0 != ")" }
      let parts = inside.split(separator: ",").map { $0.trimmingCharacters() }
      return .numeric(scale: parts.count > 1 ? Int(parts[1]) : 0)
    }
    if type.hasPrefix("character") || type.hasPrefix("varchar") || type.hasPrefix("char") || type.hasPrefix("bpchar") {
      return .text
    }
    return .other
  }

  @inline(__always)
  public func binding(ofNumber text: UnsafeBufferPointer<UInt8>, into kind: PostgresColumnKind) -> ExactBinding {
    switch kind {
    case .text, .json, .other:
      return .text
    case .integer(let bits):
      if let integer = NumberText.int64(text) { return Self.fits(integer, bits: bits) ? .text : .refused }
      // A whole number written with a point or an exponent (`2.0`, `1e3`) is that integer.
      guard let number = NumberText.exactDouble(text), number == number.rounded(), abs(number) < 0x1p63 else { return .refused }
      let integer = Int64(number)
      return Self.fits(integer, bits: bits) ? .integer(integer) : .refused
    case .double:
      return NumberText.exactDouble(text) == nil ? .refused : .text
    case .float:
      guard let number = Float(String(decoding: text, as: UTF8.self)), number.isFinite else { return .refused }
      var shortest = number.description
      return shortest.withUTF8 { DecimalValue($0) } == DecimalValue(text) ? .text : .refused
    case .numeric(let scale):
      guard let value = DecimalValue(text) else { return .refused }
      // The server's limits: 131072 digits before the point, 16383 after.
      let decimals = max(0, value.digits.count - value.exponent)
      guard value.exponent <= 131_072, decimals <= 16_383 else { return .refused }
      if let scale, decimals > scale { return .refused }
      return .text
    case .boolean, .date, .timestamptz:
      return .refused
    }
  }

  @inline(__always)
  public func binding(
    ofString text: UnsafeBufferPointer<UInt8>, into kind: PostgresColumnKind, detectTypes: Bool
  ) -> ExactBinding {
    switch kind {
    case .text, .other:
      return .text
    case .json, .boolean:
      // A string in a JSON column is written as a JSON string by the sink, never as its text.
      return .refused
    case .date:
      return DateText.isDate(text) ? .text : .refused
    case .timestamptz:
      return DateText.isZonedDateTime(text) ? .text : .refused
    case .integer, .double, .float, .numeric:
      guard detectTypes, NumberText.plainDecimal(String(decoding: text, as: UTF8.self)) != nil else { return .refused }
      return binding(ofNumber: text, into: kind)
    }
  }

  static func fits(_ integer: Int64, bits: Int) -> Bool {
    switch bits {
    case 16: Int64(Int16.min)...Int64(Int16.max) ~= integer
    case 32: Int64(Int32.min)...Int64(Int32.max) ~= integer
    default: true
    }
  }
}

extension Substring {
  fileprivate func trimmingCharacters() -> String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
