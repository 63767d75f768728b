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
/// compressed file, over libarchive.
///
/// Lab data arrives zipped and gzipped; this reader lets a stage walk the members and stream
/// each one's bytes without unpacking to disk. Only the formats named in `ArchiveKind` are
/// enabled (never `format_all`, never external decompression programs). Hostile input is
/// refused rather than obeyed: members named with an absolute path or a `..` component, and
/// archives that expand beyond `ArchiveLimits`.
///
/// Contract:
/// ```swift
/// let reader = try ArchiveReader(path: "batch.zip")
/// while let entry = try reader.next() {
///   guard entry.isRegularFile else { continue }
///   while case let n = try reader.readData(into: buffer), n > 0 { … }
/// }
/// ```
/// `next()` skips what is left of the current member (decompressing it, so that it is
/// counted against the limits). After any error the reader is spent: every later call throws
/// the same error. Not thread-safe; use one reader per thread.
public final class ArchiveReader {
  /// The path as given, used in messages (`batch.zip!folder/data.csv`).
  public let path: String
  public let kind: ArchiveKind
  public let limits: ArchiveLimits

  /// The `struct archive *`; owned, freed in `deinit` only.
  private let handle: OpaquePointer
  /// The file descriptor libarchive reads from; owned, closed in `deinit` after the handle.
  private let descriptor: Int32
  private var current: ArchiveEntry?
  private var currentIsDone = true
  private var reachedEnd = false
  private var failure: ArchiveError?
  /// Member bytes handed out or drained so far.
  private var expandedBytes = 0
  /// A UTF-8 character-type locale, made current on this thread while libarchive reads
  /// headers: in the C locale it cannot convert a UTF-8 member name (`µg.csv`) and returns
  /// none at all. Owned, freed in `deinit`.
  private let utf8Locale: locale_t?

  /// Opens `path` for reading as `kind`.
  ///
  /// - Throws: `ArchiveError.cannotOpen` when the file cannot be opened or is a directory;
  ///   `ArchiveError.unreadable` when it is not an archive of an enabled format.
  public init(
    path: String, kind: ArchiveKind = .archive, limits: ArchiveLimits = ArchiveLimits()
  ) throws(ArchiveError) {
    let fd: Int32
    switch openFileForReading(path) {
    case .success(let opened): fd = opened
    case .failure(let failure): throw .cannotOpen(archive: path, message: failure.message)
    }
    guard let handle = archive_read_new() else {
      close(fd)
      throw .cannotOpen(archive: path, message: "libarchive could not allocate a reader")
    }
    self.path = path
    self.kind = kind
    self.limits = limits
    self.handle = handle
    self.descriptor = fd
    self.utf8Locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)
    // From here on `deinit` frees the handle and closes the descriptor, also when we throw.

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
    let opened = inUTF8Locale { archive_read_open_fd(handle, fd, 64 * 1024) }
    guard opened == ARCHIVE_OK else {
      throw fail(.unreadable(archive: path, member: nil, message: libraryMessage()))
    }
  }

  deinit {
    archive_read_free(handle)
    close(descriptor)
    if let utf8Locale { freelocale(utf8Locale) }
  }

  /// Moves to the next member and describes it; nil after the last one.
  ///
  /// - Throws: `ArchiveError.unsafeMemberPath` for an absolute or `..` member name;
  ///   `ArchiveError.unreadable` for a corrupt or truncated archive;
  ///   `ArchiveError.tooLarge` / `.compressionRatioTooHigh` when a limit is passed.
  public func next() throws(ArchiveError) -> ArchiveEntry? {
    if let failure { throw failure }
    if reachedEnd { return nil }
    if !currentIsDone { try drainCurrent() }
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
      reachedEnd = true
      return nil
    }
    // ARCHIVE_WARN reports a recoverable oddity (a name not convertible to the locale);
    // anything worse, including RETRY, ends the reading.
    guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
      throw fail(.unreadable(archive: path, member: nil, message: libraryMessage()))
    }
    if let reason = MemberPath.problem(in: entry.pathname) {
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
  ///   `ArchiveError.tooLarge` / `.compressionRatioTooHigh` when a limit is passed.
  public func readData(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
    if let failure { throw failure }
    guard let entry = current, !currentIsDone, let base = buffer.baseAddress, buffer.count > 0 else {
      return 0
    }
    let count = archive_read_data(handle, base, buffer.count)
    if count < 0 {
      throw fail(.unreadable(archive: path, member: entry.pathname, message: libraryMessage()))
    }
    if count == 0 {
      currentIsDone = true
      return 0
    }
    expandedBytes += count
    try checkLimits(member: entry.pathname, declaredMore: 0)
    return count
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
    return ArchiveEntry(
      pathname: pathname,
      size: archive_entry_size_is_set(entry) != 0 ? Int(archive_entry_size(entry)) : nil,
      isRegularFile: type == cpl_archive_type_regular(),
      isDirectory: type == cpl_archive_type_directory())
  }

  /// Runs `body` with the UTF-8 locale current on this thread (only this thread, and only
  /// for the call: the process's locale is not ours to change).
  private func inUTF8Locale<T>(_ body: () -> T) -> T {
    guard let utf8Locale else { return body() }
    let previous = uselocale(utf8Locale)
    defer { uselocale(previous) }
    return body()
  }

  private func libraryMessage() -> String {
    archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
  }

  /// Records `error` as the reader's final state and returns it for throwing.
  private func fail(_ error: ArchiveError) -> ArchiveError {
    failure = error
    current = nil
    currentIsDone = true
    return error
  }
}
