import PLCore

/// What a run asks of its sink beyond storing rows: where refused records go, when to commit,
/// and the ledger row to write with the last commit.
///
/// Why it looks like this: the sinks own their transactions, so they are the ones that commit
/// a batch, write the ledger row before the final COMMIT and record a rolled-back run after the
/// ROLLBACK; the policy (how many records a batch holds, what the ledger row says) is decided
/// once, here, for both databases. A sink made without one loads in one transaction, refuses
/// the load at the first refused record and writes no ledger row.
public final class LoadControl {
  /// Where refused records go, and how many are allowed.
  public let rejects: LoadRejects
  /// Commit after every this many records (inserted or refused); nil for one transaction.
  public let batchSize: Int?
  /// The ledger row of this run; nil writes none.
  public var ledger: LoadLedgerEntry?
  /// Records read from the inputs so far (for the ledger and a percentage of rejects).
  public var recordsRead: () -> Int = { 0 }
  /// Records passed over so far (`--skip-loaded`).
  public var recordsSkipped: () -> Int = { 0 }

  /// Batches committed so far (with `batchSize`).
  public internal(set) var committedBatches = 0
  /// Rows inserted by the committed batches.
  public internal(set) var committedRows = 0
  /// Records refused in the committed batches.
  public internal(set) var committedRejects = 0
  /// Records taken by the sink since the last commit.
  var sinceCommit = 0

  /// The batches of a finished load: those committed on the way, and the final commit's
  /// unless the last batch was committed full.
  public var batchesAtEnd: Int { committedBatches + (sinceCommit > 0 || committedBatches == 0 ? 1 : 0) }

  public init(rejects: LoadRejects = LoadRejects(), batchSize: Int? = nil, ledger: LoadLedgerEntry? = nil) {
    self.rejects = rejects
    self.batchSize = batchSize.map { max(1, $0) }
    self.ledger = ledger
  }

  /// Counts one record taken (stored or refused); true when its batch is full and the sink
  /// should commit now.
  @inline(__always)
  func taken() -> Bool {
    sinceCommit += 1
    guard let batchSize else { return false }
    return sinceCommit >= batchSize
  }

  /// Notes a committed batch; `rows` is the sink's count of rows inserted so far.
  func committed(rows: Int) {
    committedBatches += 1
    committedRows = rows
    committedRejects = rejects.count
    sinceCommit = 0
  }

  /// What a failure leaves behind, for its message: nil without batches.
  public var committedSummary: String? {
    guard batchSize != nil else { return nil }
    guard committedBatches > 0 else { return "batch 1 was rolled back: no batch was committed, the table is as it was" }
    let batches = committedBatches == 1 ? "1 batch" : "\(committedBatches) batches"
    let records = committedRows == 1 ? "1 record" : "\(committedRows) records"
    return "batch \(committedBatches + 1) was rolled back to the last committed batch: \(records) committed in \(batches)"
  }
}

extension PLError {
  /// The same error with `note` added to its message (after `; `).
  public func appending(_ note: String) -> PLError {
    mapMessage { $0 + "; " + note }
  }

  /// The error of a load that committed batches before it failed: what the message says of
  /// the whole load being undone no longer holds, and `note` says what stays.
  func afterCommittedBatches(_ note: String, table: String) -> PLError {
    mapMessage { message in
      var text = message
      for claim in [", table \(table) is as it was", ", nothing was loaded", "; nothing was loaded", ", so nothing was loaded"] {
        text = text.replacing(claim, with: "")
      }
      return text + "; " + note
    }
  }

  /// The same error with its message changed by `change`.
  func mapMessage(_ change: (String) -> String) -> PLError {
    switch self {
    case .malformed(let source, let location, let message): .malformed(source: source, location: location, message: change(message))
    case .inputMissing(let source, let message): .inputMissing(source: source, message: change(message))
    case .usage(let message): .usage(change(message))
    case .config(let source, let message): .config(source: source, message: change(message))
    case .cannotCreate(let target, let message): .cannotCreate(target: target, message: change(message))
    case .io(let target, let message): .io(target: target, message: change(message))
    case .unavailable(let target, let message): .unavailable(target: target, message: change(message))
    case .tempFail(let target, let message): .tempFail(target: target, message: change(message))
    case .qualityGate(let message): .qualityGate(change(message))
    case .internalError(let message): .internalError(change(message))
    case .brokenPipe: .brokenPipe
    }
  }
}
