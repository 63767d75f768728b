import PLCore

/// Trims string values and collapses runs of whitespace into one space.
///
/// Tabs, line breaks, no-break spaces (U+00A0, U+202F) and the other Unicode spaces count as
/// whitespace and become plain spaces. A value that needs no change costs one scan of its
/// bytes and no allocation. The original goes to `_pl.raw`; each change is counted as
/// `whitespace_normalised`.
public struct NormalizeWhitespace: RecordTransform {
  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    /// The fields to look at.
    public var fields: FieldSelection
    /// Whether runs of whitespace inside a value become one space (else only trimming and
    /// the replacement of odd spaces by plain ones).
    public var collapse: Bool
    /// Whether the original value is kept in `_pl.raw`.
    public var keepRaw: Bool

    public init(fields: FieldSelection = .all, collapse: Bool = true, keepRaw: Bool = true) {
      self.fields = fields
      self.collapse = collapse
      self.keepRaw = keepRaw
    }
  }

  public let config: Config
  public let counters: CleanCounters

  public init(_ config: Config = Config(), counters: CleanCounters = CleanCounters()) {
    self.config = config
    self.counters = counters
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    var out: Record?
    for i in record.fields.indices {
      guard case .string(let s) = record.fields[i].value, config.fields.contains(record.fields[i].key),
        let normalised = normalise(s)
      else { continue }
      if out == nil { out = record }
      out!.fields[i].value = .string(normalised)
      if config.keepRaw { out!.keepRaw(record.fields[i].key, .string(s)) }
      counters.add("whitespace_normalised")
    }
    return out.map { .change($0) } ?? .pass
  }

  /// `text` normalised, or nil when it is already.
  public func normalise(_ text: String) -> String? {
    guard needsChange(text) else { return nil }
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    for scalar in text.unicodeScalars {
      if scalar.isBlank {
        if config.collapse {
          pendingSpace = true
        } else if !out.isEmpty {
          out.append(" ")
        }
        continue
      }
      if pendingSpace && !out.isEmpty { out.append(" ") }
      pendingSpace = false
      out.append(scalar)
    }
    var result = String(out)
    if !config.collapse {
      // Without collapsing, only trailing spaces remain to trim.
      while result.last == " " { result.removeLast() }
    }
    return result == text ? nil : result
  }

  /// A byte scan: leading or trailing whitespace, a byte that may start an odd space, or
  /// (when collapsing) two whitespace bytes in a row.
  private func needsChange(_ text: String) -> Bool {
    let utf8 = text.utf8
    guard let first = utf8.first, let last = utf8.last else { return false }
    if Self.isASCIIBlank(first) || Self.isASCIIBlank(last) { return true }
    let check: (UnsafeBufferPointer<UInt8>) -> Bool = { bytes in
      var previousBlank = false
      for byte in bytes {
        // 0xC2 (U+0080–U+00BF, NBSP among them), 0xE1/0xE2/0xE3 (the other Unicode spaces),
        // 0xEF (BOM): rare in data, so a closer look at the scalars is cheap.
        if byte == 0xC2 || byte == 0xE1 || byte == 0xE2 || byte == 0xE3 || byte == 0xEF { return true }
        let blank = Self.isASCIIBlank(byte)
        if blank && (byte != 0x20 || (config.collapse && previousBlank)) { return true }
        previousBlank = blank
      }
      return false
    }
    if let answer = utf8.withContiguousStorageIfAvailable(check) { return answer }
    return Array(utf8).withUnsafeBufferPointer(check)
  }

  @inline(__always)
  private static func isASCIIBlank(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
  }
}
