#if canImport(Glibc)
  import Glibc
#endif
import PLCore

/// The one atomic writer of the lake: every promotion (bronze, silver, compaction, retention,
/// gold) stages its files through it and commits them with a manifest.
///
/// Opening one takes the dataset's lock, completes what a killed run left (`Lake.recover`) and
/// reads the dataset's manifests. Files are then written under hidden temporary names in their
/// final folders (`scratchFile`, moved to their final name's staged form with `stage`), each
/// fsynced. `commit` writes the manifest last, atomically (temporary, fsync, rename, fsync of
/// the folder): that rename is the moment the batch becomes part of the lake. Only then are
/// the staged files renamed into place and the removed files removed; a run killed in between
/// is rolled forward by the next writer of the dataset. `abort` (or a kill before the commit)
/// leaves nothing a reader sees: temporaries are hidden, and swept by the next writer.
///
/// Use from one thread; one open commit per dataset (the lock sees to other processes).
public final class LakeCommit {
  public let lake: Lake
  public let layer: LakeLayer
  public let dataset: String
  /// The dataset as it was when the lock was taken (after recovery).
  public let state: LakeDataset
  public let identity: RunIdentity
  public let startedAt: String
  let lock: LakeLock
  var temporaries: Set<String> = []
  var scratchCount = 0
  var finished = false

  /// Opens a write of `dataset` in `layer`.
  ///
  /// - Parameter wait: seconds to wait for another writer of the dataset to finish.
  /// - Throws: `.tempFail` (75) when the lock stays held; `.malformed` (65) for a damaged
  ///   manifest; `.cannotCreate`/`.io` for the file system.
  public init(lake: Lake, layer: LakeLayer, dataset: String, identity: RunIdentity, wait: Double, startedAt: String = LakeTime.now()) throws(PLError) {
    try Lake.validate(dataset: dataset)
    self.lake = lake
    self.layer = layer
    self.dataset = dataset
    self.identity = identity
    self.startedAt = startedAt
    lock = try LakeLock(lake: lake, layer: layer, dataset: dataset, wait: wait)
    try lake.recover(layer, dataset)
    state = try lake.dataset(layer, dataset)
  }

  deinit { abort() }

  /// A new hidden file name in `folder` (relative to the root; made when missing) for a file
  /// whose final name is not known yet. Removed by `abort`, and by the next writer if killed.
  public func scratchFile(in folder: String) throws(PLError) -> String {
    try LakeFS.makeDirectories(lake.path(folder), mode: lake.directoryMode)
    scratchCount += 1
    let path = lake.path(folder) + "/.scratch-\(identity.runID.prefix(8))-\(scratchCount)\(LakeFS.temporarySuffix)"
    temporaries.insert(path)
    return path
  }

  /// Moves a written scratch file to the staged name of `relative` (its final path), ready to
  /// be published by `commit`. The file must be complete and fsynced.
  public func stage(_ scratch: String, as relative: String) throws(PLError) {
    let staged = LakeFS.stagedPath(of: lake.path(relative))
    try LakeFS.makeDirectories(LakeFS.split(staged).0, mode: lake.directoryMode)
    try LakeFS.rename(scratch, to: staged)
    temporaries.remove(scratch)
    temporaries.insert(staged)
  }

  /// Writes one part file of `partition` in this dataset and stages it: `fill` appends the
  /// records; the part is compressed, fsynced, given the lake's file mode and staged as
  /// `LAYER/DATASET/PARTITION/part-<batch, 16 digits>-<index>.<ext>`.
  ///
  /// - Returns: the output to list in the manifest given to `commit`.
  public func writePart(partition: String, batch: String, index: Int, compression: PartCompression = .gzip,
                        _ fill: (PartFile) throws(PLError) -> Void) throws(PLError) -> ManifestOutput {
    let folder = lake.datasetFolder(layer, dataset) + "/" + partition
    let scratch = try scratchFile(in: folder)
    let part = try PartFile(path: scratch, compression: compression)
    do throws(PLError) {
      try fill(part)
    } catch {
      part.discard()
      throw error
    }
    let records = part.records
    let (bytes, sha) = try part.close(mode: lake.fileMode)
    let relative = folder + "/part-\(batch.prefix(16))-\(index).\(compression.fileExtension)"
    try stage(scratch, as: relative)
    return ManifestOutput(path: relative, partition: partition, records: records, bytes: bytes, sha256: sha)
  }

  /// Commits `manifest`: sets its sequence, `previous`, end time and run facts, writes it
  /// atomically, then publishes its outputs (staged files renamed into place, folders fsynced)
  /// and removes its `removed` files.
  ///
  /// - Returns: the manifest as stored.
  @discardableResult
  public func commit(_ manifest: Manifest) throws(PLError) -> StoredManifest {
    var manifest = manifest
    manifest.sequence = (state.last?.manifest.sequence ?? 0) + 1
    manifest.previous = state.last?.sha256
    manifest.layer = layer
    manifest.dataset = dataset
    manifest.endedAt = LakeTime.now()
    for output in manifest.outputs {
      let staged = LakeFS.stagedPath(of: lake.path(output.path))
      guard LakeFS.exists(staged) || LakeFS.exists(lake.path(output.path)) else {
        throw .internalError("\(output.path): committed without being staged")
      }
    }
    // The staged files' folders must hold their entries durably before the manifest names them.
    for folder in Set(manifest.outputs.map { LakeFS.split(lake.path($0.path)).0 }).sorted() {
      try LakeFS.syncDirectory(folder)
    }
    let folder = lake.manifestFolder(layer, dataset)
    try LakeFS.makeDirectories(lake.path(folder), mode: lake.directoryMode)
    let relative = folder + "/" + manifest.fileName
    let bytes = manifest.encoded()
    try LakeFS.writeAtomically(bytes, to: lake.path(relative), mode: lake.readOnlyMode)
    finished = true
    temporaries.removeAll()
    try lake.publish(manifest)
    lock.release()
    return StoredManifest(manifest: manifest, path: relative, sha256: try LakeDigest.hex(bytes), bytes: bytes.count)
  }

  /// Removes every temporary of this run (the lake is as it was) and releases the lock.
  /// Harmless after `commit`.
  public func abort() {
    guard !finished else {
      lock.release()
      return
    }
    finished = true
    for path in temporaries { unlink(path) }
    // Partition and dataset folders made for this batch alone go too (rmdir leaves any with
    // files in it).
    for folder in Set(temporaries.map { LakeFS.split($0).0 }) {
      LakeFS.removeEmptyDirectory(folder)
      LakeFS.removeEmptyDirectory(LakeFS.split(folder).0)
      LakeFS.removeEmptyDirectory(LakeFS.split(LakeFS.split(folder).0).0)
    }
    temporaries.removeAll()
    lock.release()
  }
}
