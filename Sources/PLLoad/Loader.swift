import PLCore

/// What pl-load is asked to do: which NDJSON inputs go into which table of which database.
public struct LoadPlan: Sendable {
  public var databasePath: String
  public var table: String
  /// Paths, `-` for standard input, in order.
  public var inputs: [String]
  public var options: SQLiteLoadOptions

  public init(databasePath: String, table: String, inputs: [String], options: SQLiteLoadOptions) {
    self.databasePath = databasePath
    self.table = table
    self.inputs = inputs.isEmpty ? ["-"] : inputs
    self.options = options
  }
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
public struct Loader {
  public let plan: LoadPlan

  public init(plan: LoadPlan) {
    self.plan = plan
  }

  public func run(observer: LoadObserver?) throws(PLError) -> LoadReport {
    // Every input must exist before anything is written.
    for path in plan.inputs where path != "-" { _ = try FileStream(path: path) }
    let sink = try SQLiteSink(databasePath: plan.databasePath, table: plan.table, options: plan.options)
    var records = 0
    var bytesBefore = 0
    do {
      for path in plan.inputs {
        let source = try FileStream(path: path)
        let reader = NDJSONReader(source: source)
        var members: [RawMember] = []
        while let item = try reader.nextItem(members: &members) {
          switch item {
          case .record(let record):
            try sink.write(record)
          case .compact(let line, let metaMember):
            // Most lines go in straight from their bytes; the rest are parsed first.
            if try !sink.write(compactLine: line, members: members, metaMember: metaMember) {
              try sink.write(try parse(line, reader: reader))
            }
          }
          records += 1
          if records & 1023 == 0 { observer?.progress(records: records, bytesRead: bytesBefore + source.bytesRead) }
        }
        bytesBefore += source.bytesRead
        observer?.progress(records: records, bytesRead: bytesBefore)
      }
      try sink.finish()
    } catch {
      sink.abort()
      throw error
    }
    return sink.report
  }

  /// A line the scanner has already validated, as a record.
  func parse(_ line: UnsafeBufferPointer<UInt8>, reader: NDJSONReader) throws(PLError) -> Record {
    do throws(JSONSyntaxError) {
      return try JSONParser.parseRecord(line)
    } catch {
      throw PLError.internalError("\(reader.sourceName): line \(reader.lineNumber): \(error.message)")
    }
  }
}
