import PLCore

/// One member of an archive as a `ByteStream`: its bytes, decompressed, in blocks.
///
/// Made by `ArchiveReader.memberStream()`. Its name is the toolkit's `outer.zip!inner/path`,
/// so messages and provenance of whatever reads it name the member; its size is the one the
/// header declares, when it declares one. Reading goes through the archive reader, so the
/// zip-bomb limits count these bytes, and the archive's errors arrive as `PLError`s
/// (`ArchiveError.plError`).
///
/// Contract: valid while its member is the reader's current one. Reading after the reader
/// has moved on throws `PLError.internalError`, never the next member's bytes.
public final class ArchiveMemberStream: ByteStream {
  /// `archive!member`, as in the archive reader's messages.
  public let name: String
  /// The expanded size the header declares, when it declares one.
  public let size: Int?
  public var tally = StreamTally()
  /// The member's header.
  public let entry: ArchiveEntry
  private let reader: ArchiveReader
  private let memberNumber: Int

  init(reader: ArchiveReader, entry: ArchiveEntry, memberNumber: Int) {
    self.name = MemberPath.display(archive: reader.path, member: entry.pathname)
    self.size = entry.size
    self.entry = entry
    self.reader = reader
    self.memberNumber = memberNumber
  }

  /// Reads up to `buffer.count` bytes of the member; returns 0 at its end.
  ///
  /// - Throws: the archive's error as `ArchiveError.plError` gives it (`PLError.malformed`
  ///   for a corrupt member or a passed limit, the outer stream's own error when it failed);
  ///   `PLError.internalError` when the reader has moved past this member.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(PLError) -> Int {
    guard reader.memberNumber == memberNumber else {
      throw .internalError("\(name): read after the archive reader moved past this member")
    }
    let count: Int
    do {
      count = try reader.readData(into: buffer)
    } catch {
      throw error.plError
    }
    tally.count(buffer, count)
    return count
  }
}
