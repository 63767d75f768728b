import PLCore
import PLLake

/// Every manifest of the lake, read once: what the freshness, lineage and scorecard sections
/// are made from.
public struct LakeInventory: Sendable {
  public let lake: Lake
  /// Datasets by layer, each with its manifests in sequence order.
  public let datasets: [LakeDataset]

  /// - Throws: `.inputMissing` (66) when the lake has no manifest at all; `.malformed` (65) for
  ///   a manifest that does not parse.
  public init(lake: Lake, only names: [String]) throws(PLError) {
    self.lake = lake
    var found: [LakeDataset] = []
    for layer in LakeLayer.allCases {
      for name in lake.datasets(layer) where names.isEmpty || names.contains(name) {
        found.append(try lake.dataset(layer, name))
      }
    }
    datasets = found
    guard !found.isEmpty else {
      if !names.isEmpty {
        throw .inputMissing(source: lake.root, message: "no dataset named \(names.joined(separator: ", ")) in the lake")
      }
      throw .inputMissing(source: lake.root, message: "no lake here (no manifests under _manifests)")
    }
  }

  public func layer(_ layer: LakeLayer) -> [LakeDataset] { datasets.filter { $0.layer == layer } }

  /// The manifest of `layer` that made the file with this sha256 part of the lake.
  public func manifestsBySHA(_ layer: LakeLayer) -> [String: Manifest] {
    var bySHA: [String: Manifest] = [:]
    for d in self.layer(layer) {
      for m in d.manifests {
        for o in m.manifest.outputs { bySHA[o.sha256] = m.manifest }
      }
    }
    return bySHA
  }
}
