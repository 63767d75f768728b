/// How far an archive may expand before it is refused as a decompression bomb.
///
/// A few kilobytes of zip or gzip can expand to gigabytes. The reader counts every byte it
/// decompresses (including members that are skipped, and tar headers inside a compressed
/// stream) and stops with an error as soon as a limit is passed, so a bomb costs at most
/// `maxTotalBytes` of work and never fills a disk or memory.
///
/// Contract: `maxTotalBytes` caps the expanded bytes of the whole archive. `maxRatio` caps
/// expanded bytes ÷ compressed bytes read so far, checked only once more than
/// `ratioAppliesAbove` bytes have been expanded, so that small, very repetitive files pass.
public struct ArchiveLimits: Equatable, Sendable {
  /// The most bytes the whole archive may expand to.
  public var maxTotalBytes: Int
  /// The highest allowed ratio of expanded to compressed bytes.
  public var maxRatio: Double
  /// Below this many expanded bytes the ratio is not checked.
  public var ratioAppliesAbove: Int

  /// Limits for lab data: 8 GiB in all, and at most 250× beyond the first 64 MiB. Real CSV
  /// and XML compress 5–50×; one deflate stream cannot pass about 1030×.
  public init(maxTotalBytes: Int = 8 << 30, maxRatio: Double = 250, ratioAppliesAbove: Int = 64 << 20) {
    self.maxTotalBytes = maxTotalBytes
    self.maxRatio = maxRatio
    self.ratioAppliesAbove = ratioAppliesAbove
  }
}
