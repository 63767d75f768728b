import PLCore
import PLDigest

/// Leaves out records whose key was seen before: the whole record (without `_pl`) or the
/// values of named key fields; the first or the last of each key is kept.
///
/// Keys are compared by their canonical bytes (compact JSON: field order and number texts as
/// they came, so `1.0` and `1` differ; a missing key field differs from null) through a
/// 128-bit fingerprint, so memory holds fingerprints, not records.
///
/// Order: the output is in input order, always. Keep-first streams: a record goes on when it
/// is first seen, a repeat is dropped at once. Once the fingerprints reach `memoryLimit`, the
/// records after that point are held on disk (bucket files in a folder under TMPDIR) and put
/// out at the end of the stream, still in input order; a repeat of a key already in memory is
/// still dropped at once. Keep-last holds every record (in memory, then on disk) and puts the
/// survivors out at the end, each at the place of its last occurrence: `a1 b1 a2` gives `b1 a2`.
/// Memory stays near `memoryLimit` whatever the input's size; disk use is at most the input's.
///
/// Counts: `duplicate_dropped` in the counters. Duplicates found while records are held (keep-
/// last, and keep-first past the memory limit) are not handed out at the end, so the pipeline
/// counts them as fewer records emitted rather than as dropped; the counter has them all.
public struct Deduplicate: RecordTransform {
  /// Which of the records sharing a key is kept.
  public enum Keep: String, Equatable, Sendable {
    case first
    case last
  }

  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    /// The fields whose values make the key; empty means the whole record, `_pl` excluded.
    public var key: [String]
    /// Which record of a key is kept.
    public var keep: Keep
    /// Memory, in bytes, for fingerprints (and, keeping the last, held records) before
    /// spilling to disk.
    public var memoryLimit: Int
    /// Where the spill folder is made; nil for TMPDIR (or `/tmp`).
    public var temporaryFolder: String?

    public static let defaultMemoryLimit = 256 << 20

    public init(key: [String] = [], keep: Keep = .first, memoryLimit: Int = Config.defaultMemoryLimit, temporaryFolder: String? = nil) {
      self.key = key
      self.keep = keep
      self.memoryLimit = memoryLimit
      self.temporaryFolder = temporaryFolder
    }
  }

  public let config: Config
  public let counters: CleanCounters
  private let state: DeduplicateState

  /// - Throws: `PLError.internalError` when libcrypto cannot provide SHA-256.
  public init(_ config: Config = Config(), counters: CleanCounters = CleanCounters()) throws(PLError) {
    self.config = config
    self.counters = counters
    do {
      state = DeduplicateState(config: config, hasher: try SHA256Hasher())
    } catch {
      throw .internalError("deduplicate: \(error)")
    }
  }

  /// Whether records were held on disk because the memory limit was reached.
  public var hasSpilled: Bool { state.spilled }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    let digest = state.digest(record)
    let sequence = state.sequence
    state.sequence += 1
    switch config.keep {
    case .first:
      if state.seen.contains(digest) {
        counters.add("duplicate_dropped")
        return .drop
      }
      if state.spill == nil {
        if (state.seen.count + 1) * DeduplicateSpill.bytesPerDigest <= config.memoryLimit {
          state.seen.insert(digest)
          return .pass
        }
        state.spill = try DeduplicateSpill(parent: config.temporaryFolder, keepLast: false, memoryLimit: config.memoryLimit)
        state.spilled = true
      }
      try state.spill!.add(digest, sequence, state.line(record))
      return .emit([])
    case .last:
      if let spill = state.spill {
        try spill.add(digest, sequence, state.line(record))
        return .emit([])
      }
      let line = Array(state.line(record))
      state.heldBytes += line.count + 48 + DeduplicateSpill.bytesPerDigest
      state.held.append((digest, sequence, line))
      state.last[digest] = sequence
      if state.heldBytes > config.memoryLimit {
        let spill = try DeduplicateSpill(parent: config.temporaryFolder, keepLast: true, memoryLimit: config.memoryLimit)
        for (d, s, l) in state.held { try l.withUnsafeBufferPointer { (b) throws(PLError) in try spill.add(d, s, b) } }
        state.held = []
        state.last = [:]
        state.spill = spill
        state.spilled = true
      }
      return .emit([])
    }
  }

  public mutating func finish() throws(PLError) -> [Record] {
    var out: [Record] = []
    try finish { (record) throws(PLError) in out.append(record) }
    return out
  }

  public mutating func finish(each body: (Record) throws(PLError) -> Void) throws(PLError) {
    state.seen = []
    if let spill = state.spill {
      state.spill = nil
      try spill.finish { (line) throws(PLError) in try body(try Self.parse(line)) }
      counters.add("duplicate_dropped", spill.dropped)
      return
    }
    let held = state.held
    let last = state.last
    state.held = []
    state.last = [:]
    for (digest, sequence, line) in held {
      if last[digest] == sequence {
        try line.withUnsafeBufferPointer { (bytes) throws(PLError) in try body(try Self.parse(bytes)) }
      } else {
        counters.add("duplicate_dropped")
      }
    }
  }

  private static func parse(_ line: UnsafeBufferPointer<UInt8>) throws(PLError) -> Record {
    do throws(JSONSyntaxError) {
      return try JSONParser.parseRecord(line)
    } catch {
      throw .internalError("deduplicate: a held record did not parse back: \(error.message)")
    }
  }
}

/// What `Deduplicate` remembers; a class so that the fingerprint buffers are allocated once.
final class DeduplicateState {
  let config: Deduplicate.Config
  let hasher: SHA256Hasher
  let keyBuffer = ByteBuffer(capacity: 1024)
  let lineBuffer = ByteBuffer(capacity: 1024)
  let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: SHA256Hasher.byteCount)
  var sequence: UInt64 = 0
  /// Keep-first: fingerprints of the keys put out.
  var seen = Set<KeyDigest>()
  /// Keep-last, until spilled: every record as a compact line, and the last sequence per key.
  var held: [(KeyDigest, UInt64, [UInt8])] = []
  var last: [KeyDigest: UInt64] = [:]
  var heldBytes = 0
  var spill: DeduplicateSpill?
  var spilled = false

  init(config: Deduplicate.Config, hasher: SHA256Hasher) {
    self.config = config
    self.hasher = hasher
  }

  deinit { scratch.deallocate() }

  /// The fingerprint of `record`'s key.
  func digest(_ record: Record) -> KeyDigest {
    keyBuffer.removeAll()
    if config.key.isEmpty {
      JSONWriter.writeLine(record, includeMeta: false, to: keyBuffer)
    } else {
      // Values are separated by a 0 byte, which JSON text never holds unescaped; a missing
      // field is a 1 byte, which no JSON value starts with.
      for name in config.key {
        if let value = record.fields[key: name] { JSONWriter.writeValue(value, to: keyBuffer) } else { keyBuffer.append(1) }
        keyBuffer.append(0)
      }
    }
    hasher.hash(UnsafeRawBufferPointer(keyBuffer.bytes), into: scratch)
    let raw = UnsafeRawPointer(scratch)
    return KeyDigest(
      high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
      low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
  }

  /// `record` as a compact line without its newline, valid until the next call.
  func line(_ record: Record) -> UnsafeBufferPointer<UInt8> {
    lineBuffer.removeAll()
    JSONWriter.writeLine(record, to: lineBuffer)
    lineBuffer.removeLast(1)
    return lineBuffer.bytes
  }
}
