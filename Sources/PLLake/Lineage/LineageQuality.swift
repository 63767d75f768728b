#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// The data-quality assertions of a pl-validate report, for OpenLineage's
/// `dataQualityAssertions` facet: one per rule, with its success and the column it checks.
public struct LineageQuality: Equatable, Sendable {
  public struct Assertion: Equatable, Sendable {
    public var assertion: String
    public var success: Bool
    public var column: String?

    public init(assertion: String, success: Bool, column: String? = nil) {
      self.assertion = assertion
      self.success = success
      self.column = column
    }
  }

  public var assertions: [Assertion]

  public init(assertions: [Assertion]) { self.assertions = assertions }

  /// Reads pl-validate's `--report` file.
  ///
  /// The report's `openlineage.assertions` member is already in the facet's shape and is taken
  /// as it is; a report without it is mapped from `rules` (success: nothing failed, or only
  /// warned) and `dataset` (its `success`), with `field` as the column.
  ///
  /// - Throws: `PLError.inputMissing` when the file cannot be read, `PLError.malformed` when
  ///   it is not a pl-validate report.
  public init(reportPath path: String) throws(PLError) {
    let text = try Self.readFile(path)
    let report: JSONValue
    do {
      report = try JSONParser.parseValue(text)
    } catch {
      throw .malformed(source: path, location: nil, message: "not JSON (\(error.message) at byte \(error.offset))")
    }
    guard let top = report.objectValue else { throw .malformed(source: path, location: nil, message: "not a pl-validate report (not an object)") }
    try self.init(report: top, source: path)
  }

  init(report top: [Field], source: String) throws(PLError) {
    func bad(_ what: String) -> PLError { .malformed(source: source, location: nil, message: "not a pl-validate report: \(what)") }
    if let facet = top[key: "openlineage"]?.objectValue, case .array(let items)? = facet[key: "assertions"] {
      var out: [Assertion] = []
      for item in items {
        guard let m = item.objectValue, let name = m[key: "assertion"]?.stringValue, case .bool(let ok)? = m[key: "success"] else {
          throw bad("an assertion without `assertion` or `success`")
        }
        out.append(Assertion(assertion: name, success: ok, column: m[key: "column"]?.stringValue))
      }
      assertions = out
      return
    }
    guard case .array(let rules)? = top[key: "rules"] else { throw bad("no `rules` and no `openlineage` member") }
    var out: [Assertion] = []
    for rule in rules {
      guard let m = rule.objectValue, let name = m[key: "rule"]?.stringValue else { throw bad("a rule without a name") }
      let failed = m[key: "failed"].flatMap { v -> Int? in if case .number(let t) = v { Int(t) } else { nil } } ?? 0
      let status = m[key: "status"]?.stringValue
      out.append(Assertion(assertion: name, success: failed == 0 || status == "warned", column: m[key: "field"]?.stringValue))
    }
    if case .array(let dataset)? = top[key: "dataset"] {
      for rule in dataset {
        guard let m = rule.objectValue, let name = m[key: "rule"]?.stringValue, case .bool(let ok)? = m[key: "success"] else {
          throw bad("a dataset rule without a name or `success`")
        }
        out.append(Assertion(assertion: name, success: ok, column: m[key: "field"]?.stringValue))
      }
    }
    assertions = out
  }

  static func readFile(_ path: String) throws(PLError) -> String {
    let stream = try FileStream(path: path)
    let bytes = try stream.readAll(limit: 256 << 20)
    return String(decoding: bytes, as: UTF8.self)
  }
}
