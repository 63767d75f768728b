#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore

/// A 128-bit fingerprint of a deduplication key: the first half of its SHA-256.
///
/// 128 bits make a collision between distinct keys negligible (about 10⁻²⁰ for a billion
/// records), so two keys with the same fingerprint are taken as equal.
struct KeyDigest: Hashable {
  var high: UInt64
  var low: UInt64

  /// The byte that picks a partition at `depth` (0…15).
  func byte(_ depth: Int) -> Int {
    let word = depth < 8 ? high : low
    return Int(truncatingIfNeeded: word >> UInt64((7 - depth % 8) * 8)) & 0xff
  }
}

/// One spilled record: its key's fingerprint, its place in the input, and its compact JSON.
///
/// On disk: 16 bytes of fingerprint, 8 of sequence number, 4 of length (little-endian), then
/// the line without its newline.
struct SpillEntryHeader {
  static let size = 28
  var digest: KeyDigest
  var sequence: UInt64
  var length: Int
}

/// A file of spill entries, written or read through stdio's buffer.
///
/// A written file is closed (`close()`) as soon as it is complete and read through a new
/// instance, so that only the files being read or written hold descriptors.
final class SpillFile {
  let path: String
  private var handle: UnsafeMutablePointer<FILE>?
  private var header = [UInt8](repeating: 0, count: SpillEntryHeader.size)
  /// Entries written.
  private(set) var count = 0

  /// Opens `path` for writing (`"wb"`) or reading (`"rb"`).
  init(path: String, mode: String) throws(PLError) {
    self.path = path
    guard let handle = fopen(path, mode) else {
      let reason = String(cString: strerror(errno))
      throw mode == "wb"
        ? .cannotCreate(target: path, message: "cannot create a deduplication spill file: \(reason)")
        : .io(target: path, message: "cannot reopen a deduplication spill file: \(reason)")
    }
    self.handle = handle
    setvbuf(handle, nil, _IOFBF, 1 << 16)
  }

  deinit { if let handle { fclose(handle) } }

  func write(_ digest: KeyDigest, _ sequence: UInt64, _ line: UnsafeBufferPointer<UInt8>) throws(PLError) {
    guard let handle else { throw .internalError("\(path): a deduplication spill file was written after it was closed") }
    header.withUnsafeMutableBytes { h in
      h.storeBytes(of: digest.high.bigEndian, toByteOffset: 0, as: UInt64.self)
      h.storeBytes(of: digest.low.bigEndian, toByteOffset: 8, as: UInt64.self)
      h.storeBytes(of: sequence.littleEndian, toByteOffset: 16, as: UInt64.self)
      h.storeBytes(of: UInt32(line.count).littleEndian, toByteOffset: 24, as: UInt32.self)
    }
    let wroteHeader = header.withUnsafeBytes { fwrite($0.baseAddress!, 1, SpillEntryHeader.size, handle) }
    let wroteLine = line.count == 0 ? 0 : fwrite(line.baseAddress!, 1, line.count, handle)
    guard wroteHeader == SpillEntryHeader.size, wroteLine == line.count else { throw failure("cannot write") }
    count += 1
  }

  /// Flushes what was written and closes the file; it is then complete on disk.
  func close() throws(PLError) {
    guard let handle else { return }
    self.handle = nil
    let flushed = fflush(handle) == 0 && ferror(handle) == 0
    let reason = String(cString: strerror(errno))
    guard fclose(handle) == 0, flushed else {
      throw .io(target: path, message: "cannot write a deduplication spill file: \(reason)")
    }
  }

  /// The next entry, its line in `line` (resized as needed); nil at the end.
  func read(into line: inout [UInt8]) throws(PLError) -> SpillEntryHeader? {
    guard let handle else { throw .internalError("\(path): a deduplication spill file was read after it was closed") }
    let got = header.withUnsafeMutableBytes { fread($0.baseAddress!, 1, SpillEntryHeader.size, handle) }
    if got == 0 && feof(handle) != 0 { return nil }
    guard got == SpillEntryHeader.size else { throw failure("cannot read") }
    let entry = header.withUnsafeBytes { h in
      SpillEntryHeader(
        digest: KeyDigest(
          high: UInt64(bigEndian: h.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
          low: UInt64(bigEndian: h.loadUnaligned(fromByteOffset: 8, as: UInt64.self))),
        sequence: UInt64(littleEndian: h.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
        length: Int(UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 24, as: UInt32.self))))
    }
    if line.count < entry.length { line = [UInt8](repeating: 0, count: max(entry.length, line.count * 2)) }
    let body = entry.length == 0 ? 0 : line.withUnsafeMutableBytes { fread($0.baseAddress!, 1, entry.length, handle) }
    guard body == entry.length else { throw failure("cannot read") }
    return entry
  }

  private func failure(_ what: String) -> PLError {
    let reason = handle.map { ferror($0) != 0 } ?? false ? String(cString: strerror(errno)) : "the file is shorter than written"
    return .io(target: path, message: "\(what) a deduplication spill file: \(reason)")
  }
}

/// The disk side of `Deduplicate` once its fingerprints outgrow the memory limit.
///
/// Records are written to one of `fanout` bucket files chosen by their fingerprint's first
/// byte, so that all records with one key meet in one bucket. At the end each bucket is
/// reduced on its own (a bucket still too large for the limit is split again by the next
/// byte), which needs only that bucket's fingerprints in memory; the survivors of every bucket
/// are in input order, and a merge by sequence number puts them back into one stream in the
/// order they came. The folder and its files are removed at the end, or when the operation is
/// released after a failure.
final class DeduplicateSpill {
  static let fanout = 64
  /// Memory one fingerprint costs in a hash set or dictionary, roughly, counting spare room.
  static let bytesPerDigest = 64
  /// The least memory a bucket is reduced in, however small the limit: splitting buckets of
  /// a few records further would only multiply files.
  static let minimumBucketMemory = 16 << 10

  let folder: String
  private let keepLast: Bool
  private let memoryLimit: Int
  private var buckets: [SpillFile]
  private var nextName = 0
  /// Records left out as duplicates while reducing.
  private(set) var dropped = 0

  /// Creates the spill folder under `parent` (a folder under TMPDIR when nil).
  init(parent: String?, keepLast: Bool, memoryLimit: Int) throws(PLError) {
    self.keepLast = keepLast
    self.memoryLimit = max(memoryLimit, Self.minimumBucketMemory)
    let base = parent ?? Self.temporaryFolder()
    var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast()) + Array("pl-clean-dedup.XXXXXX".utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
      throw .cannotCreate(target: base, message: "cannot create a folder for deduplication spill files: \(String(cString: strerror(errno)))")
    }
    folder = String(cString: made)
    buckets = []
    for _ in 0..<Self.fanout { buckets.append(try SpillFile(path: newPath(), mode: "wb")) }
  }

  deinit {
    buckets.removeAll()
    removeFolder()
  }

  static func temporaryFolder() -> String {
    if let tmp = getenv("TMPDIR"), tmp.pointee != 0 { return String(cString: tmp) }
    return "/tmp"
  }

  private func newPath() -> String {
    nextName += 1
    return "\(folder)/\(nextName).spill"
  }

  func add(_ digest: KeyDigest, _ sequence: UInt64, _ line: UnsafeBufferPointer<UInt8>) throws(PLError) {
    try buckets[digest.byte(0) % Self.fanout].write(digest, sequence, line)
  }

  /// Reduces every bucket and hands the survivors to `body` in input order.
  func finish(_ body: (UnsafeBufferPointer<UInt8>) throws(PLError) -> Void) throws(PLError) {
    var survivors: [SpillFile] = []
    let full = buckets
    buckets = []
    for bucket in full {
      try bucket.close()
      survivors.append(try reduce(bucket, depth: 1))
    }
    try merge(survivors) { (_, line) throws(PLError) in try body(line) }
    for file in survivors { unlink(file.path) }
    removeFolder()
  }

  /// The entries of `file` without duplicates, in input order, as a new file; `file` is removed.
  private func reduce(_ file: SpillFile, depth: Int) throws(PLError) -> SpillFile {
    defer { unlink(file.path) }
    if file.count * Self.bytesPerDigest <= memoryLimit || depth >= 16 { return try reduceInMemory(file) }
    // Too many distinct fingerprints for one pass: split by the next byte into about twice
    // as many parts as needed, and merge the parts' survivors back into input order.
    let capacity = memoryLimit / Self.bytesPerDigest
    let fanout = min(Self.fanout, max(2, 2 * ((file.count + capacity - 1) / capacity)))
    var parts: [SpillFile?] = Array(repeating: nil, count: fanout)
    let input = try SpillFile(path: file.path, mode: "rb")
    var line: [UInt8] = []
    while let entry = try input.read(into: &line) {
      let p = entry.digest.byte(depth) % fanout
      if parts[p] == nil { parts[p] = try SpillFile(path: newPath(), mode: "wb") }
      try write(entry, line, to: parts[p]!)
    }
    var reduced: [SpillFile] = []
    for case let part? in parts {
      try part.close()
      if part.count == file.count {
        // The split made no progress: every entry shares the next byte too, so the keys
        // are few and many times repeated, and their fingerprints fit.
        reduced.append(try reduceInMemory(part))
        unlink(part.path)
      } else {
        reduced.append(try reduce(part, depth: depth + 1))
      }
    }
    let out = try SpillFile(path: newPath(), mode: "wb")
    try merge(reduced) { (entry, bytes) throws(PLError) in try out.write(entry.digest, entry.sequence, bytes) }
    for part in reduced { unlink(part.path) }
    try out.close()
    return out
  }

  /// Keeps the first (or last) entry of each fingerprint; needs the fingerprints in memory.
  private func reduceInMemory(_ file: SpillFile) throws(PLError) -> SpillFile {
    let out = try SpillFile(path: newPath(), mode: "wb")
    var line: [UInt8] = []
    if keepLast {
      var last: [KeyDigest: UInt64] = [:]
      let first = try SpillFile(path: file.path, mode: "rb")
      while let entry = try first.read(into: &line) { last[entry.digest] = entry.sequence }
      let second = try SpillFile(path: file.path, mode: "rb")
      while let entry = try second.read(into: &line) {
        if last[entry.digest] == entry.sequence {
          try write(entry, line, to: out)
        } else {
          dropped += 1
        }
      }
    } else {
      var seen = Set<KeyDigest>()
      let input = try SpillFile(path: file.path, mode: "rb")
      while let entry = try input.read(into: &line) {
        if seen.insert(entry.digest).inserted {
          try write(entry, line, to: out)
        } else {
          dropped += 1
        }
      }
    }
    try out.close()
    return out
  }

  private func write(_ entry: SpillEntryHeader, _ line: [UInt8], to out: SpillFile) throws(PLError) {
    try line.withUnsafeBufferPointer { (bytes) throws(PLError) in
      try out.write(entry.digest, entry.sequence, UnsafeBufferPointer(rebasing: bytes[0..<entry.length]))
    }
  }

  /// Merges files whose entries are each in sequence order, handing lines on in sequence order.
  private func merge(_ files: [SpillFile], _ body: (SpillEntryHeader, UnsafeBufferPointer<UInt8>) throws(PLError) -> Void) throws(PLError) {
    let readers = try files.map { (file) throws(PLError) in try SpillFile(path: file.path, mode: "rb") }
    var lines = [[UInt8]](repeating: [], count: readers.count)
    // A binary min-heap of (sequence, reader).
    var heap: [(UInt64, Int)] = []
    func push(_ item: (UInt64, Int)) {
      heap.append(item)
      var child = heap.count - 1
      while child > 0 {
        let parent = (child - 1) / 2
        guard heap[child].0 < heap[parent].0 else { break }
        heap.swapAt(child, parent)
        child = parent
      }
    }
    func popFirst() -> (UInt64, Int) {
      let top = heap[0]
      let last = heap.removeLast()
      guard !heap.isEmpty else { return top }
      heap[0] = last
      var parent = 0
      while true {
        let left = 2 * parent + 1, right = left + 1
        var smallest = parent
        if left < heap.count && heap[left].0 < heap[smallest].0 { smallest = left }
        if right < heap.count && heap[right].0 < heap[smallest].0 { smallest = right }
        if smallest == parent { break }
        heap.swapAt(parent, smallest)
        parent = smallest
      }
      return top
    }
    var heads = [SpillEntryHeader](repeating: SpillEntryHeader(digest: KeyDigest(high: 0, low: 0), sequence: 0, length: 0), count: readers.count)
    for i in readers.indices {
      if let entry = try readers[i].read(into: &lines[i]) {
        heads[i] = entry
        push((entry.sequence, i))
      }
    }
    while !heap.isEmpty {
      let (_, i) = popFirst()
      let head = heads[i]
      try lines[i].withUnsafeBufferPointer { (bytes) throws(PLError) in try body(head, UnsafeBufferPointer(rebasing: bytes[0..<head.length])) }
      if let entry = try readers[i].read(into: &lines[i]) {
        heads[i] = entry
        push((entry.sequence, i))
      }
    }
  }

  private func removeFolder() {
    if let dir = opendir(folder) {
      while let item = readdir(dir) {
        let name = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { unlink("\(folder)/\(name)") }
      }
      closedir(dir)
    }
    rmdir(folder)
  }
}
