#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A growable byte buffer that JSON and CSV text is serialised into.
///
/// A class over raw memory rather than `[UInt8]`, so that appends in the hot loop are a
/// bounds check and a store, without copy-on-write checks.
public final class ByteBuffer {
  @usableFromInline var storage: UnsafeMutablePointer<UInt8>
  @usableFromInline var capacity: Int
  public var count: Int { _count }
  @usableFromInline var _count = 0

  public init(capacity: Int = 1 << 16) {
    self.capacity = max(capacity, 16)
    storage = .allocate(capacity: self.capacity)
  }

  deinit { storage.deallocate() }

  /// The bytes written so far.
  public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: _count) }

  public func removeAll() { _count = 0 }

  /// Drops the last `n` bytes.
  public func removeLast(_ n: Int) { _count -= n }

  @inlinable @inline(__always)
  public func reserve(_ extra: Int) {
    if _count + extra > capacity { grow(to: _count + extra) }
  }

  @usableFromInline
  func grow(to needed: Int) {
    var newCapacity = capacity * 2
    while newCapacity < needed { newCapacity *= 2 }
    let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newStorage.update(from: storage, count: _count)
    storage.deallocate()
    storage = newStorage
    capacity = newCapacity
  }

  @inlinable @inline(__always)
  public func append(_ byte: UInt8) {
    if _count == capacity { grow(to: _count + 1) }
    storage[_count] = byte
    _count += 1
  }

  @inlinable @inline(__always)
  public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    reserve(bytes.count)
    (storage + _count).update(from: base, count: bytes.count)
    _count += bytes.count
  }

  /// Appends a short run of bytes (a key, a number, a date), up to 32 of them as overlapping
  /// words without a call to `memmove`; a longer run as ``append(_:)-(UnsafeBufferPointer<UInt8>)``.
  @inlinable @inline(__always)
  public func appendShort(_ bytes: UnsafeBufferPointer<UInt8>) {
    let n = bytes.count
    guard n <= 32, let base = bytes.baseAddress else { return append(bytes) }
    reserve(32)
    let from = UnsafeRawPointer(base), to = UnsafeMutableRawPointer(storage + _count)
    if n >= 8 {
      to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
      if n > 16 {
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self), toByteOffset: n - 16, as: UInt64.self)
      }
      to.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
    } else if n >= 4 {
      to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
      to.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self), toByteOffset: n - 4, as: UInt32.self)
    } else {
      for i in 0..<n { storage[_count + i] = base[i] }
    }
    _count += n
  }

  @inlinable
  public func append(_ text: String) {
    var text = text
    text.withUTF8 { append($0) }
  }

  @inlinable
  public func append(_ text: StaticString) {
    append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// Appends the decimal digits of `value`.
  @inlinable
  public func append(decimal value: Int) {
    reserve(21)
    var magnitude = value.magnitude
    var digits = 0
    var rest = magnitude
    repeat {
      digits += 1
      rest /= 10
    } while rest > 0
    if value < 0 { append(UInt8(ascii: "-")) }
    var p = _count + digits - 1
    repeat {
      storage[p] = UInt8(ascii: "0") + UInt8(magnitude % 10)
      magnitude /= 10
      p -= 1
    } while magnitude > 0
    _count += digits
  }
}
