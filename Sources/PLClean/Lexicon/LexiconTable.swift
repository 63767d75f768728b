/// The rows of one of the lexicon's embedded CSV files: comma-separated, fields in double quotes when
/// they hold a comma, lines starting with `#` are comments, the first other line names the columns.
///
/// The files are part of the program, so a malformed line is not the user's error: it is kept in
/// `problems` (a test asserts there are none) and skipped.
struct LexiconTable {
  var columns: [String] = []
  var rows: [[String]] = []
  var problems: [String] = []

  init(name: String, bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    var lineNumber = 0
    for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
      lineNumber += 1
      var line = rawLine
      if line.hasSuffix("\r") { line = line.dropLast() }
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let fields = Self.fields(line) else {
        problems.append("\(name): line \(lineNumber): unbalanced quotes")
        continue
      }
      if columns.isEmpty {
        columns = fields
        continue
      }
      guard fields.count == columns.count else {
        problems.append("\(name): line \(lineNumber): \(fields.count) fields, expected \(columns.count)")
        continue
      }
      rows.append(fields)
    }
  }

  /// The index of the column called `name`.
  func column(_ name: String) -> Int? { columns.firstIndex(of: name) }

  /// The '|'-separated terms of a cell, trimmed, without empty ones.
  static func terms(_ cell: String) -> [String] {
    cell.split(separator: "|").map { String($0.trimmingWhitespace()) }.filter { !$0.isEmpty }
  }

  private static func fields(_ line: Substring) -> [String]? {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var index = line.startIndex
    while index < line.endIndex {
      let ch = line[index]
      if quoted {
        if ch == "\"" {
          let next = line.index(after: index)
          if next < line.endIndex && line[next] == "\"" {
            field.append("\"")
            index = next
          } else {
            quoted = false
          }
        } else {
          field.append(ch)
        }
      } else if ch == "\"" && field.isEmpty {
        quoted = true
      } else if ch == "," {
        fields.append(field)
        field = ""
      } else {
        field.append(ch)
      }
      index = line.index(after: index)
    }
    if quoted { return nil }
    fields.append(field)
    return fields
  }
}
