import PLClean
import PLCore
import Testing

@Suite struct CleanNoteTests {
  @Test func notesAccumulateInOrder() {
    var record = Record([("protein", .string("12,3x"))])
    record.addNote(CleanNote(field: "protein", code: "not-a-number", message: "\"12,3x\" is not a number"))
    record.addNote(CleanNote(field: "fat", code: "unknown-unit", message: "unit \"zz\" is not known"))
    #expect(record.meta == [Field("notes", .array([
      .object([Field("field", .string("protein")), Field("code", .string("not-a-number")), Field("message", .string("\"12,3x\" is not a number"))]),
      .object([Field("field", .string("fat")), Field("code", .string("unknown-unit")), Field("message", .string("unit \"zz\" is not known"))]),
    ]))])
  }

  @Test func rawKeepsTheFirstOriginal() {
    var record = Record([("protein", .string("12.3"))])
    record.keepRaw("protein", .string("12,3"))
    record.keepRaw("protein", .string("12.3"))
    record.keepRaw("fat", .string("n.d."))
    #expect(record.meta == [Field("raw", .object([Field("protein", .string("12,3")), Field("fat", .string("n.d."))]))])
  }
}
