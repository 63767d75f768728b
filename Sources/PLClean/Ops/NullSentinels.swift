import PLCore

/// Replaces placeholder values that mean "no value" (`-9999`, `----`, `NaN`, `#N/A`) by null.
///
/// Matched on the value's text: a number's text as it came (`-9999` matches `-9999`, not
/// `-9999.0`) and a string's text without surrounding whitespace, ignoring the case of ASCII
/// letters unless asked not to. The original goes to `_pl.raw`; each replacement is counted as
/// `sentinel_to_null`.
public struct NullSentinels: RecordTransform {
  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    /// The texts that mean "no value".
    public var sentinels: [String]
    /// The fields to look at.
    public var fields: FieldSelection
    /// Whether `n/a` matches `N/A` (ASCII letters only).
    public var ignoreCase: Bool
    /// Whether the original value is kept in `_pl.raw`.
    public var keepRaw: Bool

    /// The placeholders lab exports and loggers commonly use.
    public static let defaultSentinels = [
      "-9999", "-999", "----", "---", "NaN", "BAD", "#N/A", "N/A", "n/a", "NA", "null", "NULL", "None",
      "#VALUE!", "#DIV/0!", "#REF!",
    ]

    public init(sentinels: [String] = Config.defaultSentinels, fields: FieldSelection = .all, ignoreCase: Bool = true, keepRaw: Bool = true) {
      self.sentinels = sentinels
      self.fields = fields
      self.ignoreCase = ignoreCase
      self.keepRaw = keepRaw
    }
  }

  public let config: Config
  public let counters: CleanCounters
  /// The sentinels' UTF-8 bytes (ASCII letters lowercased when ignoring case), by length:
  /// most values are ruled out by their length alone, the rest without allocating.
  private let byLength: [Int: [[UInt8]]]
  /// Bit n set when some sentinel is n bytes long (n < 64).
  private let lengthMask: UInt64

  public init(_ config: Config = Config(), counters: CleanCounters = CleanCounters()) {
    self.config = config
    self.counters = counters
    var byLength: [Int: [[UInt8]]] = [:]
    var mask: UInt64 = 0
    for sentinel in config.sentinels {
      let bytes = sentinel.trimmingSpaces().utf8.map { config.ignoreCase ? Self.lower($0) : $0 }
      byLength[bytes.count, default: []].append(bytes)
      if bytes.count < 64 { mask |= 1 << UInt64(bytes.count) }
    }
    self.byLength = byLength
    self.lengthMask = mask
  }

  @inline(__always)
  private static func lower(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
  }

  /// Whether `text` is one of the sentinels.
  public func isSentinel(_ text: String) -> Bool {
    let text = text.trimmingSpaces()
    let count = text.utf8.count
    if count < 64 && lengthMask & (1 << UInt64(count)) == 0 { return false }
    guard let candidates = byLength[count] else { return false }
    let ignoreCase = config.ignoreCase
    return candidates.contains { candidate in
      var i = 0
      for byte in text.utf8 {
        if (ignoreCase ? Self.lower(byte) : byte) != candidate[i] { return false }
        i += 1
      }
      return true
    }
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    var out: Record?
    for i in record.fields.indices {
      let field = record.fields[i]
      let text: String
      switch field.value {
      case .string(let s): text = s
      case .number(let n): text = n
      default: continue
      }
      guard config.fields.contains(field.key), isSentinel(text) else { continue }
      if out == nil { out = record }
      out!.fields[i].value = .null
      if config.keepRaw { out!.keepRaw(field.key, field.value) }
      counters.add("sentinel_to_null")
    }
    return out.map { .change($0) } ?? .pass
  }
}

extension String {
  /// The text without leading and trailing ASCII whitespace and no-break spaces; itself
  /// (no copy) when there is none.
  func trimmingSpaces() -> String {
    let scalars = unicodeScalars
    guard let first = scalars.first, let last = scalars.last else { return self }
    if !first.isBlank && !last.isBlank { return self }
    var start = scalars.startIndex, end = scalars.endIndex
    while start < end, scalars[start].isBlank { start = scalars.index(after: start) }
    while end > start, scalars[scalars.index(before: end)].isBlank { end = scalars.index(before: end) }
    return String(scalars[start..<end])
  }
}

extension Unicode.Scalar {
  /// Space, tab, line breaks and the Unicode spaces spreadsheets and PDFs leave in cells.
  var isBlank: Bool {
    switch value {
    case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
      true
    default:
      false
    }
  }
}
