import PLCore

/// Runs a `CleanPlan` over NDJSON inputs into a sink: the one loop (`Pipeline`) with the
/// plan's transforms.
///
/// Under `ErrorPolicy.fail` every input must open before a record is written (exit 66);
/// under `.skip` one that does not is reported and passed over. A bad line fails the run, or
/// under `.skip` is passed over and counted.
public final class Cleaner {
  public let plan: CleanPlan
  /// Paths, `-` for standard input, in order.
  public let inputs: [String]
  public let errorPolicy: ErrorPolicy
  public private(set) var counts = PipelineCounts()

  public init(plan: CleanPlan, inputs: [String], errorPolicy: ErrorPolicy) {
    self.plan = plan
    self.inputs = inputs.isEmpty ? ["-"] : inputs
    self.errorPolicy = errorPolicy
  }

  /// - Parameters:
  ///   - onProgress: told the records read and bytes read so far, now and then.
  ///   - onSkip: told of each bad line or input passed over.
  public func run(
    sink: any RecordSink, onProgress: ((Int, Int) -> Void)? = nil, onSkip: ((PLError) -> Void)? = nil
  ) throws(PLError) {
    if errorPolicy == .fail {
      for path in inputs where path != FileStream.standardInputName { _ = try FileStream(path: path) }
    }
    let transforms = try plan.transforms()
    // The usual plan cleans lines as bytes (LineCleaner); any other runs record by record.
    let lineCleaner = LineCleaner(transforms: transforms, counts: plan.counts)
    let pipeline = Pipeline(transforms: lineCleaner == nil ? transforms : [], sink: sink, errorPolicy: errorPolicy)
    pipeline.onSkip = onSkip
    defer { counts = pipeline.counts }
    var bytesBefore = 0
    do throws(PLError) {
      for path in inputs {
        let stream: FileStream
        do throws(PLError) {
          stream = try FileStream(path: path)
        } catch {
          guard errorPolicy == .skip, case .inputMissing = error else { throw error }
          pipeline.skipped(error)
          continue
        }
        pipeline.onProgress = { [unowned stream] records in onProgress?(records, bytesBefore + stream.bytesRead) }
        let reader = NDJSONReader(source: stream)
        if let lineCleaner {
          try pipeline.run(CleanedLineSource(reader: reader, cleaner: lineCleaner))
        } else {
          try pipeline.run(reader)
        }
        bytesBefore += stream.bytesRead
      }
      try pipeline.finish()
    } catch {
      pipeline.abort()
      throw error
    }
  }
}
