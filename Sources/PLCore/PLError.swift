/// Where in a source something went wrong.
public enum Location: Equatable, Sendable, CustomStringConvertible {
  case line(Int)
  case lineColumn(Int, Int)
  case row(Int)
  case page(Int)

  public var description: String {
    switch self {
    case .line(let n): "line \(n)"
    case .lineColumn(let n, let c): "line \(n), column \(c)"
    case .row(let n): "row \(n)"
    case .page(let n): "page \(n)"
    }
  }
}

/// The errors of the toolkit, each with the context a person needs and its exit status.
///
/// The description is the message after the tool's name: `report.csv: line 12: expected ':'`.
public enum PLError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The data of `source` is malformed at `location`.
  case malformed(source: String, location: Location?, message: String)
  /// An input does not exist or cannot be opened.
  case inputMissing(source: String, message: String)
  /// The command line is wrong in a way the argument parser cannot see.
  case usage(String)
  /// A configuration or spec file is wrong.
  case config(source: String, message: String)
  /// An output (file, table, database) cannot be created.
  case cannotCreate(target: String, message: String)
  /// Reading or writing failed (a full disk, a failing device).
  case io(target: String, message: String)
  /// A database or service cannot be reached.
  case unavailable(target: String, message: String)
  /// Another run holds a lock; trying again later may succeed.
  case tempFail(target: String, message: String)
  /// A quality gate failed.
  case qualityGate(String)
  /// A failure of the toolkit itself or of a library it calls.
  case internalError(String)
  /// The reader of standard output went away (`| head`). Not a failure: the runner stops quietly.
  case brokenPipe

  public var exitStatus: ExitStatus {
    switch self {
    case .malformed: .dataError
    case .inputMissing: .noInput
    case .usage: .usage
    case .config: .config
    case .cannotCreate: .cannotCreate
    case .io: .ioError
    case .unavailable: .unavailable
    case .tempFail: .tempFail
    case .qualityGate: .qualityGate
    case .internalError: .software
    case .brokenPipe: .ok
    }
  }

  public var description: String {
    switch self {
    case .malformed(let source, let location, let message):
      if let location { return "\(source): \(location): \(message)" }
      return "\(source): \(message)"
    case .inputMissing(let source, let message), .config(let source, let message):
      return "\(source): \(message)"
    case .cannotCreate(let target, let message), .io(let target, let message),
      .unavailable(let target, let message), .tempFail(let target, let message):
      return "\(target): \(message)"
    case .usage(let message), .qualityGate(let message), .internalError(let message):
      return message
    case .brokenPipe:
      return "standard output was closed"
    }
  }
}
