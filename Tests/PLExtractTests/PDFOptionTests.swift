import PLCore
import Testing

@testable import PLExtract

/// The PDF flags that are read before any input: page lists, templates, reject limits.
@Suite struct PDFOptionTests {
  @Test func pageListsSelectPagesInOrderOnce() throws {
    let selection = try PageSelection(parsing: "3-5, 1,4,9-")
    #expect(selection.indexes(pageCount: 10) == [0, 2, 3, 4, 8, 9])
    #expect(selection.indexes(pageCount: 2) == [0])
    #expect(try PageSelection(parsing: "7").indexes(pageCount: 3).isEmpty)
    #expect(PageSelection.all.indexes(pageCount: 3) == [0, 1, 2])
  }

  @Test(arguments: [
    ("0", "'0': pages are counted from 1"),
    ("5-3", "'5-3': the range runs backwards"),
    ("1,,2", "an empty part: nothing between commas"),
    ("a-b", "'a-b': not a page number"),
    ("-3", "'-3': not a page number"),
    ("", "an empty part: nothing between commas"),
    ("1-2-3", "'1-2-3': not a page number"),
  ])
  func badPageListsSayWhichPartAndWhy(text: String, reason: String) {
    let error = plError { _ = try PageSelection(parsing: text) }
    #expect(error?.exitStatus == .usage)
    #expect(error?.description.hasPrefix("--pages \(text): \(reason)") == true, "\(String(describing: error))")
  }

  @Test func aTemplatePinsTableAndHeader() throws {
    let template = try PDFTemplate.parse(
      """
      name: Example lab
      table:
        area: [56, 250, 540.5, 560]
        columns: [56, 221, 284]
        header_rows: 2
        pages: 1-2
      header:
        labels:
          "Report No.": report_number
          Sample ID: sample
        sample_id: Sample ID
      """, source: "lab.yml")
    #expect(template.name == "Example lab")
    #expect(template.area == .init(x1: 56, y1: 250, x2: 540.5, y2: 560))
    #expect(template.columns == [56, 221, 284])
    #expect(template.headerRows == 2)
    #expect(template.pages == (try PageSelection(parsing: "1-2")))
    #expect(template.labels.map(\.field) == ["report_number", "sample"])
    #expect(template.sampleIDLabel == "Sample ID")
    // JSON is YAML too.
    let json = try PDFTemplate.parse(#"{"table": {"columns": [10, 20]}}"#, source: "lab.json")
    #expect(json.columns == [10, 20])
  }

  @Test(arguments: [
    ("table:\n  area: [1, 2, 3]\n", "lab.yml: line 2, column 9: table.area takes four numbers [x1, y1, x2, y2], not 3"),
    ("table:\n  area: [50, 2, 10, 20]\n", "lab.yml: line 2, column 9: table.area [x1, y1, x2, y2] needs x1 < x2 and y1 < y2"),
    ("table:\n  columns: [10, 30, 20]\n", "lab.yml: line 2, column 21: table.columns must increase from left to right (20 follows 30)"),
    ("table:\n  colums: [10]\n", "lab.yml: line 2, column 3: unknown key 'colums' in table"),
    ("table:\n  header_rows: many\n", "lab.yml: line 2, column 16: table.header_rows takes a whole number from 0 to 5"),
    ("table:\n  columns: [x]\n", "lab.yml: line 2, column 13: each of table.columns must be a number of points, not 'x'"),
    ("table:\n  pages: 0\n  columns: [1]\n", "lab.yml: line 2, column 10: table.pages: '0': pages are counted from 1"),
    ("header:\n  labels:\n    A: f\n    B: f\n", "lab.yml: line 4, column 8: two labels become the field 'f'"),
    ("table: [1\n", "lab.yml: line 2, column 1: "),
    ("name: only a name\n", "lab.yml: line 1, column 1: the template pins nothing"),
    ("table:\n  area: [100, 0, 200, 50]\n  columns: [50]\n", "lab.yml: line 1, column 1: table.columns: the edge at 50 lies outside table.area (x 100 to 200)"),
    ("", "lab.yml: the template is empty"),
  ])
  func badTemplatesNameTheLineAndTheMistake(text: String, message: String) {
    let error = plError { _ = try PDFTemplate.parse(text, source: "lab.yml") }
    #expect(error?.exitStatus == .config)
    #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
  }

  @Test func rejectLimitsCountOrShareTables() {
    #expect(TableRejectLimit("2") == .count(2))
    #expect(TableRejectLimit("12.5%") == .percent(12.5))
    #expect(TableRejectLimit("-1") == nil)
    #expect(TableRejectLimit("101%") == nil)
    #expect(TableRejectLimit("2")!.allows(2, of: 10))
    #expect(!TableRejectLimit("2")!.allows(3, of: 10))
    #expect(TableRejectLimit("25%")!.allows(1, of: 4))
    #expect(!TableRejectLimit("25%")!.allows(2, of: 4))
  }
}
