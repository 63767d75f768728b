/// A field of a sampled row: where its text is in the sample, and how it was written.
struct SampleField {
  var range: Range<Int>
  var quoted: Bool
  /// Holds escapes still to undo (doubled quotes or backslashes).
  var escaped: Bool
  /// Text follows its closing quote: the dialect does not fit this field.
  var malformed = false
}

/// A row of the sample under one candidate dialect.
struct SampleRow {
  /// The 1-based line the row starts on, and the one it ends on (quoted line breaks).
  var line: Int
  var endLine: Int
  var fields: [SampleField]
  /// The line starts with the comment character.
  var isComment = false
  /// The whole line, when the fields are columns of a fixed-width table (a preamble line is
  /// read whole, not at the table's columns).
  var lineRange: Range<Int>?

  /// An empty line, a line of only delimiters, of only spaces, or a rule (`-----  ----`).
  func isBlank(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    if fields.allSatisfy({ f in !f.quoted && s[f.range].allSatisfy { $0 == 0x20 || $0 == 0x09 } }) { return true }
    return SampleRows.isRule(fields.lazy.filter { !$0.quoted }.map { s[$0.range] }, count: fields.count)
  }
}

/// Splits a sample of text into rows under a candidate dialect, the way `CSVReader` reads
/// them: LF, CRLF and a lone CR end rows outside quotes, quotes open only at the start of a
/// field (after spaces), and a last row cut off by the end of an incomplete sample is left out.
enum SampleRows {
  static func parse(
    _ s: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quote: UInt8?, escape: TextDialect.Escape,
    comment: UInt8?, complete: Bool, maxRows: Int = 400
  ) -> [SampleRow] {
    var rows: [SampleRow] = []
    var p = 0
    var line = 1
    let n = s.count
    while p < n && rows.count < maxRows {
      let rowLine = line
      var fields: [SampleField] = []
      if let comment, s[p] == comment {
        var q = p
        while q < n && s[q] != 0x0A && s[q] != 0x0D { q += 1 }
        if q >= n && !complete { break }
        fields.append(SampleField(range: p..<q, quoted: false, escaped: false))
        p = skipLineEnd(s, q)
        line += 1
        rows.append(SampleRow(line: rowLine, endLine: rowLine, fields: fields, isComment: true))
        continue
      }
      var cut = false
      rowLoop: while true {
        // A field: spaces then a quote make a quoted field.
        var q = p
        if let quote {
          while q < n && s[q] == 0x20 && delimiter != 0x20 { q += 1 }
          if q < n && s[q] == quote {
            var r = q + 1
            var escaped = false
            var closed = false
            while r < n {
              let b = s[r]
              if escape == .backslash && b == 0x5C {
                escaped = true
                r += 2
                continue
              }
              if b == quote {
                if escape == .doubled && r + 1 < n && s[r + 1] == quote {
                  escaped = true
                  r += 2
                  continue
                }
                closed = true
                break
              }
              if b == 0x0D || (b == 0x0A && (r == 0 || s[r - 1] != 0x0D)) { line += 1 }
              r += 1
            }
            if !closed {
              // Cut by the end of the sample inside a quoted field (a long value): the row
              // counts with the fields it has, the open one included.
              cut = true
              if !complete {
                fields.append(SampleField(range: (q + 1)..<n, quoted: true, escaped: escaped))
                rows.append(SampleRow(line: rowLine, endLine: line, fields: fields))
              }
              break rowLoop
            }
            var field = SampleField(range: (q + 1)..<r, quoted: true, escaped: escaped)
            p = r + 1
            // Spaces up to the delimiter or the line end belong to nothing; other text is a
            // sign of the wrong quote or escape.
            while p < n && s[p] != delimiter && s[p] != 0x0A && s[p] != 0x0D {
              if s[p] != 0x20 && s[p] != 0x09 { field.malformed = true }
              p += 1
            }
            fields.append(field)
          } else {
            q = p
            while q < n && s[q] != delimiter && s[q] != 0x0A && s[q] != 0x0D { q += 1 }
            fields.append(SampleField(range: p..<q, quoted: false, escaped: false))
            p = q
          }
        } else {
          while q < n && s[q] != delimiter && s[q] != 0x0A && s[q] != 0x0D { q += 1 }
          fields.append(SampleField(range: p..<q, quoted: false, escaped: false))
          p = q
        }
        if p >= n {
          if !complete { cut = true }
          break
        }
        if s[p] == delimiter {
          p += 1
          continue
        }
        p = skipLineEnd(s, p)
        line += 1
        break
      }
      if cut { break }
      rows.append(SampleRow(line: rowLine, endLine: line - 1, fields: fields))
    }
    return rows
  }

  /// Fields of only rule characters (`-` `=` `_` `*`, spaces), one of them three long or more: a
  /// line drawn under a header or above a total, no data.
  static func isRule<S: Sequence>(_ fields: S, count: Int) -> Bool where S.Element: Collection, S.Element.Element == UInt8 {
    var long = false
    var seen = 0
    for field in fields {
      seen += 1
      var run = 0
      for b in field {
        if b == UInt8(ascii: "-") || b == UInt8(ascii: "=") || b == UInt8(ascii: "_") || b == UInt8(ascii: "*") {
          run += 1
        } else if b != 0x20 && b != 0x09 {
          return false
        }
      }
      if run >= 3 { long = true }
    }
    return long && seen == count
  }

  /// The offset after the line end at `p` (CRLF, LF or CR).
  static func skipLineEnd(_ s: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int {
    guard p < s.count else { return p }
    if s[p] == 0x0D && p + 1 < s.count && s[p + 1] == 0x0A { return p + 2 }
    return p + 1
  }

  /// The text of a field, its escapes undone and (unless quoted) surrounding spaces trimmed.
  static func text(_ s: UnsafeBufferPointer<UInt8>, _ f: SampleField, quote: UInt8?, escape: TextDialect.Escape) -> String {
    var bytes = Array(s[f.range])
    if f.escaped, let quote {
      var out: [UInt8] = []
      out.reserveCapacity(bytes.count)
      var i = 0
      while i < bytes.count {
        let b = bytes[i]
        if escape == .backslash && b == 0x5C && i + 1 < bytes.count {
          out.append(bytes[i + 1])
          i += 2
          continue
        }
        out.append(b)
        if escape == .doubled && b == quote { i += 1 }
        i += 1
      }
      bytes = out
    }
    let text = String(decoding: bytes, as: UTF8.self)
    return f.quoted ? text : trimmed(text)
  }

  static func trimmed(_ s: String) -> String {
    var sub = Substring(s)
    while let c = sub.first, c == " " || c == "\t" { sub = sub.dropFirst() }
    while let c = sub.last, c == " " || c == "\t" { sub = sub.dropLast() }
    return String(sub)
  }

  /// The physical lines of a sample (without line ends), complete ones only unless `complete`.
  static func lines(_ s: UnsafeBufferPointer<UInt8>, complete: Bool, maxLines: Int = 400) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var p = 0
    while p < s.count && lines.count < maxLines {
      var q = p
      while q < s.count && s[q] != 0x0A && s[q] != 0x0D { q += 1 }
      if q >= s.count && !complete { break }
      lines.append(Array(s[p..<q]))
      p = skipLineEnd(s, q)
    }
    return lines
  }
}
