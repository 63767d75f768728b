#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// The keys of the record a sink last mapped to its table's parameters, and the mappings of a
/// few recent key orders.
///
/// Records of one stream mostly share their keys, so a sink finds a mapping once and then only
/// compares keys: as Strings for records, as bytes for compact lines. Records that alternate
/// between a few shapes (optional keys left out) find theirs among the recent ones. A sink
/// `invalidate`s the cache when its statement gains a parameter, which changes every mapping.
final class KeyShapes<Mapping> {
  /// The keys of the cached shape.
  private(set) var keys: [String] = []
  /// False until a shape is cached, and after `invalidate`.
  private(set) var isValid = false
  private var recent: [[String]: Mapping] = [:]
  /// The cached keys as UTF-8, one after another: key i is at `offsets[i]..<offsets[i + 1]`.
  private let keyBytes = ByteBuffer(capacity: 256)
  private var offsets: [Int] = [0]

  /// Forgets the cached shape and the recent ones.
  func invalidate() {
    isValid = false
    recent.removeAll()
  }

  /// True when `fields` have the cached shape's keys, in order.
  func matches(_ fields: [Field]) -> Bool {
    guard isValid, fields.count == keys.count else { return false }
    for i in 0..<fields.count where fields[i].key != keys[i] { return false }
    return true
  }

  /// True when the members of a compact line (`base` is its first byte) have the cached
  /// shape's keys, in order, byte for byte.
  @inline(__always)
  func matches(_ members: UnsafeBufferPointer<RawMember>, in base: UnsafePointer<UInt8>) -> Bool {
    guard isValid, members.count == keys.count else { return false }
    let bytes = keyBytes.bytes
    let offsets = self.offsets
    for i in 0..<members.count {
      let key = members[i].key
      let length = offsets[i + 1] - offsets[i]
      guard key.count == length, memcmp(base + key.lowerBound, bytes.baseAddress! + offsets[i], length) == 0 else {
        return false
      }
    }
    return true
  }

  /// The mapping of a recent shape with `keys`, made the cached one; nil when there is none.
  func reuse(_ keys: [String]) -> Mapping? {
    guard let mapping = recent[keys] else { return nil }
    use(keys)
    return mapping
  }

  /// Remembers the mapping just found for `keys` and makes them the cached shape.
  func remember(_ keys: [String], _ mapping: Mapping) {
    if recent.count >= 256 { recent.removeAll() }
    recent[keys] = mapping
    use(keys)
  }

  private func use(_ keys: [String]) {
    self.keys = keys
    keyBytes.removeAll()
    offsets.removeAll(keepingCapacity: true)
    offsets.append(0)
    for key in keys {
      keyBytes.append(key)
      offsets.append(keyBytes.count)
    }
    isValid = true
  }
}
