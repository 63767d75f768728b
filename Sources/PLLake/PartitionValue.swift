import PLCore

/// How a record's partition is found: the UTC day of one of its fields (`--partition-by
/// measured_at:day`).
///
/// A usable value is a string holding an ISO 8601 date (`2026-11-30`) or a date-time with a
/// zone (`2026-11-30T23:10:00Z`, `2026-12-01T00:10:00+01:00`, fraction allowed); a date-time
/// with an offset is moved to UTC first. Anything else (a missing field, null, a number, a
/// date-time without a zone, whose day in UTC cannot be known, a date that does not exist)
/// makes the record refused, with the reason `reason(for:)` gives.
public struct PartitionRule: Equatable, Sendable, CustomStringConvertible {
  public var field: String

  public init(field: String) { self.field = field }

  /// Parses `FIELD:day` (or `FIELD`, day being the only granularity of the lake's layout).
  ///
  /// - Throws: `PLError.usage` for an empty field or another granularity.
  public init(parsing text: String) throws(PLError) {
    var field = text
    if let colon = text.lastIndex(of: ":") {
      let unit = text[text.index(after: colon)...]
      guard unit == "day" else {
        throw .usage("--partition-by \(text): the lake partitions by day (date=YYYY-MM-DD); write FIELD:day")
      }
      field = String(text[..<colon])
    }
    guard !field.isEmpty else { throw .usage("--partition-by needs a field name, as in measured_at:day") }
    self.field = field
  }

  public var description: String { "\(field):day" }

  /// The partition (`date=YYYY-MM-DD`) of `record`, or nil when it has no usable value.
  public func partition(of record: Record) -> String? {
    day(of: record).map { "date=\($0)" }
  }

  /// The UTC day of `record`'s partition field, or nil when it has no usable value.
  public func day(of record: Record) -> LakeDay? {
    guard case .string(let text)? = record[field] else { return nil }
    return PartitionRule.day(of: text)
  }

  /// Why `record` has no usable partition value.
  public func reason(for record: Record) -> RecordIssue {
    let value = record[field]
    let why: String
    switch value {
    case nil: why = "has no \(field) field to partition by"
    case .null?: why = "has a null \(field), so no date to partition by"
    case .string(let s)?:
      why = PartitionRule.looksZoneless(s)
        ? "\(field) \"\(s)\" has no time zone, so its UTC day is unknown"
        : "\(field) \"\(s)\" is not an ISO 8601 date or date-time"
    case let other?: why = "\(field) is \(other.kindName), not an ISO 8601 date"
    }
    return RecordIssue(rule: "partition", field: field, code: "no-partition-value", message: "the record \(why)", value: value)
  }

  /// The UTC day of an ISO 8601 date or zoned date-time.
  public static func day(of text: String) -> LakeDay? {
    var text = text
    return text.withUTF8 { day(of: $0) }
  }

  /// `day(of:)` over the text's UTF-8 bytes, without copying them (it runs once per record).
  static func day(of b: UnsafeBufferPointer<UInt8>) -> LakeDay? {
    guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D, let y = LakeDay.digits(b, 0, 4), let m = LakeDay.digits(b, 5, 2),
      let d = LakeDay.digits(b, 8, 2), let date = LakeDay(year: y, month: m, day: d)
    else { return nil }
    if b.count == 10 { return date }
    guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), b.count >= 16,
      let hour = LakeDay.digits(b, 11, 2), b[13] == UInt8(ascii: ":"), let minute = LakeDay.digits(b, 14, 2),
      hour < 24, minute < 60
    else { return nil }
    var i = 16
    if i < b.count && b[i] == UInt8(ascii: ":") {
      guard i + 3 <= b.count, let second = LakeDay.digits(b, i + 1, 2), second <= 60 else { return nil }
      i += 3
      if i < b.count && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
        i += 1
        let start = i
        while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
        guard i > start else { return nil }
      }
    }
    guard i < b.count else { return nil }  // no zone
    var offsetMinutes = 0
    if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
      i += 1
    } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
      let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
      guard i + 3 <= b.count, let oh = LakeDay.digits(b, i + 1, 2), oh <= 23 else { return nil }
      i += 3
      var om = 0
      if i < b.count && b[i] == UInt8(ascii: ":") { i += 1 }
      if i + 2 <= b.count, let m = LakeDay.digits(b, i, 2) {
        guard m < 60 else { return nil }
        om = m
        i += 2
      }
      offsetMinutes = sign * (oh * 60 + om)
    } else {
      return nil
    }
    guard i == b.count else { return nil }
    let minutes = date.daysSinceEpoch * 1440 + hour * 60 + minute - offsetMinutes
    return LakeDay(daysSinceEpoch: minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440)
  }

  static func looksZoneless(_ text: String) -> Bool {
    let b = Array(text.utf8)
    guard b.count >= 16, LakeDay(text: String(decoding: b[0..<10], as: UTF8.self)) != nil else { return false }
    return !text.hasSuffix("Z") && !text.hasSuffix("z") && !b[10...].contains(UInt8(ascii: "+")) && !b[11...].contains(UInt8(ascii: "-"))
  }
}
