#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// A 16-byte digest of a key: two 64-bit hashes of its bytes with independent seeds.
///
/// Keys are compared through their digests only, so memory per key is fixed. Two different
/// keys share a digest with probability about n²/2¹²⁹ — for a billion keys, 1 in 10²¹ — which
/// the report's documentation calls exact.
struct KeyDigest: Hashable, Comparable, Sendable {
  var high: UInt64
  var low: UInt64

  static func < (a: KeyDigest, b: KeyDigest) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }

  /// Hashes the bytes `hasher` gathered.
  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    var h1: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
    var h2: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(bytes.count)
    var i = 0
    let n = bytes.count
    while i + 8 <= n {
      var w: UInt64 = 0
      for k in 0..<8 { w |= UInt64(bytes[i + k]) << UInt64(8 * k) }
      h1 = KeyDigest.mix(h1 ^ (w &* 0x87C3_7B91_1142_53D5))
      h2 = KeyDigest.mix(h2 &+ (w &* 0x4CF5_AD43_2745_937F)) ^ h1
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < n {
      tail |= UInt64(bytes[i]) << shift
      shift += 8
      i += 1
    }
    h1 = KeyDigest.mix(h1 ^ (tail &* 0x87C3_7B91_1142_53D5) ^ 0x1)
    h2 = KeyDigest.mix(h2 &+ (tail &* 0x4CF5_AD43_2745_937F) &+ h1)
    high = h1
    low = h2
  }

  init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// MurmurHash3's 64-bit finaliser: every input bit reaches every output bit.
  @inline(__always)
  static func mix(_ x: UInt64) -> UInt64 {
    var k = x
    k ^= k >> 33
    k = k &* 0xFF51_AFD7_ED55_8CCD
    k ^= k >> 33
    k = k &* 0xC4CE_B9FE_1A85_EC53
    k ^= k >> 33
    return k
  }
}

/// The set of key digests seen so far, in memory up to a limit and on disk past it.
///
/// Past `memoryLimit` digests the ones in memory are sorted and merged into one sorted file of
/// 16-byte entries in the temporary folder (`TMPDIR`, else /tmp), unlinked as soon as it is
/// open so that nothing is left behind; a lookup then also searches the file (binary search
/// with pread). Memory stays at 32 to 64 bytes per digest up to the limit (`DigestTable`).
final class KeySet {
  let memoryLimit: Int
  var memory = DigestTable()
  var fileDescriptor: Int32 = -1
  var fileCount = 0
  /// How many times the memory was spilled to disk, for the report.
  private(set) var spills = 0

  init(memoryLimit: Int) {
    self.memoryLimit = max(1, memoryLimit)
  }

  deinit {
    if fileDescriptor >= 0 { close(fileDescriptor) }
  }

  var count: Int { memory.count + fileCount }

  /// Adds `digest`; false when it was there already.
  func insert(_ digest: KeyDigest) throws(PLError) -> Bool {
    if try contains(digest) { return false }
    try insertNew(digest)
    return true
  }

  /// True when `digest` was added before.
  func contains(_ digest: KeyDigest) throws(PLError) -> Bool {
    let digest = DigestTable.normal(digest)
    if memory.contains(digest) { return true }
    return fileCount > 0 ? try fileContains(digest) : false
  }

  /// Adds `digest`, known not to be there (`contains` said so).
  func insertNew(_ digest: KeyDigest) throws(PLError) {
    memory.insert(DigestTable.normal(digest))
    if memory.count >= memoryLimit { try spill() }
  }

  func fileContains(_ digest: KeyDigest) throws(PLError) -> Bool {
    var lo = 0, hi = fileCount - 1
    while lo <= hi {
      let mid = (lo + hi) / 2
      let entry = try read(at: mid)
      if entry == digest { return true }
      if entry < digest { lo = mid + 1 } else { hi = mid - 1 }
    }
    return false
  }

  func read(at index: Int) throws(PLError) -> KeyDigest {
    var words: (UInt64, UInt64) = (0, 0)
    let n = withUnsafeMutableBytes(of: &words) { pread(fileDescriptor, $0.baseAddress, 16, off_t(index * 16)) }
    guard n == 16 else { throw .io(target: "the unique-key spill file", message: n < 0 ? systemMessage(errno) : "short read") }
    return KeyDigest(high: words.0, low: words.1)
  }

  /// Merges the sorted digests in memory with the file into a new file.
  func spill() throws(PLError) {
    let sorted = memory.all().sorted()
    let fd = try Self.temporaryFile()
    var out = [UInt64]()
    out.reserveCapacity(2 * 8192)
    var written = 0
    func flush() throws(PLError) {
      let bytes = out.count * 8
      var offset = 0
      while offset < bytes {
        let n = out.withUnsafeBytes { pwrite(fd, $0.baseAddress! + offset, bytes - offset, off_t(written + offset)) }
        guard n > 0 else { throw .io(target: "the unique-key spill file", message: systemMessage(errno)) }
        offset += n
      }
      written += bytes
      out.removeAll(keepingCapacity: true)
    }
    var i = 0, j = 0
    while i < sorted.count || j < fileCount {
      let next: KeyDigest
      if j < fileCount {
        let fromFile = try read(at: j)
        if i < sorted.count, sorted[i] < fromFile {
          next = sorted[i]
          i += 1
        } else {
          next = fromFile
          j += 1
        }
      } else {
        next = sorted[i]
        i += 1
      }
      out.append(next.high)
      out.append(next.low)
      if out.count >= 2 * 8192 { try flush() }
    }
    try flush()
    if fileDescriptor >= 0 { close(fileDescriptor) }
    fileDescriptor = fd
    fileCount = written / 16
    memory.removeAll()
    spills += 1
  }

  static func temporaryFile() throws(PLError) -> Int32 {
    let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array((folder + "/pl-validate-keys-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw .cannotCreate(target: folder, message: "cannot create a spill file for unique keys: \(systemMessage(errno))") }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return fd
  }
}

/// An open-addressing hash set of digests: the digest's own bits are the hash (they are
/// uniform already), 16 bytes a slot, at most half full. (0, 0) marks an empty slot; the one
/// digest that is (0, 0) is stored as (0, 1), which only merges it with that one other digest.
struct DigestTable {
  var slots = [UInt64](repeating: 0, count: 2 * 1024)
  var mask = 1023
  private(set) var count = 0

  @inline(__always)
  static func normal(_ d: KeyDigest) -> KeyDigest { d.high == 0 && d.low == 0 ? KeyDigest(high: 0, low: 1) : d }

  func contains(_ digest: KeyDigest) -> Bool {
    let d = Self.normal(digest)
    var i = Int(truncatingIfNeeded: d.low) & mask
    while true {
      let h = slots[2 * i], l = slots[2 * i + 1]
      if h == 0 && l == 0 { return false }
      if h == d.high && l == d.low { return true }
      i = (i + 1) & mask
    }
  }

  /// Adds a digest known not to be there.
  mutating func insert(_ digest: KeyDigest) {
    if (count + 1) * 2 > mask + 1 { grow() }
    let d = Self.normal(digest)
    var i = Int(truncatingIfNeeded: d.low) & mask
    while slots[2 * i] != 0 || slots[2 * i + 1] != 0 { i = (i + 1) & mask }
    slots[2 * i] = d.high
    slots[2 * i + 1] = d.low
    count += 1
  }

  mutating func grow() {
    let old = slots
    slots = [UInt64](repeating: 0, count: old.count * 2)
    mask = old.count - 1
    count = 0
    var k = 0
    while k < old.count {
      if old[k] != 0 || old[k + 1] != 0 { insert(KeyDigest(high: old[k], low: old[k + 1])) }
      k += 2
    }
  }

  func all() -> [KeyDigest] {
    var out: [KeyDigest] = []
    out.reserveCapacity(count)
    var k = 0
    while k < slots.count {
      if slots[k] != 0 || slots[k + 1] != 0 { out.append(KeyDigest(high: slots[k], low: slots[k + 1])) }
      k += 2
    }
    return out
  }

  mutating func removeAll() {
    for i in slots.indices { slots[i] = 0 }
    count = 0
  }
}

/// Builds the bytes of a key from a record's values, reusing one buffer.
final class KeyBuilder {
  let out = ByteBuffer(capacity: 256)

  /// The digest of `fields`' values in `record` (each value's JSON text, separated by a byte no
  /// JSON text holds), or of all user fields when `fields` is empty. Values compare as their
  /// exact text: `1.0` and `1` are different keys.
  func digest(_ record: Record, fields: [String]) -> KeyDigest {
    out.removeAll()
    if fields.isEmpty {
      for field in record.fields {
        JSONWriter.writeString(field.key, to: out)
        out.append(0x01)
        JSONWriter.writeValue(field.value, to: out)
        out.append(0x00)
      }
    } else {
      for name in fields {
        if let v = record.value(name) { JSONWriter.writeValue(v, to: out) } else { out.append(0x02) }
        out.append(0x00)
      }
    }
    return KeyDigest(out.bytes)
  }
}
