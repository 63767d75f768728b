#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// The lake's `LineageSink` for OpenLineage: each promotion becomes a START event when it
/// begins and a COMPLETE or FAIL event when it ends, appended by a `LineageEmitter`.
///
/// The mapping:
/// - run id: the run's own (`RunIdentity.runID`, the `run_id` of its manifest), so an event
///   and the manifest of the batch it committed name each other;
/// - job: `pl-promote.<kind>.<dataset>` for bronze, silver and gold (`pl-promote.silver.results`);
///   `pl-promote.<kind>.<layer>.<dataset>` for compact and retention, which work on silver or
///   gold (`pl-promote.compact.silver.results`); `pl-promote.purge-bronze.<dataset>`;
/// - inputs, each with its sha256 as the dataset version when known: files bronze received
///   (namespace `file`, absolute path; standard input in namespace `stdin` under its `--name`);
///   silver's NDJSON input files (namespace `file`) and the bronze files its records came from
///   (`_pl.source`; the lake's namespace, lake-relative path, the bronze sha256); the part files
///   gold and compact read (lake's namespace, lake-relative path). Standard input of silver is
///   no dataset: the sources of its records are;
/// - output: the dataset `<layer>/<dataset>` in the lake's namespace, with the files written
///   (`pl_parts`), those taken out (`pl_removed`), `outputStatistics` (records, bytes, files;
///   no record count for bronze, which keeps files, not records) and the `schema` facet from the
///   manifest's fields (a field's JSON kinds joined with `|`, `null` left out unless alone);
/// - a batch already in the lake (`alreadyPresent`: the same bronze bytes, a silver batch
///   promoted before, gold up to date, nothing to compact or remove) ends with COMPLETE and an
///   output of zero records, bytes and files. The run did finish, successfully, and changed
///   nothing; ABORT would say it was stopped before its end, and OTHER is not a terminal state
///   (a consumer would show the run as still running). No quality assertions then: the
///   records they were made on were not written by this run;
/// - a failed run ends with FAIL and the error's one-line message (`errorMessage` facet).
///
/// COMPLETE carries the run facet `pl_batch`: status, batch id, manifest and counts.
public final class OpenLineageSink: LineageSink {
  public let emitter: LineageEmitter
  /// pl-validate's assertions on the records promoted (silver, gold), when a report was given.
  public let quality: LineageQuality?
  /// Names under which bronze received standard input (`--name`).
  public var standardInputNames: Set<String> = []
  /// Told when the end event cannot be written, instead of throwing: the batch is committed
  /// by then, and the run's outcome (and exit status) stays its own. Nil: thrown.
  public var onEndFailure: ((PLError) -> Void)?
  /// The run of the START event, kept for the end.
  public private(set) var run: LineageRun?
  let workingDirectory: String

  public init(emitter: LineageEmitter, quality: LineageQuality? = nil) {
    self.emitter = emitter
    self.quality = quality
    workingDirectory = Self.currentDirectory()
  }

  // MARK: LineageSink

  public func runStarted(_ event: LakeRunEvent) throws(PLError) {
    let started = Self.seconds(event.startedAt) ?? wallClockSeconds()
    let run = LineageRun(
      runID: event.identity.runID, jobName: Self.jobName(kind: event.kind, layer: event.layer, dataset: event.dataset),
      startedAt: started, inputs: inputs(event), outputDatasets: [Self.datasetName(event.layer, event.dataset)])
    try emitter.start(run: run, at: started)
    self.run = run
  }

  public func runEnded(_ event: LakeRunEvent) throws(PLError) {
    do throws(PLError) {
      try end(event)
    } catch {
      guard let onEndFailure else { throw error }
      onEndFailure(error)
    }
  }

  func end(_ event: LakeRunEvent) throws(PLError) {
    var run = self.run ?? LineageRun(
      runID: event.identity.runID, jobName: Self.jobName(kind: event.kind, layer: event.layer, dataset: event.dataset),
      startedAt: Self.seconds(event.startedAt) ?? wallClockSeconds(), inputs: [], outputDatasets: [Self.datasetName(event.layer, event.dataset)])
    run.inputs = Self.merged(inputs(event), then: run.inputs)
    let time = event.endedAt.flatMap(Self.seconds) ?? wallClockSeconds()
    let dataset = Self.datasetName(event.layer, event.dataset)
    let filesHoldRecords = event.layer != .bronze
    switch event.status {
    case .failed, .running:
      let message = event.error.map { String(describing: $0) } ?? "the run ended without committing its batch"
      try emitter.fail(run: run, error: message, at: time)
    case .alreadyPresent:
      let output = LineageOutput(dataset: dataset, parts: [], records: filesHoldRecords ? 0 : nil, bytes: 0)
      // No assertions: the records they were made on were not written this time.
      try emitter.complete(run: run, outputs: [output], schema: [], quality: nil,
                           runFacets: [Field("pl_batch", emitter.customFacet("BatchRunFacet", [Field("status", .string("already_present"))]))], at: time)
    case .completed:
      guard let manifest = event.manifest else {
        throw .internalError("lineage: a completed run of \(dataset) came without its manifest")
      }
      let output = LineageOutput(
        dataset: dataset, parts: manifest.outputs.map(\.path),
        records: filesHoldRecords ? manifest.outputs.reduce(0) { $0 + ($1.records ?? 0) } : nil,
        bytes: manifest.outputs.reduce(0) { $0 + $1.bytes }, removed: manifest.removed)
      let batch = emitter.customFacet("BatchRunFacet", [
        Field("status", .string("completed")), Field("batch", .string(manifest.batch)),
        Field("manifest", .string("_manifests/\(manifest.layer.rawValue)/\(manifest.dataset)/\(manifest.fileName)")),
        Field("read", .integer(manifest.counts.read)), Field("written", .integer(manifest.counts.written)),
        Field("rejected", .integer(manifest.counts.rejected)),
      ])
      try emitter.complete(run: run, outputs: [output], schema: manifest.schema.map(Self.field), quality: quality,
                           runFacets: [Field("pl_batch", batch)], at: time)
    }
  }

  // MARK: Mapping

  /// `pl-promote.silver.results`, `pl-promote.compact.gold.results`, `pl-promote.purge-bronze.coa`.
  public static func jobName(kind: String, layer: LakeLayer, dataset: String) -> String {
    kind == "compact" || kind == "retention" ? "pl-promote.\(kind).\(layer.rawValue).\(dataset)" : "pl-promote.\(kind).\(dataset)"
  }

  static func datasetName(_ layer: LakeLayer, _ dataset: String) -> String { "\(layer.rawValue)/\(dataset)" }

  /// The schema facet's type of a field: its JSON kinds, without `null` unless it is all there is.
  static func field(_ field: SchemaField) -> LineageField {
    let kinds = field.kinds.filter { $0 != "null" }
    return LineageField(name: field.name, type: kinds.isEmpty ? "null" : kinds.joined(separator: "|"))
  }

  /// The event's inputs as OpenLineage datasets (see the type's notes).
  func inputs(_ event: LakeRunEvent) -> [LineageRun.Input] {
    event.inputs.compactMap { input -> LineageRun.Input? in
      switch event.kind {
      case "bronze":
        if standardInputNames.contains(input.name) { return LineageRun.Input(name: input.name, namespace: "stdin", sha256: input.sha256) }
        return LineageRun.Input(name: absolute(input.name), namespace: "file", sha256: input.sha256)
      case "silver":
        if input.name == "-" { return nil }
        if let bronze = input.bronzeSHA256 {
          return LineageRun.Input(name: Self.lakeRelativeBronze(input.name) ?? input.name, sha256: bronze)
        }
        return LineageRun.Input(name: absolute(input.name), namespace: "file", sha256: input.sha256)
      default:
        // Part files of the lake, named from its root.
        return LineageRun.Input(name: input.name, sha256: input.sha256)
      }
    }
  }

  /// `bronze/<dataset>/ingest_date=…/<file>` from the path a record's source gives.
  static func lakeRelativeBronze(_ source: String) -> String? {
    let parts = source.split(separator: "/")
    guard parts.count >= 4, parts[parts.count - 4] == "bronze" else { return nil }
    return parts.suffix(4).joined(separator: "/")
  }

  /// The end's inputs, then those only the start knew (by namespace and name).
  static func merged(_ end: [LineageRun.Input], then start: [LineageRun.Input]) -> [LineageRun.Input] {
    var out = end
    for input in start where !out.contains(where: { $0.name == input.name && $0.namespace == input.namespace }) { out.append(input) }
    return out
  }

  func absolute(_ path: String) -> String {
    guard !path.hasPrefix("/") else { return path }
    var rest = Substring(path)
    while rest.hasPrefix("./") { rest = rest.dropFirst(2) }
    return (workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/") + rest
  }

  static func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Seconds since 1970 of a manifest time (`2026-11-30T10:12:03.250Z`); nil for other text.
  static func seconds(_ text: String) -> Double? {
    let b = Array(text.utf8)
    guard b.count == 24, b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "."),
      b[23] == UInt8(ascii: "Z"), let day = LakeDay(text: String(text.prefix(10))),
      let h = LakeDay.digits(b, 11, 2), let m = LakeDay.digits(b, 14, 2), let s = LakeDay.digits(b, 17, 2), let ms = LakeDay.digits(b, 20, 3)
    else { return nil }
    // Half a millisecond more, so that the emitter's rounding down gives back the same millisecond.
    return Double(day.daysSinceEpoch * 86400 + h * 3600 + m * 60 + s) + (Double(ms) + 0.5) / 1000
  }
}
