import Foundation
import PLCore
import PLLoad
import PLSQLite
import Testing

/// Loading a line straight from its bytes must store exactly what parsing it first stores.
@Suite struct CompactLineTests {
  /// Lines of every kind of value, shape changes, escapes and `_pl`, with a small sample so
  /// that most lines arrive after the table is set up.
  static let lines: [String] = [
    #"{"id":1,"name":"oat","protein":12.30,"ok":true,"note":null,"tags":["a","b"],"m":{"x":1}}"#,
    #"{"id":2,"name":"pea","protein":7,"ok":false,"note":"n.d.","tags":[],"m":{}}"#,
    #"{"id":3,"name":"µg/100 g","protein":1e3,"ok":true,"note":"<0.05","tags":[1],"m":{"y":[null]}}"#,
    #"{"id":9223372036854775807,"name":"big","protein":-0.0,"ok":false,"note":"","tags":[true],"m":{"z":"q"}}"#,
    #"{"id":5,"name":"quote \"inside\"","protein":0.1,"ok":true,"note":"tab\there","tags":[],"m":{}}"#,
    #"{"id":6,"name":"slash \/ escaped","protein":2.50,"ok":true,"note":"x","tags":[],"m":{}}"#,
    #"{"name":"reordered","id":7,"protein":3,"ok":true,"note":"x","tags":[],"m":{}}"#,
    #"{"id":8,"name":"meta","protein":4.25,"ok":true,"note":"x","tags":[],"m":{},"_pl":{"source":"a.csv","line":9}}"#,
    #"{"id":9,"name":"meta first","protein":4,"ok":true,"note":"x","tags":[],"m":{},"_pl":{"line":10,"note":"é"}}"#,
    #"{"id":10,"name":"fewer"}"#,
    #"{"id":11,"name":"new key","extra":"late","protein":"~12.5","ok":1}"#,
    #"{"id":"A-012","name":"text into integer","protein":"n.d.","ok":"yes","note":5,"tags":"[]","m":"{}"}"#,
    #"{"id":13,"name":"spaced", "protein": 1.5}"#,
    #"{"id":14,"name":"again","protein":1.125,"ok":true,"note":"x","tags":[],"m":{}}"#,
  ]

  /// Writes the lines to an NDJSON file and loads it with the loader (which takes the
  /// compact path wherever it can) or record by record.
  func load(viaLoader: Bool, includeMeta: Bool, detectTypes: Bool, sample: Int, in dir: TemporaryDirectory) throws -> String {
    let database = dir.file(viaLoader ? "loader.sqlite" : "records.sqlite")
    let options = LoadOptions(includeMeta: includeMeta, detectTypes: detectTypes, inferenceSample: sample)
    if viaLoader {
      let input = dir.file("lines.ndjson")
      try (Self.lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
      _ = try Loader(plan: LoadPlan(target: .sqlite(path: database), table: "t", inputs: [input], options: options)).run(observer: nil)
    } else {
      let sink = try SQLiteSink(databasePath: database, table: "t", options: options)
      for line in Self.lines { try sink.write(try JSONParser.parseRecord(line)) }
      try sink.finish()
    }
    return database
  }

  /// Every row, every column, with its storage class, as text.
  func dump(_ database: String) throws -> [String] {
    let connection = try SQLiteConnection(path: database, readOnly: true)
    let columns = try connection.columns(of: "t").map(\.name)
    let select = columns.map { c in
      let q = SQLiteConnection.quoteIdentifier(c)
      return "typeof(\(q)) || ':' || coalesce(quote(\(q)), '')"
    }.joined(separator: " || '|' || ")
    return try connection.rows("SELECT \(select) FROM t ORDER BY rowid").map { row in
      row.map { value -> String in if case .text(let t) = value { return t } else { return "\(value)" } }.joined()
    }
  }

  @Test(arguments: [(true, false, 1), (false, false, 1), (true, true, 2), (false, true, 1000)])
  func compactLinesStoreWhatParsedRecordsStore(includeMeta: Bool, detectTypes: Bool, sample: Int) throws {
    let dir = try TemporaryDirectory()
    let viaLoader = try dump(load(viaLoader: true, includeMeta: includeMeta, detectTypes: detectTypes, sample: sample, in: dir))
    let viaRecords = try dump(load(viaLoader: false, includeMeta: includeMeta, detectTypes: detectTypes, sample: sample, in: dir))
    #expect(viaLoader.count == Self.lines.count)
    #expect(viaLoader == viaRecords)
  }

  @Test func aFailingCompactLineRollsTheLoadBack() throws {
    let dir = try TemporaryDirectory()
    let database = dir.file("strict.sqlite")
    let setup = try SQLiteConnection(path: database)
    try setup.execute("CREATE TABLE t (id INTEGER NOT NULL, name TEXT)")
    try setup.execute("INSERT INTO t VALUES (0, 'kept')")
    let input = dir.file("lines.ndjson")
    try "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n{\"id\":null,\"name\":\"c\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
    #expect(throws: PLError.self) {
      _ = try Loader(plan: LoadPlan(target: .sqlite(path: database), table: "t", inputs: [input], options: LoadOptions(inferenceSample: 1))).run(observer: nil)
    }
    #expect(try setup.rows("SELECT count(*), group_concat(name) FROM t") == [[.integer(1), .text("kept")]])
  }

  /// As a `CompactLineSink`, the sink takes lines through `write(line:)` once the table is set
  /// up and the line has the last record's keys, and declines the rest.
  @Test func takesLinesAsACompactLineSink() throws {
    let dir = try TemporaryDirectory()
    let database = dir.file("stage.sqlite")
    let sink: any CompactLineSink = try SQLiteSink(databasePath: database, table: "t", options: LoadOptions(inferenceSample: 1))
    #expect(sink.wantsMembers)
    func write(_ text: String) throws -> Bool {
      var bytes = Array(text.utf8)
      return try bytes.withUnsafeMutableBufferPointer { buffer throws -> Bool in
        let line = UnsafeBufferPointer(buffer)
        var members: [RawMember] = []
        let scan = try #require(JSONScanner.scanCompact(line, members: &members))
        return try members.withUnsafeBufferPointer { found throws -> Bool in
          try sink.write(line: CompactLine(bytes: line, metaMember: scan.metaMember, members: found))
        }
      }
    }
    #expect(try !write(#"{"a":1,"b":"x"}"#))  // the table is not set up yet
    try sink.write(try JSONParser.parseRecord(#"{"a":1,"b":"x"}"#))
    #expect(try write(#"{"a":2,"b":"y","_pl":{"line":2}}"#))
    #expect(try !write(#"{"b":"z","a":3}"#))  // another shape
    try sink.finish()
    #expect(try query(database, "SELECT a, b, _pl FROM t ORDER BY rowid") == [
      [.integer(1), .text("x"), .null], [.integer(2), .text("y"), .text(#"{"line":2}"#)],
    ])
  }
}
