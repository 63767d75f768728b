import PLCore

/// The database a load writes into.
public enum LoadTarget: Equatable, Sendable {
  /// An SQLite database file (or URI).
  case sqlite(path: String)
  case postgres(PostgresTarget)

  /// The database's name in messages (a PostgreSQL URL without its password).
  public var displayName: String {
    switch self {
    case .sqlite(let path): path
    case .postgres(let target): target.displayName
    }
  }
}

/// What pl-load is asked to do: which NDJSON inputs go into which table of which database.
public struct LoadPlan: Sendable {
  public var target: LoadTarget
  public var table: String
  /// Paths, `-` for standard input, in order.
  public var inputs: [String]
  public var options: LoadOptions

  public init(target: LoadTarget, table: String, inputs: [String], options: LoadOptions) {
    self.target = target
    self.table = table
    self.inputs = inputs.isEmpty ? ["-"] : inputs
    self.options = options
  }
}

/// A sink that loads a table and says what it did.
public protocol LoadSink: CompactLineSink {
  /// What the load did; final after `finish()`.
  var report: LoadReport { get }
  /// Rejects, batches and the ledger; set before the first record.
  var control: LoadControl { get set }
  /// The SHA-256 values of the sources of committed loads into the table (`_pl_loads`).
  func committedSourceHashes() throws(PLError) -> Set<String>
}

/// Told about progress while loading, so the command can count and show it.
public protocol LoadObserver: AnyObject {
  /// Called every 1024 records and at the end of each source.
  func progress(records: Int, bytesRead: Int)
}

/// Runs a `LoadPlan`: every record of every input into the table, in one transaction (or one
/// per batch).
///
/// All or nothing: a bad line in any input, a missing input, a database error or more refused
/// records than allowed rolls the load back (to the last committed batch with `--batch`), so
/// the table is as it was before the run.
public final class Loader {
  public let plan: LoadPlan
  public let runOptions: LoadRunOptions
  /// Records read so far (all inputs), for the summary also when the load fails.
  public private(set) var recordsRead = 0
  /// Records passed over because their source was loaded before (`--skip-loaded`).
  public private(set) var recordsSkipped = 0
  /// Rejects, batches and the ledger of the run; set once the load started.
  public private(set) var control: LoadControl?
  /// Told of each source passed over.
  public var note: (String) -> Void = { _ in }

  public init(plan: LoadPlan, run: LoadRunOptions = LoadRunOptions()) {
    self.plan = plan
    self.runOptions = run
  }

  public func run(observer: LoadObserver?) throws(PLError) -> LoadReport {
    // Every input must exist before anything is written.
    for path in plan.inputs where path != "-" { _ = try FileStream(path: path) }
    let rejects =
      try runOptions.rejectsPath.map { path throws(PLError) in try LoadRejects(path: path, limit: runOptions.maxRejects) }
      ?? LoadRejects()
    var ledger: LoadLedgerEntry?
    if runOptions.ledger {
      ledger = LoadLedgerEntry(toolVersion: runOptions.toolVersion, commandLine: runOptions.commandLine)
    }
    let control = LoadControl(rejects: rejects, batchSize: runOptions.batchSize, ledger: ledger)
    self.control = control
    var options = plan.options
    if runOptions.flattenMeta { options.includeMeta = false }
    // The table must exist by the first commit: a batch smaller than the sample infers the
    // column types from the first batch.
    if let batch = runOptions.batchSize { options.inferenceSample = max(1, min(options.inferenceSample, batch)) }
    let sink: any LoadSink
    do throws(PLError) {
      switch plan.target {
      case .sqlite(let path): sink = try SQLiteSink(databasePath: path, table: plan.table, options: options)
      case .postgres(let target): sink = try PostgresSink(target: target, table: plan.table, options: options)
      }
    } catch {
      try? rejects.close()
      throw error
    }
    sink.control = control
    let run: RunSink
    do throws(PLError) {
      run = try RunSink(inner: sink, options: runOptions, control: control)
    } catch {
      sink.abort()
      try? rejects.close()
      throw error
    }
    run.note = note
    let pipeline = Pipeline(sink: run)
    control.recordsRead = { [unowned pipeline] in pipeline.counts.read }
    control.recordsSkipped = { [unowned run] in run.skipped }
    var bytesBefore = 0
    do throws(PLError) {
      for path in plan.inputs {
        let stream = try FileStream(path: path)
        pipeline.onProgress = { [unowned stream] records in
          observer?.progress(records: records, bytesRead: bytesBefore + stream.bytesRead)
        }
        defer {
          recordsRead = pipeline.counts.read
          recordsSkipped = run.skipped
        }
        let reader = NDJSONReader(source: stream)
        run.begin(input: path, reader: reader)
        try pipeline.run(reader)
        bytesBefore += stream.bytesRead
        observer?.progress(records: pipeline.counts.read, bytesRead: bytesBefore)
      }
      try pipeline.finish()
      try rejects.close()
    } catch {
      pipeline.abort()
      recordsSkipped = run.skipped
      // The rejects file keeps what was refused, also when the load failed.
      try? rejects.close()
      if let committed = control.committedSummary {
        throw control.committedBatches > 0
          ? error.afterCommittedBatches(committed, table: sink.report.table) : error.appending(committed)
      }
      throw error
    }
    return sink.report
  }
}
