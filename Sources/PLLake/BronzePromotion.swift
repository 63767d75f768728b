#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// One file as bronze received it: landed now, or already in the lake with the same bytes.
public struct BronzeFile: Equatable, Sendable {
  public enum Status: String, Sendable { case landed, alreadyPresent = "already_present" }
  public var status: Status
  public var dataset: String
  /// The stored file, relative to the lake's root.
  public var relativePath: String
  public var sha256: String
  /// The name as received (the path given, or `--name` for standard input).
  public var name: String
  public var bytes: Int
  public var sender: String?
  public var subject: String?

  /// The record bronze prints for it: what the next stage follows (`path` is the stored file,
  /// as a path from where the command runs).
  public func record(lake: Lake) -> Record {
    var fields = [
      Field("status", .string(status.rawValue)), Field("dataset", .string(dataset)),
      Field("path", .string(lake.path(relativePath))), Field("sha256", .string(sha256)),
      Field("name", .string(name)), Field("bytes", .integer(bytes)),
    ]
    if let sender { fields.append(Field("sender", .string(sender))) }
    if let subject { fields.append(Field("subject", .string(subject))) }
    return Record(fields)
  }
}

/// Bronze: files stored exactly as received, content-addressed, read-only once written.
///
/// Each file is copied to `bronze/<dataset>/ingest_date=<day>/<sha256>.<ext>` (the extension
/// of its name, lower-cased; `bin` when it has none) while its sha256 is computed, in one
/// pass; a file whose sha256 the dataset already holds (or that came earlier in this batch) is
/// not stored again and is reported as already present. The batch is all or nothing: a
/// missing input stops it before anything is committed. Memory: a copy buffer and the head of
/// each file (64 KiB, for an e-mail's headers).
public struct BronzePromotion {
  public let lake: Lake
  public let dataset: String
  public let identity: RunIdentity
  public var wait: Double = 0
  /// The ingest date of the partition (today in UTC unless a backfill says otherwise).
  public var ingestDate: LakeDay = .today
  public var lineage: (any LineageSink)?

  public init(lake: Lake, dataset: String, identity: RunIdentity) {
    self.lake = lake
    self.dataset = dataset
    self.identity = identity
  }

  /// One input: a path, or `-` for standard input received under `name`.
  public struct Input: Sendable {
    public var path: String
    public var name: String
    public init(path: String, name: String) {
      self.path = path
      self.name = name
    }
  }

  /// Stores `inputs` and commits one manifest for the files that landed.
  ///
  /// - Returns: one `BronzeFile` per input, in order (after the commit).
  /// - Throws: `.inputMissing` (66) for an input that cannot be read (nothing is stored);
  ///   `.tempFail` (75) when another run holds the dataset; file-system errors (73, 74).
  public func run(_ inputs: [Input]) throws(PLError) -> [BronzeFile] {
    let startedAt = LakeTime.now()
    let known = inputs.map { ManifestInput(name: $0.name) }
    try lineage?.runStarted(LakeRunEvent(status: .running, layer: .bronze, dataset: dataset, kind: "bronze", identity: identity, startedAt: startedAt, lakeRoot: lake.root, inputs: known))
    do throws(PLError) {
      let (files, manifest) = try store(inputs, startedAt: startedAt)
      try lineage?.runEnded(LakeRunEvent(
        status: manifest == nil ? .alreadyPresent : .completed, layer: .bronze, dataset: dataset, kind: "bronze",
        identity: identity, startedAt: startedAt, endedAt: manifest?.endedAt ?? LakeTime.now(), lakeRoot: lake.root,
        inputs: manifest?.inputs ?? known, manifest: manifest))
      return files
    } catch {
      try? lineage?.runEnded(LakeRunEvent(status: .failed, layer: .bronze, dataset: dataset, kind: "bronze", identity: identity, startedAt: startedAt, endedAt: LakeTime.now(), lakeRoot: lake.root, inputs: known, error: error))
      throw error
    }
  }

  func store(_ inputs: [Input], startedAt: String) throws(PLError) -> ([BronzeFile], Manifest?) {
    let commit = try LakeCommit(lake: lake, layer: .bronze, dataset: dataset, identity: identity, wait: wait, startedAt: startedAt)
    defer { commit.abort() }
    var stored: [String: String] = [:]  // sha256 → relative path
    for file in commit.state.liveFiles { stored[file.output.sha256] = file.output.path }
    let partition = "ingest_date=\(ingestDate)"
    let folder = lake.datasetFolder(.bronze, dataset) + "/" + partition
    var results: [BronzeFile] = []
    var manifestInputs: [ManifestInput] = []
    var outputs: [ManifestOutput] = []
    for input in inputs {
      let scratch = try commit.scratchFile(in: folder)
      let copied = try copy(input, to: scratch)
      let mail = Self.isMail(input.name) ? MailHeaders(head: copied.head) : nil
      var result = BronzeFile(
        status: .landed, dataset: dataset, relativePath: "", sha256: copied.sha256, name: input.name, bytes: copied.bytes,
        sender: mail?.from, subject: mail?.subject)
      if let existing = stored[copied.sha256] {
        unlink(scratch)
        result.status = .alreadyPresent
        result.relativePath = existing
      } else {
        let relative = folder + "/" + copied.sha256 + "." + Self.fileExtension(of: input.name)
        try commit.stage(scratch, as: relative)
        stored[copied.sha256] = relative
        result.relativePath = relative
        outputs.append(ManifestOutput(path: relative, partition: partition, records: nil, bytes: copied.bytes, sha256: copied.sha256))
        manifestInputs.append(ManifestInput(
          name: input.name, sha256: copied.sha256, bytes: copied.bytes, receivedAt: copied.receivedAt,
          sender: result.sender, subject: result.subject))
      }
      results.append(result)
    }
    guard !outputs.isEmpty else { return (results, nil) }
    let batch = try LakeDigest.hex("bronze\n\(dataset)\n" + outputs.map(\.sha256).sorted().joined(separator: "\n"))
    let manifest = Manifest(
      layer: .bronze, dataset: dataset, kind: "bronze", batch: batch, identity: identity, startedAt: startedAt,
      options: [Field("ingest_date", .string(ingestDate.description))], inputs: manifestInputs, outputs: outputs,
      counts: ManifestCounts(read: inputs.count, written: outputs.count, rejected: 0))
    let committed = try commit.commit(manifest)
    return (results, committed.manifest)
  }

  struct Copied {
    var sha256: String
    var bytes: Int
    var head: [UInt8]
    var receivedAt: String
  }

  /// Copies `input` to `path` (fsynced, read-only), hashing it on the way.
  func copy(_ input: Input, to path: String) throws(PLError) -> Copied {
    let source = try FileStream(path: input.path)
    let receivedAt = LakeTime.now()
    let digest = try LakeDigest.make()
    source.observers = [digest]
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
    defer { close(fd) }
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { block.deallocate() }
    var head: [UInt8] = []
    while true {
      let n = try source.read(into: block)
      if n == 0 { break }
      if head.count < 1 << 16 { head += UnsafeRawBufferPointer(rebasing: block[0..<min(n, (1 << 16) - head.count)]) }
      try LakeFS.writeAll(fd: fd, UnsafeRawBufferPointer(rebasing: block[0..<n]), name: path)
    }
    guard fchmod(fd, lake.readOnlyMode) == 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
    guard fsync(fd) == 0 || errno == EINVAL else { throw .io(target: path, message: systemMessage(errno)) }
    return Copied(sha256: digest.finalize(), bytes: source.bytesRead, head: head, receivedAt: receivedAt)
  }

  static func isMail(_ name: String) -> Bool { fileExtension(of: name) == "eml" }

  /// The lower-cased extension of `name` when it is a plain one (1–10 letters or digits), else `bin`.
  static func fileExtension(of name: String) -> String {
    let base = LakeFS.split(name).1
    guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return "bin" }
    let ext = base[base.index(after: dot)...].lowercased()
    guard (1...10).contains(ext.count), ext.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) else { return "bin" }
    return ext
  }
}

/// A bronze file no silver batch has promoted yet.
public struct PendingFile: Equatable, Sendable {
  public var relativePath: String
  public var sha256: String
  public var name: String
  public var bytes: Int
  public var ingestDate: String

  public func record(lake: Lake, dataset: String) -> Record {
    Record([
      ("dataset", .string(dataset)), ("path", .string(lake.path(relativePath))), ("sha256", .string(sha256)),
      ("name", .string(name)), ("bytes", .integer(bytes)), ("ingest_date", .string(ingestDate)),
    ])
  }
}

/// Which bronze files wait for silver.
///
/// A bronze file is done when a silver batch of any silver dataset lists its sha256 as an
/// input (`bronze_sha256`): silver sets that for records whose `_pl.source` is a bronze file's
/// path (`…/bronze/<dataset>/ingest_date=…/<sha256>.<ext>`, members as `…!inner`), which is
/// what `pl-extract` writes when it reads the paths `pending` prints. A file that gives no
/// records at all stays pending.
public enum PendingFiles {
  public static func list(lake: Lake, dataset: String) throws(PLError) -> [PendingFile] {
    try Lake.validate(dataset: dataset)
    var done: Set<String> = []
    for silver in lake.datasets(.silver) {
      for m in try lake.manifests(.silver, silver) {
        for input in m.manifest.inputs { if let sha = input.bronzeSHA256 { done.insert(sha) } }
      }
    }
    let bronze = try lake.dataset(.bronze, dataset)
    var names: [String: String] = [:]
    for m in bronze.manifests { for i in m.manifest.inputs { if let sha = i.sha256, names[sha] == nil { names[sha] = i.name } } }
    return bronze.liveFiles.filter { !done.contains($0.output.sha256) }.map {
      PendingFile(
        relativePath: $0.output.path, sha256: $0.output.sha256, name: names[$0.output.sha256] ?? "",
        bytes: $0.output.bytes, ingestDate: String($0.output.partition.dropFirst("ingest_date=".count)))
    }
  }

  /// The bronze sha256 a record's `_pl.source` names, when its file is a bronze file
  /// (`…/bronze/DATASET/ingest_date=…/SHA256.EXT`, before any `!member`).
  ///
  /// Read in place from the UTF-8 bytes, allocating nothing but the answer. A source with
  /// non-ASCII bytes takes the string path, where `/`, `!` and `.` are compared as characters
  /// (a combining mark after one makes it another character).
  public static func bronzeSHA256(ofSource source: String) -> String? {
    var isASCII = false
    var answer: String?
    _ = source.utf8.withContiguousStorageIfAvailable { (bytes) -> Void in
      guard !bytes.contains(where: { $0 >= 0x80 }) else { return }
      isASCII = true
      answer = bronzeSHA256(ascii: bytes)
    }
    return isASCII ? answer : bronzeSHA256(characters: source)
  }

  /// `bronzeSHA256(ofSource:)` of ASCII bytes: the same rules, byte by byte.
  static func bronzeSHA256(ascii bytes: UnsafeBufferPointer<UInt8>) -> String? {
    let slash = UInt8(ascii: "/")
    var end = bytes.firstIndex(of: UInt8(ascii: "!")) ?? bytes.count
    // The last four non-empty components, from the end (empty ones, as in `a//b`, do not count).
    var name = 0..<0
    var partition = 0..<0
    var layer = 0..<0
    for component in 0..<4 {
      while end > 0 && bytes[end - 1] == slash { end -= 1 }
      guard end > 0 else { return nil }
      var start = end
      while start > 0 && bytes[start - 1] != slash { start -= 1 }
      switch component {
      case 0: name = start..<end
      case 1: partition = start..<end
      case 3: layer = start..<end
      default: break
      }
      end = start
    }
    guard bytes[partition].starts(with: "ingest_date=".utf8), bytes[layer].elementsEqual("bronze".utf8),
      let dot = bytes[name].firstIndex(of: UInt8(ascii: "."))
    else { return nil }
    let sha = UnsafeBufferPointer(rebasing: bytes[name.lowerBound..<dot])
    guard sha.count == 64, sha.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
    return String(decoding: sha, as: UTF8.self)
  }

  /// `bronzeSHA256(ofSource:)` compared character by character.
  static func bronzeSHA256(characters source: String) -> String? {
    let file = source.split(separator: "!", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? source
    let parts = file.split(separator: "/")
    guard parts.count >= 4, parts[parts.count - 2].hasPrefix("ingest_date="), parts[parts.count - 4] == "bronze" else { return nil }
    let name = parts[parts.count - 1]
    guard let dot = name.firstIndex(of: ".") else { return nil }
    let sha = name[..<dot]
    guard sha.count == 64, sha.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
    return String(sha)
  }
}
