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
