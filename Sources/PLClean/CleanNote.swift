import PLCore

/// Something cleaning noticed about one field of a record, kept in `_pl.notes` so that
/// pl-validate can turn it into a reject or a warning: text that did not convert, an
/// ambiguous column, an analyte the dictionary does not know.
public struct CleanNote: Equatable, Sendable {
  /// The field the note is about (its name after renaming).
  public var field: String
  /// A stable, kebab-case code (`not-a-number`, `unknown-analyte`, `ambiguous-time`).
  public var code: String
  /// One sentence for people.
  public var message: String

  public init(field: String, code: String, message: String) {
    self.field = field
    self.code = code
    self.message = message
  }

  /// The note as a `_pl.notes` entry.
  public var json: JSONValue {
    .object([Field("field", .string(field)), Field("code", .string(code)), Field("message", .string(message))])
  }
}

extension Record {
  /// Appends `note` to `_pl.notes`, creating the list when the record has none.
  public mutating func addNote(_ note: CleanNote) {
    if let index = meta.firstIndex(where: { $0.key == MetaKey.notes }), case .array(var notes) = meta[index].value {
      notes.append(note.json)
      meta[index].value = .array(notes)
    } else {
      meta.removeAll { $0.key == MetaKey.notes }
      meta.append(Field(MetaKey.notes, .array([note.json])))
    }
  }

  /// Keeps `text` as the original of `field` in `_pl.raw`, unless an earlier stage kept one.
  public mutating func keepRaw(_ field: String, _ text: JSONValue) {
    if let index = meta.firstIndex(where: { $0.key == MetaKey.raw }), case .object(var raws) = meta[index].value {
      guard raws[key: field] == nil else { return }
      raws.append(Field(field, text))
      meta[index].value = .object(raws)
    } else {
      meta.removeAll { $0.key == MetaKey.raw }
      meta.append(Field(MetaKey.raw, .object([Field(field, text)])))
    }
  }
}
