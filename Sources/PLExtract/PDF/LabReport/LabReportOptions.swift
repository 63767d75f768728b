/// How to read a lab report: what a template pins for a lab whose layout detection gets wrong.
public struct LabReportOptions: Sendable {
  /// Printed labels (header fields and table headings) to emit under another name:
  /// `["Kunden-Proben-ID": "Sample ID"]`. Compared folded (case, accents and punctuation do
  /// not matter).
  public var headerLabels: [String: String]
  /// The printed label of the header field that holds the sample id, when the automatic choice
  /// (a `Sample ID`-like label, then the client's reference, then the lot) is wrong.
  public var sampleIDField: String?

  public init(headerLabels: [String: String] = [:], sampleIDField: String? = nil) {
    self.headerLabels = headerLabels
    self.sampleIDField = sampleIDField
  }
}
