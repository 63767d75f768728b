import Foundation
import PLCore
import PLTestSupport
@testable import PLLake

/// A lake in a fresh temporary folder, and helpers to promote into it and look inside.
final class TestLake {
  let directory: TemporaryDirectory
  let lake: Lake
  var root: String { lake.root }

  init(mode: mode_t = 0o640) throws {
    directory = try TemporaryDirectory()
    lake = try Lake(root: directory.file("lake"), fileMode: mode, create: true)
  }

  static let identity = RunIdentity(runID: RunIdentity.newRunID(), user: "tester", host: "testhost", command: ["pl-promote", "test"], toolVersion: "0.0.0")

  /// Promotes NDJSON `text` to silver as one batch; returns the sink after `finish`.
  @discardableResult
  func silver(_ text: String, dataset: String = "results", key: [String] = [], maxOpenParts: Int = 32,
              compression: PartCompression = .gzip, rejects: (any RecordSink)? = nil) throws -> SilverSink {
    let plan = try SilverPlan(dataset: dataset, key: key, compression: compression, maxOpenParts: maxOpenParts)
    let sink = try SilverSink(lake: lake, plan: plan, identity: Self.identity, wait: 0)
    let reporter = RefusalReporter(inner: rejects, silver: sink) { _ in }
    let pipeline = Pipeline(transforms: [SilverCheck(plan: plan)], sink: sink, rejects: rejects == nil ? nil : reporter)
    let stream = MemoryStream(Array(text.utf8), name: "input.ndjson")
    let input = try SilverInput(name: "input.ndjson")
    stream.observers = [input.digest]
    sink.inputs.append(input)
    do {
      try pipeline.run(NDJSONReader(source: stream))
      input.bytes = stream.bytesRead
      try pipeline.finish()
    } catch {
      pipeline.abort()
      throw error
    }
    return sink
  }

  /// The records of every live part of a dataset, by partition, in batch order.
  func records(_ dataset: String = "results", layer: LakeLayer = .silver) throws -> [String: [String]] {
    var result: [String: [String]] = [:]
    for (partition, files) in try lake.dataset(layer, dataset).partitions {
      for file in files {
        try PartReader.forEachRecord(lake: lake, relativePath: file.output.path) { record in
          result[partition, default: []].append(JSONWriter.string(record))
        }
      }
    }
    return result
  }

  /// Every file under the lake's root (relative), hidden ones included, sorted.
  func allFiles(under folder: String = "") -> [String] {
    let base = folder.isEmpty ? root : root + "/" + folder
    guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
    var files: [String] = []
    while let name = walker.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: base + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
        files.append(folder.isEmpty ? name : folder + "/" + name)
      }
    }
    return files.sorted()
  }

  /// Data files a folder reader (DuckDB's glob) would see: not hidden, under silver/ and gold/.
  func visibleParts() -> [String] {
    (allFiles(under: "silver") + allFiles(under: "gold")).filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
  }

  func mode(_ relative: String) -> mode_t {
    var info = stat()
    stat(root + "/" + relative, &info)
    return info.st_mode & 0o7777
  }
}

/// A day's records: `count` results with measured_at on `day`, values with exact decimals.
func results(day: String, count: Int, prefix: String = "S", start: Int = 0) -> String {
  (start..<(start + count)).map {
    "{\"sample_id\":\"\(prefix)\($0)\",\"analyte\":\"fat\",\"value\":\($0).10,\"measured_at\":\"\(day)T10:00:00Z\"}\n"
  }.joined()
}
