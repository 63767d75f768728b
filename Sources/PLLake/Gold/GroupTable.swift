#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An open-addressing hash table from a group's key bytes to its index in the aggregator's
/// states: one multiply-mix hash over 8-byte words per record, no allocation on a hit.
///
/// Swift's `Dictionary<[UInt8], Int>` hashes a byte array one byte at a time through SipHash,
/// which was a tenth of gold's time over silver.
struct GroupTable {
  private var hashes: [UInt64]
  private var entries: [Int32]
  private var mask: Int
  private(set) var count = 0

  init() {
    hashes = Array(repeating: 0, count: 1024)
    entries = Array(repeating: -1, count: 1024)
    mask = 1023
  }

  @inline(__always)
  static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(p.count)
    let raw = UnsafeRawBufferPointer(p)
    var i = 0
    while i + 8 <= p.count {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < p.count {
      tail |= UInt64(p[i]) << shift
      shift += 8
      i += 1
    }
    h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
    return h ^ (h >> 29)
  }

  /// The index stored for `key`, or nil; `keyOf(index)` gives the key bytes of a stored index.
  @inline(__always)
  func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, keyOf: (Int) -> [UInt8]) -> Int? {
    var slot = Int(truncatingIfNeeded: h) & mask
    while true {
      let e = entries[slot]
      if e < 0 { return nil }
      if hashes[slot] == h
        && keyOf(Int(e)).withUnsafeBufferPointer({ $0.count == key.count && memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 })
      {
        return Int(e)
      }
      slot = (slot + 1) & mask
    }
  }

  /// Stores `index` for a key not in the table.
  mutating func insert(hash h: UInt64, index: Int) {
    if (count + 1) * 2 > entries.count { grow() }
    var slot = Int(truncatingIfNeeded: h) & mask
    while entries[slot] >= 0 { slot = (slot + 1) & mask }
    entries[slot] = Int32(index)
    hashes[slot] = h
    count += 1
  }

  private mutating func grow() {
    let oldHashes = hashes, oldEntries = entries
    let size = entries.count * 2
    hashes = Array(repeating: 0, count: size)
    entries = Array(repeating: -1, count: size)
    mask = size - 1
    count = 0
    for (i, e) in oldEntries.enumerated() where e >= 0 { insert(hash: oldHashes[i], index: Int(e)) }
  }
}
