import PLCore
import PLLake

/// The quality scorecard: pass rates per rule (pl-validate reports), rejects per source lab
/// (pl-validate rejects files) and per day (reports, and the silver and gold manifests), and
/// gold's quality per group.
public struct Scorecard: Sendable {
  public struct RuleRow: Sendable {
    public var name: String
    public var level: String
    public var severity: String
    public var evaluated = 0
    public var failed = 0
    public var passRate: Double? { evaluated > 0 ? Double(evaluated - failed) / Double(evaluated) : nil }
  }

  public struct DayRow: Sendable {
    public var day: String
    public var validated = 0
    public var validationRejects = 0
    public var silverRead = 0
    public var silverRefused = 0
    public var goldRefused = 0
  }

  public struct LabRow: Sendable {
    public var lab: String
    public var rejects = 0
    /// Rejects by reason (the rule that failed), most frequent first when shown.
    public var reasons: [String: Int] = [:]
  }

  public var reports: [String] = []
  public var rules: [RuleRow] = []
  public var days: [DayRow] = []
  public var labs: [LabRow] = []
  public var rejectFiles: [String] = []

  /// - Throws: what reading a report or rejects file throws (66, 65).
  public init(inventory: LakeInventory, plan: ReportPlan) throws(PLError) {
    var byDay: [String: DayRow] = [:]
    func day(_ time: String) -> String { String(time.prefix(10)) }
    for path in plan.validationReports {
      let report = try ValidationReportFile(path: path)
      reports.append(path)
      let d = day(report.ranAt)
      byDay[d, default: DayRow(day: d)].validated += report.recordsIn
      byDay[d, default: DayRow(day: d)].validationRejects += report.rejected
      for r in report.rules {
        if let i = rules.firstIndex(where: { $0.name == r.name && $0.level == r.level }) {
          rules[i].evaluated += r.evaluated
          rules[i].failed += r.failed
        } else {
          rules.append(RuleRow(name: r.name, level: r.level, severity: r.severity, evaluated: r.evaluated, failed: r.failed))
        }
      }
    }
    for d in inventory.layer(.silver) where inventory.isSelected(d) {
      for m in d.manifests where m.manifest.kind == "silver" {
        let k = day(m.manifest.endedAt)
        byDay[k, default: DayRow(day: k)].silverRead += m.manifest.counts.read
        byDay[k, default: DayRow(day: k)].silverRefused += m.manifest.counts.rejected
      }
    }
    for d in inventory.layer(.gold) where inventory.isSelected(d) {
      for m in d.manifests where m.manifest.kind == "gold" {
        let k = day(m.manifest.endedAt)
        byDay[k, default: DayRow(day: k)].goldRefused += m.manifest.counts.rejected
      }
    }
    days = byDay.values.sorted { $0.day > $1.day }
    var byLab: [String: LabRow] = [:]
    for path in plan.rejectFiles {
      rejectFiles.append(path)
      let reader = NDJSONReader(source: try FileStream(path: path))
      while let record = try reader.next() {
        let lab = record[plan.labField].map(ReportValue.text) ?? "(no \(plan.labField))"
        byLab[lab, default: LabRow(lab: lab)].rejects += 1
        for reason in Scorecard.reasons(record) { byLab[lab, default: LabRow(lab: lab)].reasons[reason, default: 0] += 1 }
      }
    }
    labs = byLab.values.sorted { $0.rejects != $1.rejects ? $0.rejects > $1.rejects : $0.lab < $1.lab }
  }

  /// The rules a rejected record failed: the `rule` of each entry of `_pl.errors`.
  static func reasons(_ record: Record) -> [String] {
    guard case .array(let errors)? = record.meta[key: MetaKey.errors] else { return [] }
    return errors.compactMap { e in
      if case .object(let f) = e { return f[key: "rule"]?.stringValue ?? f[key: "field"]?.stringValue }
      return e.stringValue
    }
  }
}
