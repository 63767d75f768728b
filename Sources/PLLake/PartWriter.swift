#if canImport(Glibc)
  import Glibc
#endif
import PLCore
import PLDigest

/// Where a compressor puts its compressed bytes: a part file being written.
public protocol PartOutput: AnyObject {
  func write(_ bytes: UnsafeRawBufferPointer) throws(PLError)
}

/// The seam between the lake and a compressor: NDJSON bytes in, a compressed stream out to a
/// `PartOutput`.
///
/// Contract: `write` any number of times, then `finish()` once, which writes the end of the
/// stream (trailer) to the output. After an error the writer is not used again. The lake's own
/// implementations are on zlib (`GzipPartWriter`) and libzstd (`ZstdPartWriter`); a faster one
/// (PLCompress) is swapped in at `PartCompression.makeWriter`, the one place writers are made.
public protocol PartByteWriter: AnyObject {
  func write(_ bytes: UnsafeRawBufferPointer) throws(PLError)
  func finish() throws(PLError)
}

/// The compression of part files.
public enum PartCompression: String, CaseIterable, Sendable {
  /// Gzip (RFC 1952): what every reader of the lake reads (DuckDB, Spark, Trino, Athena).
  case gzip
  /// Zstandard: smaller and faster; DuckDB and Spark read it, some older readers do not.
  case zstd

  /// The file name extension of a part: `ndjson.gz` or `ndjson.zst`.
  public var fileExtension: String {
    switch self {
    case .gzip: "ndjson.gz"
    case .zstd: "ndjson.zst"
    }
  }

  /// The compression of a part, from its name.
  public init?(partName: String) {
    if partName.hasSuffix(".gz") { self = .gzip } else if partName.hasSuffix(".zst") { self = .zstd } else { return nil }
  }

  /// A compressor writing to `output`: the one place writers are made.
  public func makeWriter(to output: any PartOutput) throws(PLError) -> any PartByteWriter {
    switch self {
    case .gzip: try GzipPartWriter(output: output, name: "part")
    case .zstd: try ZstdPartWriter(output: output)
    }
  }

  /// The decompressed bytes of `input`.
  public func makeReader(_ input: any ByteStream) throws(PLError) -> any ByteStream {
    switch self {
    case .gzip: try GzipInputStream(source: input)
    case .zstd: try ZstdInputStream(source: input)
    }
  }
}

/// One part file being written: NDJSON lines in, compressed, counted and hashed on the way to
/// a file the caller named (a temporary, which `LakeCommit` moves into place).
///
/// Holds a 64 KiB line buffer and the compressor's state; nothing else grows with the data.
public final class PartFile: PartOutput {
  public let path: String
  public let compression: PartCompression
  let fd: Int32
  let digest: SHA256Digest
  let lines = ByteBuffer(capacity: 1 << 17)
  var writer: (any PartByteWriter)?
  public private(set) var bytesWritten = 0
  public private(set) var records = 0
  var closed = false

  /// Creates `path` (which must not exist) with mode 0600 until `close` sets the final mode.
  public init(path: String, compression: PartCompression) throws(PLError) {
    self.path = path
    self.compression = compression
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
    self.fd = fd
    do throws(PLError) {
      digest = try LakeDigest.make()
    } catch {
      Glibc.close(fd)
      unlink(path)
      throw error
    }
    do throws(PLError) {
      writer = try compression.makeWriter(to: self)
    } catch {
      Glibc.close(fd)
      unlink(path)
      throw error
    }
  }

  deinit {
    if !closed {
      Glibc.close(fd)
      unlink(path)
    }
  }

  /// Appends a record as one NDJSON line.
  public func append(_ record: Record) throws(PLError) {
    JSONWriter.writeLine(record, to: lines)
    records += 1
    if lines.count >= 1 << 16 { try flushLines() }
  }

  /// Appends one line that is already NDJSON; `line` must end with its newline.
  public func append(line: UnsafeBufferPointer<UInt8>) throws(PLError) {
    lines.append(line)
    records += 1
    if lines.count >= 1 << 16 { try flushLines() }
  }

  func flushLines() throws(PLError) {
    guard lines.count > 0, let writer else { return }
    try writer.write(UnsafeRawBufferPointer(lines.bytes))
    lines.removeAll()
  }

  /// Compressed bytes from the writer: to the file, counted and hashed.
  public func write(_ bytes: UnsafeRawBufferPointer) throws(PLError) {
    try LakeFS.writeAll(fd: fd, bytes, name: path)
    digest.observe(bytes)
    bytesWritten += bytes.count
  }

  /// Ends the compressed stream, sets `mode`, fsyncs and closes the file.
  ///
  /// - Returns: the size and sha256 of the file as written.
  public func close(mode: mode_t) throws(PLError) -> (bytes: Int, sha256: String) {
    try flushLines()
    try writer?.finish()
    writer = nil
    guard fchmod(fd, mode) == 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
    guard fsync(fd) == 0 || errno == EINVAL else { throw .io(target: path, message: systemMessage(errno)) }
    Glibc.close(fd)
    closed = true
    return (bytesWritten, digest.finalize())
  }

  /// Closes and removes the file.
  public func discard() {
    guard !closed else { return }
    closed = true
    writer = nil
    Glibc.close(fd)
    unlink(path)
  }
}
