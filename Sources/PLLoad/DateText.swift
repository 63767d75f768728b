/// Recognises the ISO 8601 texts a loader may store as dates and instants.
///
/// Only forms that mean one thing everywhere count: a calendar date `YYYY-MM-DD`, and a date
/// and time (`T` or one space between them; minutes, optional seconds and fraction) with `Z` or
/// an offset (`+02:00`, `+0200`, `+02`). A date-time without a zone (`2024-03-04T10:00`) is
/// not an instant: which one it means depends on where it was written, so it stays text.
/// Whether the date exists (`2024-02-30`) is the database's to say.
enum DateText {
  /// True for `YYYY-MM-DD`.
  static func isDate(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    text.count == 10 && isDatePart(text)
  }

  /// True for an ISO 8601 date and time with `Z` or a UTC offset.
  static func isZonedDateTime(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    // YYYY-MM-DDTHH:MM is 16 bytes, and a zone at least one more.
    guard text.count >= 17, isDatePart(text), text[10] == UInt8(ascii: "T") || text[10] == UInt8(ascii: " ") else { return false }
    var i = 11
    guard digits(text, at: i, count: 2), text[i + 2] == UInt8(ascii: ":"), digits(text, at: i + 3, count: 2) else { return false }
    i += 5
    if i < text.count, text[i] == UInt8(ascii: ":") {
      guard digits(text, at: i + 1, count: 2) else { return false }
      i += 3
      if i < text.count, text[i] == UInt8(ascii: ".") || text[i] == UInt8(ascii: ",") {
        i += 1
        let start = i
        while i < text.count, isDigit(text[i]) { i += 1 }
        guard i > start else { return false }
      }
    }
    guard i < text.count else { return false }
    if text[i] == UInt8(ascii: "Z") || text[i] == UInt8(ascii: "z") { return i + 1 == text.count }
    guard text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-"), digits(text, at: i + 1, count: 2) else { return false }
    i += 3
    if i == text.count { return true }
    if text[i] == UInt8(ascii: ":") { i += 1 }
    return i + 2 == text.count && digits(text, at: i, count: 2)
  }

  static func isDate(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { isDate($0) }
  }

  static func isZonedDateTime(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { isZonedDateTime($0) }
  }

  private static func isDatePart(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    text.count >= 10 && digits(text, at: 0, count: 4) && text[4] == UInt8(ascii: "-") && digits(text, at: 5, count: 2)
      && text[7] == UInt8(ascii: "-") && digits(text, at: 8, count: 2)
  }

  @inline(__always)
  private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

  private static func digits(_ text: UnsafeBufferPointer<UInt8>, at start: Int, count: Int) -> Bool {
    guard start >= 0, start + count <= text.count else { return false }
    for i in start..<(start + count) where !isDigit(text[i]) { return false }
    return true
  }
}
