import Foundation
import PLCore
import PLDigest
import Testing

@testable import PLArchive

/// Reading archives from a `ByteStream`: what the stream's observers see, members as streams,
/// and errors of the stream itself.
@Suite struct ArchiveStreamTests {
  /// A zip with a folder, a CSV and a gzipped tar inside; a tar whose padding runs past its
  /// end marker; a gzipped CSV.
  static let fixtures = """
    import zipfile, tarfile, gzip, io, os
    os.mkdir('run')
    with open('run/trial.csv', 'w') as f: f.write('t,temp\\n0,71.5\\n')
    with tarfile.open('inner.tar.gz', 'w:gz') as t: t.add('run')
    with tarfile.open('plain.tar', 'w') as t: t.add('run')
    with gzip.open('data.csv.gz', 'wt') as f:
        for i in range(2000): f.write(f'{i};{i * 0.25}\\n')
    with zipfile.ZipFile('batch.zip', 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('folder/', '')
        z.writestr('folder/data.csv', 'a,b\\n' + ''.join(f'{i},{i * i}\\n' for i in range(3000)))
        z.write('inner.tar.gz', 'nested/inner.tar.gz')
        z.write('data.csv.gz', 'nested/data.csv.gz')
    """

  static let dataCSV = "a,b\n" + (0..<3000).map { "\($0),\($0 * $0)\n" }.joined()
  static let gzippedCSV = (0..<2000).map { "\($0);\(Double($0) * 0.25)\n" }.joined()

  /// Bug guard: the reader opened its own descriptor, so a digest attached to the source
  /// never saw the archive's bytes. It must see all of them, the tail after the end marker too.
  @Test(arguments: [
    ("batch.zip", ArchiveKind.archive), ("plain.tar", .archive), ("inner.tar.gz", .archive),
    ("data.csv.gz", .compressedFile),
  ])
  func observersSeeExactlyTheFile(file: String, kind: ArchiveKind) throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.fixtures)
    let bytes = try Array(Data(contentsOf: dir.url.appendingPathComponent(file)))
    // A file in large blocks, and the same bytes in small ones: libarchive stops reading a
    // zip inside its central directory, which a block of a whole small file hides.
    let streams: [ByteStream] = [
      try FileStream(path: dir.file(file)), trickleStream(bytes, name: file, blockSize: 512),
    ]
    for stream in streams {
      let watched = try Watched(stream)
      let members = try readAll(ArchiveReader(stream: stream, kind: kind))
      #expect(!members.isEmpty)
      #expect(watched.collector.count == bytes.count, "\(stream.name)")
      #expect(watched.collector.isSame(as: bytes), "\(stream.name)")
      #expect(watched.digest.finalize() == (try SHA256Digest.hex(of: bytes)))
    }
  }

  @Test(arguments: [1, 7, 4096])
  func shortReadsFromTheStreamChangeNothing(blockSize: Int) throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.fixtures)
    let bytes = try Array(Data(contentsOf: dir.url.appendingPathComponent("batch.zip")))
    let stream = trickleStream(bytes, name: "batch.zip", blockSize: blockSize)
    let members = try readAll(ArchiveReader(stream: stream))
    #expect(members.map(\.entry.pathname) == ["folder/", "folder/data.csv", "nested/inner.tar.gz", "nested/data.csv.gz"])
    #expect(members[1].text == Self.dataCSV)
    #expect(stream.bytesRead == bytes.count)
  }

  @Test(arguments: [1, 7, 4096, 1 << 16])
  func memberReadAsAStreamGivesItsExactBytes(blockSize: Int) throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.fixtures)
    let path = dir.file("batch.zip")
    let reader = try ArchiveReader(path: path)
    #expect(reader.memberStream() == nil)
    #expect(try reader.next()?.pathname == "folder/")
    #expect(try reader.next()?.pathname == "folder/data.csv")
    let member = try #require(reader.memberStream())
    let watched = try Watched(member)
    #expect(member.name == "\(path)!folder/data.csv")
    #expect(member.size == Self.dataCSV.utf8.count)
    let bytes = try readToEnd(member, blockSize: blockSize)
    #expect(bytes == Array(Self.dataCSV.utf8))
    #expect(watched.collector.count == bytes.count)
    #expect(watched.collector.isSame(as: bytes))
    #expect(member.bytesRead == bytes.count)
    var byte: UInt8 = 0
    #expect(try withUnsafeMutableBytes(of: &byte) { try member.read(into: $0) } == 0)
  }

  @Test func nestedArchiveIsReadFromItsMemberStream() throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.fixtures)
    let outer = try ArchiveReader(stream: FileStream(path: dir.file("batch.zip")))
    var found: [String: String] = [:]
    while let entry = try outer.next() {
      guard entry.pathname.hasPrefix("nested/") else { continue }
      let member = try #require(outer.memberStream())
      let kind: ArchiveKind = entry.pathname.hasSuffix(".tar.gz") ? .archive : .compressedFile
      let inner = try ArchiveReader(stream: member, kind: kind)
      while let innerEntry = try inner.next() {
        let innerStream = try #require(inner.memberStream())
        found[innerStream.name] = String(decoding: try readToEnd(innerStream, blockSize: 7), as: UTF8.self)
        #expect(innerStream.entry == innerEntry)
      }
    }
    let zip = dir.file("batch.zip")
    #expect(
      found == [
        "\(zip)!nested/inner.tar.gz!run/": "",
        "\(zip)!nested/inner.tar.gz!run/trial.csv": "t,temp\n0,71.5\n",
        "\(zip)!nested/data.csv.gz!data.csv": Self.gzippedCSV,
      ])
  }

  /// Returning 0 after the reader moved on would pass a truncated member off as complete.
  @Test func memberStreamRefusesToReadAfterTheReaderMovedOn() throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.fixtures)
    let reader = try ArchiveReader(path: dir.file("batch.zip"))
    _ = try reader.next()
    _ = try reader.next()
    let member = try #require(reader.memberStream())
    var byte: UInt8 = 0
    #expect(try withUnsafeMutableBytes(of: &byte) { try member.read(into: $0) } == 1)
    while try reader.next() != nil {}
    let error = #expect(throws: PLError.self) {
      _ = try withUnsafeMutableBytes(of: &byte) { try member.read(into: $0) }
    }
    guard case .internalError(let message) = error else {
      Issue.record("expected internalError, got \(String(describing: error))")
      return
    }
    #expect(message.contains("folder/data.csv"))
  }

  /// The stream's own error comes out, at every point where libarchive reads: while
  /// sniffing the format, in a header, in a member's data.
  @Test(arguments: [0, 100, 2000, 9000])
  func streamErrorIsRethrownNotTurnedIntoTruncation(failAfter: Int) throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.fixtures)
    let bytes = try Array(Data(contentsOf: dir.url.appendingPathComponent("batch.zip")))
    try #require(bytes.count > failAfter + 1000)
    let stream = FailingStream(bytes, name: "batch.zip", failAfter: failAfter)
    let expected = ArchiveError.stream(FailingStream.error("batch.zip"))
    var reader: ArchiveReader?
    let error = #expect(throws: ArchiveError.self) {
      reader = try ArchiveReader(stream: stream)
      _ = try readAll(reader!, blockSize: 100)
    }
    #expect(error == expected)
    #expect(error?.plError == FailingStream.error("batch.zip"))
    if let reader {
      // The reader is spent: it keeps saying why.
      #expect(throws: expected) { _ = try reader.next() }
    }
  }

  @Test func failingOuterStreamReachesTheMemberReader() throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.fixtures)
    let bytes = try Array(Data(contentsOf: dir.url.appendingPathComponent("batch.zip")))
    let reader = try ArchiveReader(stream: FailingStream(bytes, name: "batch.zip", failAfter: 3000))
    _ = try reader.next()
    _ = try reader.next()
    let member = try #require(reader.memberStream())
    #expect(throws: FailingStream.error("batch.zip")) { _ = try readToEnd(member, blockSize: 4096) }
  }

  @Test func truncatedZipFromAStreamIsUnreadable() throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.fixtures)
    let bytes = try Array(Data(contentsOf: dir.url.appendingPathComponent("batch.zip")))
    let cut = Array(bytes[0..<(bytes.count / 3)])
    let reader = try ArchiveReader(stream: trickleStream(cut, name: "cut.zip", blockSize: 1000))
    let error = #expect(throws: ArchiveError.self) { _ = try readAll(reader) }
    guard case .unreadable(let archive, _, _) = error else {
      Issue.record("expected unreadable, got \(String(describing: error))")
      return
    }
    #expect(archive == "cut.zip")
  }

  @Test func limitsApplyToAMemberReadAsAStream() throws {
    let dir = try TemporaryDirectory()
    try dir.python(ArchiveReaderTests.bombScript)
    let bytes = try Array(Data(contentsOf: dir.url.appendingPathComponent("bomb.zip")))
    let limits = ArchiveLimits(maxTotalBytes: 1 << 40, maxRatio: 100, ratioAppliesAbove: 1 << 20)
    let reader = try ArchiveReader(stream: trickleStream(bytes, name: "bomb.zip", blockSize: 4096), limits: limits)
    #expect(try reader.next()?.pathname == "zeros.csv")
    let member = try #require(reader.memberStream())
    let error = #expect(throws: PLError.self) { _ = try readToEnd(member, blockSize: 1 << 16) }
    guard case .malformed("bomb.zip!zeros.csv", nil, let message) = error else {
      Issue.record("expected malformed, got \(String(describing: error))")
      return
    }
    #expect(message.hasPrefix("refused: expands more than 100 times"))
    #expect(error?.exitStatus == .dataError)
  }

  @Test func memberClimbingOutIsRefusedThroughAStream() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import zipfile
      with zipfile.ZipFile('evil.zip', 'w') as z: z.writestr('../evil.csv', 'pwned\\n')
      """)
    let bytes = try Array(Data(contentsOf: dir.url.appendingPathComponent("evil.zip")))
    let reader = try ArchiveReader(stream: trickleStream(bytes, name: "in.zip!evil.zip", blockSize: 3))
    let error = #expect(throws: ArchiveError.self) { _ = try reader.next() }
    #expect(error?.description == "in.zip!evil.zip!../evil.csv: refused: the member name has a '..' component")
  }

  @Test func errorsInTheToolkitsTerms() {
    #expect(
      ArchiveError.cannotOpen(archive: "a.zip", message: "No such file or directory").plError
        == .inputMissing(source: "a.zip", message: "No such file or directory"))
    let unreadable = ArchiveError.unreadable(archive: "a.zip", member: "b.csv", message: "Truncated input")
    #expect(unreadable.plError == .malformed(source: "a.zip!b.csv", location: nil, message: "cannot read archive: Truncated input"))
    #expect(unreadable.plError.description == unreadable.description)
    let io = PLError.io(target: "a.zip", message: "Input/output error")
    #expect(ArchiveError.stream(io).plError == io)
    #expect(ArchiveError.stream(io).description == io.description)
  }
}
