import PLCore
import Testing

@Suite struct RecordTests {
  @Test func subscriptGetsSetsAndRemoves() {
    var record = Record([("a", .integer(1)), ("b", .string("x"))])
    #expect(record["b"] == .string("x"))
    #expect(record["zz"] == nil)
    record["a"] = .null
    record["c"] = .bool(true)
    record["b"] = nil
    #expect(record.fields == [Field("a", .null), Field("c", .bool(true))])
  }

  @Test func provenanceComesFirstAndReplacesOldValues() {
    var record = Record([("a", .integer(1))], meta: [Field("notes", .array([])), Field("line", .integer(9))])
    record.setProvenance(source: "x.csv", line: 3)
    #expect(record.meta == [Field("source", .string("x.csv")), Field("line", .number("3")), Field("notes", .array([]))])
    record.setProvenance(source: "y.csv", line: 4)
    #expect(JSONWriter.string(record) == #"{"a":1,"_pl":{"source":"y.csv","line":4,"notes":[]}}"#)
  }

  @Test(arguments: [
    (JSONValue.null, "null"), (.bool(false), "a boolean"), (.number("1"), "a number"), (.string(""), "a string"),
    (.array([]), "an array"), (.object([]), "an object"),
  ])
  func kindNames(value: JSONValue, name: String) {
    #expect(value.kindName == name)
  }

  @Test func accessors() {
    #expect(JSONValue.string("s").stringValue == "s")
    #expect(JSONValue.number("1").stringValue == nil)
    #expect(JSONValue.object([Field("k", .null)]).objectValue == [Field("k", .null)])
    #expect(JSONValue.array([]).objectValue == nil)
    #expect(JSONValue.integer(-12) == .number("-12"))
  }
}

@Suite struct ByteBufferTests {
  @Test(arguments: [0, 7, 10, 99, 100, -1, -10, 1_234_567_890, Int.max, Int.min])
  func decimal(value: Int) {
    let buffer = ByteBuffer(capacity: 1)
    buffer.append("n=" as StaticString)
    buffer.append(decimal: value)
    #expect(String(decoding: buffer.bytes, as: UTF8.self) == "n=\(value)")
  }

  @Test func growsAndDropsBytes() {
    let buffer = ByteBuffer(capacity: 1)
    for i in 0..<1000 { buffer.append(UInt8(i % 10) + 0x30) }
    buffer.append("héllo")
    #expect(buffer.count == 1006)
    buffer.removeLast(6)
    #expect(Array(buffer.bytes.suffix(3)) == Array("789".utf8))
    buffer.removeAll()
    #expect(buffer.count == 0)
  }
}
