/// Matches the names a spec writes with the names records carry, as people mean them:
/// `Sample ID`, `sample id`, `SAMPLE_ID` and ` Sample  ID ` are one name.
///
/// Case is folded and spaces, tabs and underscores are left out; nothing else is (so `a-b` and
/// `ab` stay two names, and so do `Protein %` and `Protein`). An exact match always wins over a
/// folded one.
public enum FieldNameMatcher {
  /// The form two names share when they match.
  public static func normalised(_ name: String) -> String {
    String(name.lowercased().unicodeScalars.filter { !($0 == "_" || $0.properties.isWhitespace) }.map(Character.init))
  }

  /// The index of the field among `fields` that `name` stands for: the one named exactly so,
  /// else the first whose normalised name is the same.
  public static func index(of name: String, in fields: [String]) -> Int? {
    if let exact = fields.firstIndex(of: name) { return exact }
    let key = normalised(name)
    return fields.firstIndex { normalised($0) == key }
  }
}
