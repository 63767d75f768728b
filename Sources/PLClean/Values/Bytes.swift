/// Byte helpers shared by the value parsers.
enum Bytes {
  @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

  /// The width of a space at `i` (ASCII space or tab, NBSP, narrow NBSP, thin, hair, figure space), or 0.
  @inline(__always) static func spaceWidth(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
    let b = p[i]
    if b == 0x20 || b == 0x09 { return 1 }
    if b == 0xC2 && i + 1 < end && p[i + 1] == 0xA0 { return 2 }
    if b == 0xE2 && i + 2 < end && p[i + 1] == 0x80 {
      switch p[i + 2] {
      case 0xAF, 0x89, 0x8A, 0x87: return 3
      default: return 0
      }
    }
    return 0
  }

  @inline(__always) static func skipSpaces(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    var i = start
    while i < end {
      let w = spaceWidth(p, i, end)
      if w == 0 { break }
      i += w
    }
    return i
  }

  @inline(__always) static func trimSpacesBack(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    var e = end
    while e > start {
      let b = p[e - 1]
      if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
        e -= 1
      } else if b == 0xA0 && e - 2 >= start && p[e - 2] == 0xC2 {
        e -= 2
      } else if e - 3 >= start && p[e - 3] == 0xE2 && p[e - 2] == 0x80 && (b == 0xAF || b == 0x89 || b == 0x8A || b == 0x87) {
        e -= 3
      } else {
        break
      }
    }
    return e
  }
}
