#if canImport(Glibc)
  import Glibc
#endif
import PLArchive
import PLCore

/// The zip of a workbook, held in memory compressed, so that its members can be read in
/// more than one pass.
///
/// A zip is read front to back (from a pipe as well as a file), and its members come in any
/// order: openpyxl writes `xl/workbook.xml` after the sheets, Excel writes the shared
/// strings and the styles after them. A sheet's cells cannot be read without those parts,
/// nor its merged cells (listed at its end) known before its rows. So the compressed bytes
/// are kept (at most `maxCompressedBytes`), a first pass keeps the small parts and notes the
/// merges, and later passes stream the sheets. Every pass reads through `ArchiveReader`,
/// whose limits stop a zip bomb in any of them.
final class WorkbookPackage {
  /// The input's name, for messages and provenance.
  let name: String
  let bytes: [UInt8]
  let limits: ArchiveLimits

  /// The largest workbook file read (compressed): 1 GiB.
  static let maxCompressedBytes = 1 << 30
  /// The largest part other than a sheet (shared strings, styles) read into memory: 256 MiB.
  static let maxPartBytes = 256 << 20

  /// Reads the rest of `stream` (the input from its first byte).
  ///
  /// - Throws: `PLError.malformed` when it is larger than `maxCompressedBytes`; the stream's
  ///   errors.
  init(stream: any ByteStream, name: String, limits: ArchiveLimits = ArchiveLimits()) throws(PLError) {
    self.name = name
    self.limits = limits
    bytes = try stream.readAll(limit: Self.maxCompressedBytes)
    // Read by its local headers, a zip cut after its last member would pass for whole: its
    // end record (`PK\5\6`, in the last 64 KiB + 22 bytes) says it is not.
    let tail = bytes.suffix(65_557)
    let end: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
    let hasEnd = tail.withContiguousStorageIfAvailable { findBytes(end, in: UnsafeRawBufferPointer($0)) != nil } ?? true
    guard hasEnd else {
      throw PLError.malformed(
        source: name, location: nil,
        message: "not a readable workbook (damaged or cut short?): the zip has no end-of-central-directory record (\(bytes.count) bytes)")
    }
  }

  /// A new pass over the members, from the first.
  func open() throws(PLError) -> ArchiveReader {
    do throws(ArchiveError) {
      return try ArchiveReader(stream: MemoryStream(bytes, name: name), kind: .archive, limits: limits)
    } catch {
      throw Self.damaged(error, workbook: name)
    }
  }

  /// The next member of `reader`; nil after the last.
  func next(_ reader: ArchiveReader) throws(PLError) -> ArchiveEntry? {
    do throws(ArchiveError) {
      return try reader.next()
    } catch {
      throw Self.damaged(error, workbook: name)
    }
  }

  /// The whole of the current member of `reader`, up to `maxPartBytes`.
  func readMember(_ reader: ArchiveReader, _ entry: ArchiveEntry) throws(PLError) -> [UInt8] {
    guard let stream = reader.memberStream() else { return [] }
    do throws(PLError) {
      return try stream.readAll(limit: Self.maxPartBytes)
    } catch {
      throw Self.damaged(error, workbook: name)
    }
  }

  /// An archive's error as a damaged workbook: exit status 65, naming the workbook (and the
  /// member) and what libarchive found.
  static func damaged(_ error: ArchiveError, workbook: String) -> PLError {
    damaged(error.plError, workbook: workbook)
  }

  static func damaged(_ error: PLError, workbook: String) -> PLError {
    guard case .malformed(let source, let location, let message) = error else { return error }
    return .malformed(source: source, location: location, message: "not a readable workbook (damaged or cut short?): \(message)")
  }
}

extension ArchiveEntry {
  /// The member's part name as OPC compares them: without a leading `/`, in lower case.
  var partKey: String { WorkbookPackage.partKey(pathname) }
}

extension WorkbookPackage {
  static func partKey(_ path: String) -> String {
    var p = Substring(path)
    while p.first == "/" { p = p.dropFirst() }
    return p.lowercased()
  }

  /// `target` of a relationship in the part at `source` as a part name: absolute targets
  /// (`/xl/worksheets/sheet1.xml`, as openpyxl writes them) from the root, relative ones from
  /// the source part's folder, with `..` resolved.
  static func resolve(_ target: String, from source: String) -> String {
    var parts: [Substring]
    if target.hasPrefix("/") {
      parts = []
    } else {
      parts = source.split(separator: "/", omittingEmptySubsequences: true)
      if !parts.isEmpty { parts.removeLast() }
    }
    for piece in target.split(separator: "/", omittingEmptySubsequences: true) {
      if piece == "." { continue }
      if piece == ".." {
        if !parts.isEmpty { parts.removeLast() }
        continue
      }
      parts.append(piece)
    }
    return parts.joined(separator: "/")
  }

  /// The relationships part of the part at `path` (`xl/_rels/workbook.xml.rels`).
  static func relsPath(of path: String) -> String {
    var parts = path.split(separator: "/").map(String.init)
    let file = parts.popLast() ?? ""
    return (parts + ["_rels", file + ".rels"]).joined(separator: "/")
  }
}

/// Where `needle` first occurs in `haystack` from `from` on; nil when it does not.
func findBytes(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
  guard let first = needle.first, haystack.count >= needle.count else { return nil }
  var i = from
  let last = haystack.count - needle.count
  while i <= last {
    guard let hit = memchr(haystack.baseAddress! + i, Int32(first), last - i + 1) else { return nil }
    let at = haystack.baseAddress!.distance(to: UnsafeRawPointer(hit))
    var k = 1
    while k < needle.count && haystack[at + k] == needle[k] { k += 1 }
    if k == needle.count { return at }
    i = at + 1
  }
  return nil
}
