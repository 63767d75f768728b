/// One record of the stream: the user's fields in order, and the toolkit's metadata apart.
///
/// On the wire a record is one JSON object per line. The reserved key `_pl` holds the
/// toolkit's metadata (see pl-records(5)); it is kept out of `fields` and written last, so
/// transforms see only user data and cannot clobber provenance by accident.
public struct Record: Equatable, Hashable, Sendable {
  /// The reserved key of the toolkit's metadata.
  public static let metaKey = "_pl"

  /// The user's fields, in the order they were read.
  public var fields: [Field]
  /// The members of `_pl`, in order; empty when the record has none.
  public var meta: [Field]

  public init(_ fields: [Field] = [], meta: [Field] = []) {
    self.fields = fields
    self.meta = meta
  }

  /// A record from key/value pairs, for tests and literals.
  public init(_ pairs: [(String, JSONValue)], meta: [Field] = []) {
    self.fields = pairs.map { Field($0.0, $0.1) }
    self.meta = meta
  }

  /// The value of the user field `key`; setting `nil` removes it.
  public subscript(key: String) -> JSONValue? {
    get { fields[key: key] }
    set { fields[key: key] = newValue }
  }
}

/// Well-known members of `_pl`, so that every stage spells them the same way.
public enum MetaKey {
  /// The file the record came from; members of archives and mails as `outer!inner`.
  public static let source = "source"
  /// The 1-based line of the source where the record starts (text formats).
  public static let line = "line"
  /// The 1-based row of a table or sheet.
  public static let row = "row"
  /// The 1-based page of a document.
  public static let page = "page"
  /// The sheet of a workbook.
  public static let sheet = "sheet"
  /// The table of a page or document.
  public static let table = "table"
  /// Original texts of values a stage changed, keyed by field.
  public static let raw = "raw"
  /// What a stage noticed or decided, as short texts.
  public static let notes = "notes"
  /// Why a record was rejected: a list of `{rule, field, code, message}`.
  public static let errors = "errors"
}

extension Record {
  /// Sets `_pl.source` and `_pl.line` as the first members of the metadata, replacing old ones.
  public mutating func setProvenance(source: String, line: Int) {
    meta.removeAll { $0.key == MetaKey.source || $0.key == MetaKey.line }
    meta.insert(contentsOf: [Field(MetaKey.source, .string(source)), Field(MetaKey.line, .integer(line))], at: 0)
  }
}
