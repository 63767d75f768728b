/// The names a spec may use that belong to other parts of cleaning: units.
///
/// The spec reader checks names against it so that a misspelt unit stops the run before any
/// record is read. `standard` knows every spelling of the unit table (`Data/units.csv`).
public struct SpecVocabulary: Sendable {
  public let table: UnitTable

  public init(table: UnitTable) {
    self.table = table
  }

  /// The canonical unit codes, for suggestions.
  public var units: [String] { table.codes }

  public func isUnit(_ name: String) -> Bool { table.lookup(name) != nil }

  /// The built-in unit table.
  public static let standard = SpecVocabulary(table: .standard)
}
