#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Holds the bytes of one row's text values while SQLite reads them in place.
///
/// Binding text with `SQLITE_TRANSIENT` makes SQLite allocate and free a copy of every value;
/// copying into this arena and binding without a copy saves that for the price of a `memcpy`.
/// A copy's address stays valid until `reset()`: when the block is full a new one is started
/// and the old one is kept until then, so earlier bindings never dangle.
final class BindArena {
  private var block: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var used = 0
  /// Full blocks still referenced by this row's bindings.
  private var retired: [UnsafeMutablePointer<UInt8>] = []

  init(capacity: Int = 64 * 1024) {
    self.capacity = max(capacity, 64)
    block = .allocate(capacity: self.capacity)
  }

  deinit {
    block.deallocate()
    for old in retired { old.deallocate() }
  }

  /// A copy of `bytes` that stays valid until `reset()`.
  @inline(__always)
  func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return bytes }
    if used + bytes.count > capacity {
      retired.append(block)
      capacity = max(capacity * 2, bytes.count)
      block = .allocate(capacity: capacity)
      used = 0
    }
    let target = block + used
    memcpy(target, source, bytes.count)
    used += bytes.count
    return UnsafeBufferPointer(start: target, count: bytes.count)
  }

  /// Forgets all copies; call once the row that referenced them has been stepped.
  @inline(__always)
  func reset() {
    used = 0
    if !retired.isEmpty {
      for old in retired { old.deallocate() }
      retired.removeAll(keepingCapacity: true)
    }
  }
}
