import PLCore

/// A stream read again from its first byte after its head was looked at, under the name its
/// records carry, which stops for good at its first failure.
///
/// The walker decides what an input is from its first 64 KiB (`peekHead`), then hands the
/// same stream, from the start, to a reader or an archive reader. The name is the source's
/// (`results.csv.gz` for its decompressed bytes, `bundle.zip!lab/a.csv` for a member).
///
/// A member's bytes fail when its archive is damaged; `convert` turns that failure into the
/// walker's message (what was wrong, how far it got). The first failure is thrown; every
/// later read throws `PLError.io`, which no error policy passes over, so a reader told to skip
/// bad records cannot take the cut-short bytes for the end of its input, nor ask forever.
final class ReplayStream: ByteStream {
  let name: String
  var size: Int? { rest.size }
  var tally = StreamTally()
  let rest: any ByteStream
  let convert: (PLError) -> PLError
  private var head: [UInt8] = []
  private var offset = 0
  /// The first failure, as thrown.
  private(set) var failure: PLError?
  /// Whether a read was refused after the failure (the failure itself was passed over).
  private(set) var refusedAfterFailure = false

  init(name: String, rest: any ByteStream, convert: @escaping (PLError) -> PLError = { $0 }) {
    self.name = name
    self.rest = rest
    self.convert = convert
  }

  /// Reads up to `count` bytes (fewer only at the end of the stream) to be read again
  /// first, and returns them.
  func peekHead(_ count: Int) throws(PLError) -> [UInt8] {
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { block.deallocate() }
    while head.count < count {
      let n = try pull(UnsafeMutableRawBufferPointer(rebasing: block[0..<min(block.count, count - head.count)]))
      if n == 0 { break }
      head.append(contentsOf: UnsafeRawBufferPointer(rebasing: block[0..<n]))
    }
    return head
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    if offset < head.count {
      let n = min(buffer.count, head.count - offset)
      head.withUnsafeBytes { source in
        buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: n)
      }
      offset += n
      if offset == head.count {
        head = []
        offset = 0
      }
      tally.count(buffer, n)
      return n
    }
    let n = try pull(buffer)
    tally.count(buffer, n)
    return n
  }

  private func pull(_ buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    if let failure {
      refusedAfterFailure = true
      throw .io(target: name, message: "read again after: \(failure.description)")
    }
    do {
      return try rest.read(into: buffer)
    } catch {
      let converted = convert(error)
      failure = converted
      throw converted
    }
  }

  /// Reads and discards the rest of the stream, so that whoever watches the stream beneath
  /// (a digest) has seen all of it.
  func drain() throws(PLError) {
    head = []
    offset = 0
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { block.deallocate() }
    while try pull(block) > 0 {}
  }
}
