import Foundation
import PLCore
import PLTestSupport
import Testing
@testable import PLLake

struct PartCodecTests {
  /// Lines of every kind of text, so that compressed blocks end anywhere.
  static let text: String = (0..<5000).map { "{\"n\":\($0),\"s\":\"µg/100 g ° \(String(repeating: "x", count: $0 % 97))\"}\n" }.joined()

  func writePart(_ compression: PartCompression, in dir: TemporaryDirectory) throws -> String {
    let path = dir.file("part.\(compression.fileExtension)")
    let part = try PartFile(path: path, compression: compression)
    var record = 0
    for line in Self.text.split(separator: "\n") {
      var bytes = Array(line.utf8) + [0x0A]
      try bytes.withUnsafeMutableBufferPointer { try part.append(line: UnsafeBufferPointer($0)) }
      record += 1
    }
    let (bytes, sha) = try part.close(mode: 0o640)
    let (fileSHA, fileBytes) = try LakeFS.sha256(ofFile: path)
    #expect(bytes == fileBytes && sha == fileSHA)
    #expect(part.records == record)
    return path
  }

  @Test(arguments: PartCompression.allCases, [1, 7, 4096, 1 << 20])
  func roundTripUnderEveryChunking(compression: PartCompression, chunk: Int) throws {
    let dir = try TemporaryDirectory()
    let path = try writePart(compression, in: dir)
    let compressed = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    let reader = try compression.makeReader(MemoryStream(compressed, name: "part", maxRead: chunk))
    #expect(String(decoding: try reader.readAll(), as: UTF8.self) == Self.text)
  }

  @Test func gzipPartsReadByPythonAndMultiMemberFilesReadByUs() throws {
    let dir = try TemporaryDirectory()
    _ = try writePart(.gzip, in: dir)
    try dir.python("""
      import gzip
      data = gzip.open('part.ndjson.gz').read().decode()
      assert data.count('\\n') == 5000, data.count('\\n')
      with open('multi.gz', 'wb') as f:
          f.write(gzip.compress(b'{"a":1}\\n'))
          f.write(gzip.compress(b''))
          f.write(gzip.compress(b'{"a":2}\\n'))
      """)
    let reader = try GzipInputStream(source: try FileStream(path: dir.file("multi.gz")))
    #expect(String(decoding: try reader.readAll(), as: UTF8.self) == "{\"a\":1}\n{\"a\":2}\n")
  }

  @Test(arguments: PartCompression.allCases)
  func aTruncatedPartIsAnErrorNotAShorterPart(compression: PartCompression) throws {
    let dir = try TemporaryDirectory()
    let path = try writePart(compression, in: dir)
    let compressed = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    for cut in [compressed.count - 1, compressed.count / 2, 12] {
      let reader = try compression.makeReader(MemoryStream(Array(compressed[0..<cut]), name: "part"))
      let error = plError { _ = try reader.readAll() }
      guard case .malformed(_, _, let message)? = error else {
        Issue.record("cut at \(cut): \(String(describing: error))")
        continue
      }
      #expect(message.contains("truncated") || message.contains("not a valid"))
    }
  }

  @Test func manifestsRoundTrip() throws {
    var manifest = Manifest(
      layer: .silver, dataset: "results", kind: "silver", batch: String(repeating: "ab", count: 32), identity: TestLake.identity,
      startedAt: "2026-11-30T10:00:00.000Z", options: [Field("key", .array([.string("a")]))],
      inputs: [ManifestInput(name: "in.ndjson", sha256: "00", bytes: 12), ManifestInput(name: "x.eml", sender: "Jörg", subject: "\"CoA\"", bronzeSHA256: "ff")],
      outputs: [ManifestOutput(path: "silver/results/date=2026-11-30/part-x-0.ndjson.gz", partition: "date=2026-11-30", records: 3, bytes: 99, sha256: "cd")],
      removed: ["silver/results/date=2026-11-29/part-y-0.ndjson.gz"], counts: ManifestCounts(read: 4, written: 3, rejected: 1),
      schema: [SchemaField(name: "a", kinds: ["null", "number"])])
    manifest.sequence = 7
    manifest.previous = "ee"
    let decoded = try Manifest(decoding: manifest.encoded(), source: "m.json")
    #expect(decoded == manifest)
    #expect(manifest.fileName == "000007-abababababababab.json")
    let error = plError { _ = try Manifest(decoding: Array("{\"format\":\"other\"}".utf8), source: "m.json") }
    #expect(error?.exitStatus == .dataError)
  }
}
