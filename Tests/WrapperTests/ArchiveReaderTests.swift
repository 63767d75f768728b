import Foundation
import Testing

@testable import PLArchive

/// A member as read back: its header and all of its bytes.
struct ReadMember: Equatable {
  var entry: ArchiveEntry
  var text: String
}

/// Reads every member of `reader`, in blocks of `blockSize` bytes.
func readAll(_ reader: ArchiveReader, blockSize: Int = 4096) throws -> [ReadMember] {
  var members: [ReadMember] = []
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 1)
  defer { buffer.deallocate() }
  while let entry = try reader.next() {
    var bytes: [UInt8] = []
    while true {
      let count = try reader.readData(into: buffer)
      if count == 0 { break }
      bytes += buffer[0..<count]
    }
    members.append(ReadMember(entry: entry, text: String(decoding: bytes, as: UTF8.self)))
  }
  return members
}

@Suite struct ArchiveReaderTests {
  @Test func zipWithAFolder() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import zipfile
      with zipfile.ZipFile('batch.zip', 'w', zipfile.ZIP_DEFLATED) as z:
          z.writestr('folder/', '')
          z.writestr('folder/data.csv', 'a,b\\n1,2\\n')
          z.writestr('µg-results.csv', 'x\\n')
      """)
    let members = try readAll(ArchiveReader(path: dir.file("batch.zip")))
    #expect(members.map(\.entry.pathname) == ["folder/", "folder/data.csv", "µg-results.csv"])
    #expect(members[0].entry.isDirectory && !members[0].entry.isRegularFile)
    #expect(members[1].entry.isRegularFile && !members[1].entry.isDirectory)
    #expect(members[1].entry.size == 8)
    #expect(members[1].text == "a,b\n1,2\n")
    #expect(members[2].text == "x\n")
  }

  @Test(arguments: ["gz", "bz2", "xz"])
  func compressedTar(compression: String) throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import tarfile, io, os
      os.mkdir('run')
      with open('run/trial.csv', 'w') as f: f.write('t,temp\\n0,71.5\\n')
      with open('run/µg per 100 g.csv', 'w') as f: f.write('µ\\n')
      with tarfile.open('batch.tar.\(compression)', 'w:\(compression)') as t:
          t.add('run')
      """)
    let members = try readAll(ArchiveReader(path: dir.file("batch.tar.\(compression)")))
    let byName = Dictionary(uniqueKeysWithValues: members.map { ($0.entry.pathname, $0) })
    #expect(Set(byName.keys) == ["run/", "run/trial.csv", "run/µg per 100 g.csv"])
    #expect(byName["run/"]?.entry.isDirectory == true)
    #expect(byName["run/trial.csv"]?.entry.isRegularFile == true)
    #expect(byName["run/trial.csv"]?.text == "t,temp\n0,71.5\n")
    #expect(byName["run/µg per 100 g.csv"]?.text == "µ\n")
  }

  @Test func cpioArchive() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write(
      "batch.cpio",
      CPIOWriter(members: [
        .init(name: "plant", isDirectory: true),
        .init(name: "plant/log.tsv", data: Array("t\tpsi\n0\t14.7\n".utf8)),
      ]).bytes())
    let members = try readAll(ArchiveReader(path: path))
    #expect(members.map(\.entry.pathname) == ["plant", "plant/log.tsv"])
    #expect(members[0].entry.isDirectory)
    #expect(members[1].entry.isRegularFile && members[1].entry.size == 13)
    #expect(members[1].text == "t\tpsi\n0\t14.7\n")
  }

  @Test func cpioMemberClimbingOutIsRefused() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write(
      "evil.cpio", CPIOWriter(members: [.init(name: "a/../../etc/cron.d/x", data: [0x41])]).bytes())
    let reader = try ArchiveReader(path: path)
    let error = #expect(throws: ArchiveError.self) { _ = try reader.next() }
    #expect(error?.description.contains("evil.cpio!a/../../etc/cron.d/x: refused") == true)
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd")))
  func zstdCompressedFile() throws {
    let dir = try TemporaryDirectory()
    try dir.write("data.csv", Array("a,b\n1,2\n".utf8))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
    process.arguments = ["-q", dir.file("data.csv"), "-o", dir.file("data.csv.zst")]
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0)
    let members = try readAll(ArchiveReader(path: dir.file("data.csv.zst"), kind: .compressedFile))
    #expect(members.map(\.entry.pathname) == ["data.csv"])
    #expect(members.first?.text == "a,b\n1,2\n")
  }

  @Test(arguments: [1, 7, 4096])
  func gzippedCSVAsACompressedFile(blockSize: Int) throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import gzip
      with gzip.open('data.csv.gz', 'wt') as f:
          for i in range(1000): f.write(f'{i};{i * 0.5}\\n')
      """)
    let reader = try ArchiveReader(path: dir.file("data.csv.gz"), kind: .compressedFile)
    let members = try readAll(reader, blockSize: blockSize)
    let expected = (0..<1000).map { "\($0);\(Double($0) * 0.5)\n" }.joined()
    #expect(members.count == 1)
    #expect(members.first?.entry.pathname == "data.csv")
    #expect(members.first?.entry.isRegularFile == true)
    #expect(members.first?.text == expected)
  }

  /// Bug guard: with every format enabled, mtree claimed a gunzipped CSV and returned its lines
  /// as entries. In archive mode a compressed CSV is simply not an archive.
  @Test func gzippedCSVIsNotAnArchive() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import gzip
      with gzip.open('data.csv.gz', 'wt') as f: f.write('a,b\\n1,2\\n')
      """)
    #expect(throws: ArchiveError.self) {
      _ = try readAll(ArchiveReader(path: dir.file("data.csv.gz")))
    }
  }

  @Test func memberClimbingOutIsRefusedByName() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import zipfile
      with zipfile.ZipFile('evil.zip', 'w') as z:
          z.writestr('good.csv', 'a\\n1\\n')
          z.writestr('../evil.csv', 'pwned\\n')
      """)
    let reader = try ArchiveReader(path: dir.file("evil.zip"))
    #expect(try reader.next()?.pathname == "good.csv")
    let error = #expect(throws: ArchiveError.self) { _ = try reader.next() }
    guard case .unsafeMemberPath(_, let member, _) = error else {
      Issue.record("expected unsafeMemberPath, got \(String(describing: error))")
      return
    }
    #expect(member == "../evil.csv")
    #expect(error?.description.contains("evil.zip!../evil.csv: refused") == true)
    // The reader is spent: it keeps saying why.
    #expect(throws: error!) { _ = try reader.next() }
  }

  @Test func absoluteMemberIsRefused() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import tarfile, io
      with tarfile.open('abs.tar', 'w') as t:
          data = b'x\\n'
          info = tarfile.TarInfo('/etc/evil.csv'); info.size = len(data)
          t.addfile(info, io.BytesIO(data))
      """)
    let reader = try ArchiveReader(path: dir.file("abs.tar"))
    let error = #expect(throws: ArchiveError.self) { _ = try reader.next() }
    #expect(error?.description.contains("/etc/evil.csv") == true)
    #expect(error?.description.contains("absolute") == true)
  }

  @Test(arguments: [
    ("data.csv", nil), ("folder/", nil), ("a/b/c.csv", nil), ("a..b.csv", nil), ("..data", nil),
    ("../x", "'..'"), ("a/../../x", "'..'"), ("a/..", "'..'"), ("..\\x", "'..'"), ("..", "'..'"),
    ("/etc/passwd", "absolute"), ("\\x", "absolute"), ("C:/x", "drive"), ("", "empty"),
  ] as [(String, String?)])
  func memberPathChecks(name: String, problem: String?) {
    let found = MemberPath.problem(in: name)
    if let problem {
      #expect(found?.contains(problem) == true, "\(name): \(String(describing: found))")
    } else {
      #expect(found == nil, "\(name): \(String(describing: found))")
    }
  }

  @Test(arguments: [
    ("/in/data.csv.gz", "data.csv"), ("data.CSV.XZ", "data.CSV"), ("log.tsv.zst", "log.tsv"),
    ("plain.csv", "plain.csv"), (".gz", ".gz"), ("a.csv.bz2", "a.csv"),
    ("batch.zip!in/data.csv.gz", "data.csv"), ("batch.zip!data.csv.gz", "data.csv"),
  ])
  func compressedFileNames(path: String, name: String) {
    #expect(MemberPath.decompressedName(of: path) == name)
  }

  @Test func truncatedZipIsAnErrorNotACrash() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import zipfile, random
      random.seed(7)
      payload = bytes(random.getrandbits(8) for _ in range(200000))
      with zipfile.ZipFile('full.zip', 'w', zipfile.ZIP_DEFLATED) as z:
          z.writestr('a.bin', payload)
          z.writestr('b.bin', payload)
      data = open('full.zip', 'rb').read()
      open('cut.zip', 'wb').write(data[:len(data) // 3])
      """)
    let error = #expect(throws: ArchiveError.self) {
      _ = try readAll(ArchiveReader(path: dir.file("cut.zip")))
    }
    guard case .unreadable = error else {
      Issue.record("expected unreadable, got \(String(describing: error))")
      return
    }
  }

  @Test func truncatedTarGzIsAnErrorNotACrash() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import tarfile, io, random
      random.seed(7)
      payload = bytes(random.getrandbits(8) for _ in range(200000))
      with tarfile.open('full.tar.gz', 'w:gz') as t:
          info = tarfile.TarInfo('a.bin'); info.size = len(payload)
          t.addfile(info, io.BytesIO(payload))
      data = open('full.tar.gz', 'rb').read()
      open('cut.tar.gz', 'wb').write(data[:len(data) // 2])
      """)
    #expect(throws: ArchiveError.self) {
      _ = try readAll(ArchiveReader(path: dir.file("cut.tar.gz")))
    }
  }

  /// 20 MiB of zeros deflate to about 20 KiB: a ratio near 1000.
  static let bombScript = """
    import zipfile, gzip
    with zipfile.ZipFile('bomb.zip', 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('zeros.csv', b'0' * (20 << 20))
        z.writestr('after.csv', b'x\\n')
    with gzip.open('bomb.csv.gz', 'wb') as f: f.write(b'0' * (20 << 20))
    """

  @Test func zipBombIsRefusedByRatio() throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.bombScript)
    let limits = ArchiveLimits(maxTotalBytes: 1 << 40, maxRatio: 100, ratioAppliesAbove: 1 << 20)
    let error = #expect(throws: ArchiveError.self) {
      _ = try readAll(ArchiveReader(path: dir.file("bomb.zip"), limits: limits))
    }
    guard case .compressionRatioTooHigh(_, let member, let limit) = error else {
      Issue.record("expected compressionRatioTooHigh, got \(String(describing: error))")
      return
    }
    #expect(member == "zeros.csv")
    #expect(limit == 100)
    #expect(error?.description.contains("bomb.zip!zeros.csv: refused: expands more than 100 times") == true)
  }

  @Test func zipBombIsRefusedByTotalSize() throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.bombScript)
    let limits = ArchiveLimits(maxTotalBytes: 1 << 20)
    let error = #expect(throws: ArchiveError.self) {
      _ = try readAll(ArchiveReader(path: dir.file("bomb.zip"), limits: limits))
    }
    guard case .tooLarge(_, "zeros.csv", 1 << 20) = error else {
      Issue.record("expected tooLarge, got \(String(describing: error))")
      return
    }
  }

  /// Skipping a member must not be a way around the limits.
  @Test func skippedBombMemberIsStillCounted() throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.bombScript)
    let limits = ArchiveLimits(maxTotalBytes: 1 << 40, maxRatio: 100, ratioAppliesAbove: 1 << 20)
    let reader = try ArchiveReader(path: dir.file("bomb.zip"), limits: limits)
    #expect(try reader.next()?.pathname == "zeros.csv")
    #expect(throws: ArchiveError.self) { _ = try reader.next() }
  }

  @Test func gzipBombIsRefused() throws {
    let dir = try TemporaryDirectory()
    try dir.python(Self.bombScript)
    let limits = ArchiveLimits(maxTotalBytes: 1 << 40, maxRatio: 100, ratioAppliesAbove: 1 << 20)
    let reader = try ArchiveReader(path: dir.file("bomb.csv.gz"), kind: .compressedFile, limits: limits)
    let error = #expect(throws: ArchiveError.self) { _ = try readAll(reader) }
    guard case .compressionRatioTooHigh(_, "bomb.csv", _) = error else {
      Issue.record("expected compressionRatioTooHigh, got \(String(describing: error))")
      return
    }
  }

  @Test func defaultLimitsLetTheBombFixtureThrough() throws {
    // 20 MiB is under the default 64 MiB before the ratio applies: ordinary files pass.
    let dir = try TemporaryDirectory()
    try dir.python(Self.bombScript)
    let members = try readAll(ArchiveReader(path: dir.file("bomb.zip")), blockSize: 1 << 16)
    #expect(members.map(\.entry.pathname) == ["zeros.csv", "after.csv"])
    #expect(members[0].text.utf8.count == 20 << 20)
  }

  @Test func missingFileAndDirectoryCannotBeOpened() throws {
    let dir = try TemporaryDirectory()
    for path in [dir.file("nope.zip"), dir.url.path] {
      let error = #expect(throws: ArchiveError.self) { _ = try ArchiveReader(path: path) }
      guard case .cannotOpen(let archive, _) = error else {
        Issue.record("expected cannotOpen, got \(String(describing: error))")
        continue
      }
      #expect(archive == path)
    }
  }

  @Test func readingBeforeTheFirstEntryGivesNothing() throws {
    let dir = try TemporaryDirectory()
    try dir.python("import zipfile\nzipfile.ZipFile('a.zip', 'w').writestr('a.csv', 'x')")
    let reader = try ArchiveReader(path: dir.file("a.zip"))
    var byte: UInt8 = 0
    #expect(try withUnsafeMutableBytes(of: &byte) { try reader.readData(into: $0) } == 0)
    #expect(try readAll(reader).map(\.text) == ["x"])
    #expect(try reader.next() == nil)
  }
}
