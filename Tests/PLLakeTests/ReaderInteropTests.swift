import Foundation
import PLCore
import PLTestSupport
import Testing
@testable import PLLake

/// Runs `executable` with `arguments`; returns its status, standard output and standard error.
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, out: String, err: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  let out = Pipe()
  // Standard error to a file, so that neither pipe can fill up while the other is read.
  let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("pl-lake-err-\(UUID().uuidString)").path
  _ = FileManager.default.createFile(atPath: errPath, contents: nil)
  defer { try? FileManager.default.removeItem(atPath: errPath) }
  process.standardOutput = out
  process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let errData = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
  return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// The package's root folder, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The folder of the built executables: this test binary's own folder.
var productsFolder: String {
  let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
  while url.path.contains(".xctest") { url.deleteLastPathComponent() }
  return url.path
}

struct ReaderInteropTests {
  /// A Python with duckdb, in a venv under .build (Debian's Python refuses system-wide pip
  /// installs); made on first use. Nil, with the reason, when pip cannot install it.
  static func duckDBPython() -> (python: String?, reason: String) {
    let venv = packageRoot + "/.build/lake-venv"
    let python = venv + "/bin/python"
    if let check = try? runProcess(python, ["-c", "import duckdb"]), check.status == 0 { return (python, "") }
    guard let made = try? runProcess("/usr/bin/python3", ["-m", "venv", venv]), made.status == 0 else {
      return (nil, "python3 -m venv failed (install python3-venv)")
    }
    guard let pip = try? runProcess(venv + "/bin/pip", ["install", "-q", "duckdb"]), pip.status == 0 else {
      return (nil, "pip install duckdb failed (no network or no package index)")
    }
    return (python, "")
  }

  @Test func duckDBReadsSilverAsItStandsWithHivePartitions() throws {
    let (python, reason) = Self.duckDBPython()
    guard let python else {
      print("note: skipping the DuckDB test: \(reason)")
      return
    }
    let t = try TestLake()
    try t.silver(results(day: "2026-11-28", count: 3) + results(day: "2026-11-29", count: 2, prefix: "T"))
    try t.silver(results(day: "2026-11-29", count: 4, prefix: "U") + "{\"sample_id\":\"Z\",\"analyte\":\"fat\",\"value\":1.5,\"measured_at\":\"2026-11-30T00:15:00+01:00\"}\n")
    // A killed run's temporary is not a part: the glob does not match it.
    try Data("{\"sample_id\":\"ghost\"".utf8).write(to: URL(fileURLWithPath: t.root + "/silver/results/date=2026-11-29/.scratch-dead-1.pl-tmp"))
    let script = """
      import duckdb
      rows = duckdb.sql(\"\"\"
        select cast(date as varchar), count(*), round(sum(value), 2), string_agg(sample_id, ',' order by sample_id)
        from read_json_auto('\(t.root)/silver/results/*/*.ndjson.gz', hive_partitioning=true)
        group by date order by date\"\"\").fetchall()
      for r in rows: print('|'.join(str(c) for c in r))
      """
    let result = try runProcess(python, ["-c", script])
    #expect(result.status == 0, "\(result.err)")
    #expect(result.out == """
      2026-11-28|3|3.3|S0,S1,S2
      2026-11-29|7|9.1|T0,T1,U0,U1,U2,U3,Z

      """)
  }
}

struct KilledRunTests {
  /// kill -9 at random moments of a silver batch, again and again: after every kill the lake
  /// is consistent (verify finds nothing, folder readers see exactly the manifests' parts, the
  /// batch is in whole or not at all); the run that is not killed completes it, to the same
  /// bytes as an uninterrupted run.
  @Test func killedAtRandomMomentsTheLakeStaysConsistentAndTheRerunCompletesIt() throws {
    let binary = productsFolder + "/pl-promote"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      Issue.record("\(binary) is not built")
      return
    }
    let dir = try TemporaryDirectory()
    var input = ""
    for day in 1...28 { input += results(day: "2026-11-\(day < 10 ? "0" : "")\(day)", count: 800, prefix: "D\(day)-") }
    let inputPath = try dir.write("input.ndjson", input)
    let total = 28 * 800
    func arguments(_ lake: String) -> [String] {
      ["silver", "--lake", lake, "--dataset", "results", "--key", "sample_id", "--max-open-parts", "8", inputPath]
    }

    let start = Date()
    let reference = try runProcess(binary, arguments(dir.file("reference")))
    let duration = Date().timeIntervalSince(start)
    #expect(reference.status == 0, "\(reference.err)")
    let referenceLake = try Lake(root: dir.file("reference"), create: false)

    let lakePath = dir.file("killed")
    var killedMidway = 0
    var generator = SystemRandomNumberGenerator()
    for round in 0..<10 {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: binary)
      process.arguments = arguments(lakePath)
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(UInt32(Double.random(in: 0...(duration * 1.1), using: &generator) * 1_000_000))
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        killedMidway += 1
      }
      process.waitUntilExit()
      guard FileManager.default.fileExists(atPath: lakePath) else { continue }
      let lake = try Lake(root: lakePath, create: false)
      let problems = try LakeVerifier(lake: lake).run().problems
      #expect(problems.isEmpty, "round \(round): \(problems)")
      let state = try lake.dataset(.silver, "results")
      let live = state.liveFiles.map(\.output.path).sorted()
      let visible = TestLakeFiles.visibleParts(lakePath)
      #expect(visible == live, "round \(round): a folder reader would see \(visible.count) parts, the manifests name \(live.count)")
      let records = state.liveFiles.reduce(0) { $0 + ($1.output.records ?? 0) }
      #expect(records == 0 || records == total, "round \(round): \(records) records in the lake")
    }
    #expect(killedMidway > 3, "only \(killedMidway) runs were killed before they ended")
    let rerun = try runProcess(binary, arguments(lakePath))
    #expect(rerun.status == 0, "\(rerun.err)")
    let lake = try Lake(root: lakePath, create: false)
    let final = try lake.dataset(.silver, "results").liveFiles.map { "\($0.output.path) \($0.output.sha256)" }.sorted()
    let expected = try referenceLake.dataset(.silver, "results").liveFiles.map { "\($0.output.path) \($0.output.sha256)" }.sorted()
    #expect(final == expected)
    #expect(try lake.manifests(.silver, "results").count == 1)
    // The run that completed swept every temporary the killed ones left.
    #expect(TestLakeFiles.allFiles(lakePath + "/silver").allSatisfy { !$0.contains(".pl-tmp") })
  }
}

enum TestLakeFiles {
  static func allFiles(_ base: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
    var files: [String] = []
    while let name = walker.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: base + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(name) }
    }
    return files.sorted()
  }

  /// Parts a reader of the folder sees (not hidden), relative to the lake's root.
  static func visibleParts(_ lake: String) -> [String] {
    allFiles(lake + "/silver").filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }.map { "silver/" + $0 }.sorted()
  }
}
