/// How one unit is written in a header, with what it tells about a logger channel. Only spelling:
/// converting between units is the units table's business.
public struct UnitSpelling: Equatable, Sendable {
  /// The text as printed (`degF`, `°F`, `F`).
  public let spelling: String
  /// The usual way to write the unit (`°F`).
  public let symbol: String
  /// What a logger channel in this unit measures (`temperature`), when the unit says.
  public let quantity: String?
  /// Whether the spelling may end a header as a separate word (`Protein %`); a bare `C` or `F` may not
  /// (`Vitamin C`).
  public let bare: Bool
}

/// The unit spellings of `Data/lexicon_units.csv`, looked up exactly, then ignoring case and spaces
/// (single letters only exactly: `T` is not `t`).
public struct UnitSpellings: Sendable {
  public static let shared = UnitSpellings(bytes: PackageResources.lexicon_units_csv)

  public let entries: [UnitSpelling]
  private let exact: [String: Int]
  private let folded: [String: Int]
  /// Malformed lines of the data file (none, unless the file was damaged).
  public let problems: [String]

  init(bytes: [UInt8]) {
    let table = LexiconTable(name: "lexicon_units.csv", bytes: bytes)
    var entries: [UnitSpelling] = []
    var exact: [String: Int] = [:]
    var folded: [String: Int] = [:]
    if let s = table.column("spelling"), let y = table.column("symbol"), let q = table.column("quantity"), let b = table.column("bare") {
      for row in table.rows {
        let entry = UnitSpelling(spelling: row[s], symbol: row[y], quantity: row[q].isEmpty ? nil : row[q], bare: row[b] == "yes")
        let index = entries.count
        entries.append(entry)
        if exact[entry.spelling] == nil { exact[entry.spelling] = index }
        if entry.spelling.count > 1 {
          let key = Self.fold(entry.spelling[...])
          if folded[key] == nil { folded[key] = index }
        }
      }
    }
    self.entries = entries
    self.exact = exact
    self.folded = folded
    self.problems = table.problems
  }

  /// The spelling `text` is, if it is one.
  public func lookup(_ text: some StringProtocol) -> UnitSpelling? {
    let trimmed = text.trimmingWhitespace()
    if let index = exact[String(trimmed)] { return entries[index] }
    guard trimmed.count > 1 else { return nil }
    return folded[Self.fold(trimmed)].map { entries[$0] }
  }

  /// Whether `text` is a unit: a known spelling, or known units joined by `/` whose later parts may
  /// carry an amount (`mg/100 g`, `µg/25 g`, `mL/min`). `30 °C` alone is a condition, not a unit.
  public func isUnit(_ text: some StringProtocol) -> Bool {
    let trimmed = text.trimmingWhitespace()
    if trimmed.isEmpty { return false }
    if lookup(trimmed) != nil { return true }
    let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count >= 2, lookup(parts[0]) != nil else { return false }
    for part in parts.dropFirst() {
      var rest = part.trimmingWhitespace()
      while let first = rest.first, first.isNumber || first == "." || first == "," { rest = rest.dropFirst() }
      rest = rest.trimmingWhitespace()
      if rest.isEmpty { continue }
      // A basis after the unit: "g/100 g DM", "g/100 g FA".
      let words = rest.split(separator: " ")
      if lookup(rest) == nil && lookup(words[0]) == nil { return false }
    }
    return true
  }

  private static func fold(_ text: Substring) -> String {
    var out = ""
    for scalar in text.unicodeScalars where scalar != " " {
      switch scalar {
      case "μ": out.unicodeScalars.append("µ")
      case "º", "˚": out.unicodeScalars.append("°")
      default: out += String(scalar).lowercased()
      }
    }
    return out
  }
}
