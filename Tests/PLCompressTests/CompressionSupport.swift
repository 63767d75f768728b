import Foundation
import PLCompress
import PLCore
import PLTestSupport
import Testing

/// Deterministic bytes for round trips: `kind` picks text-like lines or uniformly random bytes.
func sampleBytes(count: Int, binary: Bool, seed: UInt64 = 42) -> [UInt8] {
  var state = seed &* 6364136223846793005 &+ 1442695040888963407
  func next() -> UInt64 {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return state >> 33
  }
  if binary { return (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
  var out: [UInt8] = []
  out.reserveCapacity(count)
  let analytes = ["protein", "moisture", "fat", "ash", "fibre"]
  var i = 0
  while out.count < count {
    let line = "{\"sample_id\":\"S\(100000 + Int(next() % 90000))\",\"analyte\":\"\(analytes[i % 5])\",\"value\":\(Double(next() % 10000) / 100),\"seq\":\(i)}\n"
    out += Array(line.utf8)
    i += 1
  }
  return Array(out.prefix(count))
}

/// Compresses `bytes` with `format` in pieces of `piece` bytes, into memory.
func compress(_ bytes: [UInt8], _ format: CompressionFormat, threads: Int, piece: Int = 65536, blockSize: Int = 1 << 16) throws -> [UInt8] {
  let sink = MemorySink()
  let writer: any CompressingWriter
  switch format {
  case .gzip(let level): writer = try GzipWriter(sink: sink, level: level, threads: threads, blockSize: blockSize)
  case .zstd: writer = try format.writer(to: sink, threads: threads)
  }
  var offset = 0
  while offset < bytes.count {
    let end = min(offset + piece, bytes.count)
    try bytes.withUnsafeBytes { try writer.append(UnsafeRawBufferPointer(rebasing: $0[offset..<end])) }
    offset = end
  }
  try writer.finish()
  #expect(writer.bytesIn == bytes.count)
  #expect(writer.bytesOut == sink.bytes.count)
  return sink.bytes
}

/// Decompresses `bytes` with `DecompressingReader`, `readSize` bytes per read.
func decompress(_ bytes: [UInt8], name: String = "part.gz", readSize: Int = 1 << 16, sourceRead: Int = .max) throws -> [UInt8] {
  try readToEnd(DecompressingReader(source: MemoryStream(bytes, name: name, maxRead: sourceRead)), blockSize: readSize)
}

/// Runs a program with `arguments`, standard input from `input` (a path) when given; returns its
/// exit status, standard output and standard error.
func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: [UInt8], errors: String) {
  let dir = try TemporaryDirectory()
  let errorPath = dir.file("stderr")
  _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = arguments
  if let input { process.standardInput = FileHandle(forReadingAtPath: input) }
  let out = Pipe()
  process.standardOutput = out
  process.standardError = FileHandle(forWritingAtPath: errorPath)
  try process.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, Array(data), (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
}

func hasProgram(_ name: String) -> Bool {
  (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
    FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
  }
}

/// The package's root folder.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A Python that can `import duckdb`: `PL_TEST_DUCKDB_PYTHON`, or the venv the benchmarks make
/// under bench/data/venv (`make bench-clean` or `pip install duckdb` into it).
let duckdbPython: String? = {
  var candidates = [packageRoot.path + "/bench/data/venv/bin/python"]
  if let env = ProcessInfo.processInfo.environment["PL_TEST_DUCKDB_PYTHON"] { candidates.insert(env, at: 0) }
  return candidates.first { path in
    FileManager.default.isExecutableFile(atPath: path) && ((try? run([path, "-c", "import duckdb"]).status) == 0)
  }
}()
