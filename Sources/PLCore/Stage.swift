/// Where records come from: a reader over a file, a table, another stage.
public protocol RecordSource {
  /// The next record, or nil at the end.
  mutating func next() throws(PLError) -> Record?
}

/// A transform: zero, one or many records out for each record in.
public protocol RecordTransform {
  func apply(_ record: Record) throws(PLError) -> [Record]
}

/// Where records go: standard output, a database table, a lake partition.
public protocol RecordSink {
  mutating func write(_ record: Record) throws(PLError)
  /// Makes everything written durable (commits, flushes); called once at the end.
  mutating func finish() throws(PLError)
}
