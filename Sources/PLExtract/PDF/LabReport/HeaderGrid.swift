/// A header block printed as a label column and a value column without colons, often as a
/// small ruled grid, possibly two label/value pairs side by side:
///
///     Product       Pea protein isolate 85      CoA No.      GVI-CoA-2404101
///     Lot number    2404101                     Customer PO  4500262256
///
/// Such a block is recognised by its alignment: at least two consecutive lines whose phrases
/// start at the same few positions, in pairs. Counted from the left, the positions alternate
/// label, value. A lone line of two phrases (a title and a form number) is not a block.
struct HeaderGrid {
  private var pending: [[LabReportWord]] = []
  private var lastBox: LabReportBox?
  private var positions: [Double] = []
  /// The colon pairs of the line above, whose values a value-only line may continue.
  var lastColonLine: ([HeaderField], LabReportBox)?

  /// Takes the next line outside tables; returns the pairs it (and the line above it, when the
  /// two make a block) gives.
  mutating func add(_ line: [LabReportWord], box: LabReportBox) -> [HeaderField] {
    guard line.count >= 2, line.count % 2 == 0, Self.labelsLookRight(line) else {
      reset()
      return []
    }
    if let lastBox, box.midY - lastBox.midY < 2.5 * max(box.height, 1), aligned(line) {
      for phrase in line where !positions.contains(where: { abs($0 - phrase.box.x1) < 3 }) {
        positions.append(phrase.box.x1)
      }
      positions.sort()
      pending.append(line)
      self.lastBox = box
      let lines = pending.count == 2 ? pending : [line]
      return lines.flatMap(pairs)
    }
    pending = [line]
    positions = line.map(\.box.x1).sorted()
    lastBox = box
    return []
  }

  mutating func reset() {
    pending = []
    positions = []
    lastBox = nil
  }

  /// Every phrase starts at a known position, and at least two do.
  private func aligned(_ line: [LabReportWord]) -> Bool {
    let matches = line.filter { phrase in positions.contains { abs($0 - phrase.box.x1) < 3 } }.count
    return matches == line.count && matches >= 2
  }

  private func pairs(_ line: [LabReportWord]) -> [HeaderField] {
    var out: [HeaderField] = []
    var i = 0
    while i + 1 < line.count {
      let label = line[i], value = line[i + 1]
      guard let p = positions.firstIndex(where: { abs($0 - label.box.x1) < 3 }), p % 2 == 0,
        let name = HeaderField.cleanLabel(label.text)
      else {
        i += 1
        continue
      }
      out.append(HeaderField(label: name, value: value.text.trimmed, box: label.box.union(value.box), valueX: value.box.x1))
      i += 2
    }
    return out
  }

  /// Labels are short and not numbers: at most six words, some letters.
  private static func labelsLookRight(_ line: [LabReportWord]) -> Bool {
    stride(from: 0, to: line.count, by: 2).allSatisfy { i in
      let text = line[i].text.trimmed
      return text.split(separator: " ").count <= 6 && text.contains(where: \.isLetter) && !text.hasSuffix(".") || text.hasSuffix("No.")
    }
  }
}
