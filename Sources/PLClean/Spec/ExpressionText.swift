/// The checks a derived field's expression gets while its spec is read: it says something,
/// and its brackets and quotes are closed. The expression language itself is the record
/// operations' (`derive`); this only keeps an obviously broken spec from starting a run.
public enum ExpressionText {
  /// Why `text` cannot be an expression, with the 0-based character offset of the problem,
  /// or nil when it passes.
  public static func problem(in text: String) -> (offset: Int, reason: String)? {
    if text.allSatisfy(\.isWhitespace) { return (0, "the expression is empty") }
    var open: [(Character, Int)] = []
    var quote: (Character, Int)?
    var escaped = false
    for (offset, c) in text.enumerated() {
      if let (q, _) = quote {
        if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
        continue
      }
      switch c {
      case "\"", "'": quote = (c, offset)
      case "(", "[", "{": open.append((c, offset))
      case ")", "]", "}":
        let expected: Character = c == ")" ? "(" : c == "]" ? "[" : "{"
        guard let last = open.popLast() else { return (offset, "\(c) closes nothing") }
        if last.0 != expected { return (offset, "\(c) does not close the \(last.0) at character \(last.1 + 1)") }
      default: break
      }
    }
    if let (q, at) = quote { return (at, "the quote \(q) at character \(at + 1) is not closed") }
    if let (c, at) = open.last { return (at, "the \(c) at character \(at + 1) is not closed") }
    return nil
  }
}
