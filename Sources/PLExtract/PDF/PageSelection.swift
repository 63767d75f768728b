import PLCore

/// The pages of a document to read (`--pages 1,3-5`), counted from 1 as a person reads them.
///
/// Contract: a selection is a union of ranges, each `N`, `N-M` (M ≥ N) or `N-` (N to the end);
/// pages past a document's end are passed over (one selection serves documents of different
/// lengths), but a selection that holds no page of a document is that document's error.
public struct PageSelection: Equatable, Sendable, CustomStringConvertible {
  /// The text given, for messages.
  public let text: String

  struct Part: Equatable, Sendable {
    var lower: Int
    var upper: Int?
  }

  let parts: [Part]

  /// Every page.
  public static let all = PageSelection(parts: [Part(lower: 1, upper: nil)], text: "1-")

  init(parts: [Part], text: String) {
    self.parts = parts
    self.text = text
  }

  /// Parses `1,3-5,9-`.
  ///
  /// - Throws: `PLError.usage` (64) saying what is wrong with which part.
  public init(parsing text: String) throws(PLError) {
    var parts: [Part] = []
    let pieces = text.split(separator: ",", omittingEmptySubsequences: false)
    for raw in pieces {
      let piece = raw.filter { $0 != " " }
      func bad(_ reason: String) -> PLError {
        .usage("--pages \(text): \(piece.isEmpty ? "an empty part" : "'\(piece)'"): \(reason) (give page numbers from 1, such as 1,3-5 or 2-)")
      }
      guard !piece.isEmpty else { throw bad("nothing between commas") }
      let bounds = piece.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
      func number(_ s: Substring) throws(PLError) -> Int {
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s) else { throw bad("not a page number") }
        guard n >= 1 else { throw bad("pages are counted from 1") }
        return n
      }
      if bounds.count == 1 {
        let n = try number(bounds[0])
        parts.append(Part(lower: n, upper: n))
      } else {
        let lower = try number(bounds[0])
        if bounds[1].isEmpty {
          parts.append(Part(lower: lower, upper: nil))
        } else {
          let upper = try number(bounds[1])
          guard upper >= lower else { throw bad("the range runs backwards") }
          parts.append(Part(lower: lower, upper: upper))
        }
      }
    }
    self.init(parts: parts, text: text)
  }

  /// True when page `number` (from 1) is selected.
  public func contains(_ number: Int) -> Bool {
    parts.contains { number >= $0.lower && ($0.upper.map { number <= $0 } ?? true) }
  }

  /// The selected pages of a document of `pageCount` pages, in order, each once, as 0-based
  /// indexes.
  public func indexes(pageCount: Int) -> [Int] {
    (0..<pageCount).filter { contains($0 + 1) }
  }

  public var description: String { text }

  public static func == (a: PageSelection, b: PageSelection) -> Bool { a.parts == b.parts }
}
