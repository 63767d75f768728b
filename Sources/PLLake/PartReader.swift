import PLCore

/// Reads the records of the lake's part files: the API gold and compaction read silver with.
///
/// List what to read with `Lake.dataset(.silver, name).partitions` (live files only, in batch
/// order), then read each file's records with `forEachRecord`, or a partition's current
/// records (the supersede rule applied) with `forEachCurrentRecord`. Streaming: one block of
/// decompressed input at a time.
public enum PartReader {
  /// Calls `body` with each record of the part at `relativePath`, in order.
  ///
  /// - Throws: `.inputMissing` (66) for a missing part, `.malformed` (65) for a damaged one,
  ///   and whatever `body` throws.
  public static func forEachRecord(lake: Lake, relativePath: String, _ body: (Record) throws(PLError) -> Void) throws(PLError) {
    guard let compression = PartCompression(partName: relativePath) else {
      throw .malformed(source: lake.path(relativePath), location: nil, message: "not a part file (.ndjson.gz or .ndjson.zst)")
    }
    let file = try FileStream(path: lake.path(relativePath))
    let reader = NDJSONReader(source: try compression.makeReader(file))
    while let record = try reader.next() { try body(record) }
  }

  /// Calls `body` with the current records of a partition's `files` (in batch order): with a
  /// `key`, only the last record of each key — the latest batch wins, and within a batch the
  /// later record; records without a value for a key field are all current. Without a key,
  /// every record. Two passes over the files; memory holds one position per distinct key.
  public static func forEachCurrentRecord(lake: Lake, files: [LiveFile], key: [String], _ body: (Record) throws(PLError) -> Void) throws(PLError) {
    guard !key.isEmpty else {
      for file in files { try forEachRecord(lake: lake, relativePath: file.output.path, body) }
      return
    }
    try forEachCurrentRecord(lake: lake, files: files, key: key, winners: try lastPositions(lake: lake, files: files, key: key).winners, body)
  }

  /// The second pass of `forEachCurrentRecord`, with the first pass's result.
  static func forEachCurrentRecord(lake: Lake, files: [LiveFile], key: [String], winners: [String: Position], _ body: (Record) throws(PLError) -> Void) throws(PLError) {
    for (f, file) in files.enumerated() {
      var line = 0
      try forEachRecord(lake: lake, relativePath: file.output.path) { (record) throws(PLError) in
        defer { line += 1 }
        if let k = recordKey(record, fields: key), winners[k] != Position(file: f, record: line) { return }
        try body(record)
      }
    }
  }

  struct Position: Equatable {
    var file: Int
    var record: Int
  }

  /// The position of the last record of each key, and how many records have a key.
  static func lastPositions(lake: Lake, files: [LiveFile], key: [String]) throws(PLError) -> (winners: [String: Position], keyed: Int) {
    var winners: [String: Position] = [:]
    var keyed = 0
    for (f, file) in files.enumerated() {
      var line = 0
      try forEachRecord(lake: lake, relativePath: file.output.path) { (record) throws(PLError) in
        if let k = recordKey(record, fields: key) {
          winners[k] = Position(file: f, record: line)
          keyed += 1
        }
        line += 1
      }
    }
    return (winners, keyed)
  }
}
