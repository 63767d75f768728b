import PLCore

/// What a load does with rows whose key the table already holds, and with the table itself.
///
/// - `insert`: every record becomes a new row (a key constraint refuses duplicates).
/// - `upsert`: a record whose key is new is inserted; one whose key is stored updates the
///   columns the record carries, and only those (`INSERT … ON CONFLICT (key) DO UPDATE`).
///   Records are applied in order, so the same key twice in one run ends as the second left it.
/// - `ignore`: a record whose key is stored is passed over (`ON CONFLICT (key) DO NOTHING`)
///   and counted; the first of the same key twice in one run wins.
/// - `replaceTable`: the records become a new table that takes the old one's place when the
///   load commits, for snapshots that are loaded whole every time.
public enum LoadMode: String, CaseIterable, Sendable {
  case insert
  case upsert
  case ignore
  case replaceTable = "replace-table"

  /// True for the modes that compare keys and need `--key`.
  public var needsKey: Bool { self == .upsert || self == .ignore }
}

/// How a load writes rows and how far it may change the table: the mode, the key, whether
/// columns may be added, and the types a Table Schema file declares.
///
/// Kept in one value apart from the other `LoadOptions` so that the command line validates
/// it once (`validated()`), before any record is read.
public struct WriteOptions: Equatable, Sendable {
  /// The mode asked for; nil for the default (`upsert` when there is a key, else `insert`).
  public var requestedMode: LoadMode?
  /// The key fields from `--key`, in order; empty when none was given.
  public var keyFields: [String]
  /// True when keys without a column may become new columns (`ALTER TABLE … ADD COLUMN`).
  public var alter: Bool
  /// Declared column types and the primary key, from `--schema-file`.
  public var schema: TableSchema?

  public init(mode: LoadMode? = nil, key: [String] = [], alter: Bool = true, schema: TableSchema? = nil) {
    self.requestedMode = mode
    self.keyFields = key
    self.alter = alter
    self.schema = schema
  }

  /// The key: `--key`'s fields, else the schema's primary key.
  public var key: [String] {
    keyFields.isEmpty ? schema?.primaryKey ?? [] : keyFields
  }

  /// The mode in force: the one asked for, else `upsert` when there is a key, else `insert`.
  public var mode: LoadMode {
    requestedMode ?? (key.isEmpty ? .insert : .upsert)
  }

  /// True when rows are compared by key on the way in (upsert, ignore).
  public var comparesKeys: Bool { mode.needsKey }

  /// Checks that the options make sense together.
  ///
  /// - Throws: `PLError.usage` (64) for upsert or ignore without a key, an empty or repeated
  ///   key field.
  public func validated() throws(PLError) -> WriteOptions {
    if mode.needsKey && key.isEmpty {
      throw .usage(
        "--mode \(mode.rawValue) needs a key: give --key FIELD[,FIELD…] (or a schema file with a primaryKey) to say which rows are the same")
    }
    var seen = Set<String>()
    for field in keyFields {
      if field.isEmpty { throw .usage("--key: a key field name is empty (write --key a,b without spaces or empty names)") }
      if !seen.insert(field).inserted { throw .usage("--key: the field \(JSONWriter.string(.string(field))) is named twice") }
    }
    return self
  }
}
