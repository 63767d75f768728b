import PLCore
import Yams

/// A lab's report layout, pinned for when detection gets it wrong (`--template FILE`).
///
/// The file is YAML (JSON is YAML too):
///
/// ```yaml
/// name: Example Food Laboratory          # for people; optional
/// table:
///   area: [56, 250, 540, 560]            # x1, y1, x2, y2 in points from the page's top-left
///   columns: [56, 221, 284, 352, 397]    # each column's left edge, in points, increasing
///   header_rows: 1                       # rows of column headings at the table's top
///   pages: 1-                            # where the area applies (default every page)
/// header:
///   labels:                              # a label as printed: the field it becomes
///     "Report No.": report_number
///   sample_id: "Sample ID"               # the printed label that holds the sample id
/// ```
///
/// Every part is optional, but a template must pin something. The file is read and checked
/// whole before any input is read; a mistake is refused (exit 78) naming the file, the line
/// and column, and what is wrong.
public struct PDFTemplate: Equatable, Sendable {
  /// For people: the lab the template is for.
  public var name: String?
  /// The table's area on the page, in points from the top-left corner.
  public var area: PDFArea?
  /// The left edge of each column, in points, increasing.
  public var columns: [Double] = []
  /// How many rows at the table's top are column headings.
  public var headerRows: Int?
  /// The pages the table area and columns apply to.
  public var pages: PageSelection?
  /// Header labels as printed, and the field each becomes, in the file's order.
  public var labels: [(printed: String, field: String)] = []
  /// The printed label that holds the sample id.
  public var sampleIDLabel: String?

  /// A rectangle in points from the page's top-left corner.
  public struct PDFArea: Equatable, Sendable {
    public var x1: Double, y1: Double, x2: Double, y2: Double
  }

  public static func == (a: PDFTemplate, b: PDFTemplate) -> Bool {
    a.name == b.name && a.area == b.area && a.columns == b.columns && a.headerRows == b.headerRows && a.pages == b.pages
      && a.labels.elementsEqual(b.labels, by: { $0 == $1 }) && a.sampleIDLabel == b.sampleIDLabel
  }

  /// Reads and checks the template at `path`.
  ///
  /// - Throws: `PLError.config` (78) naming the file, and the line and column of a mistake;
  ///   `PLError.inputMissing` (66) when the file cannot be read.
  public static func load(path: String) throws(PLError) -> PDFTemplate {
    let stream = try FileStream(path: path)
    let bytes: [UInt8]
    do throws(PLError) { bytes = try stream.readAll(limit: 1 << 20) } catch {
      throw .config(source: path, message: "cannot read the template: \(error.description)")
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .config(source: path, message: "the template is not UTF-8 text")
    }
    return try parse(text, source: path)
  }

  /// Parses and checks template text; `source` names it in messages.
  public static func parse(_ text: String, source: String) throws(PLError) -> PDFTemplate {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else { throw PLError.config(source: source, message: "the template is empty") }
      root = node
    } catch let error as PLError {
      throw error
    } catch let error as YamlError {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
        throw .config(source: source, message: "line \(mark.line), column \(mark.column): \(problem)")
      default:
        throw .config(source: source, message: "not YAML: \(error)")
      }
    } catch {
      throw .config(source: source, message: "not YAML: \(error)")
    }
    return try TemplateBuilder(source: source).build(root)
  }
}

/// Walks a template's nodes; every mistake carries the node's line and column.
struct TemplateBuilder {
  let source: String

  func fail(_ node: Node?, _ message: String) -> PLError {
    if let mark = node?.mark { return .config(source: source, message: "line \(mark.line), column \(mark.column): \(message)") }
    return .config(source: source, message: message)
  }

  func members(_ node: Node, _ what: String, allowed: [String]) throws(PLError) -> [(key: String, keyNode: Node, value: Node)] {
    guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping (key: value)") }
    var seen = Set<String>()
    var out: [(String, Node, Node)] = []
    for (key, value) in mapping {
      guard let name = key.scalar?.string else { throw fail(key, "a key of \(what) must be a plain name") }
      guard allowed.contains(name) else {
        throw fail(key, "unknown key '\(name)' in \(what) (known: \(allowed.joined(separator: ", ")))")
      }
      guard seen.insert(name).inserted else { throw fail(key, "'\(name)' is given twice in \(what)") }
      out.append((name, key, value))
    }
    return out
  }

  func text(_ node: Node, _ what: String) throws(PLError) -> String {
    guard let scalar = node.scalar, !scalar.string.isEmpty else { throw fail(node, "\(what) must be a non-empty text") }
    return scalar.string
  }

  func number(_ node: Node, _ what: String) throws(PLError) -> Double {
    guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
      throw fail(node, "\(what) must be a number of points, not '\(node.scalar?.string ?? "a list or mapping")'")
    }
    guard value >= 0 else { throw fail(node, "\(what) must not be negative (points from the page's top-left corner)") }
    return value
  }

  func numbers(_ node: Node, _ what: String) throws(PLError) -> [(Double, Node)] {
    guard let sequence = node.sequence else { throw fail(node, "\(what) must be a list of numbers, such as [56, 220, 283]") }
    var out: [(Double, Node)] = []
    for item in sequence { out.append((try number(item, "each of \(what)"), item)) }
    return out
  }

  func build(_ root: Node) throws(PLError) -> PDFTemplate {
    var template = PDFTemplate()
    var pins = 0
    for (key, keyNode, value) in try members(root, "the template", allowed: ["name", "table", "header"]) {
      switch key {
      case "name":
        template.name = try text(value, "name")
      case "table":
        for (key, keyNode, value) in try members(value, "table", allowed: ["area", "columns", "header_rows", "pages"]) {
          switch key {
          case "area":
            let n = try numbers(value, "table.area")
            guard n.count == 4 else { throw fail(value, "table.area takes four numbers [x1, y1, x2, y2], not \(n.count)") }
            guard n[0].0 < n[2].0, n[1].0 < n[3].0 else {
              throw fail(value, "table.area [x1, y1, x2, y2] needs x1 < x2 and y1 < y2 (its top-left corner first)")
            }
            template.area = .init(x1: n[0].0, y1: n[1].0, x2: n[2].0, y2: n[3].0)
            pins += 1
          case "columns":
            let n = try numbers(value, "table.columns")
            guard !n.isEmpty else { throw fail(value, "table.columns needs at least one column edge") }
            for i in n.indices.dropFirst() where n[i].0 <= n[i - 1].0 {
              throw fail(n[i].1, "table.columns must increase from left to right (\(format(n[i].0)) follows \(format(n[i - 1].0)))")
            }
            template.columns = n.map(\.0)
            pins += 1
          case "header_rows":
            guard let scalar = value.scalar, let count = Int(scalar.string), (0...5).contains(count) else {
              throw fail(value, "table.header_rows takes a whole number from 0 to 5")
            }
            template.headerRows = count
            pins += 1
          default:
            guard let scalar = value.scalar else { throw fail(value, "table.pages takes pages such as 1,3-5 or 2-") }
            do throws(PLError) {
              template.pages = try PageSelection(parsing: scalar.string)
            } catch {
              throw fail(value, "table.pages: \(error.description.replacingPrefix("--pages \(scalar.string): ", with: ""))")
            }
          }
          _ = keyNode
        }
      default:
        for (key, _, value) in try members(value, "header", allowed: ["labels", "sample_id"]) {
          if key == "sample_id" {
            template.sampleIDLabel = try text(value, "header.sample_id")
            pins += 1
            continue
          }
          guard let mapping = value.mapping else {
            throw fail(value, "header.labels must be a mapping of printed labels to field names (\"Report No.\": report_number)")
          }
          var fields = Set<String>()
          for (printed, field) in mapping {
            let label = try text(printed, "a printed label")
            let name = try text(field, "the field name for '\(label)'")
            guard fields.insert(name).inserted else { throw fail(field, "two labels become the field '\(name)'") }
            template.labels.append((label, name))
          }
          pins += 1
        }
      }
      _ = keyNode
    }
    if let area = template.area, let outside = template.columns.first(where: { $0 < area.x1 || $0 >= area.x2 }) {
      throw fail(root, "table.columns: the edge at \(format(outside)) lies outside table.area (x \(format(area.x1)) to \(format(area.x2)))")
    }
    guard pins > 0 else {
      throw fail(root, "the template pins nothing: give table.area, table.columns, table.header_rows, header.labels or header.sample_id")
    }
    return template
  }

  func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}

extension String {
  fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
    hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
  }
}
