import PLCore

/// What a lineage event needs to know about a promotion run, at its start and at its end.
///
/// At the start, `manifest` is nil and `inputs` lists what is known to be read (file names;
/// the sha256 of standard input is known only at the end). At the end, `manifest` is the
/// committed manifest (inputs with sha256, outputs with records and bytes, the schema of the
/// fields seen, counts, times, the run facts), or nil when the batch was already in the lake
/// (`status == .alreadyPresent`) or failed (`error` says why).
public struct LakeRunEvent: Sendable {
  public enum Status: String, Sendable {
    case running, completed, alreadyPresent = "already_present", failed
  }

  public var status: Status
  public var layer: LakeLayer
  public var dataset: String
  /// `bronze`, `silver`, `compact`, `retention`, `purge-bronze`, `gold`.
  public var kind: String
  public var identity: RunIdentity
  public var startedAt: String
  /// Set at the end.
  public var endedAt: String?
  /// The root of the lake, as given (datasets' namespace).
  public var lakeRoot: String
  public var inputs: [ManifestInput]
  public var manifest: Manifest?
  public var error: PLError?

  public init(status: Status, layer: LakeLayer, dataset: String, kind: String, identity: RunIdentity, startedAt: String,
              endedAt: String? = nil, lakeRoot: String, inputs: [ManifestInput] = [], manifest: Manifest? = nil, error: PLError? = nil) {
    self.status = status
    self.layer = layer
    self.dataset = dataset
    self.kind = kind
    self.identity = identity
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.lakeRoot = lakeRoot
    self.inputs = inputs
    self.manifest = manifest
    self.error = error
  }
}

/// The hook for lineage events (OpenLineage START and COMPLETE/FAIL): a promotion calls
/// `runStarted` once before it reads, and `runEnded` once at the end, success or failure.
///
/// A sink's failure in `runStarted` stops the run before it touches the lake; in `runEnded`
/// it is reported with the run's own outcome unchanged (the lake is already committed).
public protocol LineageSink: AnyObject {
  func runStarted(_ event: LakeRunEvent) throws(PLError)
  func runEnded(_ event: LakeRunEvent) throws(PLError)
}
