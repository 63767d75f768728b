#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// A streaming compressor: bytes go in with `append`, compressed bytes come out to a sink.
///
/// Call `finish()` once at the end: until then the output is not a complete stream. After a
/// failure, or when the caller gives up, `abort()` stops the work and releases the threads;
/// the sink then holds a partial stream, which the caller must not publish.
public protocol CompressingWriter: AnyObject {
  /// Uncompressed bytes taken so far.
  var bytesIn: Int { get }
  /// Compressed bytes written to the sink so far.
  var bytesOut: Int { get }
  /// Takes `bytes`; may write compressed output to the sink.
  ///
  /// - Throws: `PLError.io` when the sink fails, `PLError.internalError` when the library does.
  func append(_ bytes: UnsafeRawBufferPointer) throws(PLError)
  /// Compresses what is left and ends the stream.
  func finish() throws(PLError)
  /// Stops without ending the stream. Safe to call more than once, and after `finish`.
  func abort()
}

extension CompressingWriter {
  public func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(PLError) {
    try append(UnsafeRawBufferPointer(bytes))
  }

  public func append(_ bytes: [UInt8]) throws(PLError) {
    try bytes.withUnsafeBufferPointer { (b) throws(PLError) in try append(UnsafeRawBufferPointer(b)) }
  }
}

/// How a part file is compressed, and the suffix its name ends in.
public enum CompressionFormat: Equatable, Sendable, CustomStringConvertible {
  /// gzip (RFC 1952) at a libdeflate level, 1–12 (6 is gzip's default).
  case gzip(level: Int)
  /// zstd at a level, 1–19.
  case zstd(level: Int)

  public static let defaultGzip = CompressionFormat.gzip(level: 6)
  public static let defaultZstd = CompressionFormat.zstd(level: 3)

  /// The file name suffix, without the dot: `gz` or `zst`.
  public var fileExtension: String {
    switch self {
    case .gzip: "gz"
    case .zstd: "zst"
    }
  }

  public var description: String {
    switch self {
    case .gzip(let level): "gzip level \(level)"
    case .zstd(let level): "zstd level \(level)"
    }
  }

  /// Parses `gzip`, `zstd`, `gzip:9`, `zstd:19` (a command-line option's value).
  ///
  /// - Throws: `PLError.usage` naming what is accepted.
  public init(parsing text: String) throws(PLError) {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    let level = parts.count == 2 ? Int(parts[1]) : nil
    if parts.count == 2 && level == nil {
      throw .usage("compression '\(text)': the level after ':' must be a whole number")
    }
    switch parts.first ?? "" {
    case "gzip", "gz":
      let l = level ?? 6
      guard (1...12).contains(l) else { throw .usage("compression '\(text)': gzip levels are 1 to 12") }
      self = .gzip(level: l)
    case "zstd", "zst":
      let l = level ?? 3
      guard (1...19).contains(l) else { throw .usage("compression '\(text)': zstd levels are 1 to 19") }
      self = .zstd(level: l)
    default:
      throw .usage("compression '\(text)': expected gzip or zstd, optionally with a level (gzip:9)")
    }
  }

  /// A writer of this format into `sink`, compressing on up to `threads` threads.
  public func writer(to sink: any ByteSink, threads: Int = defaultCompressionThreads) throws(PLError) -> any CompressingWriter {
    switch self {
    case .gzip(let level): try GzipWriter(sink: sink, level: level, threads: threads)
    case .zstd(let level): try ZstdWriter(sink: sink, level: level, threads: threads)
    }
  }
}

/// The number of compression threads used unless told otherwise: the active processors.
public var defaultCompressionThreads: Int {
  max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
