/// The part a column plays in a lab export, whatever its shape (one row per result, one column per
/// analyte, a sensory sheet), judged from its header against `Data/lexicon_roles.csv`.
public enum ColumnRole: String, CaseIterable, Sendable {
  case sampleID = "sample_id"
  case labSampleID = "lab_sample_id"
  case lot
  case product
  /// The name of the analyte or parameter (long format).
  case analyte
  case result
  case unit
  case loq
  case lod
  case method
  case date
  case time
  case timestamp
  case panelist
  /// The blinded code of a sample in a sensory sheet.
  case sampleCode = "sample_code"
  case session
  case replicate
  case sampleType = "sample_type"
  case uncertainty
  case specification
  /// A conformity or accreditation mark.
  case verdict
  case comment
  /// A running number or position (`No.`, `Pos.`, `Line`).
  case position
  /// A working value of the instrument, not a result (`Einwaage`, `RT`, `Area`, `Dilution`, `mV`).
  case instrumentDetail = "instrument_detail"
  case `operator`
  /// The name of a sensory attribute (long format).
  case attribute
  /// A sensory attribute scored in its own column (wide format: `Sweetness`, `Knusprigkeit`).
  case sensoryAttribute = "sensory_attribute"
  /// A sensory score (long format).
  case score

  /// The role of a column headed `header`, or nil when the header names none of them (an analyte
  /// column of a wide file, a logger channel). Compared ignoring case, accents, punctuation, spacing,
  /// a unit (`Einwaage [g]`) and a trailing bracket (`Date (UTC)`).
  public static func classify(header: String) -> ColumnRole? {
    ColumnRoles.shared.role(of: header)
  }

  /// Malformed lines of the data file, and terms given to two roles (none, unless the file was damaged).
  public static var dataProblems: [String] { ColumnRoles.shared.problems }
}

/// The terms of `Data/lexicon_roles.csv`, by key.
struct ColumnRoles: Sendable {
  static let shared = ColumnRoles(bytes: PackageResources.lexicon_roles_csv)

  private var roles: [String: ColumnRole] = [:]
  var problems: [String] = []

  init(bytes: [UInt8]) {
    let table = LexiconTable(name: "lexicon_roles.csv", bytes: bytes)
    problems = table.problems
    guard let r = table.column("role"), let t = table.column("terms") else {
      problems.append("lexicon_roles.csv: the columns role and terms are missing")
      return
    }
    for row in table.rows {
      guard let role = ColumnRole(rawValue: row[r]) else {
        problems.append("lexicon_roles.csv: unknown role \(row[r])")
        continue
      }
      for term in LexiconTable.terms(row[t]) {
        for spelling in [term, LexiconKey.umlautsWrittenOut(term)].compactMap({ $0 }) {
          let key = LexiconKey.make(spelling)
          if let other = roles[key], other != role {
            problems.append("lexicon_roles.csv: \(term) is \(other.rawValue) and \(role.rawValue)")
          } else {
            roles[key] = role
          }
        }
      }
    }
  }

  func role(of header: String) -> ColumnRole? {
    let tidy = AnalyteName.tidy(header)
    if let role = roles[LexiconKey.make(tidy)] { return role }
    let parts = HeaderText.parse(tidy)
    if let role = roles[LexiconKey.make(parts.name)] { return role }
    if let (_, before) = HeaderText.trailingGroup(parts.name[...]), !before.isEmpty, let role = roles[LexiconKey.make(before)] {
      return role
    }
    return nil
  }
}
