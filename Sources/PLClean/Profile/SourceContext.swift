import Foundation
import PLCore

/// What one source (a file, an archive or mail member) says about itself: its name, the
/// preamble key/values pl-extract put into `_pl.meta`, and the time zone its naive times are in.
struct SourceContext {
  /// `_pl.source`, or empty when the records carry none.
  var source: String
  /// `_pl.meta` as printed, keys in order.
  var meta: [(key: String, value: String)]
  /// The zone of naive times, and where it came from.
  var zone: TimeZone
  var zoneOrigin: ZoneOrigin

  enum ZoneOrigin: Equatable {
    /// A zone or offset printed in the source's preamble.
    case meta(String)
    /// The `timezone:` of the spec, or `--tz`.
    case setting
    /// Nothing said: naive times are read as UTC, each with a note.
    case assumedUTC
  }

  init(record: Record, timezone: TimeZone?) {
    source = record.meta[key: MetaKey.source]?.stringValue ?? ""
    var pairs: [(String, String)] = []
    if case .object(let fields)? = record.meta[key: "meta"] {
      for f in fields {
        switch f.value {
        case .string(let s): pairs.append((f.key, s))
        case .number(let n): pairs.append((f.key, n))
        default: continue
        }
      }
    }
    meta = pairs
    if let (zone, text) = Self.metaZone(pairs) {
      self.zone = zone
      zoneOrigin = .meta(text)
    } else if let timezone {
      zone = timezone
      zoneOrigin = .setting
    } else {
      zone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
      zoneOrigin = .assumedUTC
    }
  }

  /// The last part of a meta key (`Run.id` → `id`), folded for comparison.
  static func fold(_ key: String) -> String {
    let last = key.split(separator: ".").last.map(String.init) ?? key
    return last.lowercased().filter { $0.isLetter || $0.isNumber }
  }

  /// The first meta value whose key, folded, is one of `keys` (also as a whole dotted key).
  func value(_ keys: Set<String>) -> String? {
    for (key, value) in meta {
      let whole = key.lowercased().filter { $0.isLetter || $0.isNumber }
      if keys.contains(Self.fold(key)) || keys.contains(whole) {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty { return trimmed }
      }
    }
    return nil
  }

  static let zoneKeys: Set<String> = ["timezone", "tz", "zone", "zeitzone", "fuseauhoraire", "tijdzone", "utcoffset", "offset"]

  /// A zone printed in the preamble: `UTC+01:00`, `+02:00`, `GMT-5`, `Europe/Amsterdam (local time)`.
  static func metaZone(_ meta: [(key: String, value: String)]) -> (TimeZone, String)? {
    for (key, value) in meta where zoneKeys.contains(fold(key)) {
      if let zone = zone(from: value) { return (zone, value) }
    }
    return nil
  }

  static func zone(from text: String) -> TimeZone? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let first = trimmed.split(separator: " ").first, first.contains("/"), let zone = TimeZone(identifier: String(first)) {
      return zone
    }
    var rest = Substring(trimmed)
    for prefix in ["UTC", "GMT", "utc", "gmt"] where rest.hasPrefix(prefix) { rest = rest.dropFirst(prefix.count) }
    rest = rest.prefix { !$0.isWhitespace }
    if rest.isEmpty { return trimmed.uppercased().hasPrefix("UTC") || trimmed.uppercased().hasPrefix("GMT") ? TimeZone(secondsFromGMT: 0) : nil }
    guard let sign = rest.first, sign == "+" || sign == "-" || sign == "\u{2212}" else { return nil }
    let digits = rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
    var hours = 0, minutes = 0
    if digits.count == 1, let d = Int(digits[0]) {
      if digits[0].count <= 2 { hours = d } else { hours = d / 100; minutes = d % 100 }
    } else if digits.count == 2, let h = Int(digits[0]), let m = Int(digits[1]) {
      hours = h
      minutes = m
    } else {
      return nil
    }
    guard hours <= 14, minutes < 60 else { return nil }
    let seconds = (hours * 3600 + minutes * 60) * (sign == "+" ? 1 : -1)
    return TimeZone(secondsFromGMT: seconds)
  }

  /// The date the preamble gives (`Date: 09.04.2024`), for logs of times of day.
  func date(order: DateOrder?) -> CivilDate? {
    guard let text = value(["date", "datum", "startdate", "start", "rundate", "logdate", "day"]) else { return nil }
    var parser = TimestampParser(order: order ?? .dmy)
    switch parser.parse(text)?.value {
    case .date(let d)?: return d
    case .local(let d, _)?: return d
    case .instant(let i)?: return CivilDate(daysSinceEpoch: Int((i.seconds + Int64(zone.secondsFromGMT())) / 86400))
    default: return nil
    }
  }

  /// A run or trial id: the first word of `Trial:`, `Run id:`, `Run:`, `Batch:`.
  var runID: String? {
    guard let text = value(["id", "runid", "run", "trial", "trialid", "versuch", "charge", "batch", "lauf"]) else { return nil }
    return text.split(whereSeparator: \.isWhitespace).first.map(String.init)
  }

  var method: String? { value(["method", "methode", "methods", "methodreference", "prufverfahren", "pruefverfahren", "procedure"]) }
}

extension TimeZone {
  /// A name for notes: the IANA name, or `UTC+01:00` for a fixed offset.
  var label: String {
    if identifier.hasPrefix("GMT") {
      let s = secondsFromGMT()
      if s == 0 { return "UTC" }
      let a = abs(s)
      return String(format: "UTC%@%02d:%02d", s < 0 ? "-" : "+", a / 3600, (a % 3600) / 60)
    }
    return identifier
  }
}
