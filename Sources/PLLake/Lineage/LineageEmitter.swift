#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Appends OpenLineage run events (spec 2-0-2) to a file, one JSON object a line.
///
/// A run gets a START event when it begins and a COMPLETE or FAIL event when it ends, with the
/// same run id, so that Marquez or DataHub (or anything reading the file) can show which
/// inputs each dataset was made from. Inputs carry their sha256 as dataset version and a
/// `dataSource`; outputs carry the `schema` facet (the fields seen and their JSON types),
/// `outputStatistics` (records, bytes, part files) and the part paths; when pl-validate's report
/// is given, its rules become `dataQualityAssertions` on the inputs (the records they gave).
///
/// Each event is one write(2) of a whole line to a descriptor opened with O_APPEND, then
/// fsync: concurrent runs appending to one file never interleave within a line, and an event
/// reported written is on disk.
public struct LineageEmitter: Sendable {
  public static let specVersion = "2-0-2"
  static let schemaBase = "https://openlineage.io/spec/"
  public static let runEventSchemaURL = schemaBase + specVersion + "/OpenLineage.json#/$defs/RunEvent"

  /// The file the events are appended to.
  public let path: String
  /// The namespace of the lake's datasets: `file://` and the lake's absolute path, or a name
  /// chosen by the operator (`lab-lake`).
  public let namespace: String
  /// The namespace of the jobs.
  public let jobNamespace: String
  /// A URI naming what produced the events and its version.
  public let producer: String

  public init(path: String, namespace: String, jobNamespace: String = "pl", producer: String = LineageEmitter.producer(tool: "pl-promote", version: "0.1.0")) {
    self.path = path
    self.namespace = namespace
    self.jobNamespace = jobNamespace
    self.producer = producer
  }

  /// The producer URI of a tool and version: `urn:pl:pl-promote:0.1.0`.
  public static func producer(tool: String, version: String) -> String {
    "urn:pl:\(tool):\(version)"
  }

  /// The namespace of a lake folder: `file://` and its absolute path.
  public static func namespace(lakePath: String) -> String {
    var path = lakePath
    if !path.hasPrefix("/") {
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      if getcwd(&buffer, buffer.count) != nil {
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        path = cwd + "/" + (path == "." ? "" : path)
      }
    }
    while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    return "file://" + path
  }

  // MARK: Events

  /// Appends the START event: the run, its job, its inputs and the datasets it will write.
  ///
  /// - Throws: `PLError.cannotCreate` when the file cannot be opened, `PLError.io` when the
  ///   line cannot be written and synced.
  public func start(run: LineageRun, at time: Double = wallClockSeconds()) throws(PLError) {
    try append(startEvent(run: run, at: time))
  }

  /// Appends the COMPLETE event: the outputs with their statistics and schema, and the quality
  /// assertions when a report was given.
  ///
  /// `runFacets` are added to the run (this toolkit's own, such as `pl_batch`).
  public func complete(run: LineageRun, outputs: [LineageOutput], schema: [LineageField], quality: LineageQuality? = nil,
                       runFacets: [Field] = [], at time: Double = wallClockSeconds()) throws(PLError) {
    try append(completeEvent(run: run, outputs: outputs, schema: schema, quality: quality, runFacets: runFacets, at: time))
  }

  /// Appends the FAIL event, with the error's one-line message.
  public func fail(run: LineageRun, error: String, at time: Double = wallClockSeconds()) throws(PLError) {
    try append(failEvent(run: run, error: error, at: time))
  }

  /// Appends the FAIL event for `error` (a `PLError` gives its one-line message).
  public func fail(run: LineageRun, error: any Error, at time: Double = wallClockSeconds()) throws(PLError) {
    try fail(run: run, error: String(describing: error), at: time)
  }

  public func startEvent(run: LineageRun, at time: Double) -> JSONValue {
    event("START", run: run, at: time, inputs: run.inputs.map { input($0, quality: nil) },
          outputs: run.outputDatasets.map { .object([Field("namespace", .string(namespace)), Field("name", .string($0))]) })
  }

  public func completeEvent(run: LineageRun, outputs: [LineageOutput], schema: [LineageField], quality: LineageQuality?,
                            runFacets: [Field] = [], at time: Double) -> JSONValue {
    // The assertions were made on the records the inputs gave; with no named input (records
    // from a pipe), they go on the outputs, which hold those records.
    let onInputs = quality != nil && !run.inputs.isEmpty
    return event("COMPLETE", run: run, at: time, inputs: run.inputs.map { input($0, quality: onInputs ? quality : nil) },
                 outputs: outputs.map { output($0, schema: schema, quality: onInputs ? nil : quality) }, runFacets: runFacets)
  }

  public func failEvent(run: LineageRun, error: String, at time: Double) -> JSONValue {
    let facet = self.facet("ErrorMessageRunFacet", "1-0-1", [
      Field("message", .string(error)), Field("programmingLanguage", .string("Swift")),
    ])
    return event("FAIL", run: run, at: time, inputs: run.inputs.map { input($0, quality: nil) },
                 outputs: run.outputDatasets.map { .object([Field("namespace", .string(namespace)), Field("name", .string($0))]) },
                 runFacets: [Field("errorMessage", facet)])
  }

  func event(_ type: String, run: LineageRun, at time: Double, inputs: [JSONValue], outputs: [JSONValue], runFacets: [Field] = []) -> JSONValue {
    let jobType = facet("JobTypeJobFacet", "2-0-3", [
      Field("processingType", .string("BATCH")), Field("integration", .string("PL")), Field("jobType", .string("COMMAND")),
    ])
    var runMembers = [Field("runId", .string(run.runID))]
    if !runFacets.isEmpty { runMembers.append(Field("facets", .object(runFacets))) }
    return .object([
      Field("eventType", .string(type)),
      Field("eventTime", .string(Self.timestamp(time))),
      Field("producer", .string(producer)),
      Field("schemaURL", .string(Self.runEventSchemaURL)),
      Field("run", .object(runMembers)),
      Field("job", .object([
        Field("namespace", .string(jobNamespace)), Field("name", .string(run.jobName)),
        Field("facets", .object([Field("jobType", jobType)])),
      ])),
      Field("inputs", .array(inputs)),
      Field("outputs", .array(outputs)),
    ])
  }

  func input(_ input: LineageRun.Input, quality: LineageQuality?) -> JSONValue {
    let space = input.namespace ?? namespace
    var facets = [Field("dataSource", dataSource(space))]
    if let sha = input.sha256 { facets.append(Field("version", facet("DatasetVersionDatasetFacet", "1-0-1", [Field("datasetVersion", .string(sha))]))) }
    var members = [Field("namespace", .string(space)), Field("name", .string(input.name)), Field("facets", .object(facets))]
    if let quality { members.append(Field("inputFacets", .object([Field("dataQualityAssertions", assertions(quality))]))) }
    return .object(members)
  }

  func output(_ output: LineageOutput, schema: [LineageField], quality: LineageQuality?) -> JSONValue {
    // No schema facet when the fields are not known (a compaction or a removal writes no new
    // kind of record): an empty one would say the dataset has no fields.
    var facets = [Field("dataSource", dataSource(namespace))]
    if !schema.isEmpty {
      facets.append(Field("schema", facet("SchemaDatasetFacet", "1-1-1", [
        Field("fields", .array(schema.map { .object([Field("name", .string($0.name)), Field("type", .string($0.type))]) })),
      ])))
    }
    facets.append(Field("pl_parts", customFacet("PartsDatasetFacet", [Field("parts", .array(output.parts.map { .string($0) }))])))
    if !output.removed.isEmpty {
      facets.append(Field("pl_removed", customFacet("RemovedFilesDatasetFacet", [Field("files", .array(output.removed.map { .string($0) }))])))
    }
    if let quality { facets.append(Field("dataQualityAssertions", assertions(quality))) }
    var counts: [Field] = []
    if let records = output.records { counts.append(Field("rowCount", .integer(records))) }
    counts += [Field("size", .integer(output.bytes)), Field("fileCount", .integer(output.parts.count))]
    let statistics = facet("OutputStatisticsOutputDatasetFacet", "1-0-2", counts)
    return .object([
      Field("namespace", .string(namespace)), Field("name", .string(output.dataset)),
      Field("facets", .object(facets)),
      Field("outputFacets", .object([Field("outputStatistics", statistics)])),
    ])
  }

  func assertions(_ quality: LineageQuality) -> JSONValue {
    facet("DataQualityAssertionsDatasetFacet", "1-0-1", [
      Field("assertions", .array(quality.assertions.map { a in
        var m = [Field("assertion", .string(a.assertion)), Field("success", .bool(a.success))]
        if let column = a.column { m.append(Field("column", .string(column))) }
        return .object(m)
      })),
    ])
  }

  func dataSource(_ space: String) -> JSONValue {
    var members = [Field("name", .string(space))]
    if space.hasPrefix("file://") { members.append(Field("uri", .string(space))) }
    return facet("DatasourceDatasetFacet", "1-0-1", members)
  }

  /// A standard facet: `_producer`, `_schemaURL` pointing at the facet's published schema.
  func facet(_ name: String, _ version: String, _ members: [Field]) -> JSONValue {
    .object([
      Field("_producer", .string(producer)),
      Field("_schemaURL", .string(Self.schemaBase + "facets/\(version)/\(name).json#/$defs/\(name)")),
    ] + members)
  }

  /// A facet of this toolkit's own: its schema URL names the producer.
  func customFacet(_ name: String, _ members: [Field]) -> JSONValue {
    .object([Field("_producer", .string(producer)), Field("_schemaURL", .string(producer + "#/$defs/" + name))] + members)
  }

  // MARK: Writing

  /// Opens the file for appending (creating it, empty, when missing) and closes it: run before
  /// the lake is touched, so that a lineage file that cannot be written stops the run first.
  ///
  /// - Throws: `PLError.cannotCreate` when it cannot be opened for appending.
  public func probe() throws(PLError) {
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .cannotCreate(target: path, message: "cannot open the lineage file for appending: " + systemMessage(errno)) }
    close(fd)
  }

  /// Appends `event` as one line: one write(2) on an O_APPEND descriptor, then fsync.
  func append(_ event: JSONValue) throws(PLError) {
    let line = Array((JSONWriter.string(event) + "\n").utf8)
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .cannotCreate(target: path, message: "cannot open the lineage file for appending: " + systemMessage(errno)) }
    defer { close(fd) }
    var offset = 0
    while offset < line.count {
      let n = line.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .io(target: path, message: "cannot append the lineage event: " + systemMessage(errno))
      }
      offset += n
    }
    guard fsync(fd) == 0 else { throw .io(target: path, message: "cannot append the lineage event: " + systemMessage(errno)) }
  }

  // MARK: Time

  /// `2026-11-30T10:11:17.123Z`: UTC with milliseconds, as OpenLineage's `date-time` wants.
  public static func timestamp(_ seconds: Double) -> String {
    let millis = Int64((seconds * 1000).rounded(.down))
    let ms = Int(((millis % 1000) + 1000) % 1000)
    let total = (millis - Int64(ms)) / 1000
    var days = total / 86400
    var rest = total % 86400
    if rest < 0 {
      rest += 86400
      days -= 1
    }
    let (y, m, d) = CivilCalendar.civil(fromDays: Int(days))
    let (year, month, day) = (Int64(y), Int64(m), Int64(d))
    func pad(_ n: Int64, _ width: Int) -> String {
      let s = String(n)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rest / 3600, 2)):\(pad(rest % 3600 / 60, 2)):\(pad(rest % 60, 2)).\(pad(Int64(ms), 3))Z"
  }
}

/// Seconds since 1970 (UTC), from the system's real-time clock.
public func wallClockSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_REALTIME, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
