import Foundation
import PLCore
import Testing

@testable import PLExtract

/// PDFs through the extractor: recognised by content and name, on disk and inside containers,
/// read page by page in each mode; scans, damage and encryption refused with the file named.
/// Serialized: poppler is not safe to call from several threads at once (a crash was seen).
@Suite(.serialized) struct PDFExtractTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/pdf/extract").path

  static func fixture(_ name: String) -> String { fixtures + "/" + name }

  /// What the extractor was told, besides records.
  final class Observer: ExtractObserver {
    var finished: [(name: String, records: Int, details: [Field])] = []
    var warnings: [String] = []
    func sourceOpened(_ source: any ByteStream) {}
    func recordsRead(_ records: Int, bytesRead: Int) {}
    func skipped(_ error: PLError) {}
    func warning(_ message: String) { warnings.append(message) }
    func sourceFinished(_ source: any ByteStream, records: Int, details: [Field]) {
      finished.append((source.name, records, details))
    }
  }

  /// Runs `plan`; returns the records written (parsed) and the observer.
  func run(_ plan: ExtractPlan) throws -> (records: [Record], observer: Observer) {
    let dir = try TemporaryDirectory()
    let outPath = dir.file("out.ndjson")
    let fd = open(outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let observer = Observer()
    let sink = NDJSONSink(stream: OutputStream(fd: fd, name: outPath), includeMeta: plan.includeMeta)
    defer { close(fd) }
    try Extractor(plan: plan, sink: sink, observer: observer).run()
    let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    var records: [Record] = []
    for line in text.split(separator: "\n") {
      let bytes = Array(line.utf8)
      records.append(try bytes.withUnsafeBufferPointer { try JSONParser.parseRecord($0) })
    }
    return (records, observer)
  }

  func plan(_ inputs: [String], mode: ExtractMode = .text, _ change: (inout ExtractPlan) -> Void = { _ in }) -> ExtractPlan {
    var plan = ExtractPlan(inputs: inputs)
    plan.mode = mode
    change(&plan)
    return plan
  }

  @Test func textModeGivesEveryLineWithItsPlaceOnEachPage() throws {
    let (records, observer) = try run(plan([Self.fixture("report.pdf")]))
    let texts = records.compactMap { $0["text"]?.stringValue }
    #expect(texts.contains("Example Food Laboratory"))
    #expect(texts.contains { $0.hasPrefix("Riboflavin") })
    let pages = Set(records.compactMap { $0["page"] })
    #expect(pages == [.integer(1), .integer(2)])
    for record in records {
      #expect(record.fields.map(\.key) == ["page", "x", "y", "width", "height", "text"])
      #expect(record.meta[key: MetaKey.source] == .string(Self.fixture("report.pdf")))
    }
    #expect(observer.finished.first?.details[key: "format"] == .string("pdf"))
    #expect(observer.finished.first?.details[key: "pages"] == .integer(2))
  }

  @Test func pagesLimitWhatIsRead() throws {
    let (records, observer) = try run(plan([Self.fixture("report.pdf")]) { $0.pdf.pages = try! PageSelection(parsing: "2") })
    #expect(!records.isEmpty)
    #expect(records.allSatisfy { $0["page"] == .integer(2) })
    #expect(observer.finished.first?.details[key: "pages_read"] == .integer(1))
    let none = plError { _ = try run(plan([Self.fixture("report.pdf")]) { $0.pdf.pages = try! PageSelection(parsing: "3-") }) }
    #expect(none?.description == "\(Self.fixture("report.pdf")): --pages 3- selects no page of the 2 the document has")
    #expect(none?.exitStatus == .dataError)
  }

  @Test func aPDFIsKnownByContentWhateverItsNameAndByNameWhenDamaged() throws {
    let dir = try TemporaryDirectory()
    let renamed = try dir.write("results.txt", Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixture("report.pdf")))))
    let (records, _) = try run(plan([renamed]))
    #expect(!records.isEmpty)
    let garbage = try dir.write("report.pdf", "sample,value\nS1,1\n")
    let error = plError { _ = try run(plan([garbage], mode: .records)) }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.hasPrefix("\(garbage): damaged or truncated PDF: ") == true, "\(String(describing: error))")
  }

  @Test(arguments: [
    ("scan.pdf", "page 1: no text layer: a scanned document"),
    ("mixed-scan.pdf", "page 2: no text layer: a scanned document"),
    ("blank.pdf", "page 1: no text layer: no page holds text"),
  ])
  func scansAndEmptyDocumentsAreRefusedNeverEmptySuccesses(name: String, message: String) {
    let path = Self.fixture(name)
    let error = plError { _ = try run(plan([path], mode: .text)) }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.hasPrefix("\(path): \(message)") == true, "\(String(describing: error))")
  }

  @Test func aScannedPageIsNotReadWhenOnlyTextPagesAreSelected() throws {
    let (records, _) = try run(plan([Self.fixture("mixed-scan.pdf")]) { $0.pdf.pages = try! PageSelection(parsing: "1") })
    #expect(!records.isEmpty)
  }

  @Test(arguments: ["damaged.pdf", "truncated.pdf"])
  func damagedPDFsGivePopplersReasonWithTheFile(name: String) {
    let path = Self.fixture(name)
    let error = plError { _ = try run(plan([path])) }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.hasPrefix("\(path): damaged or truncated PDF: ") == true, "\(String(describing: error))")
  }

  @Test func encryptedPDFsNeedTheirPassword() throws {
    let path = Self.fixture("encrypted.pdf")
    let missing = plError { _ = try run(plan([path])) }
    #expect(missing?.description == "\(path): encrypted PDF: it needs a password (--password or --password-file)")
    #expect(missing?.exitStatus == .dataError)
    let wrong = plError { _ = try run(plan([path]) { $0.pdf.password = "guess" }) }
    #expect(wrong?.description == "\(path): encrypted PDF: the password given (--password or --password-file) does not open it")
    let (records, _) = try run(plan([path]) { $0.pdf.password = "s3cret" })
    #expect(records.contains { $0["text"]?.stringValue == "Example Food Laboratory" })
  }

  @Test func aPDFInAZipIsReadLikeOneOnDisk() throws {
    let dir = try TemporaryDirectory()
    let report = Self.fixture("report.pdf")
    try dir.python(
      """
      import zipfile
      with zipfile.ZipFile('bundle.zip', 'w') as z:
          z.write('\(report)', 'reports/report.pdf')
          z.writestr('reports/values.csv', 'a\\n1\\n')
      """)
    let zip = dir.file("bundle.zip")
    let onDisk = try run(plan([report])).records
    let (records, observer) = try run(plan([zip]))
    #expect(records.map(\.fields) == onDisk.map(\.fields))
    #expect(records.allSatisfy { $0.meta[key: MetaKey.source] == .string("\(zip)!reports/report.pdf") })
    // The CSV member is passed over by a mode only PDFs have, not fatal.
    #expect(observer.warnings == ["skipped \(zip)!reports/values.csv: not a PDF, and --mode text reads only PDFs"])
  }

  @Test func aModeOnlyPDFsHaveRefusesOtherFilesNamedOnTheCommandLine() throws {
    let dir = try TemporaryDirectory()
    let csv = try dir.write("values.csv", "a\n1\n")
    let error = plError { _ = try run(plan([csv], mode: .tables)) }
    #expect(error?.exitStatus == .usage)
    #expect(error?.description == "\(csv): not a PDF, and --mode tables reads only PDFs (the other modes read every format)")
  }
}
