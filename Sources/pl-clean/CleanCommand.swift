import ArgumentParser
import Foundation
import PLClean
import PLCommandLine
import PLCore

@main
struct CleanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pl-clean",
    abstract: "Clean newline-delimited JSON records: names, types, fields, as a spec says.",
    discussion: """
      Reads records from each FILE (standard input when there is none, or for -) and writes them \
      cleaned to standard output, one at a time, in the order they came. What is done comes from \
      a built-in profile (lab, the default: names in snake case), extended by a spec file \
      (--spec clean.yml, YAML or JSON; see pl-clean(1) for its format), overridden by flags: \
      renames (exact names, or lists of synonyms matched without regard to case and spaces), \
      snake-case names, fields dropped, kept and ordered, constants, fields taken from _pl.meta, \
      typed fields with defaults (numbers with either decimal mark, dates and times into UTC, \
      lab results into value, qualifier, limit and unit, with unit conversions), sentinels, \
      trimming, derived fields, duplicates, gap filling, reshaping and pseudonyms. A spec is checked whole before any record is read: a \
      mistake stops the run with its line and column (exit 78). A value that changes keeps its \
      original in _pl.raw (unless --no-raw); a value that does not convert keeps its text and \
      gets a note in _pl.notes (field, code, message). Nothing is silently nulled.
      """,
    version: PLVersion.string)

  static func main() { CommandMain.run(CleanCommand.self) }

  @Argument(help: ArgumentHelp("Input files of NDJSON records; - or none for standard input.", valueName: "FILE"))
  var files: [String] = []

  @Option(help: ArgumentHelp("The cleaning spec: a YAML or JSON file (see pl-clean(1)).", valueName: "FILE"))
  var spec: String?

  @Option(help: ArgumentHelp("The profile the spec extends: lab (default: names in snake case) or none (only what the spec and flags say).", valueName: "lab|none"))
  var profile: String?

  @Option(help: ArgumentHelp("The shape of the records: result, reading, score, auto (detected per source by the lab profile; the default) or none (not reshaped).", valueName: "result|reading|score|auto|none"))
  var shape: String?

  @Option(name: .customLong("tz"), help: ArgumentHelp("The IANA time zone of times written without an offset (Europe/Berlin, UTC).", valueName: "ZONE"))
  var timezone: String?

  @Option(help: ArgumentHelp("The decimal mark of numbers written as text: comma or point.", valueName: "comma|point"))
  var decimal: String?

  @Option(name: .customLong("date-order"), help: ArgumentHelp("The order of day, month and year in dates such as 03/04/2024: dmy, mdy or ymd.", valueName: "dmy|mdy|ymd"))
  var dateOrder: String?

  @Flag(name: .customLong("snake-case"), help: "Write field names in snake case (Protein (%) → protein_pct); the lab profile does.")
  var snakeCase = false

  @Option(name: .customLong("rename"), help: ArgumentHelp("Rename field OLD to NEW (OLD matched without regard to case and spaces); repeat for more.", valueName: "OLD=NEW"))
  var renames: [String] = []

  @Option(name: .customLong("drop"), help: ArgumentHelp("Leave field F out (its name after renaming); repeat for more.", valueName: "F"))
  var drops: [String] = []

  @Option(name: .customLong("keep"), help: ArgumentHelp("Write only field F (and the other --keep fields), in the order given; repeat for more.", valueName: "F"))
  var keeps: [String] = []

  @Option(name: .customLong("sentinel"), help: ArgumentHelp("A text that stands for no value (n/a, -); repeat for more.", valueName: "TEXT"))
  var sentinels: [String] = []

  @Option(help: ArgumentHelp("Drop records whose KEYS fields (comma-separated) repeat an earlier record's.", valueName: "KEYS"))
  var dedupe: String?

  @Flag(name: .customLong("no-raw"), help: "Keep no originals of changed values in _pl.raw.")
  var noRaw = false

  @Option(
    name: .customLong("on-error"),
    help: ArgumentHelp(
      "What to do with a malformed input line or a missing input: fail (stop, exit 65 or 66, end the output with an abort line) or skip (report it, count it in the summary, go on; exit 65 at the end if anything was passed over).",
      valueName: "fail|skip"))
  var onError = "fail"

  @OptionGroup var common: CommonOptions

  func validate() throws {
    if let profile, CleanProfile.named(profile) == nil { throw ValidationError("--profile takes lab or none.") }
    if let shape, shape != "auto" && CleanSpec.Shape(rawValue: shape) == nil {
      throw ValidationError("--shape takes result, reading, score, auto or none.")
    }
    if let timezone, TimeZone(identifier: timezone) == nil {
      throw ValidationError("--tz: unknown time zone \"\(timezone)\"; use an IANA name such as Europe/Berlin or UTC.")
    }
    if let decimal, CleanSpec.DecimalMark(rawValue: decimal) == nil { throw ValidationError("--decimal takes comma or point.") }
    if let dateOrder, CleanSpec.DateOrder(rawValue: dateOrder) == nil { throw ValidationError("--date-order takes dmy, mdy or ymd.") }
    for rename in renames where parsedRename(rename) == nil {
      throw ValidationError("--rename takes OLD=NEW, both names not empty; got \"\(rename)\".")
    }
    if drops.contains(where: \.isEmpty) || keeps.contains(where: \.isEmpty) { throw ValidationError("--drop and --keep take a field name.") }
    if let overlap = drops.first(where: keeps.contains) { throw ValidationError("--drop \(overlap) and --keep \(overlap) contradict each other.") }
    if let dedupe, dedupeKeys(dedupe).isEmpty { throw ValidationError("--dedupe takes field names separated by commas.") }
    if ErrorPolicy(rawValue: onError) == nil { throw ValidationError("--on-error takes fail or skip.") }
    if files.isEmpty && Terminal().stdinIsTerminal {
      throw ValidationError("no input: give FILE arguments, or pipe records into standard input.")
    }
  }

  /// `OLD=NEW`, split at the last `=` (a source name may hold one; an output name does not).
  func parsedRename(_ text: String) -> CleanSpec.Rename? {
    guard let eq = text.lastIndex(of: "=") else { return nil }
    let old = String(text[..<eq]), new = String(text[text.index(after: eq)...])
    guard !old.isEmpty, !new.isEmpty else { return nil }
    return .init(to: new, from: [old])
  }

  func dedupeKeys(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// What the flags say, as a spec laid over the spec file.
  var overrides: CleanSpec {
    var o = CleanSpec()
    if let shape, shape != "auto" { o.shape = CleanSpec.Shape(rawValue: shape) }
    o.timezone = timezone
    o.decimal = decimal.flatMap(CleanSpec.DecimalMark.init(rawValue:))
    o.dateOrder = dateOrder.flatMap(CleanSpec.DateOrder.init(rawValue:))
    if snakeCase { o.snakeCase = true }
    o.rename = renames.compactMap(parsedRename)
    o.drop = drops
    if !keeps.isEmpty {
      o.keep = keeps
      o.order = keeps
    }
    if !sentinels.isEmpty { o.sentinels = sentinels }
    if let dedupe { o.dedupe = CleanSpec.Dedupe(keys: dedupeKeys(dedupe)) }
    return o
  }

  func run() throws {
    let specPath = spec
    let inputs = files
    let keepRaw = !noRaw
    let policy = ErrorPolicy(rawValue: onError) ?? .fail
    let overrides = self.overrides
    let profile = self.profile
    let shapeIsAuto = shape == "auto"
    try ToolRunner(tool: "pl-clean", options: common).run { context throws(PLError) in
      // The spec is read and checked whole before any record is.
      var fileSpec = CleanSpec()
      if let specPath { fileSpec = try SpecReader.read(path: specPath) }
      if shapeIsAuto { fileSpec.shape = nil }
      // --shape auto asks for the lab profile's shaping as naming the profile does.
      let plan = try CleanPlan(spec: fileSpec, overrides: overrides, profile: shapeIsAuto ? profile ?? "lab" : profile, keepRaw: keepRaw)
      for notice in plan.notices { context.note(notice) }
      context.startProgress(inputs: inputs.isEmpty ? ["-"] : inputs)
      let sink = NDJSONSink(stream: context.openRecordOutput(), includeMeta: !context.options.noMeta)
      let cleaner = Cleaner(plan: plan, inputs: inputs, errorPolicy: policy)
      defer {
        context.stats.recordsIn = cleaner.counts.read
        context.stats.skipped = cleaner.counts.skipped
        context.stats.extra = [Field("changes", .object(plan.counts.fields))]
      }
      try cleaner.run(
        sink: sink,
        onProgress: { records, bytes in context.progress.update(bytes: bytes, records: records) },
        onSkip: { error in context.warn("skipped: \(error.description)") })
      if cleaner.counts.skipped > 0 { context.completedStatus = .dataError }
    }
  }
}
