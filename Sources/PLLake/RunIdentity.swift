#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// Who runs a promotion, where, with what: the audit facts each manifest records.
///
/// The command line is kept without secrets: values of options whose name says password,
/// secret or token, and the password of a URL (`postgres://u:pw@host`), become `***`.
public struct RunIdentity: Sendable, Equatable {
  /// A fresh UUID (version 4) naming this run in manifests and lineage events.
  public var runID: String
  public var user: String
  public var host: String
  public var command: [String]
  public var toolVersion: String

  public init(runID: String = RunIdentity.newRunID(), user: String = RunIdentity.currentUser(),
              host: String = RunIdentity.hostName(), command: [String], toolVersion: String) {
    self.runID = runID
    self.user = user
    self.host = host
    self.command = RunIdentity.redacted(command)
    self.toolVersion = toolVersion
  }

  public static func newRunID() -> String {
    var g = SystemRandomNumberGenerator()
    var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
    bytes[6] = (bytes[6] & 0x0F) | 0x40
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    let c = Array(hex)
    return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
  }

  public static func currentUser() -> String {
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return "uid \(geteuid())"
  }

  public static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static let secretWords = ["password", "passwd", "secret", "token"]

  /// `arguments` with secret option values and URL passwords masked.
  public static func redacted(_ arguments: [String]) -> [String] {
    var out: [String] = []
    var maskNext = false
    for argument in arguments {
      if maskNext {
        out.append("***")
        maskNext = false
        continue
      }
      if argument.hasPrefix("-") {
        let name = argument.prefix { $0 != "=" }.lowercased()
        if secretWords.contains(where: { name.contains($0) }) {
          if argument.contains("=") { out.append(String(argument.prefix { $0 != "=" }) + "=***") } else {
            out.append(argument)
            maskNext = true
          }
          continue
        }
      }
      out.append(maskURLPassword(argument))
    }
    return out
  }

  /// `scheme://user:password@host…` with the password masked.
  static func maskURLPassword(_ text: String) -> String {
    let chars = Array(text)
    var start: Int?
    for i in 0..<max(0, chars.count - 2) where chars[i] == ":" && chars[i + 1] == "/" && chars[i + 2] == "/" {
      start = i + 3
      break
    }
    guard let start, let at = chars[start...].firstIndex(of: "@") else { return text }
    let userInfo = chars[start..<at]
    guard let colon = userInfo.firstIndex(of: ":"), !userInfo.contains("/") else { return text }
    return String(chars[..<colon]) + ":***" + String(chars[at...])
  }
}
