import PLCore

/// One validation run, planned: the schema, inputs and where rejects and reports go.
public struct ValidationPlan {
  public var schema: ValidationSchema
  public var inputs: [String]
  public var rejectsPath: String?
  public var reportPath: String?
  public var htmlPath: String?
  public var maxRejects: RejectLimit
  public var now: Double
  public var keyMemoryLimit: Int
  public var includeMeta: Bool

  public init(schema: ValidationSchema, inputs: [String], rejectsPath: String?, reportPath: String?, htmlPath: String?,
              maxRejects: RejectLimit?, now: Double, keyMemoryLimit: Int = 4_000_000, includeMeta: Bool = true) {
    self.schema = schema
    self.inputs = inputs.isEmpty ? ["-"] : inputs
    self.rejectsPath = rejectsPath
    self.reportPath = reportPath
    self.htmlPath = htmlPath
    // Without a rejects file a reject has nowhere to go: none is allowed.
    self.maxRejects = maxRejects ?? (rejectsPath == nil ? .count(0) : .unlimited)
    self.now = now
    self.keyMemoryLimit = keyMemoryLimit
    self.includeMeta = includeMeta
  }
}

/// Runs a `ValidationPlan`: records from the inputs through the rules, passing ones to `sink`,
/// failing ones to the rejects file; then the dataset rules, the report files and the gate.
public final class ValidationRun {
  public let plan: ValidationPlan
  public private(set) var report: ValidationReport?
  public private(set) var counts = ValidationCounts()

  public init(plan: ValidationPlan) {
    self.plan = plan
  }

  /// - Parameters:
  ///   - sink: where passing records go (standard output).
  ///   - monotonic: a clock in seconds, for the report's duration.
  /// - Throws: input errors (65, 66), `PLError.qualityGate` (exit 1) after everything was written
  ///   when the gate failed.
  ///   - tell: prints a line for people on standard error.
  public func run(sink: any RecordSink, monotonic: () -> Double, progress: ((Int) -> Void)? = nil, tell: @escaping (String) -> Void) throws(PLError) {
    let start = monotonic()
    for path in plan.inputs where path != "-" { _ = try FileStream(path: path) }
    // Report files are created before any record is read, so that a wrong path fails first.
    let reportFile = try plan.reportPath.map { (p) throws(PLError) in try AtomicFile(path: p) }
    let htmlFile = try plan.htmlPath.map { (p) throws(PLError) in try AtomicFile(path: p) }
    let rejects: RejectsSink?
    do throws(PLError) { rejects = try plan.rejectsPath.map { (p) throws(PLError) in try RejectsSink(path: p) } } catch {
      reportFile?.discard()
      htmlFile?.discard()
      throw error
    }
    let validator = Validator(schema: plan.schema, now: plan.now, keyMemoryLimit: plan.keyMemoryLimit)
    let refusing = rejects == nil ? RefusingSink(tell: tell) : nil
    let pipeline = Pipeline(transforms: [ClearValidationMarks(), validator], sink: sink, rejects: rejects ?? refusing)
    pipeline.onProgress = progress
    // The last reader outlives its loop: rules over groups (a proximate sum) are decided in
    // finish(), and their rejects ask for the position then.
    var lastReader: NDJSONReader?
    defer { withExtendedLifetime(lastReader) {} }
    do throws(PLError) {
      for path in plan.inputs {
        let reader = NDJSONReader(source: try FileStream(path: path))
        lastReader = reader
        validator.position = { [unowned reader] in (reader.sourceName, reader.lineNumber) }
        refusing?.position = validator.position
        defer { counts = validator.counts }
        try pipeline.run(reader)
      }
      try pipeline.finish()
      counts = validator.counts
      let report = validator.report(seconds: monotonic() - start, maxRejects: plan.maxRejects)
      self.report = report
      if let reportFile {
        reportFile.stream.buffer.append(report.jsonText)
        try reportFile.publish()
      }
      if let htmlFile {
        htmlFile.stream.buffer.append(report.html)
        try htmlFile.publish()
      }
    } catch {
      pipeline.abort()
      reportFile?.discard()
      htmlFile?.discard()
      throw error
    }
    if let report, !report.gatePassed {
      throw .qualityGate("quality gate failed: " + report.gateFailures.joined(separator: "; "))
    }
  }
}

/// The rejects sink of a run without `--rejects`: records are counted (the gate decides) and
/// the first ten are named on standard error with their reasons, since they are kept nowhere.
/// With the default `--max-rejects 0` any reject fails the run.
final class RefusingSink: RecordSink {
  var told = 0
  let tell: (String) -> Void
  /// Where the record being read came from, for records without `_pl.source`.
  var position: () -> (source: String, line: Int) = { ("-", 0) }

  init(tell: @escaping (String) -> Void) {
    self.tell = tell
  }

  func write(_ record: Record) throws(PLError) {
    told += 1
    guard told <= 10 else { return }
    var place: String
    if let source = record.meta[key: MetaKey.source]?.stringValue {
      place = source
      if let location = record.placeDescription { place += ": \(location)" }
    } else {
      let here = position()
      place = "\(here.source): line \(here.line)"
    }
    var reasons: [String] = []
    if case .array(let errors)? = record.meta[key: MetaKey.errors] {
      for case .object(let e) in errors { reasons.append(e[key: "message"]?.stringValue ?? "") }
    }
    tell("rejected \(place): \(reasons.joined(separator: "; "))\(told == 10 ? " (further rejects are not shown; use --rejects FILE)" : "")")
  }

  func finish() throws(PLError) {}
  func abort() {}
}
