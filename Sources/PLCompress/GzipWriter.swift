#if canImport(Glibc)
  import Glibc
#endif
import CPLDeflate
import Foundation
import PLCore

/// A gzip stream compressed in blocks on worker threads while the caller goes on producing bytes.
///
/// Input is cut into blocks of `blockSize` bytes; each block becomes one complete gzip member
/// (header, deflate data, CRC-32 and length) made by libdeflate, which compresses a whole buffer
/// at once and is faster than zlib at the same level. Members are written in input order, so
/// the output is a standard multi-member gzip file (RFC 1952 §2.2), read as one stream by
/// `gzip -dc`, zlib's `gzread`, Python's `gzip` and DuckDB. Block boundaries depend only on the
/// byte count, so the same input gives the same bytes whatever the number of threads.
///
/// Memory is bounded: a ring of `2 × threads + 1` blocks, each an input buffer and an output
/// buffer, is all there is. When the ring is full the caller waits for the oldest block, writes
/// it and reuses it, compressing queued blocks itself while it waits. `threads: 0` compresses
/// on the caller's thread, with no worker at all.
///
/// A multi-member file cut exactly between two members still reads as a valid (shorter)
/// stream: what is complete is told by the manifest, which records each part's size and sha256.
public final class GzipWriter: CompressingWriter {
  public let sink: any ByteSink
  public let level: Int
  public let threads: Int
  public let blockSize: Int
  public private(set) var bytesIn = 0
  public private(set) var bytesOut = 0
  /// gzip members written so far (one per block).
  public private(set) var members = 0

  let work: GzipWork
  /// Compresses inline when there are no workers; also sizes the output buffers.
  let compressor: OpaquePointer
  /// Sequence number of the block being filled (blocks before it are queued or written).
  var submitted = 0
  /// Sequence number of the next block to write to the sink.
  var written = 0
  var isOpen = true

  /// - Parameters:
  ///   - level: libdeflate's level, 0–12 (6 matches gzip's default; 0 stores).
  ///   - threads: worker threads; 0 compresses on the caller's thread.
  ///   - blockSize: uncompressed bytes per gzip member (at least 64 KiB).
  /// - Throws: `PLError.usage` for a level out of range, `PLError.internalError` when libdeflate
  ///   cannot allocate a compressor.
  public init(sink: any ByteSink, level: Int = 6, threads: Int = defaultCompressionThreads, blockSize: Int = 1 << 20) throws(PLError) {
    guard (0...12).contains(level) else { throw .usage("gzip level \(level): libdeflate's levels are 0 to 12") }
    guard let compressor = libdeflate_alloc_compressor(Int32(level)) else {
      throw .internalError("libdeflate could not allocate a compressor at level \(level)")
    }
    self.sink = sink
    self.level = level
    self.threads = max(0, threads)
    let size = max(blockSize, 1 << 16)
    self.blockSize = size
    self.compressor = compressor
    let bound = libdeflate_gzip_compress_bound(compressor, size)
    let ring = 2 * self.threads + 1
    work = GzipWork(blocks: (0..<ring).map { _ in GzipBlock(inputCapacity: size, outputCapacity: bound) }, level: Int32(level))
    for _ in 0..<self.threads {
      let work = self.work
      let thread = Thread { GzipWork.run(work) }
      thread.name = "gzip"
      thread.start()
    }
  }

  deinit {
    work.stop()
    libdeflate_free_compressor(compressor)
  }

  var ringSize: Int { work.blocks.count }

  public func append(_ bytes: UnsafeRawBufferPointer) throws(PLError) {
    guard isOpen else { throw .internalError("gzip stream for \(sink.name) used after it was finished or aborted") }
    var offset = 0
    while offset < bytes.count {
      let block = work.blocks[submitted % ringSize]
      let n = min(blockSize - block.inputCount, bytes.count - offset)
      (block.input + block.inputCount).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
      block.inputCount += n
      offset += n
      bytesIn += n
      if block.inputCount == blockSize { try submit() }
    }
  }

  public func finish() throws(PLError) {
    guard isOpen else { throw .internalError("gzip stream for \(sink.name) finished twice or after an abort") }
    // An empty input still makes one (empty) member: a zero-byte file is not a gzip stream.
    if work.blocks[submitted % ringSize].inputCount > 0 || submitted == 0 { try submit() }
    do {
      try writeBlocks(through: submitted)
    } catch {
      abort()
      throw error
    }
    isOpen = false
    work.stop()
  }

  public func abort() {
    isOpen = false
    work.stop()
  }

  /// Hands the block being filled to a worker (or compresses it here), then makes sure the next
  /// one in the ring is free, writing finished blocks out in order on the way.
  func submit() throws(PLError) {
    let block = work.blocks[submitted % ringSize]
    if threads == 0 {
      block.outputCount = libdeflate_gzip_compress(compressor, block.input, block.inputCount, block.output, block.outputCapacity)
      block.state = .done
    } else {
      work.enqueue(submitted % ringSize)
    }
    submitted += 1
    do {
      try writeBlocks(through: submitted - ringSize + 1)
    } catch {
      abort()
      throw error
    }
  }

  /// Writes out finished blocks in order: waits for every block before sequence `target`, and
  /// takes those after it only if they are already done.
  func writeBlocks(through target: Int) throws(PLError) {
    while written < submitted {
      let block = work.blocks[written % ringSize]
      guard work.waitUntilDone(block, wait: written < target, helping: compressor) else { return }
      guard block.outputCount > 0 else {
        throw .internalError("libdeflate could not compress block \(written) of \(sink.name)")
      }
      try sink.write(UnsafeRawBufferPointer(start: block.output, count: block.outputCount))
      bytesOut += block.outputCount
      members += 1
      work.release(block)
      written += 1
    }
  }
}

/// One block of the ring: input bytes, then the gzip member made of them.
///
/// Its buffers belong to one side at a time: the caller while it is `free` or `done`, a worker
/// while it is `queued`. `state` changes only under the work's lock.
final class GzipBlock {
  enum State { case free, queued, done }
  let input: UnsafeMutableRawPointer
  let output: UnsafeMutableRawPointer
  let outputCapacity: Int
  var inputCount = 0
  var outputCount = 0
  var state = State.free

  init(inputCapacity: Int, outputCapacity: Int) {
    input = .allocate(byteCount: inputCapacity, alignment: 64)
    output = .allocate(byteCount: outputCapacity, alignment: 64)
    self.outputCapacity = outputCapacity
  }

  deinit {
    input.deallocate()
    output.deallocate()
  }
}

/// The queue shared by a `GzipWriter` and its workers.
///
/// `@unchecked Sendable`: every shared mutable member (`queue`, `stopping`, each block's `state`)
/// is read and written under `condition`; block buffers are handed over through `state` (see
/// `GzipBlock`). Workers hold this object, not the writer, so the buffers outlive a block still
/// being compressed when the writer goes away.
final class GzipWork: @unchecked Sendable {
  let condition = NSCondition()
  let blocks: [GzipBlock]
  let level: Int32
  var queue: [Int] = []
  var stopping = false

  init(blocks: [GzipBlock], level: Int32) {
    self.blocks = blocks
    self.level = level
  }

  func enqueue(_ index: Int) {
    condition.lock()
    blocks[index].state = .queued
    queue.append(index)
    condition.broadcast()
    condition.unlock()
  }

  /// Waits (when `wait`) until `block` is compressed; returns whether it is. Rather than sleep
  /// while blocks are still queued, the caller compresses the oldest one itself with
  /// `compressor` (its own, used on its thread only).
  func waitUntilDone(_ block: GzipBlock, wait: Bool, helping compressor: OpaquePointer) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while wait && block.state != .done {
      if stopping || queue.isEmpty {
        condition.wait()
        continue
      }
      let other = blocks[queue.removeFirst()]
      condition.unlock()
      let count = libdeflate_gzip_compress(compressor, other.input, other.inputCount, other.output, other.outputCapacity)
      condition.lock()
      other.outputCount = count
      other.state = .done
      condition.broadcast()
    }
    return block.state == .done
  }

  func release(_ block: GzipBlock) {
    condition.lock()
    block.state = .free
    block.inputCount = 0
    block.outputCount = 0
    condition.unlock()
  }

  /// Tells the workers to end once they finish the block in hand; queued blocks are dropped.
  func stop() {
    condition.lock()
    stopping = true
    queue.removeAll()
    condition.broadcast()
    condition.unlock()
  }

  /// A worker: takes queued blocks in order and compresses each into one gzip member.
  static func run(_ work: GzipWork) {
    // A failed allocation leaves outputCount at 0, which the writer reports.
    let compressor = libdeflate_alloc_compressor(work.level)
    defer { libdeflate_free_compressor(compressor) }
    while true {
      work.condition.lock()
      while work.queue.isEmpty && !work.stopping { work.condition.wait() }
      if work.stopping {
        work.condition.unlock()
        return
      }
      let block = work.blocks[work.queue.removeFirst()]
      work.condition.unlock()
      let count = compressor.map { libdeflate_gzip_compress($0, block.input, block.inputCount, block.output, block.outputCapacity) } ?? 0
      work.condition.lock()
      block.outputCount = count
      block.state = .done
      work.condition.broadcast()
      work.condition.unlock()
    }
  }
}
