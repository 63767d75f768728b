// A bench entry for the gold layer (not installed): builds gold from silver part files with a
// spec and writes the gold records as NDJSON to standard output.
//
//   pl-gold-bench SPEC PART…
#if canImport(Glibc)
  import Glibc
#endif
import PLCore
import PLLake

/// Writes a line to standard error (the C `stderr` global is not usable from Swift 6).
func say(_ text: String) {
  var line = text + "\n"
  line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

@main
struct GoldBench {
  static func main() {
    let args = Array(CommandLine.arguments.dropFirst())
    guard args.count >= 2 else {
      say("usage: pl-gold-bench SPEC PART…")
      exit(64)
    }
    do throws(PLError) {
      let spec = try GoldSpecReader.read(path: args[0])
      var refused = 0
      let parts = args.dropFirst().map { (part: SilverPart(name: $0), path: $0) }
      let output = try GoldBuild.run(spec: spec, parts: parts, onRefuse: { _ in refused += 1 })
      let out = ByteBuffer(capacity: 1 << 20)
      for record in output.records { JSONWriter.writeLine(record, to: out) }
      var done = 0
      while done < out.count {
        let n = write(1, out.bytes.baseAddress! + done, out.count - done)
        if n <= 0 { exit(74) }
        done += n
      }
      say("pl-gold-bench: \(output.recordsRead) records read, \(refused) refused, \(output.records.count) gold records")
    } catch {
      say("pl-gold-bench: \(error)")
      exit(error.exitStatus.rawValue)
    }
  }
}
