import PLCore

/// A parse error in a derived-field expression, with its 1-based column (in characters).
///
/// The spec parser adds the spec file and line: `spec.yml: line 12: column 9: expected ')'`.
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
  public var column: Int
  public var message: String

  public init(column: Int, message: String) {
    self.column = column
    self.message = message
  }

  public var description: String { "column \(column): \(message)" }
}

/// A small arithmetic expression over a record's fields, parsed once and evaluated per record.
///
/// The language:
/// - numbers (`6.25`, `1e3`) and string constants in single quotes (`'kg'`, `'it''s'`);
/// - field references: bare names (`protein`, `lot_2`, `a.b`: letters, digits, `_` and `.`,
///   not starting with a digit), double-quoted (`"Protein (%)"`) or in
///   backticks (`` `Fat, total` ``) for other names; `_pl.meta.instrument` reads `_pl`'s members
///   by path;
/// - `+ - * /`, unary minus and parentheses, with the usual precedence;
/// - functions: `round(x, n)` (halves away from zero; `n` digits, default 0), `min(a, …)`,
///   `max(a, …)`, `abs(x)`, `coalesce(a, b, …)` (the first non-null), `concat(a, …)` (texts and
///   numbers joined as text).
///
/// Values: a missing or null input makes the result null (except inside `coalesce`); a string
/// that is JSON number text counts as that number; any other text in arithmetic makes the
/// result null with a `not-a-number` note; division by zero gives null with a `division-by-zero`
/// note. `+ - *` on plain decimals are exact (`100 - 13.87 - 2.1` is `84.03`); division and
/// anything beyond 18 digits is computed in `Double` and written in its shortest form.
public struct Expression: Equatable, Sendable, CustomStringConvertible {
  /// The text the expression was parsed from.
  public let text: String
  let root: ExpressionNode

  /// Parses `text`.
  ///
  /// - Throws: `ExpressionError` with the column of the first problem.
  public init(parsing text: String) throws(ExpressionError) {
    self.text = text
    var parser = ExpressionParser(text)
    root = try parser.parseAll()
  }

  public var description: String { text }

  /// The field names the expression reads (not `_pl` paths), in order of first use.
  public var fieldsRead: [String] {
    var names: [String] = []
    root.visitFields { if !names.contains($0) { names.append($0) } }
    return names
  }

  /// The value of the expression for `record`; problems (missing inputs, text that is not a
  /// number) are appended to `problems`.
  public func evaluate(_ record: Record, problems: inout [ExpressionProblem]) -> JSONValue {
    switch root.evaluate(record, &problems) {
    case .null: return .null
    case .number(let n): return .number(n.text)
    case .string(let s): return .string(s)
    }
  }
}

/// Something that made an expression's value null.
public struct ExpressionProblem: Equatable, Sendable {
  /// `missing-input`, `not-a-number` or `division-by-zero`.
  public var code: String
  public var message: String
}

enum ExpressionFunction: String, Sendable {
  case round, min, max, abs, coalesce, concat
}

indirect enum ExpressionNode: Equatable, Sendable {
  case number(ExpressionNumber)
  case string(String)
  case field(String)
  case meta([String])
  case negate(ExpressionNode)
  case binary(UInt8, ExpressionNode, ExpressionNode)
  case call(ExpressionFunction, [ExpressionNode])

  func visitFields(_ body: (String) -> Void) {
    switch self {
    case .field(let name): body(name)
    case .negate(let node): node.visitFields(body)
    case .binary(_, let a, let b):
      a.visitFields(body)
      b.visitFields(body)
    case .call(_, let args): for arg in args { arg.visitFields(body) }
    case .number, .string, .meta: break
    }
  }
}

/// A number during evaluation: exact when it can be, else a `Double`.
struct ExpressionNumber: Equatable, Sendable {
  var exact: ExactDecimal?
  var double: Double

  init(exact: ExactDecimal) {
    self.exact = exact
    self.double = exact.double
  }

  init(double: Double) {
    self.exact = nil
    self.double = double
  }

  /// From JSON number text (or a string holding it); nil when it is not one.
  init?(text: String) {
    if let exact = ExactDecimal(text[...].utf8) {
      self.init(exact: exact)
    } else if ExpressionNumber.isJSONNumber(text), let double = Double(text), double.isFinite {
      self.init(double: double)
    } else {
      return nil
    }
  }

  var text: String { exact?.text ?? double.jsonText }

  /// Whether `text` follows JSON's number grammar (Double(_:) also takes `inf`, `0x1p3`, `.5`).
  static func isJSONNumber(_ text: String) -> Bool {
    var bytes = text.utf8[...]
    if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
    func digits() -> Int {
      let n = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
      bytes = bytes.dropFirst(n)
      return n
    }
    let whole = digits()
    guard whole > 0 else { return false }
    if whole > 1 && text.utf8.first(where: { $0 != UInt8(ascii: "-") }) == UInt8(ascii: "0") { return false }
    if bytes.first == UInt8(ascii: ".") {
      bytes = bytes.dropFirst()
      guard digits() > 0 else { return false }
    }
    if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
      bytes = bytes.dropFirst()
      if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
      guard digits() > 0 else { return false }
    }
    return bytes.isEmpty
  }
}

enum ExpressionValue {
  case null
  case number(ExpressionNumber)
  case string(String)
}

extension ExpressionNode {
  func evaluate(_ record: Record, _ problems: inout [ExpressionProblem]) -> ExpressionValue {
    switch self {
    case .number(let n):
      return .number(n)
    case .string(let s):
      return .string(s)
    case .field(let name):
      guard let value = record.fields[key: name] else {
        problems.append(ExpressionProblem(code: "missing-input", message: "field \"\(name)\" is missing"))
        return .null
      }
      return Self.value(value, name: name, &problems)
    case .meta(let path):
      var value: JSONValue? = .object(record.meta)
      for key in path { value = value?.objectValue?[key: key] }
      let name = "_pl." + path.joined(separator: ".")
      guard let value else {
        problems.append(ExpressionProblem(code: "missing-input", message: "\(name) is missing"))
        return .null
      }
      return Self.value(value, name: name, &problems)
    case .negate(let node):
      guard let n = Self.number(node.evaluate(record, &problems), &problems) else { return .null }
      if let exact = n.exact, exact.significand != .min { return .number(ExpressionNumber(exact: ExactDecimal(significand: -exact.significand, scale: exact.scale))) }
      return .number(ExpressionNumber(double: -n.double))
    case .binary(let op, let left, let right):
      let a = Self.number(left.evaluate(record, &problems), &problems)
      let b = Self.number(right.evaluate(record, &problems), &problems)
      guard let a, let b else { return .null }
      return Self.arithmetic(op, a, b, &problems)
    case .call(let function, let args):
      return Self.call(function, args, record, &problems)
    }
  }

  /// A record value as an expression value; null and missing-input for null.
  private static func value(_ value: JSONValue, name: String, _ problems: inout [ExpressionProblem]) -> ExpressionValue {
    switch value {
    case .null:
      problems.append(ExpressionProblem(code: "missing-input", message: "\(name) is null"))
      return .null
    case .number(let text):
      if let n = ExpressionNumber(text: text) { return .number(n) }
      problems.append(ExpressionProblem(code: "not-a-number", message: "\(name) is not a finite number: \(text)"))
      return .null
    case .string(let s):
      return .string(s)
    case .bool, .array, .object:
      problems.append(ExpressionProblem(code: "not-a-number", message: "\(name) is \(value.kindName), not a number or text"))
      return .null
    }
  }

  /// The value as a number: number text in strings counts; other text is a problem.
  private static func number(_ value: ExpressionValue, _ problems: inout [ExpressionProblem]) -> ExpressionNumber? {
    switch value {
    case .null: return nil
    case .number(let n): return n
    case .string(let s):
      let trimmed = s.trimmingSpaces()
      if let n = ExpressionNumber(text: trimmed) { return n }
      problems.append(ExpressionProblem(code: "not-a-number", message: "\"\(s)\" is not a number"))
      return nil
    }
  }

  private static func arithmetic(_ op: UInt8, _ a: ExpressionNumber, _ b: ExpressionNumber, _ problems: inout [ExpressionProblem]) -> ExpressionValue {
    if let x = a.exact, let y = b.exact {
      let exact: ExactDecimal? =
        switch op {
        case UInt8(ascii: "+"): x + y
        case UInt8(ascii: "-"): x - y
        case UInt8(ascii: "*"): x * y
        default: nil
        }
      if let exact { return .number(ExpressionNumber(exact: exact)) }
    }
    let result: Double
    switch op {
    case UInt8(ascii: "+"): result = a.double + b.double
    case UInt8(ascii: "-"): result = a.double - b.double
    case UInt8(ascii: "*"): result = a.double * b.double
    default:
      guard b.double != 0 else {
        problems.append(ExpressionProblem(code: "division-by-zero", message: "division by zero"))
        return .null
      }
      result = a.double / b.double
    }
    guard result.isFinite else {
      problems.append(ExpressionProblem(code: "not-a-number", message: "the result is too large for a number"))
      return .null
    }
    return .number(ExpressionNumber(double: result))
  }

  private static func call(_ function: ExpressionFunction, _ args: [ExpressionNode], _ record: Record, _ problems: inout [ExpressionProblem]) -> ExpressionValue {
    switch function {
    case .coalesce:
      // Problems of the inputs passed over are not the result's problems.
      var skipped: [ExpressionProblem] = []
      for arg in args {
        let value = arg.evaluate(record, &skipped)
        if case .null = value { continue }
        return value
      }
      problems += skipped
      return .null
    case .concat:
      var text = ""
      var complete = true
      for arg in args {
        switch arg.evaluate(record, &problems) {
        case .null: complete = false
        case .number(let n): text += n.text
        case .string(let s): text += s
        }
      }
      return complete ? .string(text) : .null
    case .abs:
      guard let n = number(args[0].evaluate(record, &problems), &problems) else { return .null }
      if let exact = n.exact, exact.significand != .min {
        return .number(ExpressionNumber(exact: ExactDecimal(significand: Swift.abs(exact.significand), scale: exact.scale)))
      }
      return .number(ExpressionNumber(double: Swift.abs(n.double)))
    case .min, .max:
      var best: ExpressionNumber?
      var complete = true
      for arg in args {
        guard let n = number(arg.evaluate(record, &problems), &problems) else {
          complete = false
          continue
        }
        if let current = best {
          let better = function == .min ? n.double < current.double : n.double > current.double
          if better { best = n }
        } else {
          best = n
        }
      }
      return complete ? best.map { .number($0) } ?? .null : .null
    case .round:
      let x = number(args[0].evaluate(record, &problems), &problems)
      var digits = 0
      if args.count > 1 {
        guard let n = number(args[1].evaluate(record, &problems), &problems) else { return .null }
        guard n.double >= 0, n.double <= 15, n.double == n.double.rounded() else {
          problems.append(ExpressionProblem(code: "not-a-number", message: "round() takes 0 to 15 digits, not \(n.text)"))
          return .null
        }
        digits = Int(n.double)
      }
      guard let x else { return .null }
      // Rounded in decimal, from the exact value or the Double's shortest text, so that
      // round(1.005, 2) is 1.01 as written, not 1.0 as the binary value would have it.
      if let exact = x.exact ?? ExactDecimal(x.double.description[...].utf8) {
        return .number(ExpressionNumber(exact: exact.rounded(to: digits)))
      }
      let scale = Double(ExactDecimal.powers[digits])
      return .number(ExpressionNumber(double: (x.double * scale).rounded(.toNearestOrAwayFromZero) / scale))
    }
  }
}

/// A recursive-descent parser over the expression's Unicode scalars.
struct ExpressionParser {
  private let scalars: [Unicode.Scalar]
  private var position = 0

  init(_ text: String) { scalars = Array(text.unicodeScalars) }

  mutating func parseAll() throws(ExpressionError) -> ExpressionNode {
    skipSpaces()
    guard position < scalars.count else { throw error("the expression is empty") }
    let node = try parseSum()
    skipSpaces()
    guard position == scalars.count else { throw error("unexpected \(describe(scalars[position]))") }
    return node
  }

  private func error(_ message: String, at column: Int? = nil) -> ExpressionError {
    ExpressionError(column: (column ?? position) + 1, message: message)
  }

  private func describe(_ scalar: Unicode.Scalar) -> String { "'\(Character(scalar))'" }

  private mutating func skipSpaces() {
    while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
  }

  private mutating func peek() -> Unicode.Scalar? {
    skipSpaces()
    return position < scalars.count ? scalars[position] : nil
  }

  private mutating func parseSum() throws(ExpressionError) -> ExpressionNode {
    var node = try parseProduct()
    while let op = peek(), op == "+" || op == "-" {
      position += 1
      node = .binary(UInt8(op.value), node, try parseProduct())
    }
    return node
  }

  private mutating func parseProduct() throws(ExpressionError) -> ExpressionNode {
    var node = try parseUnary()
    while let op = peek(), op == "*" || op == "/" {
      position += 1
      node = .binary(UInt8(op.value), node, try parseUnary())
    }
    return node
  }

  private mutating func parseUnary() throws(ExpressionError) -> ExpressionNode {
    if peek() == "-" {
      position += 1
      return .negate(try parseUnary())
    }
    if peek() == "+" {
      position += 1
      return try parseUnary()
    }
    return try parsePrimary()
  }

  private mutating func parsePrimary() throws(ExpressionError) -> ExpressionNode {
    guard let c = peek() else { throw error("the expression ends where a value was expected") }
    let start = position
    switch c {
    case "(":
      position += 1
      let node = try parseSum()
      guard peek() == ")" else { throw error(position < scalars.count ? "expected ')' instead of \(describe(scalars[position]))" : "expected ')' before the end") }
      position += 1
      return node
    case "\"", "`":
      return .field(try quoted(c, what: "field name"))
    case "'":
      return .string(try quoted(c, what: "text"))
    case "0"..."9", ".":
      while position < scalars.count, Self.isNumberPart(scalars[position], previous: scalars[position - 1 < start ? start : position - 1]) { position += 1 }
      let text = String(String.UnicodeScalarView(scalars[start..<position]))
      guard let n = ExpressionNumber(text: text) else { throw error("\(text) is not a number", at: start) }
      return .number(n)
    default:
      guard Self.isNameStart(c) else { throw error("unexpected \(describe(c))") }
      while position < scalars.count, Self.isNamePart(scalars[position]) { position += 1 }
      let name = String(String.UnicodeScalarView(scalars[start..<position]))
      if peek() == "(" { return try call(name, at: start) }
      if name == "_pl" || name.hasPrefix("_pl.") {
        let path = name.split(separator: ".", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard !path.isEmpty, !path.contains("") else { throw error("\(name) does not name a member of _pl", at: start) }
        return .meta(path)
      }
      return .field(name)
    }
  }

  private mutating func call(_ name: String, at start: Int) throws(ExpressionError) -> ExpressionNode {
    guard let function = ExpressionFunction(rawValue: name) else {
      throw error("unknown function \(name)() (known: round, min, max, abs, coalesce, concat)", at: start)
    }
    position += 1  // "("
    var args: [ExpressionNode] = []
    if peek() == ")" {
      position += 1
    } else {
      while true {
        args.append(try parseSum())
        guard let next = peek() else { throw error("expected ')' before the end") }
        position += 1
        if next == ")" { break }
        guard next == "," else { throw error("expected ',' or ')' instead of \(describe(next))", at: position - 1) }
      }
    }
    let (arity, wanted): (ClosedRange<Int>, String) =
      switch function {
      case .abs: (1...1, "1 argument")
      case .round: (1...2, "1 or 2 arguments")
      case .min, .max, .coalesce, .concat: (1...Int.max, "at least 1 argument")
      }
    guard arity.contains(args.count) else { throw error("\(name)() takes \(wanted), not \(args.count)", at: start) }
    return .call(function, args)
  }

  /// A quoted name or text; the quote doubled stands for itself.
  private mutating func quoted(_ quote: Unicode.Scalar, what: String) throws(ExpressionError) -> String {
    let start = position
    position += 1
    var out = String.UnicodeScalarView()
    while true {
      guard position < scalars.count else { throw error("the \(what) opened here is not closed", at: start) }
      let c = scalars[position]
      position += 1
      if c == quote {
        if position < scalars.count, scalars[position] == quote {
          out.append(quote)
          position += 1
          continue
        }
        break
      }
      out.append(c)
    }
    if quote != "'" && out.isEmpty { throw error("a field name cannot be empty", at: start) }
    return String(out)
  }

  private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
    c == "_" || c.properties.isAlphabetic
  }

  private static func isNamePart(_ c: Unicode.Scalar) -> Bool {
    c == "_" || c == "." || c.properties.isAlphabetic || ("0"..."9").contains(c)
  }

  private static func isNumberPart(_ c: Unicode.Scalar, previous: Unicode.Scalar) -> Bool {
    if ("0"..."9").contains(c) || c == "." || c == "e" || c == "E" { return true }
    return (c == "+" || c == "-") && (previous == "e" || previous == "E")
  }
}
