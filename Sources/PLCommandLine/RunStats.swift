import PLCore

/// What one source contributed to a run, for the summary.
public struct SourceStat: Sendable {
  public var name: String
  public var bytes: Int
  public var records: Int
  /// The sha256 of the source's bytes, computed while reading, when the tool computes it.
  public var sha256: String?
  /// What the reader decided (format, delimiter), as JSON members.
  public var details: [Field]

  public init(name: String, bytes: Int, records: Int, sha256: String? = nil, details: [Field] = []) {
    self.name = name
    self.bytes = bytes
    self.records = records
    self.sha256 = sha256
    self.details = details
  }
}

/// The counts of a run: records in, out and rejected, and per-source facts.
///
/// "Nothing is lost": `recordsIn == recordsOut + rejected` for a run that completed.
public final class RunStats {
  public var recordsIn = 0
  public var recordsOut = 0
  public var rejected = 0
  public var sources: [SourceStat] = []
  /// Tool-specific members of the summary (the table loaded, columns added).
  public var extra: [Field] = []

  public init() {}

  /// The summary as a JSON object, in a fixed member order.
  func summaryJSON(tool: String, status: ExitStatus, seconds: Double, error: String?) -> String {
    var fields: [Field] = [
      Field("tool", .string(tool)),
      Field("status", .string(status == .ok ? "ok" : "error")),
      Field("exit", .integer(Int(status.rawValue))),
      Field("records_in", .integer(recordsIn)),
      Field("records_out", .integer(recordsOut)),
      Field("rejected", .integer(rejected)),
      Field("seconds", .number(formatFixed(seconds, digits: 3))),
    ]
    if let error { fields.append(Field("error", .string(error))) }
    fields += extra
    if !sources.isEmpty {
      fields.append(
        Field(
          "sources",
          .array(
            sources.map { source in
              var members: [Field] = [
                Field("source", .string(source.name)),
                Field("bytes", .integer(source.bytes)),
                Field("records", .integer(source.records)),
              ]
              if let sha = source.sha256 { members.append(Field("sha256", .string(sha))) }
              return .object(members + source.details)
            })))
    }
    return JSONWriter.string(.object(fields))
  }

  /// The summary as one line for people.
  func summaryText(tool: String, seconds: Double) -> String {
    var parts = ["\(recordsIn) records in", "\(recordsOut) out", "\(rejected) rejected"]
    for field in extra {
      switch field.value {
      case .string(let s): parts.append("\(field.key) \(s)")
      case .number(let n): parts.append("\(field.key) \(n)")
      default: parts.append("\(field.key) \(JSONWriter.string(field.value))")
      }
    }
    let sourceCount = sources.count == 1 ? "1 source" : "\(sources.count) sources"
    return "\(tool): \(sourceCount), " + parts.joined(separator: ", ") + " in \(formatFixed(seconds, digits: 2)) s"
  }
}
