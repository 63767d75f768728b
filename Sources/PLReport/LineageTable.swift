import PLCore
import PLLake

/// A run that wrote one link of a gold partition's chain.
public struct LineageRun: Sendable, Hashable {
  public var layer: String
  public var dataset: String
  public var sequence: Int
  public var batch: String
  public var runID: String
  public var toolVersion: String
  public var endedAt: String
}

/// A bronze file a gold partition comes from, as its bronze manifest received it.
public struct LineageSource: Sendable, Hashable {
  public var name: String
  public var sha256: String?
  public var receivedAt: String?
  public var sender: String?
  public var subject: String?
}

/// The lineage of gold partitions with the same chain: the gold run, the silver batches behind
/// it, their runs and the bronze files (with e-mail sender and subject).
public struct LineageRow: Sendable {
  public var dataset: String
  /// The gold partitions of this chain, sorted.
  public var partitions: [String]
  public var runs: [LineageRun]
  public var sources: [LineageSource]
}

/// Follows the chained manifests from each live gold partition back to bronze.
///
/// gold manifest `options.silver` names, per silver partition, the sha256 of the silver parts it
/// was built from; the silver manifests that wrote those parts name their inputs, each with
/// the sha256 of its bronze file; the bronze manifests name who sent that file. A silver batch
/// spans partitions, so its inputs are those of the whole batch. Partitions with the same
/// chain share one row.
public enum LineageTable {
  public static func rows(_ inventory: LakeInventory) -> [LineageRow] {
    let silverBySHA = inventory.manifestsBySHA(.silver)
    var bronzeBySHA: [String: (Manifest, ManifestInput)] = [:]
    for d in inventory.layer(.bronze) {
      for m in d.manifests {
        for input in m.manifest.inputs { if let sha = input.sha256 { bronzeBySHA[sha] = (m.manifest, input) } }
      }
    }
    func run(_ m: Manifest) -> LineageRun {
      LineageRun(layer: m.layer.rawValue, dataset: m.dataset, sequence: m.sequence, batch: m.batch, runID: m.runID,
                 toolVersion: m.toolVersion, endedAt: m.endedAt)
    }
    var rows: [LineageRow] = []
    for gold in inventory.layer(.gold) where inventory.isSelected(gold) {
      let bySequence = Dictionary(gold.manifests.map { ($0.manifest.sequence, $0.manifest) }, uniquingKeysWith: { a, _ in a })
      var chains: [[LineageRun]: Int] = [:]
      for file in gold.liveFiles {
        guard let manifest = bySequence[file.sequence] else { continue }
        var runs: [LineageRun] = [run(manifest)]
        var sources: [LineageSource] = []
        var silverShas: [String] = []
        if case .object(let state)? = manifest.options[key: "silver"] {
          for entry in state where file.output.partition == "period=all" || entry.key == file.output.partition {
            if case .array(let shas) = entry.value { silverShas += shas.compactMap(\.stringValue) }
          }
        }
        var seenSilver: Set<Int> = []
        var silverManifests: [Manifest] = []
        for sha in silverShas {
          guard let m = silverBySHA[sha], seenSilver.insert(m.sequence).inserted else { continue }
          silverManifests.append(m)
        }
        var seenBronze: Set<String> = []
        for m in silverManifests.sorted(by: { $0.sequence < $1.sequence }) {
          runs.append(run(m))
          for input in m.inputs {
            let key = input.bronzeSHA256 ?? input.name
            guard seenBronze.insert(key).inserted else { continue }
            if let sha = input.bronzeSHA256, let (bm, bi) = bronzeBySHA[sha] {
              if !runs.contains(run(bm)) { runs.append(run(bm)) }
              sources.append(LineageSource(name: bi.name, sha256: sha, receivedAt: bi.receivedAt, sender: bi.sender, subject: bi.subject))
            } else {
              sources.append(LineageSource(name: input.name, sha256: input.bronzeSHA256))
            }
          }
        }
        if let i = chains[runs] {
          rows[i].partitions.append(file.output.partition)
        } else {
          chains[runs] = rows.count
          rows.append(LineageRow(dataset: gold.name, partitions: [file.output.partition], runs: runs, sources: sources))
        }
      }
    }
    for i in rows.indices { rows[i].partitions.sort() }
    return rows
  }
}
