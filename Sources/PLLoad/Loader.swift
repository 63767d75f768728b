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
}

/// Told about progress while loading, so the command can count and show it.
public protocol LoadObserver: AnyObject {
  /// Called every 1024 records and at the end of each source.
  func progress(records: Int, bytesRead: Int)
}

/// Runs a `LoadPlan`: every record of every input into the table, in one transaction.
///
/// All or nothing: a bad line in any input, a missing input or a database error rolls the
/// whole load back, so the table is as it was before the run.
public final class Loader {
  public let plan: LoadPlan
  /// Records read so far (all inputs), for the summary also when the load fails.
  public private(set) var recordsRead = 0

  public init(plan: LoadPlan) {
    self.plan = plan
  }

  public func run(observer: LoadObserver?) throws(PLError) -> LoadReport {
    // Every input must exist before anything is written.
    for path in plan.inputs where path != "-" { _ = try FileStream(path: path) }
    let sink: any LoadSink
    switch plan.target {
    case .sqlite(let path): sink = try SQLiteSink(databasePath: path, table: plan.table, options: plan.options)
    case .postgres(let target): sink = try PostgresSink(target: target, table: plan.table, options: plan.options)
    }
    let pipeline = Pipeline(sink: sink)
    var bytesBefore = 0
    do throws(PLError) {
      for path in plan.inputs {
        let stream = try FileStream(path: path)
        pipeline.onProgress = { [unowned stream] records in
          observer?.progress(records: records, bytesRead: bytesBefore + stream.bytesRead)
        }
        defer { recordsRead = pipeline.counts.read }
        try pipeline.run(NDJSONReader(source: stream))
        bytesBefore += stream.bytesRead
        observer?.progress(records: pipeline.counts.read, bytesRead: bytesBefore)
      }
      try pipeline.finish()
    } catch {
      pipeline.abort()
      throw error
    }
    return sink.report
  }
}
