import PLCore
import PLLake

/// One row of the freshness table: a dataset of one layer, when it was last promoted, the
/// newest data it holds and how old the promotion is.
public struct FreshnessRow: Sendable, Equatable {
  public var layer: String
  public var dataset: String
  /// The end time of its last manifest.
  public var lastPromotion: String
  /// The newest partition day (silver, gold) or the newest receipt (bronze); nil when unknown.
  public var newestData: String?
  public var ageSeconds: Double?
  public var staleAfterSeconds: Double
  public var isStale: Bool { (ageSeconds ?? .infinity) > staleAfterSeconds }
  public var batches: Int
  public var liveFiles: Int
  public var records: Int?
}

/// Freshness from the manifests alone.
public enum FreshnessTable {
  public static func rows(_ inventory: LakeInventory, plan: ReportPlan) -> [FreshnessRow] {
    inventory.datasets.filter(inventory.isSelected).compactMap { d in
      guard let last = d.manifests.last?.manifest else { return nil }
      let live = d.liveFiles
      var newest: String?
      if d.layer == .bronze {
        newest = d.manifests.flatMap { $0.manifest.inputs.compactMap(\.receivedAt) }.max()
      } else {
        newest = live.compactMap { f -> String? in
          f.output.partition.hasPrefix("date=") ? String(f.output.partition.dropFirst(5)) : nil
        }.max()
      }
      let counted = live.compactMap(\.output.records)
      return FreshnessRow(
        layer: d.layer.rawValue, dataset: d.name, lastPromotion: last.endedAt, newestData: newest,
        ageSeconds: ReportTime.seconds(last.endedAt).map { plan.now - $0 }, staleAfterSeconds: plan.stale(d.name),
        batches: d.manifests.count, liveFiles: live.count, records: counted.count == live.count ? counted.reduce(0, +) : nil)
    }
  }
}
