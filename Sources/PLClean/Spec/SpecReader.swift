import Foundation
import PLCore
import Yams

/// Reads a cleaning spec, YAML or JSON, into a `CleanSpec`, checking everything it can.
///
/// Why nodes and not `Decodable`: every mistake is told with the file, line and column of the
/// value that is wrong (an unknown key with the nearest known one, a value of the wrong type, a
/// unit, type, shape or time zone that does not exist, a regular expression or memory size that
/// does not parse, options that contradict each other), so that a bad spec stops the run before
/// any record is read (exit 78).
///
/// JSON is read as YAML's flow style, which it nearly is; a JSON text (one that starts with
/// `{`) is first checked by the toolkit's own JSON parser, so that its syntax errors read as
/// JSON errors with their line and column, and its tabs (valid JSON space, which YAML refuses)
/// become spaces of the same width.
public struct SpecReader {
  /// The spec's name in messages: its path as given.
  public let file: String
  public var vocabulary: SpecVocabulary

  public init(file: String, vocabulary: SpecVocabulary = .standard) {
    self.file = file
    self.vocabulary = vocabulary
  }

  /// Reads and checks the spec file at `path`.
  ///
  /// - Throws: `PLError.inputMissing` when it cannot be read, `PLError.config` (exit 78) for
  ///   anything wrong in it.
  public static func read(path: String, vocabulary: SpecVocabulary = .standard) throws(PLError) -> CleanSpec {
    let bytes = try FileStream.readAll(path: path, limit: 16 << 20) {
      .config(source: path, message: "a spec larger than 16 MiB is not a spec")
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .config(source: path, message: "the spec is not UTF-8 text")
    }
    return try SpecReader(file: path, vocabulary: vocabulary).parse(text)
  }

  /// Parses and checks a spec's text.
  public func parse(_ text: String) throws(PLError) -> CleanSpec {
    var yaml = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    if yaml.first(where: { !$0.isWhitespace }) == "{" { yaml = try jsonAsYAML(yaml) }
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw yamlError(error)
    } catch {
      throw .config(source: file, message: "\(error)")
    }
    guard let root else { throw place(line: 1, column: 1).error("the spec is empty; it starts with version: 1") }
    return try SpecBuilder(reader: self).build(root)
  }

  func place(line: Int, column: Int) -> SpecPlace {
    SpecPlace(file: file, line: line, column: column)
  }

  func place(_ node: Node) -> SpecPlace {
    let mark = node.mark
    return place(line: mark?.line ?? 1, column: mark?.column ?? 1)
  }

  /// A YAML syntax error with its place.
  func yamlError(_ error: YamlError) -> PLError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      var reason = problem
      if let context { reason += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
      return place(line: mark.line, column: mark.column).error("YAML: " + reason)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let names = duplicates.map { SpecWords.quoted($0) }.joined(separator: ", ")
      return place(line: context.mark.line, column: context.mark.column).error("the key \(names) is written twice in this mapping")
    case .reader(let problem, let offset, _, _):
      return .config(source: file, message: "YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
    default:
      return .config(source: file, message: "YAML: \(error)")
    }
  }

  /// Checks a JSON spec with the toolkit's JSON parser and returns it as YAML with the same
  /// lines and columns: tabs outside strings become spaces.
  func jsonAsYAML(_ text: String) throws(PLError) -> String {
    do throws(JSONSyntaxError) {
      _ = try JSONParser.parseValue(text)
    } catch {
      let (line, column) = Self.lineAndColumn(of: error.offset, in: text)
      throw place(line: line, column: column).error("JSON: " + error.message)
    }
    var out = String.UnicodeScalarView()
    var inString = false, escaped = false
    for scalar in text.unicodeScalars {
      if inString {
        if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" { inString = false }
        out.append(scalar)
      } else {
        if scalar == "\"" { inString = true }
        out.append(scalar == "\t" ? " " : scalar)
      }
    }
    return String(out)
  }

  /// The 1-based line and column (in characters, as YAML counts them) of a byte offset.
  static func lineAndColumn(of offset: Int, in text: String) -> (Int, Int) {
    let bytes = Array(text.utf8)
    let end = min(max(offset, 0), bytes.count)
    var line = 1, lineStart = 0
    for i in 0..<end where bytes[i] == 0x0A {
      line += 1
      lineStart = i + 1
    }
    let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).unicodeScalars.count + 1
    return (line, column)
  }
}
