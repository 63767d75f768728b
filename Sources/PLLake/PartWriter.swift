#if canImport(Glibc)
  import Glibc
#endif
import PLCore
import PLCompress
import PLDigest

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

  /// A compressor writing to `output`: PLCompress's parallel gzip (libdeflate, one member per
  /// block, on every core) or libzstd, at their default levels. The one place writers are made.
  public func makeWriter(to output: any ByteSink) throws(PLError) -> any CompressingWriter {
    switch self {
    case .gzip: try CompressionFormat.defaultGzip.writer(to: output)
    case .zstd: try CompressionFormat.defaultZstd.writer(to: output)
    }
  }

  /// The decompressed bytes of `input` (gzip, multi-member or not, or zstd: told by its first
  /// bytes); a corrupt or cut stream is `PLError.malformed`.
  public func makeReader(_ input: any ByteStream) throws(PLError) -> any ByteStream {
    DecompressingReader(source: input)
  }
}

/// One part file being written: NDJSON lines in, compressed, counted and hashed on the way to
/// a file the caller named (a temporary, which `LakeCommit` moves into place).
///
/// Holds a 64 KiB line buffer and the compressor's state; nothing else grows with the data.
public final class PartFile: ByteSink {
  public let path: String
  public let compression: PartCompression
  let fd: Int32
  let digest: SHA256Digest
  let lines = ByteBuffer(capacity: 1 << 17)
  var writer: (any CompressingWriter)?
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
      writer?.abort()
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

  /// Appends one compact JSON line given without its newline (a `CompactLine`'s bytes).
  public func append(compactLine: UnsafeBufferPointer<UInt8>) throws(PLError) {
    lines.append(compactLine)
    lines.append(0x0A)
    records += 1
    if lines.count >= 1 << 16 { try flushLines() }
  }

  func flushLines() throws(PLError) {
    guard lines.count > 0, let writer else { return }
    try writer.append(UnsafeRawBufferPointer(lines.bytes))
    lines.removeAll()
  }

  /// The file's path, for messages.
  public var name: String { path }

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
    writer?.abort()
    writer = nil
    Glibc.close(fd)
    unlink(path)
  }
}
