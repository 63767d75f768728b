import PLCore

/// What a transform made of a stream, gathered the way the pipeline would.
struct TransformRun {
  var output: [Record] = []
  var rejected: [(Record, [RecordIssue])] = []
  var dropped = 0
  var passed = 0
}

/// Runs `records` through `transform` and its `finish`, like `Pipeline` does.
func run<T: RecordTransform>(_ transform: inout T, _ records: [Record]) throws -> TransformRun {
  var result = TransformRun()
  for record in records {
    switch try transform.apply(record) {
    case .pass:
      result.output.append(record)
      result.passed += 1
    case .change(let changed): result.output.append(changed)
    case .emit(let out): result.output += out
    case .drop: result.dropped += 1
    case .reject(let issues): result.rejected.append((record, issues))
    }
  }
  try transform.finish { (record) throws(PLError) in result.output.append(record) }
  return result
}

/// Runs `records` through a fresh copy of `transform`.
func run<T: RecordTransform>(_ transform: T, _ records: [Record]) throws -> TransformRun {
  var copy = transform
  return try run(&copy, records)
}

/// A record from compact JSON text, for readable tests.
func rec(_ json: String) throws -> Record {
  try JSONParser.parseRecord(json)
}

/// Records as compact JSON lines, for readable expectations.
func lines(_ records: [Record]) -> [String] {
  records.map { JSONWriter.string($0) }
}
