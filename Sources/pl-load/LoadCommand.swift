import ArgumentParser
import PLCommandLine
import PLCore
import PLLoad

@main
struct LoadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pl-load",
    abstract: "Load newline-delimited JSON records into a SQLite or PostgreSQL table.",
    discussion: """
      Reads records from each FILE (standard input when there is none, or for -) and inserts them \
      into TABLE of DATABASE: an SQLite database file (created when missing), or a PostgreSQL \
      database given as a postgres:// URL (what the URL leaves out comes from the PG* environment \
      variables, service files and ~/.pgpass). The table is created when missing. Column types \
      are inferred from the first 1000 records (SQLite: INTEGER, REAL, TEXT; PostgreSQL: BIGINT, \
      DOUBLE PRECISION, NUMERIC, BOOLEAN, JSONB, TEXT); keys that appear later become new \
      columns (--no-alter refuses them instead). The _pl metadata is stored as JSON in a _pl \
      column. PostgreSQL also infers DATE and TIMESTAMPTZ for ISO dates and for ISO date-times \
      with a zone; SQLite keeps them as TEXT, which sorts and compares as the dates do. \
      --schema-file declares column types, NOT NULL and the primary key from a Table Schema.

      --key FIELD,… makes the key the table's PRIMARY KEY (a new table) or adds a UNIQUE index \
      (an existing one, refused if its rows repeat a key), and loads in upsert mode: a record \
      with a new key is inserted, one with a stored key updates the columns it carries and no \
      others. --mode ignore passes over records whose key is stored; --mode replace-table loads \
      a new table that takes the old one's place at the commit. The whole load is one \
      transaction: on any error, or if the run is killed, the table is left as it was.
      """,
    version: PLVersion.string)

  static func main() { CommandMain.run(LoadCommand.self) }

  @Argument(
    help: ArgumentHelp(
      "The SQLite database file (created when missing), or a PostgreSQL URL: postgres://[USER@]HOST[:PORT]/DB, postgres:// alone for the PG* environment variables.",
      valueName: "DATABASE"))
  var database: String

  @Argument(help: ArgumentHelp("Input files of NDJSON records; - or none for standard input.", valueName: "FILE"))
  var files: [String] = []

  @Option(name: [.short, .long], help: ArgumentHelp("The table to load into (created when missing).", valueName: "TABLE"))
  var table: String

  @Flag(
    name: .customLong("detect-types"),
    help: "Give new columns INTEGER or REAL type when their text values are all plain numbers (\"12.30\", not \"007\").")
  var detectTypes = false

  @Flag(
    name: .customLong("allow-memory"),
    help: "Load even when DATABASE is in memory or temporary (\"\", :memory:, file:…?mode=memory), where the records vanish when the load ends.")
  var allowMemory = false

  @Option(name: .customLong("schema"), help: ArgumentHelp("PostgreSQL: the schema of the table (default: the first of the search path, usually public).", valueName: "NAME"))
  var schema: String?

  @Option(
    name: .customLong("password-file"),
    help: ArgumentHelp("PostgreSQL: read the password from the first line of FILE (rather than from the URL, where ps shows it).", valueName: "FILE"))
  var passwordFile: String?

  @Option(
    name: .customLong("key"),
    help: ArgumentHelp(
      "The fields that identify a row, comma-separated: the new table's PRIMARY KEY, or a UNIQUE index added to an existing one. Makes upsert the default mode.",
      valueName: "FIELD,…"))
  var key: String?

  @Option(
    name: .customLong("mode"),
    help: ArgumentHelp(
      "insert: add every record; upsert: insert new keys, update the carried columns of stored ones; ignore: skip records whose key is stored; replace-table: swap in a new table at commit. upsert and ignore need --key. (default: upsert with --key, else insert)",
      valueName: "MODE"))
  var mode: LoadMode?

  @Flag(
    inversion: .prefixedNo,
    help: "Add a column for a field the table lacks (--no-alter: refuse the load instead, naming the field).")
  var alter = true

  @Option(
    name: .customLong("schema-file"),
    help: ArgumentHelp(
      "A Frictionless Table Schema (JSON or YAML): column types, NOT NULL for required fields, and the primaryKey (as --key).",
      valueName: "FILE"))
  var schemaFile: String?

  @OptionGroup var common: CommonOptions

  var target: LoadTarget {
    PostgresTarget.isURL(database)
      ? .postgres(PostgresTarget(connectionString: database, schema: schema, passwordFile: passwordFile))
      : .sqlite(path: database)
  }

  func validate() throws {
    if table.isEmpty { throw ValidationError("--table must not be empty.") }
    if !PostgresTarget.isURL(database) {
      for (flag, given) in [("--schema", schema != nil), ("--password-file", passwordFile != nil)] where given {
        throw ValidationError("\(flag) is for PostgreSQL targets: give DATABASE as a postgres:// URL.")
      }
    } else if allowMemory {
      throw ValidationError("--allow-memory is for SQLite targets, not PostgreSQL.")
    }
    if let mode, mode.needsKey, keyFields.isEmpty, schemaFile == nil {
      throw ValidationError("--mode \(mode.rawValue) needs --key FIELD[,FIELD…] to tell which rows are the same.")
    }
    if key != nil && keyFields.contains(where: \.isEmpty) {
      throw ValidationError("--key: a field name is empty; write --key a,b without spaces or empty names.")
    }
    if files.isEmpty && Terminal().stdinIsTerminal {
      throw ValidationError("no input: give FILE arguments, or pipe records into standard input.")
    }
  }

  /// The fields of --key.
  var keyFields: [String] {
    key.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
  }

  func run() throws {
    var options = LoadOptions(includeMeta: !common.noMeta, detectTypes: detectTypes, allowMemory: allowMemory)
    try ToolRunner(tool: "pl-load", options: common).run { context throws(PLError) in
      // A bad schema file or mode is refused before anything is read or opened.
      options.write = try WriteOptions(
        mode: mode, key: keyFields, alter: alter, schema: try schemaFile.map { path throws(PLError) in try TableSchema.load(path: path) }
      ).validated()
      let plan = LoadPlan(target: target, table: table, inputs: files, options: options)
      if case .postgres(let target) = plan.target, target.urlHasPassword {
        context.note("the URL holds a password, which other users can see in ps; use --password-file, PGPASSFILE or ~/.pgpass")
      }
      let observer = LoadProgress(context: context, plan: plan)
      let loader = Loader(plan: plan)
      // A failed load read some records and stored none (it was rolled back).
      defer { context.stats.recordsIn = loader.recordsRead }
      let report = try loader.run(observer: observer)
      context.stats.recordsOut = report.rowsInserted + report.rowsUpdated + report.rowsIgnored
      context.stats.extra = [
        Field("database", .string(report.database)),
        Field("table", .string(report.table)),
        Field("table_created", .bool(report.tableCreated)),
        Field("columns_added", .array(report.columnsAdded.map { .string($0) })),
      ]
      let write = plan.options.write
      if write.mode != .insert { context.stats.extra.append(Field("mode", .string(write.mode.rawValue))) }
      if write.comparesKeys {
        context.stats.extra += [
          Field("rows_inserted", .integer(report.rowsInserted)), Field("rows_updated", .integer(report.rowsUpdated)),
          Field("rows_ignored", .integer(report.rowsIgnored)),
        ]
      }
      if let index = report.keyIndexCreated { context.stats.extra.append(Field("key_index_created", .string(index))) }
      if !report.columnsRenamed.isEmpty {
        context.stats.extra.append(
          Field(
            "columns_renamed",
            .array(report.columnsRenamed.map { .object([Field("key", .string($0.key)), Field("column", .string($0.column))]) })))
        for rename in report.columnsRenamed {
          context.note("key \(JSONWriter.string(.string(rename.key))) is stored in column \(rename.column): the column of its name is taken by a key that differs only in case (or by _pl)")
        }
      }
      var detail = "into \(report.database):\(report.table)"
      if report.tableCreated { detail += " (created)" }
      if write.comparesKeys { detail += " (\(report.rowsInserted) inserted, \(report.rowsUpdated) updated, \(report.rowsIgnored) ignored)" }
      if let index = report.keyIndexCreated { detail += " (unique index \(index) added)" }
      if !report.columnsAdded.isEmpty { detail += " (new columns: \(report.columnsAdded.joined(separator: ", ")))" }
      if !report.columnsRenamed.isEmpty { detail += " (renamed: \(report.columnsRenamed.map(\.description).joined(separator: ", ")))" }
      context.stats.textDetail = detail
    }
  }
}

extension LoadMode: ExpressibleByArgument {}

/// Shows pl-load's progress on a terminal.
final class LoadProgress: LoadObserver {
  let context: RunContext

  init(context: RunContext, plan: LoadPlan) {
    self.context = context
    context.startProgress(inputs: plan.inputs)
  }

  func progress(records: Int, bytesRead: Int) {
    context.progress.update(bytes: bytesRead, records: records)
  }
}
