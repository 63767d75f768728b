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
  /// Bad records or inputs passed over on request (`--on-error skip`).
  public var skipped = 0
  public var sources: [SourceStat] = []
  /// Tool-specific members of the JSON summary (the table loaded, columns added).
  public var extra: [Field] = []
  /// Tool-specific words for the text summary ("into lab.sqlite:results (created)").
  public var textDetail: String?

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
      Field("skipped", .integer(skipped)),
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
    var text = "\(tool): "
    if !sources.isEmpty { text += sources.count == 1 ? "1 source, " : "\(sources.count) sources, " }
    text += "\(recordsIn) records in, \(recordsOut) out, \(rejected) rejected"
    if skipped > 0 { text += ", \(skipped) skipped" }
    if let textDetail { text += ", " + textDetail }
    return text + " in \(formatFixed(seconds, digits: 2)) s"
  }
}
