import PLCore
import PLPDF

/// `--mode records` and `--mode fields` of a PDF: its pages as the lab-report reader sees
/// them (lines of positioned words), one record per result row, or, at the document's end,
/// one record of the header's key/values.
final class PDFLabReport: PDFPageHandler {
  var reader: LabReportReader
  let fieldsOnly: Bool
  private var firstPage: Int?
  private var lastPage = 0

  init(source: String, template: PDFTemplate?, fieldsOnly: Bool) {
    var options = LabReportOptions()
    if let template {
      for (printed, field) in template.labels { options.headerLabels[printed] = field }
      // The reader keeps fields under their new names: the sample id's label is renamed too.
      options.sampleIDField = template.sampleIDLabel.map { label in
        template.labels.first { LabText.key($0.printed) == LabText.key(label) }?.field ?? label
      }
    }
    reader = LabReportReader(source: source, options: options)
    self.fieldsOnly = fieldsOnly
  }

  func read(_ page: PDFPage) throws(PLError) -> [Record] {
    if firstPage == nil { firstPage = page.number }
    lastPage = page.number
    let records = reader.read(page: Self.labReportPage(page))
    return fieldsOnly ? [] : records
  }

  func finish() throws(PLError) -> [Record] {
    guard fieldsOnly else { return [] }
    let fields = reader.fields.map { Field($0.label, .string($0.value)) }
    var meta = [Field(MetaKey.page, .integer(firstPage ?? 1))]
    if lastPage != firstPage { meta.append(Field("pages", .array([.integer(firstPage ?? 1), .integer(lastPage)]))) }
    return [Record(fields, meta: meta)]
  }

  /// A page as the lab-report reader takes it: its words with their boxes.
  static func labReportPage(_ page: PDFPage) -> LabReportPage {
    let size = page.size
    let words = page.words().map { LabReportWord(text: $0.text, box: box($0.box)) }
    return LabReportPage(number: page.number, width: size.width, height: size.height, words: words)
  }

  static func box(_ r: PDFRect) -> LabReportBox { LabReportBox(x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2) }
}
