import Foundation
import PLCompress
import PLCore
import Testing

/// The throughput of the part writers on a large NDJSON file, for bench/compress.sh (which
/// sets the variables below and compares with pigz and gzip). Skipped in ordinary test runs.
///
///   PL_BENCH=1                    run it
///   PL_BENCH_INPUT=FILE           the NDJSON to compress
///   PL_BENCH_OUTPUT=DIR           where the compressed files and `pl.tsv` (the timings) go
///   PL_BENCH_RUNS=3               timed runs per writer; the best is reported
@Suite struct CompressBench {
  static let environment = ProcessInfo.processInfo.environment
  static let enabled = environment["PL_BENCH"] == "1" && environment["PL_BENCH_INPUT"] != nil && environment["PL_BENCH_OUTPUT"] != nil

  @Test(.enabled(if: enabled, "a benchmark: bench/compress.sh runs it"))
  func partWriterThroughput() throws {
    let input = Self.environment["PL_BENCH_INPUT"]!, dir = Self.environment["PL_BENCH_OUTPUT"]!
    let runs = max(1, Int(Self.environment["PL_BENCH_RUNS"] ?? "3") ?? 3)
    var report = ""
    for (label, file, format, threads) in [
      ("pl GzipWriter libdeflate -6, \(defaultCompressionThreads) threads", "pl.gz", CompressionFormat.gzip(level: 6), defaultCompressionThreads),
      ("pl GzipWriter libdeflate -6, 1 thread", "pl-1.gz", .gzip(level: 6), 1),
      ("pl GzipWriter libdeflate -5, \(defaultCompressionThreads) threads", "pl-5.gz", .gzip(level: 5), defaultCompressionThreads),
      ("pl ZstdWriter -3, \(defaultCompressionThreads) workers", "pl.zst", .zstd(level: 3), defaultCompressionThreads),
    ] {
      var best = Double.infinity
      var cpu = 0.0
      var sizes = (0, 0)
      for _ in 0..<runs {
        let path = dir + "/" + file
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        let began = monotonicSeconds(), cpuBegan = cpuSeconds()
        let writer = try format.writer(to: FileDescriptorSink(fd: fd, name: path), threads: threads)
        let source = try FileStream(path: input)
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { block.deallocate() }
        while true {
          let n = try source.read(into: block)
          if n == 0 { break }
          try writer.append(UnsafeRawBufferPointer(rebasing: block[0..<n]))
        }
        try writer.finish()
        let seconds = monotonicSeconds() - began, cpuUsed = cpuSeconds() - cpuBegan
        close(fd)
        if seconds < best { (best, cpu) = (seconds, cpuUsed) }
        sizes = (writer.bytesIn, writer.bytesOut)
      }
      report += "\(label)\t\(best)\t\(cpu)\t\(sizes.0)\t\(sizes.1)\t\(file)\n"
    }
    try report.write(toFile: dir + "/pl.tsv", atomically: true, encoding: .utf8)
  }

  /// User and system time of the whole process (every thread), in seconds.
  func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
  }

  func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }
}
