import PLCore

/// Keeps tables scoring under `--min-quality` out of the data: each is named on standard
/// error and handed to the run's rejects (`TableRejects`) as its `--mode tables` record.
final class PDFQualityGate {
  let minQuality: Double
  let rejects: TableRejects?
  let warn: (String) -> Void

  init(minQuality: Double, rejects: TableRejects?, warn: @escaping (String) -> Void) {
    self.minQuality = minQuality
    self.rejects = rejects
    self.warn = warn
  }

  /// True when a table of `score` is data; otherwise reports and sets aside `record` (its
  /// `--mode tables` record, without `_pl.source`) and returns false.
  func admits(_ record: Record, score: Double, source: String, page: Int, table: Int) throws(PLError) -> Bool {
    guard score < minQuality else {
      rejects?.kept()
      return true
    }
    let place = "\(source): page \(page): table \(table)"
    let reason = "quality \(PDFQualityGate.format(score)) under --min-quality \(PDFQualityGate.format(minQuality))"
    warn("\(place): \(reason): not emitted as data")
    var rejected = record
    rejected.meta.insert(Field(MetaKey.source, .string(source)), at: 0)
    try rejects?.reject(rejected, place: place, reason: reason)
    return false
  }

  static func format(_ value: Double) -> String {
    guard case .number(let text) = PDFNumbers.decimal(value, places: 3) else { return String(value) }
    return text
  }
}
