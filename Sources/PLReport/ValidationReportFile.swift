import PLCore

/// What the scorecard takes from a pl-validate `--report` file: when it ran, its counts and
/// each rule's tally.
public struct ValidationReportFile: Sendable {
  public struct Rule: Sendable {
    public var name: String
    public var level: String
    public var severity: String
    public var evaluated: Int
    public var failed: Int
  }

  public var path: String
  /// The report's `now`, as written.
  public var ranAt: String
  public var recordsIn: Int
  public var passed: Int
  public var rejected: Int
  public var rules: [Rule]

  /// - Throws: `.inputMissing` (66) when the file cannot be read; `.malformed` (65) when it is
  ///   not a pl-validate report.
  public init(path: String) throws(PLError) {
    self.path = path
    let bytes = try FileStream(path: path).readAll(limit: 64 << 20)
    let value: JSONValue
    do throws(JSONSyntaxError) {
      value = try bytes.withUnsafeBufferPointer { (b) throws(JSONSyntaxError) in try JSONParser.parseValue(b) }
    } catch {
      throw .malformed(source: path, location: nil, message: "not a pl-validate report: \(error.message)")
    }
    guard case .object(let root) = value, case .object(let counts)? = root[key: "counts"], case .array(let rules)? = root[key: "rules"],
          let n = ReportValue.int(counts[key: "in"]), let rejected = ReportValue.int(counts[key: "rejected"]) else {
      throw .malformed(source: path, location: nil, message: "not a pl-validate report (no counts or rules)")
    }
    ranAt = root[key: "now"]?.stringValue ?? ""
    recordsIn = n
    self.rejected = rejected
    passed = ReportValue.int(counts[key: "passed"]) ?? n - rejected
    self.rules = rules.compactMap { r in
      guard case .object(let f) = r, let name = f[key: "rule"]?.stringValue else { return nil }
      return Rule(name: name, level: f[key: "level"]?.stringValue ?? "record", severity: f[key: "severity"]?.stringValue ?? "error",
                  evaluated: ReportValue.int(f[key: "evaluated"]) ?? 0, failed: ReportValue.int(f[key: "failed"]) ?? 0)
    }
  }
}
