import PLCore

/// Adds the fields a spec gives every record: from `_pl.meta` (what pl-extract read from the
/// source's preamble) and constants.
///
/// A meta key matches as `FieldNameMatcher` matches (`serial_number` finds `Serial number`);
/// a record whose meta lacks it gets a `missing-meta` note and no field. A field the record
/// already has is replaced, its old value kept in `_pl.raw`. New fields go after the others.
public struct AddFields: RecordTransform {
  public var fromMeta: [CleanSpec.MetaCopy]
  public var constants: [Field]
  public var keepRaw: Bool
  let counts: CleanCounts

  public init(fromMeta: [CleanSpec.MetaCopy], constants: [Field], keepRaw: Bool, counts: CleanCounts) {
    self.fromMeta = fromMeta
    self.constants = constants
    self.keepRaw = keepRaw
    self.counts = counts
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    var out = record
    let meta = record.meta[key: "meta"]?.objectValue ?? []
    for copy in fromMeta {
      if let i = FieldNameMatcher.index(of: copy.key, in: meta.map(\.key)) {
        set(copy.name, meta[i].value, in: &out)
        counts.fromMeta += 1
      } else {
        out.addNote(
          CleanNote(field: copy.name, code: "missing-meta", message: "the source's metadata has no \(SpecWords.quoted(copy.key))"))
        counts.noted("missing-meta")
      }
    }
    for constant in constants {
      set(constant.key, constant.value, in: &out)
      counts.constants += 1
    }
    return out == record ? .pass : .change(out)
  }

  func set(_ name: String, _ value: JSONValue, in record: inout Record) {
    if let i = record.fields.firstIndex(where: { $0.key == name }) {
      guard record.fields[i].value != value else { return }
      if keepRaw { record.keepRaw(name, record.fields[i].value) }
      record.fields[i].value = value
    } else {
      record.fields.append(Field(name, value))
    }
  }
}
