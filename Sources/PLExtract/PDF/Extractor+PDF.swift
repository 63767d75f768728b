import PLCore
import PLPDF

extension ExtractMode {
  /// The PDF mode this mode reads a PDF in: `meta` gives a PDF's header fields, as it gives a
  /// text's preamble; `detect` counts the records of `records`.
  var pdfMode: PDFMode {
    switch self {
    case .records, .detect: .records
    case .meta, .fields: .fields
    case .tables: .tables
    case .text: .text
    }
  }

  /// True for the modes that only PDFs have (`tables`, `fields`, `text`).
  public var readsOnlyPDFs: Bool { self == .tables || self == .fields || self == .text }
}

extension Extractor {
  /// True when `input` is to be read as a PDF: `--format pdf`, or, with the format left to
  /// detection, a PDF by content or by name (`PDFInput.recognise`).
  func isPDF(_ input: LeafInput) throws(PLError) -> Bool {
    if plan.format == .pdf { return true }
    guard plan.format == .auto else { return false }
    let head = try input.stream.peekHead(1024)
    return head.withUnsafeBufferPointer { PDFInput.recognise(name: input.formatName, head: $0) }
  }

  /// An input that is not a PDF under a mode only PDFs have: a file named on the command line
  /// is a usage error (64); a member of an archive or e-mail, or a file of a folder, is
  /// reported and passed over like other kinds this mode does not read.
  func notAPDF(_ input: LeafInput) throws(PLError) -> ReadResult {
    let reason = "not a PDF, and --mode \(plan.mode.rawValue) reads only PDFs"
    guard input.origin != .argument else {
      throw .usage("\(input.stream.name): \(reason) (the other modes read every format)")
    }
    return try walker.passOver(input.stream, reason: reason)
  }

  /// Reads a PDF input page by page into the pipeline, in the plan's mode.
  func extractPDF(_ input: LeafInput) throws(PLError) -> ReadResult {
    let stream = input.stream
    let name = stream.name
    let bytes = try stream.readAll(limit: Self.pdfSizeLimit)
    let options = plan.pdf
    let document = try PDFInput.open(bytes: bytes, source: name, password: options.password)
    let mode = plan.mode.pdfMode
    let handler = try pdfHandler(mode, document: document, source: name)
    let reader = try PDFReader(
      document: document, source: name, selection: options.pages, handler: handler, includeMeta: plan.includeMeta,
      inheritedMeta: input.meta, probe: { PDFImageProbe(bytes: bytes, password: options.password) })
    var result = ReadResult()
    if plan.mode == .detect {
      while try reader.next() != nil {}
    } else {
      try pipeline.run(reader)
    }
    result.records = reader.recordCount
    result.details = [
      Field("format", .string(PDFInput.format)), Field("pages", .integer(document.pageCount)),
      Field("pages_read", .integer(reader.pagesRead)), Field("pages_with_text", .integer(reader.textPages)),
    ]
    if plan.mode == .detect {
      result.detectFields = result.details + [Field("records", .integer(reader.recordCount))]
    }
    return result
  }

  /// The most bytes of one PDF read into memory (poppler needs the whole file).
  static var pdfSizeLimit: Int { 1 << 30 }

  /// What reads the pages in `mode`.
  func pdfHandler(_ mode: PDFMode, document: PDFDocument, source: String) throws(PLError) -> any PDFPageHandler {
    switch mode {
    case .text:
      return PDFTextLines()
    case .records, .fields:
      return PDFLabReport(source: source, template: plan.pdf.template, fieldsOnly: mode == .fields)
    case .tables:
      throw .usage("--mode tables: this build has no table finder yet")
    }
  }
}
