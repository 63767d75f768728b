import PLCore

/// Renames fields: to the output names a spec gives (rename:, fields.*.from, columns:), and
/// the rest into snake case when asked.
///
/// A rename lists its candidates (its own name first, then its synonyms); the first candidate
/// a record has, matched as `FieldNameMatcher` matches, becomes the output field. Another
/// field that also matches keeps its own name, with an `ambiguous-rename` note. A field whose
/// snake-case name is taken gets `_2`, `_3`, … and a `name-taken` note. Fields keep their
/// places; values are not touched, so nothing goes to `_pl.raw`. Records of one source share
/// their keys, so the decisions are kept per list of keys.
public struct RenameFields: RecordTransform {
  public var renames: [CleanSpec.Rename]
  public var snakeCase: Bool
  let counts: CleanCounts
  var cache: [[String]: Decision] = [:]

  /// What to do with one list of keys.
  struct Decision {
    var names: [String]
    var notes: [CleanNote]
    var renamed: Int
    var snakeCased: Int
  }

  public init(renames: [CleanSpec.Rename], snakeCase: Bool, counts: CleanCounts) {
    self.renames = renames
    self.snakeCase = snakeCase
    self.counts = counts
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    let keys = record.fields.map(\.key)
    let decision: Decision
    if let known = cache[keys] {
      decision = known
    } else {
      decision = Self.decide(keys, renames: renames, snakeCase: snakeCase)
      if cache.count > 4096 { cache.removeAll() }
      cache[keys] = decision
    }
    counts.renamed += decision.renamed
    counts.snakeCased += decision.snakeCased
    guard decision.names != keys || !decision.notes.isEmpty else { return .pass }
    var out = record
    for i in out.fields.indices { out.fields[i].key = decision.names[i] }
    for note in decision.notes { out.addNote(note) }
    for note in decision.notes { counts.noted(note.code) }
    return .change(out)
  }

  static func decide(_ keys: [String], renames: [CleanSpec.Rename], snakeCase: Bool) -> Decision {
    var names: [String?] = Array(repeating: nil, count: keys.count)
    var notes: [CleanNote] = []
    var renamed = 0, snakeCased = 0
    for rename in renames {
      let candidates = [rename.to] + rename.from.filter { $0 != rename.to }
      var matches: [Int] = []
      for candidate in candidates {
        let open = keys.indices.filter { names[$0] == nil && !matches.contains($0) }
        if let exact = open.first(where: { keys[$0] == candidate }) { matches.append(exact) }
        let key = FieldNameMatcher.normalised(candidate)
        matches += open.filter { keys[$0] != candidate && FieldNameMatcher.normalised(keys[$0]) == key && !matches.contains($0) }
      }
      guard let first = matches.first else { continue }
      names[first] = rename.to
      if keys[first] != rename.to { renamed += 1 }
      for other in matches.dropFirst() {
        names[other] = keys[other]
        notes.append(
          CleanNote(
            field: keys[other], code: "ambiguous-rename",
            message: "\(SpecWords.quoted(keys[other])) also stands for \(rename.to), which is taken from \(SpecWords.quoted(keys[first])); it keeps its name"))
      }
    }
    var wanted = keys
    if snakeCase { wanted = keys.map { SnakeCase.convert($0) ?? $0 } }
    // Names already in their final form are kept first, so a converted name never pushes
    // aside a field that is written as it came.
    var taken = Set(names.compactMap { $0 })
    for i in keys.indices where names[i] == nil && wanted[i] == keys[i] && !taken.contains(keys[i]) {
      names[i] = keys[i]
      taken.insert(keys[i])
    }
    for i in keys.indices where names[i] == nil {
      var name = wanted[i]
      if taken.contains(name) {
        var n = 2
        while taken.contains("\(name)_\(n)") { n += 1 }
        let other = "\(name)_\(n)"
        notes.append(
          CleanNote(field: other, code: "name-taken", message: "\(SpecWords.quoted(keys[i])) is written as \(other): \(name) is another field's name"))
        name = other
      }
      if name != keys[i] { snakeCased += 1 }
      taken.insert(name)
      names[i] = name
    }
    return Decision(names: names.map { $0! }, notes: notes, renamed: renamed, snakeCased: snakeCased)
  }
}
