import Foundation
import PLCore
import Testing

@testable import PLExtract

/// The input walker: containers decided by content, members read as files, junk passed over,
/// limits enforced, every file and member reported once with the bytes it was read from.
@Suite struct ContainerTests {
  /// What the walker told its observer.
  final class Observer: ExtractObserver {
    var finished: [(name: String, records: Int, details: [Field])] = []
    var failed: [(name: String, error: PLError, complete: Bool)] = []
    var warnings: [String] = []
    var skips: [PLError] = []
    func sourceOpened(_ source: any ByteStream) {}
    func recordsRead(_ records: Int, bytesRead: Int) {}
    func skipped(_ error: PLError) { skips.append(error) }
    func warning(_ message: String) { warnings.append(message) }
    func sourceFinished(_ source: any ByteStream, records: Int, details: [Field]) {
      finished.append((source.name, records, details))
    }
    func sourceFailed(name: String, source: (any ByteStream)?, records: Int, error: PLError, complete: Bool) {
      failed.append((name, error, complete))
    }
  }

  /// Runs `plan` in `dir`; returns the `_pl.source` and first value of each record written.
  func run(_ plan: ExtractPlan, in dir: TemporaryDirectory) throws(PLError) -> (records: [String], observer: Observer) {
    let outPath = dir.file("out.ndjson")
    let fd = open(outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    defer { close(fd) }
    let observer = Observer()
    let sink = NDJSONSink(stream: OutputStream(fd: fd, name: outPath), includeMeta: true)
    try Extractor(plan: plan, sink: sink, observer: observer).run()
    let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let records = text.split(separator: "\n").map { line -> String in
      let source = line.range(of: #""source":""#).map { line[$0.upperBound...].prefix { $0 != "\"" } } ?? "?"
      let value = line.range(of: #"":""#).map { line[$0.upperBound...].prefix { $0 != "\"" } } ?? "?"
      return "\(source)=\(value)"
    }
    return (records, observer)
  }

  func plan(_ inputs: [String], _ change: (inout ExtractPlan) -> Void = { _ in }) -> ExtractPlan {
    var plan = ExtractPlan(inputs: inputs)
    change(&plan)
    return plan
  }

  @Test func containersAreDecidedByContentNotName() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import gzip, zipfile, lzma, bz2
      open('a.zip', 'wb').write(gzip.compress(b'x\\n1\\n', mtime=0))
      open('b.csv', 'wb').write(lzma.compress(b'x\\n2\\n'))
      open('c.txt', 'wb').write(bz2.compress(b'x\\n3\\n'))
      with zipfile.ZipFile('d.gz', 'w') as z: z.writestr('in.csv', 'x\\n4\\n')
      """)
    let (records, observer) = try run(plan(["a.zip", "b.csv", "c.txt", "d.gz"].map(dir.file)), in: dir)
    #expect(records.map { $0.split(separator: "/").last.map(String.init) ?? $0 } == ["a.zip=1", "b.csv=2", "c.txt=3", "d.gz!in.csv=4"])
    let formats = observer.finished.map { ($0.name.split(separator: "/").last.map(String.init) ?? "", $0.details[key: "compression"]?.stringValue ?? $0.details[key: "format"]?.stringValue ?? "") }
    #expect(formats.map(\.1) == ["gzip", "xz", "bzip2", "csv", "zip"])
  }

  @Test func aCompressedTarIsOneSourceWithItsMembers() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import tarfile, io
      with tarfile.open('bundle.tar.gz', 'w:gz') as t:
          for name, data in [('logs/run1.csv', b't\\n1\\n'), ('logs/run2.csv', b't\\n2\\n')]:
              info = tarfile.TarInfo(name); info.size = len(data)
              t.addfile(info, io.BytesIO(data))
      """)
    let path = dir.file("bundle.tar.gz")
    let (records, observer) = try run(plan([path]), in: dir)
    #expect(records == ["\(path)!logs/run1.csv=1", "\(path)!logs/run2.csv=2"])
    #expect(observer.finished.map(\.name) == ["\(path)!logs/run1.csv", "\(path)!logs/run2.csv", path])
    let archive = try #require(observer.finished.last)
    #expect(archive.records == 2)
    #expect(archive.details[key: "format"]?.stringValue == "tar")
    #expect(archive.details[key: "compression"]?.stringValue == "gzip")
  }

  @Test func junkIsPassedOverAndDocumentationReported() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import zipfile
      with zipfile.ZipFile('b.zip', 'w') as z:
          for name in ['__MACOSX/._a.csv', 'x/.DS_Store', 'Thumbs.db', '~$book.xlsx', '.hidden.csv', 'x/.git/config']:
              z.writestr(name, 'junk')
          z.writestr('README', 'Read me first.')
          z.writestr('notes.md', '# Notes')
          z.writestr('run.xml', '<run/>')
          z.writestr('a.csv', 'v\\n1\\n')
      """)
    let (records, observer) = try run(plan([dir.file("b.zip")]), in: dir)
    // The XML member is read (one record of its root); README and notes.md are reported.
    #expect(records.count == 2)
    #expect(observer.warnings.count == 2)
    #expect(observer.finished.last?.details[key: "members_passed_over"] == .integer(6))
    #expect(observer.finished.last?.details[key: "members"] == .integer(4))
  }

  @Test(arguments: [
    ("a.csv", nil), ("__MACOSX/x", "macOS"), ("d/.DS_Store", "macOS"), ("THUMBS.DB", "Windows"),
    ("~$x.docx", "lock"), (".env", "hidden"), ("d/.svn/x.csv", "hidden"), ("a..b.csv", nil),
  ] as [(String, String?)])
  func junkNames(name: String, reason: String?) {
    let found = MemberFilter.junk(name)
    if let reason { #expect(found?.contains(reason) == true, "\(name)") } else { #expect(found == nil, "\(name)") }
  }

  @Test func workbooksAreNotBundles() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import zipfile
      with zipfile.ZipFile('book.bin', 'w') as z:
          z.writestr('[Content_Types].xml', '<Types/>')
          z.writestr('xl/workbook.xml', '<workbook/>')
      """)
    let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: dir.file("book.bin"))))
    bytes.withUnsafeBufferPointer { head in
      #expect(ContainerKind.detect(name: "book.bin", head: head) == nil)
      #expect(ContainerKind.detect(name: "x.zip", head: UnsafeBufferPointer(rebasing: head[0..<4])) == .archive("zip"))
      #expect(ContainerKind.detect(name: "x.xlsx", head: UnsafeBufferPointer(rebasing: head[0..<4])) == nil)
    }
    // Plain text starting "BZh" is no bzip2 stream.
    Array("BZh,value\n1,2\n".utf8).withUnsafeBufferPointer { #expect(ContainerKind.detect(name: "a.csv", head: $0) == nil) }
  }

  @Test func depthAndMemberCountsAreCapped() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import zipfile, io
      data = b'v\\n1\\n'; name = 'a.csv'
      for level in range(3):
          buf = io.BytesIO()
          with zipfile.ZipFile(buf, 'w') as z: z.writestr(name, data)
          data = buf.getvalue(); name = f'l{level}.zip'
      open('deep.zip', 'wb').write(data)
      with zipfile.ZipFile('many.zip', 'w') as z:
          for i in range(20): z.writestr(f'{i}.csv', 'v\\n1\\n')
      """)
    #expect(try run(plan([dir.file("deep.zip")]), in: dir).records.count == 1)
    let deep = #expect(throws: PLError.self) { try run(plan([dir.file("deep.zip")]) { $0.limits.maxDepth = 2 }, in: dir) }
    #expect(deep?.description.contains("nested more than 2 deep") == true)
    let many = #expect(throws: PLError.self) { try run(plan([dir.file("many.zip")]) { $0.limits.maxMembers = 10 }, in: dir) }
    #expect(many?.description.contains("more than 10 members") == true)
    #expect(many?.exitStatus == .dataError)
  }

  @Test func skipGoesOnAfterADamagedMemberAndReportsItOnce() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import zipfile, io, random
      random.seed(3)
      inner = io.BytesIO()
      with zipfile.ZipFile(inner, 'w', zipfile.ZIP_DEFLATED) as z:
          z.writestr('x.csv', 'v\\n' + ''.join(f'{random.random()}\\n' for _ in range(4000)))
      with zipfile.ZipFile('b.zip', 'w') as z:
          z.writestr('a.csv', 'v\\n1\\n')
          z.writestr('cut.zip', inner.getvalue()[:len(inner.getvalue()) // 2])
          z.writestr('c.csv', 'v\\n3\\n')
      """)
    let path = dir.file("b.zip")
    let (records, observer) = try run(plan([path]) { $0.errorPolicy = .skip }, in: dir)
    #expect(records == ["\(path)!a.csv=1", "\(path)!c.csv=3"])
    #expect(observer.skips.count == 1)
    // The member cut short, then the inner archive, whose bytes were all read (its sha256
    // stands); the damage is counted and reported once.
    #expect(observer.failed.map(\.name) == ["\(path)!cut.zip!x.csv", "\(path)!cut.zip"])
    #expect(observer.failed.map(\.complete) == [false, true])
    #expect(observer.failed.last?.error.description.contains("truncated zip archive") == true)
  }

  @Test func foldersAreWalkedInByteOrderAndRecursivelyOnlyWhenAsked() throws {
    let dir = try TemporaryDirectory()
    try dir.python(
      """
      import os
      os.makedirs('in/sub'); os.makedirs('in/.hidden')
      for name, v in [('in/b.csv', 1), ('in/B.csv', 2), ('in/a.csv', 3), ('in/sub/c.csv', 4), ('in/.x.csv', 5), ('in/.hidden/d.csv', 6)]:
          open(name, 'w').write(f'v\\n{v}\\n')
      os.symlink('sub', 'in/link')
      """)
    let root = dir.file("in")
    let flat = try run(plan([root]), in: dir)
    #expect(flat.records == ["\(root)/B.csv=2", "\(root)/a.csv=3", "\(root)/b.csv=1"])
    #expect(flat.observer.warnings.contains { $0.contains("\(root)/sub") && $0.contains("-r") })
    #expect(flat.observer.warnings.contains { $0.contains("symbolic link to a folder") })
    let deep = try run(plan([root]) { $0.recursive = true }, in: dir)
    #expect(deep.records == ["\(root)/B.csv=2", "\(root)/a.csv=3", "\(root)/b.csv=1", "\(root)/sub/c.csv=4"])
  }
}
