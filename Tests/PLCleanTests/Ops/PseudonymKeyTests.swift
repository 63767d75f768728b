import Foundation
import PLClean
import PLCore
import PLTestSupport
import Testing

@Suite struct PseudonymKeyTests {
  @Test func loadsAFileWithoutItsNewline() throws {
    let dir = try TemporaryDirectory()
    #expect(try PseudonymKey.load(file: try dir.write("a", "s3cret\n")).bytes == Array("s3cret".utf8))
    #expect(try PseudonymKey.load(file: try dir.write("b", "s3cret")).bytes == Array("s3cret".utf8))
    #expect(try PseudonymKey.load(file: try dir.write("c", [0, 255, 10, 10])).bytes == [0, 255, 10])
  }

  @Test func refusesEmptyAndMissingFilesWithoutShowingTheKey() throws {
    let dir = try TemporaryDirectory()
    let empty = try dir.write("empty", "\n")
    #expect(plError { _ = try PseudonymKey.load(file: empty) } == .config(source: empty, message: "the pseudonym key is empty"))
    let missing = dir.file("missing")
    guard case .inputMissing(let source, _)? = plError({ _ = try PseudonymKey.load(file: missing) }) else {
      Issue.record("expected inputMissing")
      return
    }
    #expect(source == missing)
  }

  @Test func loadsFromTheEnvironment() throws {
    let name = "PL_TEST_PSEUDONYM_KEY_\(UInt32.random(in: 0...UInt32.max))"
    setenv(name, "topsecret", 1)
    defer { unsetenv(name) }
    let key = try PseudonymKey.load(environment: name)
    #expect(key.bytes == Array("topsecret".utf8))
    #expect(!key.description.contains("topsecret"))
    setenv(name, "", 1)
    let error = plError { _ = try PseudonymKey.load(environment: name) }
    #expect(error == .config(source: "environment variable \(name)", message: "the pseudonym key is empty"))
    unsetenv(name)
    #expect(plError { _ = try PseudonymKey.load(environment: name) } == .config(source: "environment", message: "the pseudonym key variable \(name) is not set"))
  }

  @Test func emptyBytesAreRefused() {
    #expect(throws: PLError.self) { try PseudonymKey(bytes: []) }
  }
}
