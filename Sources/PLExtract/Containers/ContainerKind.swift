import PLArchive
import PLCore

/// An input that holds other inputs: opened by `InputWalker`, never handed to a record reader.
///
/// Decided by content (the first bytes), never by name: a `.csv` that is really gzip is
/// decompressed, a `.gz` that is plain text is read as text. A compressed tar is a compressed
/// file whose content is a tar, so `bundle.tar.gz` is two containers, one inside the other
/// (and counts two against the nesting limit).
///
/// An e-mail (RFC 5322 with MIME parts, split by `MailMessage`) is a container too: each
/// attachment is read like a file.
public enum ContainerKind: Equatable, Sendable {
  /// One compressed file, whose decompressed bytes are the input: gzip, xz, zstd, bzip2.
  case compressed(String)
  /// A bundle of members, each read as if it were a file: zip, tar, 7z.
  case archive(String)
  /// An e-mail message, whose attachments are the members.
  case mail

  /// The short name of the format (`gzip`, `zip`, `e-mail`), for summaries and messages.
  public var format: String {
    switch self {
    case .compressed(let name), .archive(let name): name
    case .mail: "e-mail"
    }
  }

  /// The container `head` (the first bytes of an input, up to 64 KiB) begins, or nil for an
  /// input to hand to a reader. A zip that is an XLSX or ODS workbook, or a Word document, is
  /// not a bundle: it goes to the readers (which read or refuse it by kind).
  public static func detect(name: String, head: UnsafeBufferPointer<UInt8>) -> ContainerKind? {
    func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && zip(head, magic).allSatisfy { $0 == $1 } }
    if starts([0x1F, 0x8B]) { return .compressed("gzip") }
    if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .compressed("xz") }
    if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .compressed("zstd") }
    // "BZh" and a block size digit, then the block magic (pi): plain text may start "BZh".
    if starts([0x42, 0x5A, 0x68]), head.count >= 10, (0x31...0x39).contains(head[3]),
      head[4..<10].elementsEqual([0x31, 0x41, 0x59, 0x26, 0x53, 0x59] as [UInt8])
        || head[4..<10].elementsEqual([0x17, 0x72, 0x45, 0x38, 0x50, 0x90] as [UInt8])
    {
      return .compressed("bzip2")
    }
    if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .archive("7z") }
    if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
      return isOfficeDocument(name: name, head: head) ? nil : .archive("zip")
    }
    if head.count >= 262, head[257..<262].elementsEqual("ustar".utf8) { return .archive("tar") }
    if MailMessage.sniff(head) == .high { return .mail }
    return nil
  }

  /// Whether a zip is a workbook or document whose parts are not members to read one by
  /// one: by its name, or by the parts its first local headers name.
  static func isOfficeDocument(name: String, head: UnsafeBufferPointer<UInt8>) -> Bool {
    let base = name.split { $0 == "/" || $0 == "!" }.last.map { $0.lowercased() } ?? ""
    for suffix in [".xlsx", ".xlsm", ".xltx", ".ods", ".docx", ".odt", ".pptx", ".odp"] where base.hasSuffix(suffix) {
      return true
    }
    func contains(_ text: String) -> Bool {
      let needle = Array(text.utf8)
      guard head.count >= needle.count, let first = needle.first else { return false }
      var i = 0
      while i + needle.count <= head.count {
        if head[i] == first, head[i..<(i + needle.count)].elementsEqual(needle) { return true }
        i += 1
      }
      return false
    }
    // An OpenDocument file stores its type first, uncompressed; Office Open XML names its
    // parts in the local headers.
    if contains("mimetypeapplication/vnd.oasis.opendocument") { return true }
    return contains("[Content_Types].xml") && (contains("xl/") || contains("word/") || contains("ppt/"))
  }
}

/// How far containers may go before they are refused as hostile: decompression bombs,
/// archives in archives in archives, archives of a million empty members.
public struct ContainerLimits: Equatable, Sendable {
  /// Caps on the bytes and the expansion ratio of each archive or compressed file. An
  /// archive inside another gets at most what its parent has left of `maxTotalBytes`.
  public var archive = ArchiveLimits()
  /// The most containers one inside another (`bundle.tar.gz` is two: gzip, then tar).
  public var maxDepth = 8
  /// The most members (files, folders, links) one archive may hold.
  public var maxMembers = 100_000

  public init() {}
}
