/// The exit statuses of the toolkit (sysexits.h), so that cron and scripts can tell failures apart.
public enum ExitStatus: Int32, Sendable, CaseIterable {
  case ok = 0
  /// A quality gate failed (for example, rejects above the allowed threshold).
  case qualityGate = 1
  case usage = 64
  case dataError = 65
  case noInput = 66
  case unavailable = 69
  case software = 70
  case cannotCreate = 73
  case ioError = 74
  case tempFail = 75
  case config = 78

  /// What the status means, for man pages and `--help`.
  public var meaning: String {
    switch self {
    case .ok: "success"
    case .qualityGate: "a quality gate failed"
    case .usage: "the command line is wrong"
    case .dataError: "the input data is malformed"
    case .noInput: "an input file does not exist or cannot be read"
    case .unavailable: "a database or service is unavailable"
    case .software: "an internal error"
    case .cannotCreate: "an output cannot be created"
    case .ioError: "an input/output error (a full disk, a failing device)"
    case .tempFail: "a temporary failure; try again"
    case .config: "a configuration or spec file is wrong"
    }
  }
}
