import PLCore
import PLLake

/// Every manifest of the lake, read once: what the freshness, lineage and scorecard sections
/// are made from.
public struct LakeInventory: Sendable {
  public let lake: Lake
  /// Datasets by layer, each with its manifests in sequence order.
  public let datasets: [LakeDataset]

  /// Names the report is about (`--dataset`); empty: all. Every dataset is read all the same,
  /// since lineage follows a gold partition into the bronze datasets whatever they are called.
  public let selected: [String]

  /// - Throws: `.inputMissing` (66) when the lake has no manifest at all, or none of a selected
  ///   name; `.malformed` (65) for a manifest that does not parse.
  public init(lake: Lake, only names: [String]) throws(PLError) {
    self.lake = lake
    selected = names
    var found: [LakeDataset] = []
    for layer in LakeLayer.allCases {
      for name in lake.datasets(layer) { found.append(try lake.dataset(layer, name)) }
    }
    datasets = found
    guard !found.isEmpty else { throw .inputMissing(source: lake.root, message: "no lake here (no manifests under _manifests)") }
    guard names.isEmpty || found.contains(where: { names.contains($0.name) }) else {
      throw .inputMissing(source: lake.root, message: "no dataset named \(names.joined(separator: ", ")) in the lake")
    }
  }

  /// Whether the report is about this dataset.
  public func isSelected(_ d: LakeDataset) -> Bool { selected.isEmpty || selected.contains(d.name) }

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
