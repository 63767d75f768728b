import PLCore

// The spreadsheet readers (XLSX and ODS) turn a workbook into records, one table per sheet:
//
//   SpreadsheetReader ── XLSXWorkbook (the small parts: sheets, styles, shared strings, merges)
//        │             └─ XLSXSheetRows (one worksheet part, streamed)
//        │             ── ODSSheetRows (content.xml, streamed, every table in turn)
//        └─ SheetTable: rows of cells → header, preamble meta, records with `_pl.sheet`/`row`
//
// This file holds what both formats share about a cell's text: numbers written with their
// shortest exact text, serial dates and times in ISO 8601, and cell addresses.

/// How a cell's number is shown, as far as its text in a record is concerned.
enum NumberDisplay: Equatable, Sendable {
  /// A plain number (`General`, `0.00`, `0%`, currency): its shortest exact text.
  case number
  /// A calendar date; with `time` a date and time.
  case date(time: Bool)
  /// A time of day.
  case time
  /// A duration in hours (`[h]:mm:ss`), which may pass 24.
  case elapsed

  /// What a built-in number format id of SpreadsheetML shows (ECMA-376 Part 1, 18.8.30):
  /// 14–17 dates, 18–21 times, 22 a date and time, 45 and 47 minutes and seconds, 46
  /// elapsed hours; 27–36 and 50–58, the East Asian locales' date formats, are dates too.
  static func builtIn(_ id: Int) -> NumberDisplay {
    switch id {
    case 14...17, 27...31, 34...36, 50...58: .date(time: false)
    case 18...21, 32, 33, 45, 47: .time
    case 22: .date(time: true)
    case 46: .elapsed
    default: .number
    }
  }

  /// What a format code shows (`yyyy-mm-dd`, `dd.mm.yyyy hh:mm`, `0.00" mg"`).
  ///
  /// Only the first section (before `;`) counts. Quoted text, `\x` escapes, `_x` and `*x`
  /// paddings and bracketed parts (`[Red]`, `[$-407]`) say nothing; `[h]`, `[m]` and `[s]`
  /// are elapsed time. Of the letters left, `y` and `d` are dates, `h` and `s` times, and `m`
  /// a month unless it stands with `h` or `s` (then minutes).
  static func of(code: String) -> NumberDisplay {
    var date = false
    var time = false
    var elapsed = false
    var month = false
    var chars = code.unicodeScalars.makeIterator()
    scan: while let c = chars.next() {
      switch c {
      case "\"":
        while let q = chars.next(), q != "\"" {}
      case "\\", "_", "*":
        _ = chars.next()
      case "[":
        var inside = ""
        while let q = chars.next(), q != "]" { inside.unicodeScalars.append(q) }
        let lower = inside.lowercased()
        if !lower.isEmpty && lower.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) { elapsed = true }
      case ";":
        break scan
      case "y", "Y", "d", "D":
        date = true
      case "h", "H", "s", "S":
        time = true
      case "m", "M":
        month = true
      default:
        break
      }
    }
    if elapsed { return .elapsed }
    // `m` with hours or seconds is minutes; alone, or with years and days, a month.
    if month && !time { date = true }
    switch (date, time) {
    case (true, let t): return .date(time: t)
    case (false, true): return .time
    default: return .number
    }
  }

  var isNumber: Bool { self == .number }
}

enum CellText {
  /// The shortest text of the number a cell stores as `text` (its decimal text as written).
  ///
  /// Writers store a double's text: Excel and LibreOffice the shortest one (`12.3`), others
  /// 17 digits (`12.300000000000001`) or a float's `45.0`. All of these become the shortest
  /// text that reads back as the same double, written out without an exponent (`45`, `12.3`,
  /// `0.00001`); text that is not a number, or whose plain form would pass 30 digits, stays
  /// as written.
  static func number(_ text: String) -> String {
    var utf8 = text.utf8
    // The common case, fast: up to 15 significant digits in plain form are already the
    // shortest text of their double, once trailing zeros of the fraction are gone.
    var digits = 0
    var leadingZeros = true
    var sawDot = false
    var plain = !utf8.isEmpty
    var index = 0
    for b in utf8 {
      if b >= 0x30 && b <= 0x39 {
        if b != 0x30 || !leadingZeros {
          leadingZeros = false
          digits += 1
        }
      } else if b == UInt8(ascii: ".") && !sawDot {
        sawDot = true
      } else if b == UInt8(ascii: "-") && index == 0 {
      } else {
        plain = false
        break
      }
      index += 1
    }
    if plain && digits <= 15 {
      guard sawDot else { return text == "-0" ? "0" : text }
      // Nothing to drop or add: returned as it is, without a copy.
      if let last = utf8.last, last != UInt8(ascii: "0"), last != UInt8(ascii: "."), utf8.first != UInt8(ascii: "."),
        !text.hasPrefix("-.")
      {
        return text
      }
      var bytes = Array(utf8)
      while bytes.last == UInt8(ascii: "0") { bytes.removeLast() }
      if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
      if bytes.isEmpty || bytes == [UInt8(ascii: "-")] || bytes == [UInt8(ascii: "-"), UInt8(ascii: "0")] { return "0" }
      if bytes.first == UInt8(ascii: ".") { bytes.insert(UInt8(ascii: "0"), at: 0) }
      if bytes.count >= 2 && bytes[0] == UInt8(ascii: "-") && bytes[1] == UInt8(ascii: ".") { bytes.insert(UInt8(ascii: "0"), at: 1) }
      return String(decoding: bytes, as: UTF8.self)
    }
    guard let value = Double(text), value.isFinite else { return text }
    if value == 0 { return "0" }
    let shortest = plainDecimal("\(value)")
    utf8 = shortest.utf8
    return utf8.count <= 32 ? shortest : text
  }

  /// Swift's shortest text of a double (`1e-05`, `12.3`, `45383.0`, `1.5e+20`) without an
  /// exponent and without a fraction of zeros.
  static func plainDecimal(_ description: String) -> String {
    var mantissa = Substring(description)
    var exponent = 0
    if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = description[..<e]
      exponent = Int(description[description.index(after: e)...]) ?? 0
    }
    var negative = false
    if mantissa.first == "-" {
      negative = true
      mantissa = mantissa.dropFirst()
    }
    var intPart = Array(mantissa.prefix { $0 != "." }.utf8)
    var fracPart: [UInt8] = mantissa.firstIndex(of: ".").map { Array(mantissa[mantissa.index(after: $0)...].utf8) } ?? []
    // Move the point by the exponent.
    if exponent > 0 {
      let moved = min(exponent, fracPart.count)
      intPart += fracPart.prefix(moved)
      fracPart.removeFirst(moved)
      intPart += [UInt8](repeating: UInt8(ascii: "0"), count: exponent - moved)
    } else if exponent < 0 {
      let moved = min(-exponent, intPart.count)
      fracPart = Array(intPart.suffix(moved)) + fracPart
      intPart.removeLast(moved)
      fracPart = [UInt8](repeating: UInt8(ascii: "0"), count: -exponent - moved) + fracPart
    }
    while intPart.count > 1 && intPart.first == UInt8(ascii: "0") { intPart.removeFirst() }
    if intPart.isEmpty { intPart = [UInt8(ascii: "0")] }
    while fracPart.last == UInt8(ascii: "0") { fracPart.removeLast() }
    var out = negative ? "-" : ""
    out += String(decoding: intPart, as: UTF8.self)
    if !fracPart.isEmpty { out += "." + String(decoding: fracPart, as: UTF8.self) }
    return out
  }

  /// The ISO 8601 text of a serial date-time as `display` shows it, in the 1900 or the 1904
  /// date system; nil when `text` is not a number or out of the years 1900–9999.
  ///
  /// A date with a time of day other than midnight keeps its time, and a time with a date
  /// keeps its date, so that nothing the cell holds is lost to its format. Times are rounded
  /// to the millisecond (serials carry binary noise), written with `.mmm` only when not whole.
  /// In the 1900 system serial 60 is Excel's 29 February 1900, which never was: it is written
  /// as `1900-02-29` all the same, as Excel shows it.
  static func serial(_ text: String, display: NumberDisplay, date1904: Bool) -> String? {
    guard let value = Double(text), value.isFinite, value >= 0, value < 2_958_466 else { return nil }
    var milliseconds = Int64((value * 86_400_000).rounded())
    if display == .elapsed {
      return clock(milliseconds, elapsed: true)
    }
    let days = milliseconds / 86_400_000
    milliseconds %= 86_400_000
    let hasTime = milliseconds != 0
    let hasDate = days != 0
    var showDate: Bool
    var showTime: Bool
    switch display {
    case .date(let time):
      showDate = true
      showTime = time || hasTime
    case .time:
      showDate = hasDate
      showTime = true
    default:
      showDate = true
      showTime = hasTime
    }
    var dateText = ""
    if showDate {
      let (y, m, d): (Int, Int, Int)
      if date1904 {
        (y, m, d) = CivilCalendar.civil(fromDays: Int(days) + daysFrom1970To1904)
      } else if days == 60 {
        (y, m, d) = (1900, 2, 29)
      } else {
        (y, m, d) = CivilCalendar.civil(fromDays: Int(days < 60 ? days + 1 : days) + daysFrom1970To1899_12_30)  // before Excel's phantom 29 February, one day on
      }
      if days == 0 && !date1904 {
        // Serial 0 shows as 1900-01-00 in Excel: a time without a date.
        showDate = false
        showTime = true
      } else {
        guard y >= 1900 && y <= 9999 else { return nil }
        dateText = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
      }
    }
    switch (showDate, showTime) {
    case (true, true): return dateText + "T" + clock(milliseconds, elapsed: false)
    case (true, false): return dateText
    default: return clock(milliseconds, elapsed: false)
    }
  }

  /// Days from 1970-01-01 to 1899-12-30 (the 1900 system's day 0 past February 1900) and to
  /// 1904-01-01 (the 1904 system's day 0).
  static let daysFrom1970To1899_12_30 = -25569
  static let daysFrom1970To1904 = -24107

  /// `HH:MM:SS` (hours past 24 for elapsed time), with `.mmm` when not a whole second.
  static func clock(_ totalMilliseconds: Int64, elapsed: Bool) -> String {
    let ms = Int(totalMilliseconds % 1000)
    let seconds = Int(totalMilliseconds / 1000)
    let h = seconds / 3600
    let m = (seconds / 60) % 60
    let s = seconds % 60
    var text = pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2)
    if ms != 0 { text += "." + pad(ms, 3) }
    return text
  }

  static func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }

  /// An ODS time value (`PT09H15M00S`, `PT33H05M01.5S`) as `HH:MM:SS`; nil when it is not one.
  static func isoDuration(_ text: String) -> String? {
    guard text.hasPrefix("PT") || text.hasPrefix("-PT") || text.hasPrefix("P") else { return nil }
    var hours = 0.0
    var minutes = 0.0
    var seconds = 0.0
    var days = 0.0
    var number = ""
    var inTime = false
    for c in text where c != "-" {
      switch c {
      case "P": continue
      case "T": inTime = true
      case "D": days = Double(number) ?? 0; number = ""
      case "H": hours = Double(number) ?? 0; number = ""
      case "M" where inTime: minutes = Double(number) ?? 0; number = ""
      case "S": seconds = Double(number) ?? 0; number = ""
      case "0"..."9", ".", ",": number.append(c == "," ? "." : c)
      default: return nil
      }
    }
    let total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    return clock(Int64((total * 1000).rounded()), elapsed: true)
  }

  /// The 0-based column of letters `A`…`XFD`; nil for anything else.
  static func column(letters: Substring.UTF8View) -> Int? {
    var n = 0
    for b in letters {
      let upper = b & ~0x20
      guard upper >= UInt8(ascii: "A") && upper <= UInt8(ascii: "Z") else { return nil }
      n = n * 26 + Int(upper - UInt8(ascii: "A")) + 1
      if n > maxColumns { return nil }
    }
    return n == 0 ? nil : n - 1
  }

  /// `A`, `Z`, `AA`, `XFD` for a 0-based column.
  static func letters(column: Int) -> String {
    var n = column + 1
    var scalars: [UInt8] = []
    while n > 0 {
      let r = (n - 1) % 26
      scalars.append(UInt8(ascii: "A") + UInt8(r))
      n = (n - 1) / 26
    }
    return String(decoding: scalars.reversed(), as: UTF8.self)
  }

  /// A cell reference `B7` (or `$B$7`) as (0-based column, 1-based row); nil when it is not one.
  static func reference(_ ref: Substring) -> (column: Int, row: Int)? {
    var column = 0
    var row = 0
    var letters = 0
    var digits = 0
    for b in ref.utf8 {
      if b == UInt8(ascii: "$") { continue }
      if b >= 0x30 && b <= 0x39 {
        guard letters > 0 else { return nil }
        row = row * 10 + Int(b - 0x30)
        digits += 1
        if row > maxRows { return nil }
      } else {
        let upper = b & ~0x20
        guard digits == 0, upper >= UInt8(ascii: "A"), upper <= UInt8(ascii: "Z") else { return nil }
        column = column * 26 + Int(upper - UInt8(ascii: "A")) + 1
        letters += 1
        if column > maxColumns { return nil }
      }
    }
    guard letters > 0, digits > 0, row >= 1 else { return nil }
    return (column - 1, row)
  }

  /// The most columns and rows a sheet has in Excel (XFD and 1,048,576), and what this reader
  /// accepts from any workbook.
  static let maxColumns = 16_384
  static let maxRows = 1_048_576

  /// Text of SpreadsheetML with its `_xHHHH_` escapes undone (`_x000D_` is a carriage return,
  /// `_x005F_` an underscore that would otherwise start an escape).
  static func unescapeOOXML(_ text: String) -> String {
    var previous: UInt8 = 0
    var escaped = false
    for b in text.utf8 {
      if previous == UInt8(ascii: "_") && b == UInt8(ascii: "x") {
        escaped = true
        break
      }
      previous = b
    }
    guard escaped else { return text }
    let scalars = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < scalars.count {
      // `_xHHHH_`: seven scalars.
      if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_",
        let code = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])), radix: 16), let scalar = Unicode.Scalar(code)
      {
        out.append(scalar)
        i += 7
      } else {
        out.append(scalars[i])
        i += 1
      }
    }
    return String(out)
  }
}

/// A rectangle of cells, 0-based columns and 1-based rows, both ends included (`A1:C2`).
struct CellRange: Equatable, Hashable, Sendable {
  var firstColumn: Int
  var firstRow: Int
  var lastColumn: Int
  var lastRow: Int

  /// Parses `A1:C2` (or a single `B4`); nil when it is not a range.
  init?(_ text: String) {
    let parts = text.split(separator: ":")
    guard parts.count == 1 || parts.count == 2, let a = CellText.reference(parts[0]),
      let b = parts.count == 2 ? CellText.reference(parts[1]) : a
    else { return nil }
    firstColumn = min(a.column, b.column)
    lastColumn = max(a.column, b.column)
    firstRow = min(a.row, b.row)
    lastRow = max(a.row, b.row)
  }

  init(firstColumn: Int, firstRow: Int, lastColumn: Int, lastRow: Int) {
    self.firstColumn = firstColumn
    self.firstRow = firstRow
    self.lastColumn = lastColumn
    self.lastRow = lastRow
  }

  var text: String {
    CellText.letters(column: firstColumn) + String(firstRow) + ":" + CellText.letters(column: lastColumn) + String(lastRow)
  }
}

extension Character {
  var isASCIIDigitCharacter: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
