/// Checks that a line is one compact JSON object the toolkit can pass through as it is.
///
/// The pass-through of NDJSON (`pl-extract file.ndjson`) need not build values: a line that is
/// valid JSON, holds no insignificant whitespace, has `_pl` (if any) last and nothing the writer
/// would write differently (an escape it would not use) can be copied byte for byte.
/// `scanCompact` answers non-nil only for such lines; for anything else, invalid lines included,
/// it answers nil and the caller uses `JSONParser`, which also gives the precise error.
/// Asked to, it also notes where each top-level member is, so a loader can bind values
/// straight from the line.
public struct JSONScanner {
  @usableFromInline let base: UnsafePointer<UInt8>
  @usableFromInline let end: Int
  @usableFromInline var pos = 0
  /// Where the top-level `_pl` member starts (its key's quote) and ends (after its value).
  var metaRange: Range<Int>?
  /// The top-level members other than `_pl`, when collecting.
  var members: [RawMember] = []
  var collecting = false

  @usableFromInline init(_ base: UnsafePointer<UInt8>, _ count: Int) {
    self.base = base
    self.end = count
  }

  /// What a scan found out about a compact line.
  public struct Compact: Equatable {
    /// The bytes of the top-level `_pl` member (`"_pl":{…}`), when there is one.
    public var metaMember: Range<Int>?
  }

  /// Scans `line`: non-nil when it is exactly one compact JSON object whose `_pl`, if any,
  /// is a single object member.
  public static func scanCompact(_ line: UnsafeBufferPointer<UInt8>) -> Compact? {
    guard let base = line.baseAddress, line.count >= 2, base[0] == UInt8(ascii: "{") else { return nil }
    var scanner = JSONScanner(base, line.count)
    guard scanner.object(depth: 1, topLevel: true) && scanner.pos == line.count else { return nil }
    return Compact(metaMember: scanner.metaRange)
  }

  /// Like `scanCompact(_:)`, and fills `members` with the line's top-level members other than
  /// `_pl`, in order (the array is reused to spare an allocation per line).
  public static func scanCompact(_ line: UnsafeBufferPointer<UInt8>, members: inout [RawMember]) -> Compact? {
    members.removeAll(keepingCapacity: true)
    guard let base = line.baseAddress, line.count >= 2, base[0] == UInt8(ascii: "{") else { return nil }
    var scanner = JSONScanner(base, line.count)
    scanner.collecting = true
    swap(&scanner.members, &members)
    defer { swap(&scanner.members, &members) }
    guard scanner.object(depth: 1, topLevel: true) && scanner.pos == line.count else { return nil }
    return Compact(metaMember: scanner.metaRange)
  }

  mutating func object(depth: Int, topLevel: Bool) -> Bool {
    guard depth <= JSONParser.maxDepth else { return false }
    pos += 1
    if pos < end && base[pos] == UInt8(ascii: "}") {
      pos += 1
      return true
    }
    while true {
      guard pos < end, base[pos] == UInt8(ascii: "\"") else { return false }
      // `_pl` is written last; a line with members after it is put in order by the parser.
      if topLevel && metaRange != nil { return false }
      let keyStart = pos
      let isMeta =
        topLevel && pos + 4 < end && base[pos + 1] == UInt8(ascii: "_") && base[pos + 2] == UInt8(ascii: "p")
        && base[pos + 3] == UInt8(ascii: "l") && base[pos + 4] == UInt8(ascii: "\"")
      guard string() else { return false }
      // A top-level key with escapes might spell `_pl` (`"\u005fpl"`): the parser decides.
      if topLevel && !isMeta && memchr(base + keyStart, Int32(UInt8(ascii: "\\")), pos - keyStart) != nil { return false }
      guard pos < end, base[pos] == UInt8(ascii: ":") else { return false }
      pos += 1
      if isMeta {
        // One `_pl`, a non-empty object (the writer leaves an empty one out): anything else is
        // for the parser to judge.
        guard metaRange == nil, pos + 1 < end, base[pos] == UInt8(ascii: "{"), base[pos + 1] != UInt8(ascii: "}")
        else { return false }
      }
      let valueStart = pos
      guard value(depth: depth) else { return false }
      if isMeta {
        metaRange = keyStart..<pos
      } else if topLevel && collecting {
        members.append(RawMember(key: (keyStart + 1)..<(valueStart - 2), value: valueStart..<pos, first: base[valueStart]))
      }
      guard pos < end else { return false }
      if base[pos] == UInt8(ascii: ",") {
        pos += 1
      } else if base[pos] == UInt8(ascii: "}") {
        pos += 1
        return true
      } else {
        return false
      }
    }
  }

  mutating func array(depth: Int) -> Bool {
    guard depth <= JSONParser.maxDepth else { return false }
    pos += 1
    if pos < end && base[pos] == UInt8(ascii: "]") {
      pos += 1
      return true
    }
    while true {
      guard value(depth: depth) else { return false }
      guard pos < end else { return false }
      if base[pos] == UInt8(ascii: ",") {
        pos += 1
      } else if base[pos] == UInt8(ascii: "]") {
        pos += 1
        return true
      } else {
        return false
      }
    }
  }

  mutating func value(depth: Int) -> Bool {
    guard pos < end else { return false }
    switch base[pos] {
    case UInt8(ascii: "\""): return string()
    case UInt8(ascii: "{"): return object(depth: depth + 1, topLevel: false)
    case UInt8(ascii: "["): return array(depth: depth + 1)
    case UInt8(ascii: "t"): return literal(0x74_72_75_65, 4)  // true
    case UInt8(ascii: "f"): return literal(0x66_61_6C_73_65, 5)  // false
    case UInt8(ascii: "n"): return literal(0x6E_75_6C_6C, 4)  // null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
    default: return false
    }
  }

  mutating func literal(_ word: UInt64, _ length: Int) -> Bool {
    guard pos + length <= end else { return false }
    var v: UInt64 = 0
    for k in 0..<length { v = v << 8 | UInt64(base[pos + k]) }
    guard v == word else { return false }
    pos += length
    return true
  }

  @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

  mutating func number() -> Bool {
    if base[pos] == UInt8(ascii: "-") { pos += 1 }
    guard pos < end, isDigit(base[pos]) else { return false }
    if base[pos] == UInt8(ascii: "0") {
      pos += 1
    } else {
      while pos < end && isDigit(base[pos]) { pos += 1 }
    }
    if pos < end && base[pos] == UInt8(ascii: ".") {
      pos += 1
      guard pos < end, isDigit(base[pos]) else { return false }
      while pos < end && isDigit(base[pos]) { pos += 1 }
    }
    if pos < end && base[pos] | 0x20 == UInt8(ascii: "e") {
      pos += 1
      if pos < end && (base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-")) { pos += 1 }
      guard pos < end, isDigit(base[pos]) else { return false }
      while pos < end && isDigit(base[pos]) { pos += 1 }
    }
    // A digit right after "0" ("01") is not JSON; the next byte must end the number.
    return pos >= end || !isDigit(base[pos])
  }

  /// A string from the opening quote at `pos`; checks escapes and UTF-8.
  mutating func string() -> Bool {
    pos += 1
    let start = pos
    var high: UInt64 = 0
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    while true {
      while pos + 8 <= end {
        let x = UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self)
        let control = (x &- ones &* 0x20) & ~x & highs
        let q = x ^ (ones &* 0x22)
        let quote = (q &- ones) & ~q & highs
        let s = x ^ (ones &* 0x5C)
        let slash = (s &- ones) & ~s & highs
        let special = control | quote | slash
        if special != 0 {
          // Straight to the first quote, backslash or control byte: the lowest flag is exact
          // (a borrow only flags bytes above a true one), so the bytes before it are plain.
          let plain = special.trailingZeroBitCount / 8
          if plain > 0 {
            high |= x & ((1 << UInt64(plain * 8)) &- 1)
            pos += plain
          }
          break
        }
        high |= x
        pos += 8
      }
      guard pos < end else { return false }
      let b = base[pos]
      if b == UInt8(ascii: "\"") {
        let length = pos - start
        pos += 1
        if high & highs == 0 { return true }
        return firstInvalidUTF8(UnsafeBufferPointer(start: base + start, count: length)) == nil
      }
      if b < 0x20 { return false }
      if b == UInt8(ascii: "\\") {
        pos += 1
        guard pos < end else { return false }
        switch base[pos] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"),
          UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          pos += 1
        case UInt8(ascii: "u"):
          // Only the escapes `JSONWriter` itself writes may pass through as they are: `\u00xx`
          // (lower-case hex) for a control character without a short form. Any other escape
          // (`\/`, `\u00e9`, upper-case hex, surrogates) goes to the parser, which decodes it, so
          // that both paths write the same bytes.
          guard pos + 4 < end, base[pos + 1] == UInt8(ascii: "0"), base[pos + 2] == UInt8(ascii: "0") else { return false }
          let h1 = base[pos + 3]
          let h2 = base[pos + 4]
          guard h1 == UInt8(ascii: "0") || h1 == UInt8(ascii: "1") else { return false }
          let low: UInt8
          switch h2 {
          case UInt8(ascii: "0")...UInt8(ascii: "9"): low = h2 - UInt8(ascii: "0")
          case UInt8(ascii: "a")...UInt8(ascii: "f"): low = h2 - UInt8(ascii: "a") + 10
          default: return false
          }
          let v = (h1 - UInt8(ascii: "0")) << 4 | low
          if v == 0x08 || v == 0x09 || v == 0x0A || v == 0x0C || v == 0x0D { return false }
          pos += 5
        default:
          return false
        }
        continue
      }
      high |= UInt64(b)
      pos += 1
    }
  }
}

/// Where UTF-8 text is broken, if it is.
///
/// Returns the offset of the first byte that does not begin or continue a valid UTF-8
/// sequence (overlong forms, surrogates and values past U+10FFFF are invalid), or nil.
@inlinable
public func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
  var i = 0
  let n = bytes.count
  while i < n {
    let b = bytes[i]
    if b < 0x80 {
      i += 1
      continue
    }
    let length: Int
    var minNext: UInt8 = 0x80
    var maxNext: UInt8 = 0xBF
    switch b {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; minNext = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; maxNext = 0x9F
    case 0xF0: length = 4; minNext = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; maxNext = 0x8F
    default: return i
    }
    guard i + length <= n else { return i }
    let second = bytes[i + 1]
    guard second >= minNext && second <= maxNext else { return i }
    for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
    i += length
  }
  return nil
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where one top-level member of a compact line is: the bytes of its key (inside the quotes)
/// and of its value (a string inside its quotes; any other value whole).
public struct RawMember: Equatable, Sendable {
  public enum Kind: UInt8, Sendable {
    case string, number, trueValue, falseValue, null, object, array
  }

  public var key: Range<Int>
  public var value: Range<Int>
  public var kind: Kind

  @inline(__always)
  init(key: Range<Int>, value: Range<Int>, first: UInt8) {
    self.key = key
    switch first {
    case UInt8(ascii: "\""):
      kind = .string
      self.value = (value.lowerBound + 1)..<(value.upperBound - 1)
    case UInt8(ascii: "t"): kind = .trueValue; self.value = value
    case UInt8(ascii: "f"): kind = .falseValue; self.value = value
    case UInt8(ascii: "n"): kind = .null; self.value = value
    case UInt8(ascii: "{"): kind = .object; self.value = value
    case UInt8(ascii: "["): kind = .array; self.value = value
    default: kind = .number; self.value = value
    }
  }
}
