/// The columns of a table aligned with spaces.
public struct FixedWidthLayout: Sendable, Equatable {
  /// The character column (0-based, in Unicode scalars) where each field starts; the first is 0.
  public var starts: [Int]

  public init(starts: [Int]) { self.starts = starts }

  public init(widths: [Int]) {
    var starts = [0]
    for w in widths.dropLast() { starts.append(starts.last! + max(w, 1)) }
    self.starts = starts
  }

  /// The fields of one line as byte ranges into `line`, trimmed of spaces.
  public func split(_ line: UnsafeBufferPointer<UInt8>, into fields: inout [Range<Int>]) {
    fields.removeAll(keepingCapacity: true)
    var column = 0
    var i = 0
    var boundaries: [Int] = []
    for (k, start) in starts.enumerated() where k > 0 {
      while i < line.count && column < start {
        i += 1
        while i < line.count && line[i] & 0xC0 == 0x80 { i += 1 }
        column += 1
      }
      boundaries.append(i)
    }
    var from = 0
    for to in boundaries + [line.count] {
      var a = from
      var b = to
      while a < b && line[a] == 0x20 { a += 1 }
      while b > a && line[b - 1] == 0x20 { b -= 1 }
      fields.append(a..<b)
      from = to
    }
  }
}

/// A fixed-width table found among a sample's lines.
public struct FixedWidthDetection: Sendable {
  public var layout: FixedWidthLayout
  public var firstLine: Int
  public var lastLine: Int
  public var confidence: Double
}

extension FixedWidthLayout {
  public static func detect(lines: [[UInt8]]) -> FixedWidthDetection? { nil }
}
