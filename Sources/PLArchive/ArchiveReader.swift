#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import CPLArchive
import PLCore

/// A streaming reader of the members of an archive (zip, tar, 7-Zip, cpio) or of one
/// compressed file, over libarchive, reading the archive from a `ByteStream`.
///
/// Lab data arrives zipped and gzipped; this reader lets a stage walk the members and stream
/// each one's bytes without unpacking to disk. The archive's bytes are pulled from the stream
/// block by block, so the stream's observers (the source's sha256, the progress meter) see
/// every byte of it, and a member of an archive can itself be read as an archive
/// (`ArchiveMemberStream`). Only the formats named in `ArchiveKind` are enabled (never
/// `format_all`, never external decompression programs). Hostile input is refused rather than
/// obeyed: members named with an absolute path or a `..` component, and archives that expand
/// beyond `ArchiveLimits`.
///
/// Contract:
/// ```swift
/// let reader = try ArchiveReader(stream: FileStream(path: "batch.zip"))
/// while let entry = try reader.next() {
///   guard entry.isRegularFile, let member = reader.memberStream() else { continue }
///   …                                         // read `member`, or use readData(into:)
/// }
/// ```
/// `next()` skips what is left of the current member (decompressing it, so that it is
/// counted against the limits). When `next()` reports the end, the rest of the stream (what
/// follows the archive's end marker) has been read too, so observers have seen all of it.
/// After any error the reader is spent: every later call throws the same error. Not
/// thread-safe; use one reader per thread.
public final class ArchiveReader {
  /// The stream's name, used in messages (`batch.zip!folder/data.csv`).
  public let path: String
  public let kind: ArchiveKind
  public let limits: ArchiveLimits
  /// What to do with a member named with an absolute path or a `..` component.
  public let unsafeNames: UnsafeNames

  /// What to do with a member whose name would climb out of a folder it were written to.
  public enum UnsafeNames: Equatable, Sendable {
    /// Refuse the archive at that member (`ArchiveError.unsafeMemberPath`): for a caller that
    /// writes members to disk.
    case refuse
    /// Hand the member out under its name, with `ArchiveEntry.nameProblem` set: for a caller
    /// that reads members in memory only, where a name is just a name.
    case keep
  }

  /// The `struct archive *`; owned, freed in `deinit` only.
  private let handle: OpaquePointer
  /// What libarchive's read callback pulls blocks from; outlives the handle.
  private let input: ArchiveInput
  private var current: ArchiveEntry?
  private var currentIsDone = true
  private var reachedEnd = false
  /// The error that ended the reading, once one did: every later call throws it again.
  public private(set) var failure: ArchiveError?
  /// Counts the calls of `next()` that moved on, so that a member stream knows when its
  /// member is no longer the current one (also after the last).
  private(set) var memberNumber = 0
  /// Member bytes handed out or drained so far.
  public private(set) var expandedBytes = 0
  /// A UTF-8 character-type locale, made current on this thread while libarchive reads
  /// headers: in the C locale it cannot convert a UTF-8 member name (`µg.csv`) and returns
  /// none at all. Owned, freed in `deinit`.
  private let utf8Locale: locale_t?

  /// Opens the file at `path` (`-` is standard input) for reading as `kind`.
  ///
  /// - Throws: `ArchiveError.cannotOpen` when the file cannot be opened or is a directory;
  ///   otherwise as `init(stream:kind:limits:)`.
  public convenience init(
    path: String, kind: ArchiveKind = .archive, limits: ArchiveLimits = ArchiveLimits(),
    unsafeNames: UnsafeNames = .refuse
  ) throws(ArchiveError) {
    let stream: FileStream
    do {
      stream = try FileStream(path: path)
    } catch {
      if case .inputMissing(_, let message) = error { throw .cannotOpen(archive: path, message: message) }
      throw .stream(error)
    }
    try self.init(stream: stream, kind: kind, limits: limits, unsafeNames: unsafeNames)
  }

  /// Reads the archive held in `stream` as `kind`; the stream's name stands for it in
  /// messages. The reader keeps the stream and reads it only forward, never seeking.
  ///
  /// - Throws: `ArchiveError.unreadable` when it is not an archive of an enabled format;
  ///   `ArchiveError.stream` when reading the stream fails.
  public init(
    stream: ByteStream, kind: ArchiveKind = .archive, limits: ArchiveLimits = ArchiveLimits(),
    unsafeNames: UnsafeNames = .refuse
  ) throws(ArchiveError) {
    guard let handle = archive_read_new() else {
      throw .cannotOpen(archive: stream.name, message: "libarchive could not allocate a reader")
    }
    self.path = stream.name
    self.kind = kind
    self.limits = limits
    self.unsafeNames = unsafeNames
    self.handle = handle
    self.input = ArchiveInput(stream: stream)
    self.utf8Locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)
    // From here on `deinit` frees the handle, also when we throw.

    // The return codes of the support calls only say whether a library was compiled in;
    // a missing one surfaces as a clear error when an archive needs it.
    _ = archive_read_support_filter_gzip(handle)
    _ = archive_read_support_filter_bzip2(handle)
    _ = archive_read_support_filter_xz(handle)
    _ = archive_read_support_filter_lzma(handle)
    _ = archive_read_support_filter_zstd(handle)
    _ = archive_read_support_filter_lz4(handle)
    switch kind {
    case .archive:
      _ = archive_read_support_format_zip(handle)
      _ = archive_read_support_format_tar(handle)
      _ = archive_read_support_format_7zip(handle)
      _ = archive_read_support_format_cpio(handle)
    case .compressedFile:
      _ = archive_read_support_format_raw(handle)
    }
    // No skip or seek callback: libarchive then reads what it passes over instead of jumping,
    // so the stream's observers see every byte, and a zip is read by its local headers.
    let context = Unmanaged.passUnretained(input).toOpaque()
    let opened = inUTF8Locale {
      archive_read_open(handle, context, nil, { archive, context, block in
        guard let context, let block else { return -1 }
        return Unmanaged<ArchiveInput>.fromOpaque(context).takeUnretainedValue().nextBlock(archive, block)
      }, nil)
    }
    guard opened == ARCHIVE_OK else {
      throw fail(libraryError(member: nil))
    }
  }

  deinit {
    archive_read_free(handle)
    if let utf8Locale { freelocale(utf8Locale) }
  }

  /// Moves to the next member and describes it; nil after the last one.
  ///
  /// - Throws: `ArchiveError.unsafeMemberPath` for an absolute or `..` member name;
  ///   `ArchiveError.unreadable` for a corrupt or truncated archive;
  ///   `ArchiveError.tooLarge` / `.compressionRatioTooHigh` when a limit is passed;
  ///   `ArchiveError.stream` when reading the stream fails.
  public func next() throws(ArchiveError) -> ArchiveEntry? {
    if let failure { throw failure }
    if reachedEnd { return nil }
    if !currentIsDone { try drainCurrent() }
    memberNumber += 1
    current = nil
    currentIsDone = true

    var entryPointer: OpaquePointer?
    var entry: ArchiveEntry?
    let status = inUTF8Locale {
      let status = archive_read_next_header(handle, &entryPointer)
      // Names are converted when asked for, so describe the entry in the same locale.
      if status == ARCHIVE_OK || status == ARCHIVE_WARN, let entryPointer { entry = describe(entryPointer) }
      return status
    }
    if status == ARCHIVE_EOF {
      // What follows the end marker (tar's padding, bytes appended to a zip) is part of the
      // source too: read it, so that a digest of the stream is the digest of the whole file.
      do {
        try input.drain()
      } catch {
        throw fail(.stream(error))
      }
      reachedEnd = true
      return nil
    }
    // ARCHIVE_WARN reports a recoverable oddity (a name not convertible to the locale);
    // anything worse, including RETRY, ends the reading.
    guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
      throw fail(libraryError(member: nil))
    }
    if let reason = entry.nameProblem, unsafeNames == .refuse {
      throw fail(.unsafeMemberPath(archive: path, member: entry.pathname, reason: reason))
    }
    try checkLimits(member: entry.pathname, declaredMore: entry.size ?? 0)
    current = entry
    currentIsDone = false
    return entry
  }

  /// Reads the next bytes of the current member into `buffer`; returns 0 at its end (and
  /// always 0 before the first `next()` or after the last member).
  ///
  /// - Throws: `ArchiveError.unreadable` for corrupt, truncated or encrypted data;
  ///   `ArchiveError.tooLarge` / `.compressionRatioTooHigh` when a limit is passed;
  ///   `ArchiveError.stream` when reading the stream fails.
  public func readData(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
    if let failure { throw failure }
    guard let entry = current, !currentIsDone, let base = buffer.baseAddress, buffer.count > 0 else {
      return 0
    }
    let count = archive_read_data(handle, base, buffer.count)
    if count < 0 {
      throw fail(libraryError(member: entry.pathname))
    }
    if count == 0 {
      currentIsDone = true
      return 0
    }
    expandedBytes += count
    try checkLimits(member: entry.pathname, declaredMore: 0)
    return count
  }

  /// libarchive's name of the archive format (`ZIP 2.0 (deflation)`, `POSIX ustar format`,
  /// `7-Zip`, `raw`), known once the first member's header was read.
  public var formatName: String? {
    archive_format_name(handle).map { String(cString: $0) }
  }

  /// The compression around the archive (`gzip`, `xz`, `zstd`, `bzip2`), or nil for none;
  /// known once the first member's header was read.
  public var compressionName: String? {
    let count = archive_filter_count(handle)
    guard count > 1, let name = archive_filter_name(handle, 0) else { return nil }
    return String(cString: name)
  }

  /// The current member's bytes as a `ByteStream` named `archive!member`, so that any reader
  /// (CSV, NDJSON, a nested archive) reads it like a file; nil before the first `next()` and
  /// after the last member.
  ///
  /// The stream reads through this reader (the limits apply) and only while its member is
  /// the current one: after the next `next()` it throws instead of returning another
  /// member's bytes.
  public func memberStream() -> ArchiveMemberStream? {
    guard let entry = current else { return nil }
    return ArchiveMemberStream(reader: self, entry: entry, memberNumber: memberNumber)
  }

  /// Reads and discards the rest of the current member, counting it against the limits.
  ///
  /// libarchive's own skip would decompress a compressed tar's member without counting it,
  /// so a bomb could spin unchecked.
  private func drainCurrent() throws(ArchiveError) {
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { scratch.deallocate() }
    while try readData(into: scratch) > 0 {}
  }

  /// Throws when the bytes expanded so far, plus `declaredMore` announced by a header,
  /// pass a limit.
  private func checkLimits(member: String, declaredMore: Int) throws(ArchiveError) {
    // Filter 0 is the decompressed stream (it counts tar headers of a .tar.gz too);
    // filter -1 is the bytes read from the file.
    let streamed = Int(archive_filter_bytes(handle, 0))
    let compressed = max(Int(archive_filter_bytes(handle, -1)), 1)
    let expanded = max(expandedBytes, streamed)
    if expanded > limits.maxTotalBytes || declaredMore > limits.maxTotalBytes - expanded {
      throw fail(.tooLarge(archive: path, member: member, limit: limits.maxTotalBytes))
    }
    if expanded > limits.ratioAppliesAbove, Double(expanded) > limits.maxRatio * Double(compressed) {
      throw fail(.compressionRatioTooHigh(archive: path, member: member, limit: limits.maxRatio))
    }
  }

  private func describe(_ entry: OpaquePointer) -> ArchiveEntry {
    let pathname: String
    if kind == .compressedFile {
      pathname = MemberPath.decompressedName(of: path)
    } else if let utf8 = archive_entry_pathname_utf8(entry) {
      pathname = String(cString: utf8)
    } else if let raw = archive_entry_pathname(entry) {
      // Not convertible in this locale: keep the bytes, repairing invalid UTF-8.
      pathname = String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
    } else {
      pathname = ""
    }
    let type = UInt32(archive_entry_filetype(entry))
    let kind: ArchiveEntry.Kind
    if archive_entry_hardlink(entry) != nil {
      kind = .hardLink
    } else if type == cpl_archive_type_regular() {
      kind = .regularFile
    } else if type == cpl_archive_type_directory() {
      kind = .directory
    } else if type == cpl_archive_type_symlink() {
      kind = .symbolicLink
    } else {
      kind = .special
    }
    return ArchiveEntry(
      pathname: pathname,
      size: archive_entry_size_is_set(entry) != 0 ? Int(archive_entry_size(entry)) : nil,
      kind: kind,
      nameProblem: kind == .directory && pathname.isEmpty ? nil : MemberPath.problem(in: pathname))
  }

  /// Runs `body` with the UTF-8 locale current on this thread (only this thread, and only
  /// for the call: the process's locale is not ours to change).
  private func inUTF8Locale<T>(_ body: () -> T) -> T {
    guard let utf8Locale else { return body() }
    let previous = uselocale(utf8Locale)
    defer { uselocale(previous) }
    return body()
  }

  /// The error behind a failed libarchive call: the stream's own when reading it failed,
  /// libarchive's message otherwise.
  private func libraryError(member: String?) -> ArchiveError {
    if let error = input.error { return .stream(error) }
    let message = archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    return .unreadable(archive: path, member: member, message: message)
  }

  /// Records `error` as the reader's final state and returns it for throwing.
  private func fail(_ error: ArchiveError) -> ArchiveError {
    failure = error
    current = nil
    currentIsDone = true
    return error
  }
}

/// The stream an archive is read from, as libarchive's read callback sees it: a block that
/// stays valid until the next call, and the stream's error kept for the reader to throw.
final class ArchiveInput {
  let stream: ByteStream
  /// The first error the stream threw; libarchive only learns that reading failed.
  private(set) var error: PLError?
  private var atEnd = false
  private let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

  init(stream: ByteStream) {
    self.stream = stream
  }

  deinit {
    block.deallocate()
  }

  /// Reads the next block for libarchive; returns its length, 0 at the end, -1 on an error
  /// (kept in `error`, and told to libarchive so that it stops).
  func nextBlock(_ archive: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
    if error != nil { return -1 }
    if atEnd { return 0 }
    do {
      let count = try stream.read(into: block)
      if count == 0 { atEnd = true }
      out.pointee = UnsafeRawPointer(block.baseAddress)
      return count
    } catch {
      self.error = error
      cpl_archive_set_error(archive, EIO, error.description)
      return -1
    }
  }

  /// Reads the stream to its end, discarding the bytes (the observers still see them).
  func drain() throws(PLError) {
    if let error { throw error }
    while !atEnd {
      do {
        if try stream.read(into: block) == 0 { atEnd = true }
      } catch {
        self.error = error
        throw error
      }
    }
  }
}
