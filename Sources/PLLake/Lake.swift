#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// The lake folder: where layers, datasets, manifests and locks live, and who may read them.
///
/// Modes are set exactly (with chmod, whatever the umask): files `fileMode` (0640 by default),
/// folders the same with search permission wherever read permission is given (0750). Bronze
/// files and manifests lose their write permission once written (0440): they never change.
public final class Lake: Sendable {
  /// The lake's root folder, as given.
  public let root: String
  public let fileMode: mode_t
  public var directoryMode: mode_t { Lake.directoryMode(for: fileMode) }
  /// The mode of files that never change once written (bronze files, manifests).
  public var readOnlyMode: mode_t { fileMode & ~0o222 }

  /// Opens the lake at `root`.
  ///
  /// - Parameter create: make the root folder when missing (writers); its parent must exist.
  /// - Throws: `.cannotCreate` (73) when `root` is a file, or cannot be created; `.inputMissing`
  ///   (66) when it does not exist and `create` is false.
  public init(root: String, fileMode: mode_t = 0o640, create: Bool) throws(PLError) {
    var trimmed = root
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    guard !trimmed.isEmpty else { throw .usage("--lake must name a folder") }
    self.root = trimmed
    self.fileMode = fileMode & 0o666
    switch LakeFS.fileType(trimmed) {
    case S_IFDIR?: break
    case .some: throw .cannotCreate(target: trimmed, message: "is not a folder, so it cannot be a lake")
    case nil:
      guard create else { throw .inputMissing(source: trimmed, message: "no lake here (the folder does not exist)") }
      let parent = LakeFS.split(trimmed).0
      guard trimmed.firstIndex(of: "/") == nil || LakeFS.isDirectory(parent.isEmpty ? "/" : parent) else {
        throw .cannotCreate(target: trimmed, message: "cannot create the lake: the folder \(parent) does not exist")
      }
      try LakeFS.makeDirectories(trimmed, mode: Lake.directoryMode(for: self.fileMode))
    }
  }

  /// `mode` with search (x) wherever it gives read (r), and the owner's rwx.
  public static func directoryMode(for mode: mode_t) -> mode_t {
    var d = mode | 0o700
    if mode & 0o040 != 0 { d |= 0o010 }
    if mode & 0o004 != 0 { d |= 0o001 }
    return d & ~(mode_t(0o022) & ~mode)
  }

  /// Checks a dataset name: letters, digits, `_`, `-` and `.`, not starting with `.` or `-`,
  /// so that it is one folder name everywhere (no `/`, no `..`).
  public static func validate(dataset: String) throws(PLError) {
    let ok = !dataset.isEmpty && dataset.count <= 128 && !dataset.hasPrefix(".") && !dataset.hasPrefix("-")
      && dataset.unicodeScalars.allSatisfy { $0.isASCII && (($0.properties.isAlphabetic) || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)) }
    guard ok else {
      throw .usage("--dataset \"\(dataset)\": a dataset name is letters, digits, _, - and . (not first), as one folder name")
    }
  }

  public func path(_ relative: String) -> String { root + "/" + relative }

  /// `LAYER/DATASET`, relative to the root.
  public func datasetFolder(_ layer: LakeLayer, _ dataset: String) -> String { "\(layer.rawValue)/\(dataset)" }

  public func manifestFolder(_ layer: LakeLayer, _ dataset: String) -> String { "_manifests/\(layer.rawValue)/\(dataset)" }

  /// The datasets of a layer that have manifests, sorted.
  public func datasets(_ layer: LakeLayer) -> [String] {
    LakeFS.list(path("_manifests/\(layer.rawValue)")).filter { !$0.hasPrefix(".") && LakeFS.isDirectory(path("_manifests/\(layer.rawValue)/\($0)")) }
  }

  /// The manifests of a dataset, in sequence order, each with its file's sha256.
  ///
  /// - Throws: `.malformed` (65) for a manifest that does not parse.
  public func manifests(_ layer: LakeLayer, _ dataset: String) throws(PLError) -> [StoredManifest] {
    let folder = manifestFolder(layer, dataset)
    var result: [StoredManifest] = []
    for name in LakeFS.list(path(folder)) where !name.hasPrefix(".") && name.hasSuffix(".json") {
      let relative = folder + "/" + name
      let bytes = try LakeFS.readFile(path(relative))
      let manifest = try Manifest(decoding: bytes, source: path(relative))
      result.append(StoredManifest(manifest: manifest, path: relative, sha256: try LakeDigest.hex(bytes), bytes: bytes.count))
    }
    return result.sorted { $0.manifest.sequence < $1.manifest.sequence }
  }

  /// The dataset as its manifests say it is.
  public func dataset(_ layer: LakeLayer, _ name: String) throws(PLError) -> LakeDataset {
    LakeDataset(layer: layer, name: name, manifests: try manifests(layer, name))
  }

  /// Completes what a killed run left, before a writer starts (call with the dataset's lock held):
  /// rolls the last manifest forward (its staged files renamed into place, its removed files
  /// removed), then removes every other temporary of the dataset (files staged by a run that
  /// died before its manifest). Returns how many files were rolled forward or swept.
  @discardableResult
  public func recover(_ layer: LakeLayer, _ dataset: String) throws(PLError) -> (rolledForward: Int, swept: Int) {
    let manifests = try self.manifests(layer, dataset)
    var rolled = 0
    if let last = manifests.last?.manifest {
      rolled = try publish(last)
    }
    var swept = 0
    func sweep(_ folder: String, depth: Int) {
      for name in LakeFS.list(path(folder)) {
        let relative = folder + "/" + name
        if LakeFS.isTemporary(name) {
          unlink(path(relative))
          swept += 1
        } else if depth > 0 && LakeFS.isDirectory(path(relative)) {
          sweep(relative, depth: depth - 1)
          // A partition folder a killed run made and left empty.
          LakeFS.removeEmptyDirectory(path(relative))
        }
      }
    }
    sweep(datasetFolder(layer, dataset), depth: 1)
    sweep(manifestFolder(layer, dataset), depth: 0)
    return (rolled, swept)
  }

  /// Makes the files of a committed manifest visible and its removed files gone; what is
  /// already done is skipped, so it can run again after a kill. Returns the files it renamed
  /// or removed.
  @discardableResult
  func publish(_ manifest: Manifest) throws(PLError) -> Int {
    var done = 0
    var folders: Set<String> = []
    for output in manifest.outputs {
      let final = path(output.path)
      let staged = LakeFS.stagedPath(of: final)
      if !LakeFS.exists(final) && LakeFS.exists(staged) {
        try LakeFS.rename(staged, to: final)
        folders.insert(LakeFS.split(final).0)
        done += 1
      }
    }
    for removed in manifest.removed where LakeFS.exists(path(removed)) {
      try LakeFS.remove(path(removed))
      let folder = LakeFS.split(path(removed)).0
      folders.insert(folder)
      done += 1
    }
    for folder in folders.sorted() { try LakeFS.syncDirectory(folder) }
    for removed in manifest.removed {
      // A partition left empty goes too, so that readers of the folder see no empty partition.
      LakeFS.removeEmptyDirectory(LakeFS.split(path(removed)).0)
    }
    return done
  }
}

/// A manifest as found in the lake: its content, where it is, and its file's sha256.
public struct StoredManifest: Sendable {
  public var manifest: Manifest
  /// Relative to the lake's root.
  public var path: String
  public var sha256: String
  public var bytes: Int
}

/// A file that is part of the lake now: named by a manifest and not removed by a later one.
public struct LiveFile: Equatable, Sendable {
  public var output: ManifestOutput
  /// The sequence of the manifest that made it part of the lake (its batch order).
  public var sequence: Int
  public var batch: String
  public var kind: String
  public var endedAt: String
}

/// A dataset of one layer, as its manifests say it is: its live files, partitions and history.
///
/// Only what a manifest names is part of the dataset; files in its folders that no manifest
/// names (a killed run's temporaries, a hand copy) are not, and readers ignore them.
public struct LakeDataset: Sendable {
  public let layer: LakeLayer
  public let name: String
  public let manifests: [StoredManifest]

  /// Every live file, in batch order (then in the order its manifest lists them).
  public var liveFiles: [LiveFile] {
    var removed: Set<String> = []
    for m in manifests { removed.formUnion(m.manifest.removed) }
    var files: [LiveFile] = []
    // A path removed by one manifest can be named again by a later one (a compaction that
    // rewrites the same partition twice is given a new batch id, so it does not happen in
    // practice); the last naming wins.
    var lastNaming: [String: Int] = [:]
    var lastRemoval: [String: Int] = [:]
    for m in manifests {
      for o in m.manifest.outputs { lastNaming[o.path] = m.manifest.sequence }
      for r in m.manifest.removed { lastRemoval[r] = m.manifest.sequence }
    }
    for m in manifests {
      for o in m.manifest.outputs where lastNaming[o.path] == m.manifest.sequence && (lastRemoval[o.path] ?? -1) < m.manifest.sequence {
        files.append(LiveFile(output: o, sequence: m.manifest.sequence, batch: m.manifest.batch, kind: m.manifest.kind, endedAt: m.manifest.endedAt))
      }
    }
    return files
  }

  /// The live files by partition, each partition's files in batch order; partitions sorted.
  public var partitions: [(partition: String, files: [LiveFile])] {
    var byPartition: [String: [LiveFile]] = [:]
    for f in liveFiles { byPartition[f.output.partition, default: []].append(f) }
    return byPartition.keys.sorted().map { ($0, byPartition[$0]!) }
  }

  /// True when a manifest of this dataset has batch id `batch`.
  public func hasBatch(_ batch: String) -> Bool { manifests.contains { $0.manifest.batch == batch } }

  /// The last manifest, the one the next names as `previous`.
  public var last: StoredManifest? { manifests.last }
}
