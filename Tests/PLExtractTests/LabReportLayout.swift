import PLCore
@testable import PLExtract

/// Pages of lab reports built from text placed at positions, as a PDF's text layer gives them:
/// each word a box 10 points high, 5 points per character, words of a cell one space (2.5
/// points) apart.
struct LabReportLayout {
  /// One line: its top and its cells, each starting at `x`.
  typealias Line = (y: Double, cells: [(x: Double, text: String)])

  static let charWidth = 5.0
  static let height = 10.0

  static func page(_ number: Int = 1, _ lines: [Line]) -> LabReportPage {
    var words: [LabReportWord] = []
    for line in lines {
      for cell in line.cells {
        var x = cell.x
        for word in cell.text.split(separator: " ") {
          let width = Double(word.count) * charWidth
          words.append(LabReportWord(text: String(word), box: LabReportBox(x1: x, y1: line.y, x2: x + width, y2: line.y + height)))
          x += width + charWidth / 2
        }
      }
    }
    // Shuffled by a fixed rule: the reader must not depend on the order words come in.
    let order = words.indices.sorted { ($0 * 7919) % 101 < ($1 * 7919) % 101 }
    return LabReportPage(number: number, width: 595, height: 842, words: order.map { words[$0] })
  }

  /// A right-aligned cell ending at `right`.
  static func right(_ right: Double, _ text: String) -> (x: Double, text: String) {
    let words = text.split(separator: " ")
    let width = words.reduce(0.0) { $0 + Double($1.count) * charWidth } + Double(max(words.count - 1, 0)) * charWidth / 2
    return (right - width, text)
  }
}

extension Record {
  /// The value of field `key` as a string, or nil.
  func string(_ key: String) -> String? {
    if case .string(let s)? = self[key] { return s }
    return nil
  }

  /// The value of `_pl.key`, printed.
  func meta(_ key: String) -> String? {
    switch meta.first(where: { $0.key == key })?.value {
    case .string(let s)?: s
    case .number(let n)?: n
    case .array(let items)?: items.map { if case .number(let n) = $0 { n } else { "?" } }.joined(separator: ",")
    default: nil
    }
  }
}
