import CPLZlib
import Foundation
import PLCompress
import PLCore
import PLTestSupport
import Testing

/// Other readers read what we write, and we read what other writers write.
@Suite struct InteroperabilityTests {
  let input = sampleBytes(count: 700_000, binary: false)

  func written(_ format: CompressionFormat, in dir: TemporaryDirectory, name: String) throws -> String {
    try dir.write(name, try compress(input, format, threads: 2, piece: 10_000, blockSize: 1 << 16))
  }

  @Test(.enabled(if: hasProgram("gzip"))) func gzipReadsAllMembers() throws {
    let dir = try TemporaryDirectory()
    let path = try written(.gzip(level: 6), in: dir, name: "a.gz")
    let result = try run(["gzip", "-dc", path])
    #expect(result.status == 0)
    #expect(result.output == input)
    #expect(try run(["gzip", "-t", path]).status == 0)
  }

  @Test(.enabled(if: hasProgram("zstd"))) func zstdReadsOurFrames() throws {
    let dir = try TemporaryDirectory()
    let path = try written(.zstd(level: 3), in: dir, name: "a.zst")
    let result = try run(["zstd", "-dc", path])
    #expect(result.status == 0)
    #expect(result.output == input)
  }

  @Test(.enabled(if: hasProgram("python3"))) func pythonReadsBoth() throws {
    let dir = try TemporaryDirectory()
    let gz = try written(.gzip(level: 6), in: dir, name: "a.gz")
    let result = try run(["python3", "-c", "import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())", gz])
    #expect(result.status == 0)
    #expect(result.output == input)
  }

  /// zlib's own gzip file reader, as C programs (and zcat-like tools) use it.
  @Test func zlibGzreadReadsAllMembers() throws {
    let dir = try TemporaryDirectory()
    let path = try written(.gzip(level: 6), in: dir, name: "a.gz")
    let file = try #require(gzopen(path, "rb"))
    defer { gzclose(file) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 50_000)
    while true {
      let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
      try #require(n >= 0)
      if n == 0 { break }
      out += buffer[0..<Int(n)]
    }
    #expect(out == input)
  }

  @Test(.enabled(if: duckdbPython != nil, "no Python with duckdb: set PL_TEST_DUCKDB_PYTHON or pip install duckdb into bench/data/venv"))
  func duckdbReadsMultiMemberNDJSON() throws {
    let dir = try TemporaryDirectory()
    // 1000-byte pieces and 64 KiB members: lines are cut across member boundaries.
    let count = 30_000
    var lines: [UInt8] = []
    for i in 0..<count { lines += Array("{\"seq\":\(i),\"analyte\":\"protein\",\"value\":\(i % 97).5}\n".utf8) }
    let path = try dir.write("part-1.ndjson.gz", try compress(lines, .gzip(level: 6), threads: 2, piece: 1000, blockSize: 1 << 16))
    let script = """
      import duckdb, sys
      row = duckdb.connect().execute("select count(*), sum(seq), count(distinct seq), sum(value) from read_json_auto('\(path)')").fetchall()[0]
      print(*row)
      """
    let result = try run([duckdbPython!, "-c", script])
    #expect(result.status == 0, "\(result.errors)")
    let expectedValue = (0..<count).reduce(0.0) { $0 + Double($1 % 97) + 0.5 }
    let expected = "\(count) \(count * (count - 1) / 2) \(count) \(expectedValue)\n"
    #expect(String(decoding: result.output, as: UTF8.self) == expected)
  }

  @Test(.enabled(if: hasProgram("gzip") && hasProgram("pigz") && hasProgram("zstd")))
  func readsWhatOtherToolsWrite() throws {
    let dir = try TemporaryDirectory()
    let plain = try dir.write("plain.ndjson", input)
    let half = try dir.write("half.ndjson", Array(input.prefix(input.count / 2)))
    let rest = try dir.write("rest.ndjson", Array(input.dropFirst(input.count / 2)))
    for (name, command) in [
      ("gzip.gz", "gzip -c \(plain)"),
      ("pigz.gz", "pigz -p2 -6 -c \(plain)"),
      ("members.gz", "gzip -c \(half); gzip -1 -c \(rest)"),
      ("zstd.zst", "zstd -q -c \(plain)"),
      ("frames.zst", "zstd -q -c \(half); zstd -q -19 -c \(rest)"),
    ] {
      let made = try run(["bash", "-c", "{ \(command); } > \(dir.file(name))"])
      try #require(made.status == 0)
      for readSize in [1, 4096, 1 << 20] where readSize > 1 || name == "members.gz" {
        #expect(try readToEnd(DecompressingReader(path: dir.file(name)), blockSize: readSize) == input, "\(name) read \(readSize) at a time")
      }
    }
  }
}
