import Foundation

/// A regular expression that must match a whole value (as Frictionless and XML Schema patterns
/// do), compiled once.
///
/// The common subset — literals, `.`, classes (`[A-Z]`, `[^,]`, `\d \w \s` and their negations),
/// groups, alternation and the quantifiers `* + ? {n} {n,} {n,m}` — runs on a small automaton
/// over Unicode scalars (Thompson's construction, simulated without backtracking, so no input
/// can make it slow). Anything else (look-around, back-references, `\b`, `\p{…}`) is handed to
/// NSRegularExpression, anchored at both ends. On a million `S-\d{6}` values the automaton
/// added 0.1–0.9 s of CPU time to a run, NSRegularExpression 1.5–2 s (a loaded 2-core machine;
/// bench/validate.sh measures the whole run both ways).
public struct Pattern: @unchecked Sendable {
  public let source: String
  let program: Program?
  let fallback: NSRegularExpression?
  /// The automaton as a table over ASCII bytes, when its states are few.
  let table: ByteTable?

  /// - Throws: the reason when the pattern is not a valid regular expression.
  public init(_ source: String) throws(PatternError) {
    self.source = source
    if let program = try? Compiler.compile(source) {
      self.program = program
      self.fallback = nil
      self.table = ByteTable(program)
    } else {
      self.program = nil
      self.table = nil
      do {
        fallback = try NSRegularExpression(pattern: "^(?:" + source + ")$", options: [])
      } catch {
        throw PatternError(message: "not a valid regular expression: \(source)")
      }
    }
  }

  /// True when the pattern matches all of `text`.
  public func matches(_ text: String) -> Bool {
    if let program { return program.matches(text) }
    guard let fallback else { return false }
    let range = NSRange(text.startIndex..<text.endIndex, in: text)
    return fallback.firstMatch(in: text, options: [], range: range) != nil
  }

  /// Whether the pattern matches all of `bytes`, ASCII text (each byte one scalar): nil when
  /// the automaton does not run this pattern (NSRegularExpression does).
  func matches(ascii bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
    if let table { return table.matches(bytes) }
    return program?.matches(scalars: bytes.lazy.map { UInt32($0) })
  }

  /// True when the automaton (not NSRegularExpression) runs the pattern.
  public var isCompiled: Bool { program != nil }
}

public struct PatternError: Error, Sendable {
  public var message: String
}

/// A set of Unicode scalars: a bitmap for ASCII, ranges beyond.
struct ScalarSet {
  var low: UInt64 = 0
  var high: UInt64 = 0
  var ranges: [ClosedRange<UInt32>] = []
  var negated = false

  mutating func insert(_ range: ClosedRange<UInt32>) {
    var lo = range.lowerBound
    while lo <= range.upperBound && lo < 128 {
      if lo < 64 { low |= 1 << UInt64(lo) } else { high |= 1 << UInt64(lo - 64) }
      lo += 1
    }
    if range.upperBound >= 128 { ranges.append(max(128, range.lowerBound)...range.upperBound) }
  }

  mutating func formUnion(_ other: ScalarSet) {
    low |= other.low
    high |= other.high
    ranges += other.ranges
  }

  @inline(__always)
  func contains(_ v: UInt32) -> Bool {
    var hit: Bool
    if v < 64 { hit = low & (1 << UInt64(v)) != 0 } else if v < 128 { hit = high & (1 << UInt64(v - 64)) != 0 } else {
      hit = false
      for r in ranges where r.contains(v) {
        hit = true
        break
      }
    }
    return hit != negated
  }

  static func of(_ ranges: [ClosedRange<UInt32>], negated: Bool = false) -> ScalarSet {
    var s = ScalarSet()
    for r in ranges { s.insert(r) }
    s.negated = negated
    return s
  }

  static let digit = of([48...57])
  static let word = of([48...57, 65...90, 97...122, 95...95])
  static let space = of([9...13, 32...32])
}

/// A compiled automaton: `sets[i]` consumes one scalar; splits and jumps consume none.
struct Program {
  enum Instruction {
    case scalar(Int)
    case split(Int, Int)
    case jump(Int)
    case match
  }

  var instructions: [Instruction] = []
  var sets: [ScalarSet] = []

  func matches(_ text: String) -> Bool {
    matches(scalars: text.unicodeScalars.lazy.map(\.value))
  }

  /// Simulates the automaton over `scalars`; the thread lists live in one temporary
  /// allocation (on the stack for small programs), so a match allocates nothing.
  @inline(__always)
  func matches<S: Sequence<UInt32>>(scalars: S) -> Bool {
    let n = instructions.count
    return withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * n) { buffer -> Bool in
      let base = buffer.baseAddress!
      var current = base, next = base + n
      let mark = base + 2 * n, stack = base + 3 * n
      for i in 0..<n { mark[i] = -1 }
      var currentCount = 0, nextCount = 0
      var generation = 0

      // Adds `pc` and what it reaches without consuming a scalar; each pc once per generation.
      func add(_ pc: Int, _ list: UnsafeMutablePointer<Int>, _ count: inout Int) {
        var depth = 0
        guard mark[pc] != generation else { return }
        mark[pc] = generation
        stack[0] = pc
        depth = 1
        while depth > 0 {
          depth -= 1
          let at = stack[depth]
          switch instructions[at] {
          case .jump(let to):
            if mark[to] != generation {
              mark[to] = generation
              stack[depth] = to
              depth += 1
            }
          case .split(let a, let b):
            if mark[b] != generation {
              mark[b] = generation
              stack[depth] = b
              depth += 1
            }
            if mark[a] != generation {
              mark[a] = generation
              stack[depth] = a
              depth += 1
            }
          case .scalar, .match:
            list[count] = at
            count += 1
          }
        }
      }

      add(0, current, &currentCount)
      for v in scalars {
        generation += 1
        nextCount = 0
        for k in 0..<currentCount {
          let pc = current[k]
          if case .scalar(let set) = instructions[pc], sets[set].contains(v) {
            add(pc + 1, next, &nextCount)
          }
        }
        if nextCount == 0 { return false }
        swap(&current, &next)
        currentCount = nextCount
      }
      for k in 0..<currentCount {
        if case .match = instructions[current[k]] { return true }
      }
      return false
    }
  }
}

/// A `Program` turned into a deterministic automaton over ASCII bytes (subset construction):
/// each state is a set of the program's threads, and a byte costs one table lookup. Built only
/// while the states stay few; it accepts exactly the ASCII texts the program accepts.
final class ByteTable: @unchecked Sendable {
  static let maxStates = 256
  /// `next[state * 128 + byte]`: the next state, or -1 when no thread survives.
  let next: UnsafeMutablePointer<Int16>
  let acceptingFlags: UnsafeMutablePointer<Bool>

  init?(_ program: Program) {
    let n = program.instructions.count
    // The threads `pcs` reach without consuming a scalar (those at a scalar or the match).
    func closure(_ pcs: [Int]) -> [Int] {
      var seen = [Bool](repeating: false, count: n)
      var stack = pcs
      var out: [Int] = []
      while let pc = stack.popLast() {
        guard pc < n, !seen[pc] else { continue }
        seen[pc] = true
        switch program.instructions[pc] {
        case .jump(let to): stack.append(to)
        case .split(let a, let b): stack += [b, a]
        case .scalar, .match: out.append(pc)
        }
      }
      return out.sorted()
    }
    var states: [[Int]] = [closure([0])]
    var index: [[Int]: Int] = [states[0]: 0]
    var rows: [Int16] = []
    var k = 0
    while k < states.count {
      for byte in 0..<128 {
        var moved: [Int] = []
        for pc in states[k] {
          if case .scalar(let set) = program.instructions[pc], program.sets[set].contains(UInt32(byte)) { moved.append(pc + 1) }
        }
        let target = closure(moved)
        if target.isEmpty {
          rows.append(-1)
        } else if let i = index[target] {
          rows.append(Int16(i))
        } else {
          guard states.count < Self.maxStates else { return nil }
          index[target] = states.count
          rows.append(Int16(states.count))
          states.append(target)
        }
      }
      k += 1
    }
    next = .allocate(capacity: rows.count)
    _ = UnsafeMutableBufferPointer(start: next, count: rows.count).initialize(from: rows)
    acceptingFlags = .allocate(capacity: states.count)
    for (k, state) in states.enumerated() {
      (acceptingFlags + k).initialize(to: state.contains { if case .match = program.instructions[$0] { true } else { false } })
    }
  }

  deinit {
    next.deallocate()
    acceptingFlags.deallocate()
  }

  /// The table's memory, valid while the table lives: reading it costs no reference counting.
  struct Raw {
    let next: UnsafeMutablePointer<Int16>
    let accepting: UnsafeMutablePointer<Bool>

    /// Whether the automaton accepts all of `bytes`; nil for a byte past ASCII.
    @inline(__always)
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
      var state = 0
      for b in bytes {
        guard b < 0x80 else { return nil }
        let to = next[state &* 128 &+ Int(b)]
        if to < 0 { return false }
        state = Int(to)
      }
      return accepting[state]
    }
  }

  var raw: Raw { Raw(next: next, accepting: acceptingFlags) }

  /// Whether the automaton accepts all of `bytes`; nil for a byte past ASCII.
  func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? { raw.matches(bytes) }
}

/// Parses the supported subset into a `Program`; throws for anything outside it.
enum Compiler {
  struct Unsupported: Error {}

  indirect enum Node {
    case set(ScalarSet)
    case sequence([Node])
    case choice([Node])
    case repeated(Node, min: Int, max: Int?)
  }

  static let maxInstructions = 4096

  static func compile(_ source: String) throws(Unsupported) -> Program {
    var scalars = Array(source.unicodeScalars)
    if scalars.first == "^" { scalars.removeFirst() }
    if scalars.last == "$", !(scalars.count >= 2 && scalars[scalars.count - 2] == "\\") { scalars.removeLast() }
    var parser = Parser(s: scalars)
    let node = try parser.choice()
    guard parser.i == scalars.count else { throw Unsupported() }
    var program = Program()
    try emit(node, into: &program)
    program.instructions.append(.match)
    return program
  }

  static func emit(_ node: Node, into p: inout Program) throws(Unsupported) {
    guard p.instructions.count < maxInstructions else { throw Unsupported() }
    switch node {
    case .set(let s):
      p.sets.append(s)
      p.instructions.append(.scalar(p.sets.count - 1))
    case .sequence(let nodes):
      for n in nodes { try emit(n, into: &p) }
    case .choice(let nodes):
      // split L1, next; L1: a; jump end; next: split L2, … ; last
      var jumps: [Int] = []
      for (k, n) in nodes.enumerated() {
        if k == nodes.count - 1 {
          try emit(n, into: &p)
        } else {
          let split = p.instructions.count
          p.instructions.append(.split(split + 1, -1))
          try emit(n, into: &p)
          jumps.append(p.instructions.count)
          p.instructions.append(.jump(-1))
          p.instructions[split] = .split(split + 1, p.instructions.count)
        }
      }
      for j in jumps { p.instructions[j] = .jump(p.instructions.count) }
    case .repeated(let n, let min, let max):
      for _ in 0..<min { try emit(n, into: &p) }
      if let max {
        // Optional copies: split into one, or past all.
        var splits: [Int] = []
        for _ in min..<max {
          splits.append(p.instructions.count)
          p.instructions.append(.split(p.instructions.count + 1, -1))
          try emit(n, into: &p)
        }
        for s in splits { p.instructions[s] = .split(s + 1, p.instructions.count) }
      } else {
        let loop = p.instructions.count
        p.instructions.append(.split(loop + 1, -1))
        try emit(n, into: &p)
        p.instructions.append(.jump(loop))
        p.instructions[loop] = .split(loop + 1, p.instructions.count)
      }
    }
  }

  struct Parser {
    let s: [Unicode.Scalar]
    var i = 0

    mutating func choice() throws(Unsupported) -> Node {
      var options = [try sequence()]
      while i < s.count, s[i] == "|" {
        i += 1
        options.append(try sequence())
      }
      return options.count == 1 ? options[0] : .choice(options)
    }

    mutating func sequence() throws(Unsupported) -> Node {
      var items: [Node] = []
      while i < s.count, s[i] != "|", s[i] != ")" {
        var atom = try self.atom()
        while i < s.count {
          var min = 0, max: Int? = nil
          var quantified = true
          switch s[i] {
          case "*": i += 1
          case "+":
            i += 1
            min = 1
          case "?":
            i += 1
            max = 1
          case "{":
            if let (a, b) = try counts() {
              min = a
              max = b
            } else {
              quantified = false
            }
          default:
            quantified = false
          }
          guard quantified else { break }
          if i < s.count, s[i] == "+" { throw Unsupported() }  // possessive
          if i < s.count, s[i] == "?" { i += 1 }  // lazy: the same for a whole match
          atom = .repeated(atom, min: min, max: max)
        }
        items.append(atom)
      }
      return .sequence(items)
    }

    /// `{n}`, `{n,}`, `{n,m}`; nil (and nothing consumed) for a `{` that is a literal.
    mutating func counts() throws(Unsupported) -> (Int, Int?)? {
      var j = i + 1
      func number() -> Int? {
        var v = 0, any = false
        while j < s.count, let d = Int(String(s[j])), s[j].isASCII {
          v = v * 10 + d
          any = true
          j += 1
          if v > 1000 { return nil }
        }
        return any ? v : nil
      }
      guard let a = number() else { return nil }
      var b: Int? = a
      if j < s.count, s[j] == "," {
        j += 1
        b = number()
      }
      guard j < s.count, s[j] == "}" else { return nil }
      if let b, b < a { throw Unsupported() }
      i = j + 1
      return (a, b)
    }

    mutating func atom() throws(Unsupported) -> Node {
      let c = s[i]
      i += 1
      switch c {
      case "(":
        if i < s.count, s[i] == "?" {
          guard i + 1 < s.count, s[i + 1] == ":" else { throw Unsupported() }
          i += 2
        }
        let inner = try choice()
        guard i < s.count, s[i] == ")" else { throw Unsupported() }
        i += 1
        return inner
      case "[": return .set(try bracket())
      case ".": return .set(.of([10...10], negated: true))
      case "\\": return .set(try escape(inClass: false))
      case "^", "$", "*", "+", "?", ")": throw Unsupported()
      default: return .set(.of([c.value...c.value]))
      }
    }

    mutating func escape(inClass: Bool) throws(Unsupported) -> ScalarSet {
      guard i < s.count else { throw Unsupported() }
      let c = s[i]
      i += 1
      switch c {
      case "d": return .digit
      case "D": var x = ScalarSet.digit; x.negated = true; return x
      case "w": return .word
      case "W": var x = ScalarSet.word; x.negated = true; return x
      case "s": return .space
      case "S": var x = ScalarSet.space; x.negated = true; return x
      case "t": return .of([9...9])
      case "n": return .of([10...10])
      case "r": return .of([13...13])
      case "f": return .of([12...12])
      case "v": return .of([11...11])
      default:
        // Punctuation stands for itself; letters and digits are features this matcher lacks.
        guard c.isASCII, !c.properties.isAlphabetic, !("0"..."9").contains(c) else { throw Unsupported() }
        return .of([c.value...c.value])
      }
    }

    mutating func bracket() throws(Unsupported) -> ScalarSet {
      var set = ScalarSet()
      var negated = false
      if i < s.count, s[i] == "^" {
        negated = true
        i += 1
      }
      var first = true
      while i < s.count {
        let c = s[i]
        if c == "]" && !first { break }
        first = false
        i += 1
        var lo: UInt32
        if c == "\\" {
          let e = try escape(inClass: true)
          if e.negated || e.ranges.count > 1 || e.low.nonzeroBitCount + e.high.nonzeroBitCount != 1 || !e.ranges.isEmpty {
            guard !e.negated else { throw Unsupported() }
            set.formUnion(e)
            continue
          }
          lo = UInt32(e.low != 0 ? e.low.trailingZeroBitCount : 64 + e.high.trailingZeroBitCount)
        } else if c == "[" {
          throw Unsupported()  // POSIX classes, nested sets
        } else {
          lo = c.value
        }
        if i + 1 < s.count, s[i] == "-", s[i + 1] != "]" {
          i += 1
          var hi = s[i].value
          i += 1
          if s[i - 1] == "\\" {
            guard i < s.count, !s[i].properties.isAlphabetic else { throw Unsupported() }
            hi = s[i].value
            i += 1
          }
          guard hi >= lo else { throw Unsupported() }
          set.insert(lo...hi)
        } else {
          set.insert(lo...lo)
        }
      }
      guard i < s.count, s[i] == "]" else { throw Unsupported() }
      i += 1
      set.negated = negated
      return set
    }
  }
}
