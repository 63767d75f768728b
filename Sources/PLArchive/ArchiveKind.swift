/// What an `ArchiveReader` expects to find in its file.
///
/// The two cannot be guessed safely from the bytes alone: a gzipped CSV is not an archive, and
/// letting libarchive try every format made mtree claim such a file and return its lines as
/// entries. The caller decides, usually from the file name.
public enum ArchiveKind: Equatable, Sendable {
  /// A zip, tar, 7-Zip or cpio archive, the tar and cpio possibly compressed with gzip,
  /// bzip2, xz, lzma, zstd or lz4 (`.zip`, `.tar.gz`, `.tgz`, `.tar.xz`, `.7z`, `.cpio`).
  case archive
  /// One file compressed with gzip, bzip2, xz, lzma, zstd or lz4 (`data.csv.gz`). Read as a
  /// single entry named after the file without its compression suffix. An uncompressed file
  /// passes through unchanged.
  case compressedFile
}
