import ArgumentParser
import PLClean
import PLCommandLine
import PLCore
import PLLake

/// `--lineage FILE` and `--lineage-namespace NS`, on every subcommand that writes the lake.
struct LineageOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Append OpenLineage run events (START, then COMPLETE or FAIL) to FILE, one JSON object a line.", valueName: "FILE"))
  var lineage: String?

  @Option(
    name: .customLong("lineage-namespace"),
    help: ArgumentHelp("The namespace of the lake's datasets in the events. (default: file:// and the lake's absolute path)", valueName: "NS"))
  var lineageNamespace: String?

  func validate() throws {
    if lineageNamespace != nil && lineage == nil { throw ValidationError("--lineage-namespace goes with --lineage FILE.") }
    if let ns = lineageNamespace, ns.isEmpty || ns.contains(where: \.isWhitespace) {
      throw ValidationError("--lineage-namespace must be a name without spaces, such as lab-lake or file:///srv/lake.")
    }
    if lineage?.isEmpty == true { throw ValidationError("--lineage needs a file name.") }
  }

  /// The sink of the run's events, or nil without `--lineage`. Called before the lake is
  /// touched: the quality report is read, and the lineage file opened for appending, here.
  ///
  /// - Throws: `.inputMissing` (66) or `.malformed` (65) for the report; `.cannotCreate` (73)
  ///   when the lineage file cannot be opened for appending.
  func makeSink(lakePath: String, qualityReport: String? = nil, context: RunContext) throws(PLError) -> OpenLineageSink? {
    guard let lineage else { return nil }
    let quality = try qualityReport.map { (path) throws(PLError) in try LineageQuality(reportPath: path) }
    let emitter = LineageEmitter(
      path: lineage, namespace: lineageNamespace ?? LineageEmitter.namespace(lakePath: lakePath),
      producer: LineageEmitter.producer(tool: "pl-promote", version: PLVersion.string))
    try emitter.probe()
    let sink = OpenLineageSink(emitter: emitter, quality: quality)
    // The batch is committed when the end event is written: a failure then is told, and the
    // run keeps its own exit status.
    sink.onEndFailure = { context.warn("the lineage event of the run's end was not written: \($0)") }
    return sink
  }
}

/// `--quality-report FILE`, on silver and gold.
struct QualityReportOptions: ParsableArguments {
  @Option(
    name: .customLong("quality-report"),
    help: ArgumentHelp("pl-validate's --report of the records promoted: its rules become the events' data-quality assertions (needs --lineage).", valueName: "FILE"))
  var qualityReport: String?

  /// A usage error when the report is given without `--lineage`.
  func check(with lineage: LineageOptions) throws {
    if qualityReport != nil && lineage.lineage == nil { throw ValidationError("--quality-report goes with --lineage FILE.") }
  }
}

/// `--pseudonymise FIELD,…` and its key, on silver: pl-clean's keyed HMAC pseudonyms.
struct PseudonymOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp("Replace the values of these fields by their HMAC-SHA-256 pseudonym, as pl-clean's pseudonymise: does, before partitioning and keys.", valueName: "FIELD,…"))
  var pseudonymise: String?

  @Option(name: .customLong("pseudonym-key"), help: ArgumentHelp("The file holding the secret key (a trailing newline is not part of it).", valueName: "FILE"))
  var pseudonymKey: String?

  @Option(name: .customLong("pseudonym-key-env"), help: ArgumentHelp("The environment variable holding the secret key, instead of a file.", valueName: "NAME"))
  var pseudonymKeyEnv: String?

  @Option(name: .customLong("pseudonym-length"), help: ArgumentHelp("Hexadecimal digits kept, 8 to 64. (default: 64)", valueName: "N"))
  var pseudonymLength: Int?

  @Option(name: .customLong("pseudonym-prefix"), help: ArgumentHelp("Text put before the digits. (default: none)", valueName: "TEXT"))
  var pseudonymPrefix: String?

  var fields: [String] { SilverPlan.parseKey(pseudonymise) }

  func validate() throws {
    guard pseudonymise != nil else {
      if pseudonymKey != nil || pseudonymKeyEnv != nil || pseudonymLength != nil || pseudonymPrefix != nil {
        throw ValidationError("--pseudonym-key, --pseudonym-key-env, --pseudonym-length and --pseudonym-prefix go with --pseudonymise FIELD,….")
      }
      return
    }
    if fields.contains(where: \.isEmpty) { throw ValidationError("--pseudonymise: a field name is empty (write FIELD,FIELD).") }
    switch (pseudonymKey, pseudonymKeyEnv) {
    case (nil, nil): throw ValidationError("--pseudonymise needs the secret key: --pseudonym-key FILE or --pseudonym-key-env NAME.")
    case (_?, _?): throw ValidationError("Give --pseudonym-key or --pseudonym-key-env, not both.")
    default: break
    }
    if let n = pseudonymLength, !(8...64).contains(n) { throw ValidationError("--pseudonym-length must be 8 to 64 hexadecimal digits.") }
  }

  /// The transform, its key loaded; nil without `--pseudonymise`. The key is read here, before
  /// the lake is touched.
  ///
  /// - Throws: `.inputMissing` (66) when the key file cannot be read; `.config` (78) when the
  ///   key is empty or its variable is not set.
  func makeTransform() throws(PLError) -> Pseudonymise? {
    guard pseudonymise != nil else { return nil }
    let key: PseudonymKey
    if let file = pseudonymKey { key = try PseudonymKey.load(file: file) } else { key = try PseudonymKey.load(environment: pseudonymKeyEnv!) }
    return try Pseudonymise(.init(fields: fields, key: key, length: pseudonymLength, prefix: pseudonymPrefix ?? ""))
  }

  /// The option the manifest records (and the batch id includes): the fields, length, prefix
  /// and an id of the key — the pseudonym of a fixed text, which tells keys apart without
  /// revealing them — so that the same input promoted with other pseudonyms is a new batch.
  func manifestOption(_ transform: Pseudonymise) throws(PLError) -> Field {
    let keyID = try Pseudonymise(.init(fields: [], key: transform.config.key, length: 16)).pseudonym(of: "pl-promote pseudonym key id")
    var members = [Field("fields", .array(fields.map { .string($0) }))]
    if let pseudonymLength { members.append(Field("length", .integer(pseudonymLength))) }
    if let pseudonymPrefix { members.append(Field("prefix", .string(pseudonymPrefix))) }
    members.append(Field("key_id", .string(keyID)))
    return Field("pseudonymise", .object(members))
  }
}
