import PLPDF

/// The layout fixtures under Tests/Fixtures/pdf/layout, written by make_fixtures.py there.
enum Fixture {
  static let directory: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)  // PLPDFTests/Fixtures.swift
    return parts.joined(separator: "/") + "/Fixtures/pdf/layout"
  }()

  static func document(_ name: String) throws -> PDFDocument {
    try PDFDocument(path: directory + "/" + name)
  }
}
