#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Facts about the terminal, read once: whether standard error is one, and whether to use colour.
public struct Terminal: Sendable {
  public let stderrIsTerminal: Bool
  public let stdinIsTerminal: Bool
  public let stdoutIsTerminal: Bool
  /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM is dumb.
  public let useColor: Bool

  public init(environment: [String: String] = currentEnvironment()) {
    stderrIsTerminal = isatty(2) == 1
    stdinIsTerminal = isatty(0) == 1
    stdoutIsTerminal = isatty(1) == 1
    let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
    useColor = stderrIsTerminal && !noColor && environment["TERM"] != "dumb"
  }

  /// Writes `text` to standard error as it is, unbuffered.
  public static func writeError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += n
      }
    }
  }
}

/// The process environment as a dictionary.
public func currentEnvironment() -> [String: String] {
  var result: [String: String] = [:]
  var p = environ
  while let entry = p.pointee {
    let text = String(cString: entry)
    if let eq = text.firstIndex(of: "=") {
      result[String(text[..<eq])] = String(text[text.index(after: eq)...])
    }
    p += 1
  }
  return result
}
