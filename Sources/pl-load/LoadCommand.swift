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
      columns, and in PostgreSQL a number that an integer or floating-point column cannot hold \
      unchanged (0.25 into BIGINT) widens the column to NUMERIC (--no-alter refuses both \
      instead). PostgreSQL also infers DATE and TIMESTAMPTZ for \
      ISO dates and for ISO date-times with a zone; SQLite keeps them as TEXT, which sorts and \
      compares as the dates do. --schema-file declares column types, NOT NULL and the primary \
      key from a Table Schema. The _pl metadata is stored as JSON in a _pl column (or, with \
      --flatten-meta, as columns _pl_source, _pl_line, _pl_row, _pl_page, _pl_sheet and \
      _pl_rest).

      --key FIELD,… makes the key the table's PRIMARY KEY (a new table) or adds a UNIQUE index \
      (an existing one, refused if its rows repeat a key), and loads in upsert mode: a record \
      with a new key is inserted, one with a stored key updates the columns it carries and no \
      others. --mode ignore passes over records whose key is stored; --mode replace-table loads \
      a new table that takes the old one's place at the commit. The whole load is one \
      transaction (one per batch with --batch N): on any error, or if the run is killed, the \
      table is left as it was (as of the last committed batch).

      A record the database refuses (a value that does not fit its column, a NOT NULL, CHECK or \
      unique violation, a value too long) rolls the load back and exits 1, naming the record; \
      with --rejects FILE it is written to FILE as it came, with the reason in _pl.errors, and \
      the load goes on (up to --max-rejects).

      Each run is recorded in the table _pl_loads of the target database (beside the table): \
      its status, counts, command line and sources with their SHA-256. A record's source is the \
      file of its _pl.source (before any !); records without _pl.source belong to the input \
      file they were read from. --skip-loaded passes over records of sources already loaded \
      into the table.
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
    name: .customLong("rejects"),
    help: ArgumentHelp(
      "Write records the database refuses to FILE (NDJSON, each with _pl.errors) and go on loading the others; without it, the first refused record rolls the load back.",
      valueName: "FILE"))
  var rejects: String?

  @Option(
    name: .customLong("max-rejects"),
    help: ArgumentHelp(
      "Roll the load back (exit 1) when more than N records, or more than P% of the records read, are refused (default: none without --rejects, no limit with it).",
      valueName: "N|P%"))
  var maxRejects: String?

  @Option(
    name: .customLong("batch"),
    help: ArgumentHelp(
      "Commit after every N records instead of once at the end; a failure then rolls back only the batch under way.",
      valueName: "N"))
  var batch: Int?

  @Flag(
    name: .customLong("skip-loaded"),
    help: "Skip records whose source file (same SHA-256) the ledger _pl_loads says was loaded into TABLE by a committed run.")
  var skipLoaded = false

  @Flag(
    name: .customLong("flatten-meta"),
    help: "Store _pl.source, .line, .row, .page and .sheet in columns _pl_source, _pl_line, … and the other _pl members as JSON in _pl_rest, instead of one _pl column.")
  var flattenMeta = false

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
    if let maxRejects, RejectLimit(maxRejects) == nil {
      throw ValidationError("--max-rejects takes a count (10) or a percentage (0.5%), not \(JSONWriter.string(.string(maxRejects))).")
    }
    if maxRejects != nil && rejects == nil {
      throw ValidationError("--max-rejects needs --rejects FILE, where the refused records go (without it none is allowed).")
    }
    if let batch, batch < 1 { throw ValidationError("--batch must be at least 1.") }
    if batch != nil && mode == .replaceTable {
      throw ValidationError("--batch and --mode replace-table exclude each other: the new table takes the old one's place in one commit.")
    }
    if flattenMeta && common.noMeta { throw ValidationError("--flatten-meta and --no-meta exclude each other.") }
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
      let run = LoadRunOptions(
        rejectsPath: rejects, maxRejects: maxRejects.flatMap { RejectLimit($0) }, batchSize: batch, ledger: true,
        skipLoaded: skipLoaded, flattenMeta: flattenMeta, toolVersion: PLVersion.string,
        commandLine: LoadLedgerEntry.redacted(CommandLine.arguments))
      let loader = Loader(plan: plan, run: run)
      loader.note = { context.note($0) }
      // A failed load read some records and stored none (it was rolled back), or the rows of
      // its committed batches.
      var loaded = false
      defer {
        context.stats.recordsIn = loader.recordsRead
        context.stats.rejected = loader.control?.rejects.count ?? 0
        context.stats.skipped = loader.recordsSkipped
        if !loaded, let control = loader.control, control.committedBatches > 0 {
          context.stats.recordsOut = control.committedRows
          context.stats.extra = [
            Field("batches_committed", .integer(control.committedBatches)), Field("rows_committed", .integer(control.committedRows)),
          ]
        }
      }
      let report = try loader.run(observer: observer)
      loaded = true
      context.stats.recordsOut = report.rowsInserted + report.rowsUpdated + report.rowsIgnored
      context.stats.extra = [
        Field("database", .string(report.database)),
        Field("table", .string(report.table)),
        Field("table_created", .bool(report.tableCreated)),
        Field("columns_added", .array(report.columnsAdded.map { .string($0) })),
      ]
      if !report.columnsWidened.isEmpty {
        context.stats.extra.append(Field("columns_widened", .array(report.columnsWidened.map { .string($0) })))
      }
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
      if let control = loader.control, let size = control.batchSize {
        let batches = control.batchesAtEnd
        context.stats.extra += [Field("batch_size", .integer(size)), Field("batches_committed", .integer(batches)), Field("rows_committed", .integer(report.rowsInserted))]
      }
      var detail = "into \(report.database):\(report.table)"
      if report.tableCreated { detail += " (created)" }
      if write.comparesKeys { detail += " (\(report.rowsInserted) inserted, \(report.rowsUpdated) updated, \(report.rowsIgnored) ignored)" }
      if let index = report.keyIndexCreated { detail += " (unique index \(index) added)" }
      if !report.columnsAdded.isEmpty { detail += " (new columns: \(report.columnsAdded.joined(separator: ", ")))" }
      if !report.columnsWidened.isEmpty { detail += " (widened to NUMERIC: \(report.columnsWidened.joined(separator: ", ")))" }
      if !report.columnsRenamed.isEmpty { detail += " (renamed: \(report.columnsRenamed.map(\.description).joined(separator: ", ")))" }
      if let control = loader.control, control.batchSize != nil {
        let batches = control.batchesAtEnd
        detail += " in \(batches) \(batches == 1 ? "batch" : "batches")"
      }
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
