// PLTestSupport: helpers the test targets share — temporary folders, byte literals, pipes,
// and inputs read under every block size.

import Foundation

/// A fresh directory under the system's temporary directory, removed when released.
///
/// Tests run in parallel; each gets its own directory so that files never collide.
public final class TemporaryDirectory {
  public let url: URL
  public var path: String { url.path }

  public init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("pl-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// A path inside the directory.
  public func file(_ name: String) -> String { path + "/" + name }

  /// Writes `bytes` to a new file in the directory and returns its path.
  @discardableResult
  public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = file(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @discardableResult
  public func write(_ name: String, _ text: String) throws -> String {
    try write(name, Array(text.utf8))
  }

  /// Runs a Python script with the directory as its working directory.
  ///
  /// Python's zipfile, tarfile and gzip write real archives the way other tools do, so the
  /// tests do not read only what our own code wrote.
  public func python(_ script: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = url
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw FixtureError(message: "python3 failed: " + String(decoding: message, as: UTF8.self))
    }
  }
}

/// A fixture could not be made.
public struct FixtureError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
  public init(message: String) { self.message = message }
}

/// Something that can be spelled out as bytes in a test input.
public protocol BytesConvertible { var byteArray: [UInt8] { get } }
extension String: BytesConvertible { public var byteArray: [UInt8] { Array(utf8) } }
extension Array: BytesConvertible where Element: BinaryInteger { public var byteArray: [UInt8] { map { UInt8($0) } } }

/// The bytes of strings and raw byte values one after another, for inputs that need
/// invalid UTF-8: `bytes("{\"a\":\"", [0xFF], "\"}")`.
public func bytes(_ parts: any BytesConvertible...) -> [UInt8] {
  parts.flatMap(\.byteArray)
}
