import Foundation

/// A line diff of two outputs in the unified format (`-` expected, `+` actual), for failure
/// messages that show what changed instead of two walls of text.
///
/// Lines are shown so that differences a terminal hides stay visible: control characters and
/// bytes that are not UTF-8 are escaped (`\r`, `\u{0}`, `\xFF`), very long lines are cut, and a
/// missing final newline is said. Inputs too long to align are shown from the first difference.
enum TextDiff {
  /// The diff of `expected` and `actual`; empty when the bytes are equal.
  static func unified(expected: Data, actual: Data, expectedLabel: String, actualLabel: String, context: Int = 3) -> String {
    guard expected != actual else { return "" }
    let old = lines(of: expected)
    let new = lines(of: actual)
    var out = ["--- \(expectedLabel)", "+++ \(actualLabel)"]

    // Common head and tail need no alignment.
    var head = 0
    while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
    var tail = 0
    while tail < old.count - head, tail < new.count - head, old[old.count - 1 - tail] == new[new.count - 1 - tail] { tail += 1 }
    let oldMiddle = Array(old[head..<(old.count - tail)])
    let newMiddle = Array(new[head..<(new.count - tail)])

    var edits: [Edit] = old[..<head].map { .same($0) }
    if oldMiddle.count * newMiddle.count <= 4_000_000 {
      edits += align(oldMiddle, newMiddle)
    } else {
      edits += oldMiddle.map { .removed($0) } + newMiddle.map { .added($0) }
    }
    edits += old[(old.count - tail)...].map { .same($0) }
    out += hunks(edits, context: context)
    if out.count > maxLines + 2 {
      out = Array(out.prefix(maxLines + 2)) + ["… \(out.count - maxLines - 2) more lines of diff"]
    }
    return out.joined(separator: "\n")
  }

  static let maxLines = 200
  static let maxLineBytes = 300

  /// One line as bytes; `terminated` is false for a last line without a newline.
  struct Line: Equatable {
    var bytes: ArraySlice<UInt8>
    var terminated: Bool
  }

  enum Edit {
    case same(Line), removed(Line), added(Line)
  }

  static func lines(of data: Data) -> [Line] {
    let bytes = [UInt8](data)
    var result: [Line] = []
    var start = 0
    for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
      result.append(Line(bytes: bytes[start..<i], terminated: true))
      start = i + 1
    }
    if start < bytes.count { result.append(Line(bytes: bytes[start...], terminated: false)) }
    return result
  }

  /// A shortest edit script by longest common subsequence (the middle parts are small).
  static func align(_ old: [Line], _ new: [Line]) -> [Edit] {
    let n = old.count, m = new.count
    // lcs[i][j]: length of the longest common subsequence of old[i...] and new[j...].
    var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
      for j in stride(from: m - 1, through: 0, by: -1) {
        lcs[i][j] = old[i] == new[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
      }
    }
    var edits: [Edit] = []
    var i = 0, j = 0
    while i < n || j < m {
      if i < n, j < m, old[i] == new[j] {
        edits.append(.same(old[i])); i += 1; j += 1
      } else if j < m, i == n || lcs[i][j + 1] > lcs[i + 1][j] {
        edits.append(.added(new[j])); j += 1
      } else {
        edits.append(.removed(old[i])); i += 1
      }
    }
    return edits
  }

  /// The edits as `@@` hunks with `context` unchanged lines around each change.
  static func hunks(_ edits: [Edit], context: Int) -> [String] {
    let changed = edits.indices.filter { if case .same = edits[$0] { return false } else { return true } }
    guard !changed.isEmpty else { return [] }
    // Group changes whose context overlaps.
    var groups: [ClosedRange<Int>] = []
    for index in changed {
      let range = max(0, index - context)...min(edits.count - 1, index + context)
      if let last = groups.last, range.lowerBound <= last.upperBound + 1 {
        groups[groups.count - 1] = last.lowerBound...range.upperBound
      } else {
        groups.append(range)
      }
    }
    var out: [String] = []
    for group in groups {
      // Line numbers (from 1) of the hunk's first line on each side.
      var oldLine = 1, newLine = 1
      for edit in edits[..<group.lowerBound] {
        switch edit {
        case .same: oldLine += 1; newLine += 1
        case .removed: oldLine += 1
        case .added: newLine += 1
        }
      }
      var oldCount = 0, newCount = 0
      var body: [String] = []
      for edit in edits[group] {
        switch edit {
        case .same(let line): oldCount += 1; newCount += 1; body += show(" ", line)
        case .removed(let line): oldCount += 1; body += show("-", line)
        case .added(let line): newCount += 1; body += show("+", line)
        }
      }
      // An empty side is numbered by the line before it, as diff does.
      out.append("@@ -\(oldCount == 0 ? oldLine - 1 : oldLine),\(oldCount) +\(newCount == 0 ? newLine - 1 : newLine),\(newCount) @@")
      out += body
    }
    return out
  }

  static func show(_ mark: String, _ line: Line) -> [String] {
    var text = mark + visible(line.bytes.prefix(maxLineBytes))
    if line.bytes.count > maxLineBytes { text += "… (\(line.bytes.count - maxLineBytes) more bytes)" }
    return line.terminated ? [text] : [text, "\\ No newline at end"]
  }

  /// `bytes` as text with control characters and invalid UTF-8 escaped.
  static func visible(_ bytes: ArraySlice<UInt8>) -> String {
    var out = ""
    var index = bytes.startIndex
    while index < bytes.endIndex {
      // Decode one scalar; a byte that does not start a valid one is shown as \xNN.
      let length = scalarLength(bytes[index])
      let end = index + length
      if length > 0, end <= bytes.endIndex, let scalar = String(validating: bytes[index..<end], as: UTF8.self)?.unicodeScalars.first {
        switch scalar {
        case "\t": out += "\t"
        case "\r": out += "\\r"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value):
          out += "\\u{\(String(scalar.value, radix: 16))}"
        default: out.unicodeScalars.append(scalar)
        }
        index = end
      } else {
        out += "\\x" + String(bytes[index], radix: 16, uppercase: true).leftPadded(to: 2)
        index += 1
      }
    }
    return out
  }

  static func scalarLength(_ first: UInt8) -> Int {
    switch first {
    case 0x00..<0x80: 1
    case 0xC2..<0xE0: 2
    case 0xE0..<0xF0: 3
    case 0xF0..<0xF5: 4
    default: 0
    }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
