import PLCore

/// A row expression of a schema rule, parsed once: `fat + protein + ash between 97 and 103`,
/// `tested >= received`, `value <= limit * 2 or qualifier == '<'`.
///
/// Numbers, field names (letters, digits, `_`, `.`; other names in backquotes), strings in
/// single or double quotes, `+ - * /`, comparisons `< <= > >= == !=` (also `=` and `<>`),
/// `x between a and b`, `and`, `or`, `not` and parentheses. A field that is missing (absent,
/// null, or one of the schema's missing values) makes what depends on it unknown, and a rule
/// whose expression is unknown does not apply to the record: `a + b + c <= 100` is checked
/// only when all three are present. Two texts compare as text, which orders ISO 8601 dates and
/// times correctly; a text compared with a number is read as a number.
public struct Expression: Sendable {
  public let text: String
  /// The fields the expression reads, in order of first use.
  public let fields: [String]
  let root: Node

  indirect enum Node: Sendable {
    case number(Double)
    case text(String)
    case bool(Bool)
    case field(String)
    case negate(Node)
    case not(Node)
    case arithmetic(Character, Node, Node)
    case compare(Comparison, Node, Node)
    case and(Node, Node)
    case or(Node, Node)
  }

  enum Comparison: String, Sendable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="
  }

  enum Value {
    case number(Double)
    case text(String)
    case bool(Bool)
    case unknown
  }

  /// - Throws: `ExpressionError` with the 1-based column of the mistake.
  public init(_ text: String) throws(ExpressionError) {
    var parser = ExpressionParser(text: text)
    let root = try parser.parse()
    guard Self.isCondition(root) else {
      throw ExpressionError(column: 1, message: "the expression must be a comparison or a condition (and, or, not), not a value")
    }
    self.text = text
    self.root = root
    self.fields = parser.fields
  }

  static func isCondition(_ node: Node) -> Bool {
    switch node {
    case .bool, .compare, .and, .or, .not: true
    default: false
    }
  }

  /// True or false for `record`; nil when a field it needs is missing.
  func evaluate(_ record: Record, missing: MissingValues) -> Bool? {
    if case .bool(let b) = eval(root, record, missing) { return b }
    return nil
  }

  func eval(_ node: Node, _ r: Record, _ missing: MissingValues) -> Value {
    switch node {
    case .number(let n): return .number(n)
    case .text(let t): return .text(t)
    case .bool(let b): return .bool(b)
    case .field(let name):
      let v = r.value(name)
      if missing.isMissing(v) { return .unknown }
      switch v! {
      case .number(let t): return Double(t).map(Value.number) ?? .unknown
      case .string(let s): return .text(s)
      case .bool(let b): return .bool(b)
      default: return .unknown
      }
    case .negate(let n):
      guard let x = number(eval(n, r, missing)) else { return .unknown }
      return .number(-x)
    case .not(let n):
      if case .bool(let b) = eval(n, r, missing) { return .bool(!b) }
      return .unknown
    case .arithmetic(let op, let a, let b):
      guard let x = number(eval(a, r, missing)), let y = number(eval(b, r, missing)) else { return .unknown }
      switch op {
      case "+": return .number(x + y)
      case "-": return .number(x - y)
      case "*": return .number(x * y)
      default: return y == 0 ? .unknown : .number(x / y)
      }
    case .compare(let op, let a, let b):
      let x = eval(a, r, missing), y = eval(b, r, missing)
      let order: Int
      switch (x, y) {
      case (.unknown, _), (_, .unknown): return .unknown
      case (.text(let s), .text(let t)): order = s < t ? -1 : (s == t ? 0 : 1)
      case (.bool(let s), .bool(let t)):
        guard op == .equal || op == .notEqual else { return .unknown }
        order = s == t ? 0 : 1
      default:
        guard let p = number(x), let q = number(y) else { return .unknown }
        order = p < q ? -1 : (p == q ? 0 : 1)
      }
      switch op {
      case .less: return .bool(order < 0)
      case .lessOrEqual: return .bool(order <= 0)
      case .greater: return .bool(order > 0)
      case .greaterOrEqual: return .bool(order >= 0)
      case .equal: return .bool(order == 0)
      case .notEqual: return .bool(order != 0)
      }
    case .and(let a, let b):
      let x = eval(a, r, missing)
      if case .bool(false) = x { return .bool(false) }
      let y = eval(b, r, missing)
      if case .bool(false) = y { return .bool(false) }
      if case .bool(true) = x, case .bool(true) = y { return .bool(true) }
      return .unknown
    case .or(let a, let b):
      let x = eval(a, r, missing)
      if case .bool(true) = x { return .bool(true) }
      let y = eval(b, r, missing)
      if case .bool(true) = y { return .bool(true) }
      if case .bool(false) = x, case .bool(false) = y { return .bool(false) }
      return .unknown
    }
  }

  func number(_ v: Value) -> Double? {
    switch v {
    case .number(let n): return n
    case .text(let t): return JSONValue.string(t).numeric
    default: return nil
    }
  }
}

public struct ExpressionError: Error, Sendable {
  /// 1-based column in the expression's text.
  public var column: Int
  public var message: String
}

/// Recursive descent over the expression's scalars.
struct ExpressionParser {
  enum Token: Equatable {
    case number(Double), text(String), name(String), op(String), word(String), end
  }

  let scalars: [Unicode.Scalar]
  var i = 0
  var token = Token.end
  var tokenColumn = 1
  var fields: [String] = []

  init(text: String) {
    scalars = Array(text.unicodeScalars)
  }

  mutating func parse() throws(ExpressionError) -> Expression.Node {
    try advance()
    let node = try or()
    guard token == .end else { throw fail("unexpected \(describe(token))") }
    return node
  }

  func fail(_ message: String) -> ExpressionError { ExpressionError(column: tokenColumn, message: message) }

  func describe(_ t: Token) -> String {
    switch t {
    case .number(let n): "number \(numberText(n))"
    case .text(let s): "text '\(s)'"
    case .name(let n): "field \(n)"
    case .op(let o): "'\(o)'"
    case .word(let w): "'\(w)'"
    case .end: "end of expression"
    }
  }

  static func isNameStart(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" }
  static func isNamePart(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) || c == "." }

  mutating func advance() throws(ExpressionError) {
    while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
    tokenColumn = i + 1
    guard i < scalars.count else {
      token = .end
      return
    }
    let c = scalars[i]
    if ("0"..."9").contains(c) || (c == "." && i + 1 < scalars.count && ("0"..."9").contains(scalars[i + 1])) {
      var j = i
      while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == "." || scalars[j] == "e" || scalars[j] == "E"
        || ((scalars[j] == "-" || scalars[j] == "+") && (scalars[j - 1] == "e" || scalars[j - 1] == "E"))
      {
        j += 1
      }
      let text = String(String.UnicodeScalarView(scalars[i..<j]))
      guard let n = Double(text) else { throw fail("not a number: \(text)") }
      token = .number(n)
      i = j
    } else if c == "'" || c == "\"" || c == "`" {
      var j = i + 1
      while j < scalars.count, scalars[j] != c { j += 1 }
      guard j < scalars.count else { throw fail("\(c) is not closed") }
      let text = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
      token = c == "`" ? .name(text) : .text(text)
      i = j + 1
    } else if Self.isNameStart(c) {
      var j = i
      while j < scalars.count, Self.isNamePart(scalars[j]) { j += 1 }
      let text = String(String.UnicodeScalarView(scalars[i..<j]))
      switch text.lowercased() {
      case "and", "or", "not", "between", "true", "false": token = .word(text.lowercased())
      default: token = .name(text)
      }
      i = j
    } else {
      let two = i + 1 < scalars.count ? String(String.UnicodeScalarView(scalars[i...(i + 1)])) : ""
      if ["<=", ">=", "==", "!=", "<>"].contains(two) {
        token = .op(two == "<>" ? "!=" : two)
        i += 2
      } else if "+-*/()<>=".unicodeScalars.contains(c) {
        token = .op(c == "=" ? "==" : String(c))
        i += 1
      } else {
        throw fail("unexpected character '\(c)'")
      }
    }
  }

  mutating func or() throws(ExpressionError) -> Expression.Node {
    var node = try and()
    while token == .word("or") {
      try advance()
      node = .or(node, try and())
    }
    return node
  }

  mutating func and() throws(ExpressionError) -> Expression.Node {
    var node = try not()
    while token == .word("and") {
      try advance()
      node = .and(node, try not())
    }
    return node
  }

  mutating func not() throws(ExpressionError) -> Expression.Node {
    if token == .word("not") {
      try advance()
      return .not(try not())
    }
    return try comparison()
  }

  mutating func comparison() throws(ExpressionError) -> Expression.Node {
    let left = try additive()
    if case .op(let o) = token, let op = Expression.Comparison(rawValue: o) {
      try advance()
      return .compare(op, left, try additive())
    }
    if token == .word("between") {
      try advance()
      let low = try additive()
      guard token == .word("and") else { throw fail("expected 'and' after 'between …', found \(describe(token))") }
      try advance()
      let high = try additive()
      return .and(.compare(.greaterOrEqual, left, low), .compare(.lessOrEqual, left, high))
    }
    return left
  }

  mutating func additive() throws(ExpressionError) -> Expression.Node {
    var node = try term()
    while case .op(let o) = token, o == "+" || o == "-" {
      try advance()
      node = .arithmetic(Character(o), node, try term())
    }
    return node
  }

  mutating func term() throws(ExpressionError) -> Expression.Node {
    var node = try unary()
    while case .op(let o) = token, o == "*" || o == "/" {
      try advance()
      node = .arithmetic(Character(o), node, try unary())
    }
    return node
  }

  mutating func unary() throws(ExpressionError) -> Expression.Node {
    if token == .op("-") {
      try advance()
      return .negate(try unary())
    }
    return try primary()
  }

  mutating func primary() throws(ExpressionError) -> Expression.Node {
    let t = token
    switch t {
    case .number(let n):
      try advance()
      return .number(n)
    case .text(let s):
      try advance()
      return .text(s)
    case .name(let n):
      try advance()
      if !fields.contains(n) { fields.append(n) }
      return .field(n)
    case .word("true"), .word("false"):
      try advance()
      return .bool(t == .word("true"))
    case .op("("):
      try advance()
      let inner = try or()
      guard token == .op(")") else { throw fail("expected ')', found \(describe(token))") }
      try advance()
      return inner
    default:
      throw fail("expected a number, a field or '(', found \(describe(t))")
    }
  }
}
