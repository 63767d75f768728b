import PLCore
import Testing

/// `ByteBuffer.appendShort`, which the line path writes keys and values with, appends what
/// `append` appends for every length, at every starting offset, and across growth.
@Suite struct AppendShortTests {
  @Test func appendsWhatAppendAppends() {
    let source = (0..<80).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    source.withUnsafeBufferPointer { p in
      for offset in 0..<9 {
        for n in 0...(source.count - offset) {
          let short = ByteBuffer(capacity: 16), long = ByteBuffer(capacity: 16)
          for k in 0..<3 {
            short.append(UInt8(k))
            long.append(UInt8(k))
            short.appendShort(UnsafeBufferPointer(rebasing: p[offset..<(offset + n)]))
            long.append(UnsafeBufferPointer(rebasing: p[offset..<(offset + n)]))
          }
          #expect(Array(short.bytes) == Array(long.bytes), "offset \(offset), \(n) bytes")
        }
      }
    }
  }
}
