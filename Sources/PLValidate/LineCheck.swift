#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore

/// The record rules of a schema, prepared to judge a record on its compact line: values are
/// read from the line's bytes (numbers parsed from their digits, texts compared as bytes, times
/// read as ISO bytes, unique keys hashed from the value texts), and no `Record` is built.
///
/// A line check only confirms passes. It answers `.pass` or `.skip` for a rule only when the
/// record path (`RecordRule.verdict`) would give the same answer for the record the line
/// stands for; whenever it is unsure — a failure, an escape in a string, a key that is not
/// ASCII (Swift compares texts by canonical equivalence, bytes do not) — the line goes to the
/// record path, which decides and writes the messages. So a record that fails or needs a note
/// costs what it did before, and one that passes costs a few byte comparisons per rule.
///
/// Schemas whose rules need the whole record (expressions, notes, sentinels, lookups, group
/// and dataset rules) have no line plan: every record takes the record path.
final class LinePlan {
  /// What one record rule does on a line.
  enum Step {
    case required(field: Int)
    /// The fields, as an index into `fieldLists`.
    case requireAny(fields: Int)
    /// The fields of the key (an index into `fieldLists`; an empty list: the whole record).
    case unique(fields: Int)
    case single(field: Int, FastCheck)
  }

  /// Single-field checks read straight from bytes; `generic` decodes the one value and asks
  /// the record path's `verdict(value:field:_:)`.
  enum FastCheck {
    case typeAny, typeString, typeNumber, typeInteger, typeDate, typeDatetime
    case range(min: Double?, max: Double?, exclusiveMin: Bool, exclusiveMax: Bool)
    /// An index into `sets`.
    case oneOf(Int)
    /// An index into `patterns`.
    case pattern(Int)
    case notFuture(tolerance: Double)
    case generic
  }

  /// How a rule came out on a line.
  enum Outcome { case pass, skip, unsure }

  let rules: [RecordRule]
  /// Steps hold no references (their lists live here), so reading one costs no counting.
  let steps: [Step]
  let fieldLists: [[Int]]
  let sets: [ByteTextSet]
  let patterns: [Pattern]
  /// The field names the rules read, as UTF-8 (all ASCII): name `n` is
  /// `nameBytes[nameStart[n]..<nameStart[n + 1]]`.
  let nameBytes: UnsafeMutablePointer<UInt8>
  let nameStart: UnsafeMutablePointer<Int>
  let nameCount: Int
  let nameTexts: [String]
  /// Which rules have a condition (`when:`).
  let conditional: UnsafeMutablePointer<Bool>
  /// The patterns' byte tables, in the order of `patterns` (nil: the pattern has none).
  let tables: UnsafeMutablePointer<ByteTable.Raw?>
  let missing: MissingValues
  /// The missing texts as bytes, when all are ASCII (then an ASCII value compares as bytes).
  let missingBytes: [[UInt8]]?

  /// Per line: the member index of each name (-1 when absent).
  let slots: UnsafeMutablePointer<Int>
  /// Per line: which rules were evaluated (not skipped).
  let evaluated: UnsafeMutablePointer<Bool>
  /// Per line: the unique-key digests to add once every rule passed.
  var pendingKeys: [(rule: RecordRule, digest: KeyDigest)] = []
  /// Per line: the time last read, by member index (-1: none yet).
  var timeSlot = -1
  var timeValue: Double?

  /// The plan of `schema`, or nil when some rule needs the whole record.
  init?(schema: ValidationSchema) {
    guard schema.groupRules.isEmpty, schema.datasetRules.isEmpty else { return nil }
    var names: [String] = []
    func index(_ name: String) -> Int {
      if let i = names.firstIndex(where: { $0.utf8.elementsEqual(name.utf8) }) { return i }
      names.append(name)
      return names.count - 1
    }
    var steps: [Step] = []
    var fieldLists: [[Int]] = []
    var sets: [ByteTextSet] = []
    var patterns: [Pattern] = []
    func list(_ fields: [String]) -> Int {
      fieldLists.append(fields.map(index))
      return fieldLists.count - 1
    }
    for rule in schema.recordRules {
      if let condition = rule.condition { for field in condition.fields { _ = index(field) } }
      let f = rule.field ?? ""
      switch rule.check {
      case .required: steps.append(.required(field: index(f)))
      case .requireAny(let fields): steps.append(.requireAny(fields: list(fields)))
      case .unique(let fields): steps.append(.unique(fields: list(fields)))
      case .type(let type, let format, _, _):
        let fast: FastCheck
        switch type {
        case .any: fast = .typeAny
        case .string: fast = ["email", "uri", "uuid"].contains(format ?? "") ? .generic : .typeString
        case .number: fast = .typeNumber
        case .integer: fast = .typeInteger
        case .date: fast = format == nil || format == "default" ? .typeDate : .generic
        case .datetime: fast = format == nil || format == "default" ? .typeDatetime : .generic
        default: fast = .generic
        }
        steps.append(.single(field: index(f), fast))
      case .range(let min, let max, let exclusiveMin, let exclusiveMax):
        func number(_ b: Bound?) -> Double?? {
          guard let b else { return .some(nil) }
          if case .number(let n) = b { return .some(n) }
          return nil
        }
        if let lo = number(min), let hi = number(max) {
          steps.append(.single(field: index(f), .range(min: lo, max: hi, exclusiveMin: exclusiveMin, exclusiveMax: exclusiveMax)))
        } else {
          steps.append(.single(field: index(f), .generic))
        }
      case .oneOf(let values, _):
        sets.append(ByteTextSet(values))
        steps.append(.single(field: index(f), .oneOf(sets.count - 1)))
      case .pattern(let p):
        patterns.append(p)
        steps.append(.single(field: index(f), p.isCompiled ? .pattern(patterns.count - 1) : .generic))
      case .notFuture(let tolerance): steps.append(.single(field: index(f), .notFuture(tolerance: tolerance)))
      case .length: steps.append(.single(field: index(f), .generic))
      case .expression, .unitAllowed, .censoredLimit, .notes, .specLimits, .sentinel:
        return nil
      }
    }
    // A key that is not ASCII might equal a differently spelled one; such schemas take the
    // record path.
    guard names.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return nil }
    self.rules = schema.recordRules
    self.steps = steps
    self.fieldLists = fieldLists
    self.sets = sets
    self.patterns = patterns
    let flat = names.flatMap { Array($0.utf8) }
    nameBytes = .allocate(capacity: max(1, flat.count))
    nameBytes.initialize(from: flat, count: flat.count)
    nameStart = .allocate(capacity: names.count + 1)
    var offset = 0
    for (n, name) in names.enumerated() {
      nameStart[n] = offset
      offset += name.utf8.count
    }
    nameStart[names.count] = offset
    nameCount = names.count
    self.nameTexts = names
    conditional = .allocate(capacity: max(1, steps.count))
    for (r, rule) in schema.recordRules.enumerated() { conditional[r] = rule.condition != nil }
    tables = .allocate(capacity: max(1, patterns.count))
    for (k, p) in patterns.enumerated() { (tables + k).initialize(to: p.table?.raw) }
    self.missing = schema.missing
    let missingBytes = schema.missing.list.map { Array($0.utf8) }
    self.missingBytes = missingBytes.allSatisfy { $0.allSatisfy { $0 < 0x80 } } ? missingBytes : nil
    slots = .allocate(capacity: max(1, names.count))
    evaluated = .allocate(capacity: max(1, steps.count))
  }

  deinit {
    slots.deallocate()
    evaluated.deallocate()
    nameBytes.deallocate()
    nameStart.deallocate()
    conditional.deallocate()
    tables.deallocate()
    for set in sets { set.deallocate() }
  }

  /// True when the record `line` stands for passes every rule; then the rules' tallies and key
  /// sets are updated as the record path would have. False leaves everything as it was.
  func passes(_ line: CompactLine, _ cx: CheckContext) throws(PLError) -> Bool {
    guard let base = line.bytes.baseAddress else { return false }
    let members = line.members
    // Keys: all ASCII, else the record path compares them as texts.
    var high: UInt8 = 0
    for m in members {
      var i = m.key.lowerBound
      while i < m.key.upperBound {
        high |= base[i]
        i += 1
      }
    }
    guard high < 0x80 else { return false }
    for n in 0..<nameCount {
      slots[n] = -1
      let want = nameBytes + nameStart[n]
      let count = nameStart[n + 1] - nameStart[n]
      for k in members.indices {
        let key = members[k].key
        if key.count == count && (count == 0 || memcmp(base + key.lowerBound, want, count) == 0) {
          slots[n] = k
          break
        }
      }
    }
    let reader = LineValues(base: base, members: members, slots: slots, plan: self)
    pendingKeys.removeAll(keepingCapacity: true)
    timeSlot = -1
    for r in steps.indices {
      evaluated[r] = false
      if conditional[r], let condition = rules[r].condition {
        var sure = true
        let holds = condition.holds(missing) { name in
          guard let n = nameTexts.firstIndex(of: name) else { return nil }
          let slot = slots[n]
          guard slot >= 0 else { return nil }
          guard let v = reader.decode(members[slot]) else {
            sure = false
            return nil
          }
          return v
        }
        guard sure else { return false }
        if !holds { continue }
      }
      let outcome: Outcome
      switch steps[r] {
      case .required(let field):
        guard let missing = reader.isMissing(field) else { return false }
        outcome = missing ? .unsure : .pass
      case .requireAny(let fields):
        var any = false
        for field in fieldLists[fields] {
          guard let missing = reader.isMissing(field) else { return false }
          if !missing {
            any = true
            break
          }
        }
        outcome = any ? .pass : .unsure
      case .unique(let fields):
        outcome = try reader.unique(rules[r], fields: fieldLists[fields], cx)
      case .single(let field, let fast):
        outcome = reader.single(r, field: field, fast, cx)
      }
      switch outcome {
      case .pass: evaluated[r] = true
      case .skip: break
      case .unsure: return false
      }
    }
    for pending in pendingKeys { try pending.rule.keySet!.insertNew(pending.digest) }
    for r in steps.indices where evaluated[r] { rules[r].evaluated += 1 }
    return true
  }
}

/// The values of one line, read for the rules.
struct LineValues {
  let base: UnsafePointer<UInt8>
  let members: UnsafeBufferPointer<RawMember>
  let slots: UnsafeMutablePointer<Int>
  unowned(unsafe) let plan: LinePlan

  @inline(__always)
  func bytes(_ m: RawMember) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + m.value.lowerBound, count: m.value.count)
  }

  /// The value's whole JSON text (a string with its quotes).
  @inline(__always)
  func text(_ m: RawMember) -> UnsafeBufferPointer<UInt8> {
    m.kind == .string
      ? UnsafeBufferPointer(start: base + m.value.lowerBound - 1, count: m.value.count + 2) : bytes(m)
  }

  @inline(__always)
  static func hasEscape(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    b.count > 0 && memchr(b.baseAddress!, Int32(UInt8(ascii: "\\")), b.count) != nil
  }

  @inline(__always)
  static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    var high: UInt8 = 0
    for c in b { high |= c }
    return high < 0x80
  }

  /// The value as the record path sees it; nil when it does not parse (never, for a line that
  /// keeps its contract).
  func decode(_ m: RawMember) -> JSONValue? {
    let b = bytes(m)
    switch m.kind {
    case .string:
      if !Self.hasEscape(b) { return .string(String(decoding: b, as: UTF8.self)) }
      return try? JSONParser.parseValue(text(m))
    case .number: return .number(String(decoding: b, as: UTF8.self))
    case .trueValue: return .bool(true)
    case .falseValue: return .bool(false)
    case .null: return .null
    case .object, .array: return try? JSONParser.parseValue(b)
    }
  }

  /// Whether field `n` is missing as `MissingValues.isMissing` says; nil when unsure.
  @inline(__always)
  func isMissing(_ n: Int) -> Bool? {
    let slot = slots[n]
    guard slot >= 0 else { return true }
    let m = members[slot]
    switch m.kind {
    case .null: return true
    case .string:
      if plan.missing.onlyEmpty { return m.value.isEmpty }
      let b = bytes(m)
      if let texts = plan.missingBytes, !Self.hasEscape(b), Self.isASCII(b) {
        for t in texts where t.count == b.count && t.elementsEqual(b) { return true }
        return false
      }
      guard let v = decode(m) else { return nil }
      return plan.missing.isMissing(v)
    default: return false
    }
  }

  /// Whether pattern `k` matches ASCII `b`.
  @inline(__always)
  func matches(_ k: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    if let table = plan.tables[k] { return table.matches(b) == true }
    return plan.patterns[k].matches(ascii: b) == true
  }

  /// The time in member `slot`'s string `b`, read once per line.
  @inline(__always)
  func seconds(_ slot: Int, _ b: UnsafeBufferPointer<UInt8>) -> Double? {
    if plan.timeSlot == slot { return plan.timeValue }
    plan.timeSlot = slot
    plan.timeValue = TimeText.seconds(utf8: b)
    return plan.timeValue
  }

  func unique(_ rule: RecordRule, fields: [Int], _ cx: CheckContext) throws(PLError) -> LinePlan.Outcome {
    let out = cx.keys.out
    out.removeAll()
    if fields.isEmpty {
      for m in members {
        out.append(UnsafeBufferPointer(start: base + m.key.lowerBound - 1, count: m.key.count + 2))
        out.append(0x01)
        out.append(text(m))
        out.append(0x00)
      }
    } else {
      for n in fields {
        guard let missing = isMissing(n) else { return .unsure }
        // A key with a missing part is not a key.
        if missing { return .skip }
      }
      for n in fields {
        out.append(text(members[slots[n]]))
        out.append(0x00)
      }
    }
    let digest = KeyDigest(out.bytes)
    if rule.keySet == nil { rule.keySet = KeySet(memoryLimit: cx.keyMemoryLimit) }
    if try rule.keySet!.contains(digest) { return .unsure }
    plan.pendingKeys.append((rule, digest))
    return .pass
  }

  func single(_ r: Int, field n: Int, _ fast: LinePlan.FastCheck, _ cx: CheckContext) -> LinePlan.Outcome {
    guard let missing = isMissing(n) else { return .unsure }
    // A missing value is the `required` rule's business.
    if missing { return .skip }
    let m = members[slots[n]]
    let b = bytes(m)
    switch fast {
    case .typeAny:
      return .pass
    case .typeString:
      return m.kind == .string ? .pass : .unsure
    case .typeNumber:
      if m.kind == .number, LineNumber.simple(b) != nil { return .pass }
    case .typeInteger:
      if m.kind == .number {
        for c in b where c == UInt8(ascii: ".") || c | 0x20 == UInt8(ascii: "e") { return .unsure }
        return .pass
      }
    case .typeDate, .typeDatetime:
      guard m.kind == .string else { return .unsure }
      if !Self.hasEscape(b) {
        let lengthOK: Bool
        if case .typeDate = fast { lengthOK = b.count == 10 } else { lengthOK = b.count > 10 }
        return lengthOK && seconds(slots[n], b) != nil ? .pass : .unsure
      }
    case .range(let min, let max, let exclusiveMin, let exclusiveMax):
      if m.kind == .number, let x = LineNumber.simple(b) {
        if let min, x < min || (exclusiveMin && x == min) { return .unsure }
        if let max, x > max || (exclusiveMax && x == max) { return .unsure }
        return .pass
      }
    case .oneOf(let k):
      let set = plan.sets[k]
      switch m.kind {
      case .number, .trueValue, .falseValue:
        return set.contains(b) ? .pass : .unsure
      case .string where !Self.hasEscape(b):
        return set.contains(b) ? .pass : .unsure
      default: break
      }
    case .pattern(let k):
      switch m.kind {
      case .number, .trueValue, .falseValue:
        return matches(k, b) ? .pass : .unsure
      case .string where !Self.hasEscape(b) && Self.isASCII(b):
        return matches(k, b) ? .pass : .unsure
      default: break
      }
    case .notFuture(let tolerance):
      guard m.kind == .string else { return .skip }
      if !Self.hasEscape(b) {
        guard let t = seconds(slots[n], b) else { return .skip }
        return t <= cx.now + tolerance ? .pass : .unsure
      }
    case .generic:
      break
    }
    guard let v = decode(m) else { return .unsure }
    switch plan.rules[r].verdict(value: v, field: plan.nameTexts[n], cx) {
    case .pass: return .pass
    case .skip: return .skip
    case .fail: return .unsure
    }
  }
}

/// Texts compared as their UTF-8 bytes: sorted, searched by halves. Equal bytes mean equal
/// texts; unequal bytes may still be equal texts to Swift (canonical equivalence), so a miss is
/// only "not found here". Kept in memory of its own (no reference counting on reads); its
/// owner calls `deallocate()`.
struct ByteTextSet {
  /// Text `i` is `bytes[start[i]..<start[i + 1]]`.
  let bytes: UnsafeMutablePointer<UInt8>
  let start: UnsafeMutablePointer<Int>
  let count: Int

  init(_ values: Set<String>) {
    let texts = values.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    let flat = texts.flatMap { $0 }
    bytes = .allocate(capacity: max(1, flat.count))
    bytes.initialize(from: flat, count: flat.count)
    start = .allocate(capacity: texts.count + 1)
    var offset = 0
    for (i, t) in texts.enumerated() {
      start[i] = offset
      offset += t.count
    }
    start[texts.count] = offset
    count = texts.count
  }

  func deallocate() {
    bytes.deallocate()
    start.deallocate()
  }

  func contains(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    var lo = 0, hi = count - 1
    while lo <= hi {
      let mid = (lo + hi) / 2
      let length = start[mid + 1] - start[mid]
      let n = min(length, b.count)
      let d = n == 0 ? 0 : Int(memcmp(bytes + start[mid], b.baseAddress!, n))
      let c = d != 0 ? d : length - b.count
      if c == 0 { return true }
      if c < 0 { lo = mid + 1 } else { hi = mid - 1 }
    }
    return false
  }
}

/// Numbers read from their bytes.
enum LineNumber {
  static let powers: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

  /// The value of a plain decimal (`-12.5`: an optional minus, digits, an optional fraction)
  /// of at most 15 digits, which is then exact: the digits as an integer below 2⁵³ divided by
  /// an exact power of ten, one correctly rounded operation, as `Double(_:)` gives it. Nil for
  /// anything else (the caller asks `Double(_:)`).
  @inline(__always)
  static func simple(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
    var i = 0
    let n = b.count
    var negative = false
    if i < n && b[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var fraction = 0
    var point = false
    while i < n {
      let c = b[i]
      if c &- UInt8(ascii: "0") < 10 {
        mantissa = mantissa &* 10 &+ UInt64(c &- UInt8(ascii: "0"))
        digits += 1
        if point { fraction += 1 }
      } else if c == UInt8(ascii: "."), !point, digits > 0 {
        point = true
      } else {
        return nil
      }
      i += 1
    }
    guard digits > 0, digits <= 15, !point || fraction > 0 else { return nil }
    var x = Double(mantissa)
    if fraction > 0 { x /= powers[fraction] }
    return negative ? -x : x
  }
}

extension UnsafeBufferPointer<UInt8> {
  /// True when the bytes hold `text`'s UTF-8 somewhere.
  func contains(text: StaticString) -> Bool {
    let n = text.utf8CodeUnitCount
    guard n > 0, count >= n else { return n == 0 }
    let needle = text.utf8Start
    for i in 0...(count - n) where self[i] == needle[0] && memcmp(baseAddress! + i, needle, n) == 0 { return true }
    return false
  }
}
