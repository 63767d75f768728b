#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLCore

/// A silver part as gold's lineage names it.
public struct SilverPart: Sendable, Equatable, Hashable {
  /// The part's name in lineage and messages (its path in the lake).
  public var name: String
  /// The batch that wrote it, when known.
  public var batch: String?

  public init(name: String, batch: String? = nil) {
    self.name = name
    self.batch = batch
  }
}

/// A silver record gold could not use, and why. Records refused for their value still count
/// in their group (`records`, `refused`); records without a period belong to no group.
public struct GoldRefusal: Sendable, Equatable {
  public var source: String
  public var line: Int
  public var field: String
  public var reason: String

  public init(source: String, line: Int, field: String, reason: String) {
    self.source = source
    self.line = line
    self.field = field
    self.reason = reason
  }
}

/// What gold keeps of one group × period while silver is read: every numeric value (the median
/// and percentiles are exact, so this state is inherent), and counts.
final class GroupState {
  /// The period's JSON text, 0x01, then each group value's JSON text separated by 0x01.
  let key: [UInt8]
  var values: [Double] = []
  var records = 0
  var refused: [String: Int] = [:]
  var judged = 0
  var outOfSpec = 0
  var checkPassed: [Int]
  var checkJudged: [Int]
  /// Indices of the parts read into this group, in reading order, each once.
  var parts: [Int] = []

  init(key: [UInt8], checks: Int) {
    self.key = key
    checkPassed = Array(repeating: 0, count: checks)
    checkJudged = Array(repeating: 0, count: checks)
  }
}

/// Reads silver records, as compact lines or as records, into per group × period state.
///
/// Lines are read without building a `Record`: the top-level members are located by
/// `JSONScanner`, and only the fields the spec names are decoded. A line that is not in compact
/// form is parsed and rewritten compactly first, so both paths see the same bytes.
public final class GoldAggregator {
  public let spec: GoldSpec
  /// Called for every refused record, as it is read.
  let onRefuse: (GoldRefusal) -> Void

  // The field names the spec reads, as UTF-8; roles point into them (-1: not used).
  let names: [[UInt8]]
  let groupNames: [Int]
  let periodName: Int
  let valueName: Int
  let minName: Int, maxName: Int, verdictName: Int
  let verdictFail: [[UInt8]]
  let table: [(when: [(name: Int, text: [UInt8])], min: Double?, max: Double?)]
  enum Check {
    case inSpec, numeric
    case present(Int)
    case oneOf(Int, [[UInt8]])
    case range(Int, Double?, Double?)
  }
  let checks: [Check]

  var states: [GroupState] = []
  var groups = GroupTable()
  public private(set) var parts: [SilverPart] = []
  var currentPart = -1
  /// Records read, and those refused without a group (no usable period).
  public private(set) var recordsRead = 0
  public private(set) var unplaced = 0

  // Per line scratch, reused.
  var members: [RawMember] = []
  /// The names again, flat, for `locate`: name `n` is `nameBytes[nameStart[n]…]`, `nameLength[n]` long.
  let nameCount: Int
  let nameBytes: UnsafeMutablePointer<UInt8>
  let nameStart: UnsafeMutablePointer<Int>
  let nameLength: UnsafeMutablePointer<Int>
  /// Per line: the member index of each name (-1 when absent).
  let slots: UnsafeMutablePointer<Int>
  var key: [UInt8] = []
  var text: [UInt8] = []
  let compact = ByteBuffer(capacity: 1 << 12)

  public init(spec: GoldSpec, onRefuse: @escaping (GoldRefusal) -> Void = { _ in }) {
    self.spec = spec
    self.onRefuse = onRefuse
    var names: [[UInt8]] = []
    func name(_ s: String) -> Int {
      let b = Array(s.utf8)
      if let i = names.firstIndex(of: b) { return i }
      names.append(b)
      return names.count - 1
    }
    func canonical(_ v: JSONValue) -> [UInt8] { Array(JSONWriter.string(v).utf8) }
    groupNames = spec.groupBy.map(name)
    periodName = name(spec.period.field)
    valueName = name(spec.value)
    minName = spec.limits.minField.map(name) ?? -1
    maxName = spec.limits.maxField.map(name) ?? -1
    verdictName = spec.limits.verdictField.map(name) ?? -1
    verdictFail = spec.limits.verdictFail.map { canonical(.string($0)) }
    table = spec.limits.table.map { entry in
      (when: entry.when.map { (name: name($0.key), text: canonical($0.value)) }, min: entry.min, max: entry.max)
    }
    checks = spec.quality.map { check in
      switch check.kind {
      case .inSpec: .inSpec
      case .numeric: .numeric
      case .present(let f): .present(name(f))
      case .oneOf(let f, let values): .oneOf(name(f), values.map(canonical))
      case .range(let f, let lo, let hi): .range(name(f), lo, hi)
      }
    }
    self.names = names
    nameCount = names.count
    let total = names.reduce(0) { $0 + $1.count }
    nameBytes = .allocate(capacity: total + 1)
    nameStart = .allocate(capacity: names.count)
    nameLength = .allocate(capacity: names.count)
    slots = .allocate(capacity: names.count)
    var at = 0
    for (i, name) in names.enumerated() {
      nameStart[i] = at
      nameLength[i] = name.count
      for b in name {
        nameBytes[at] = b
        at += 1
      }
      slots[i] = -1
    }
  }

  deinit {
    nameBytes.deallocate()
    nameStart.deallocate()
    nameLength.deallocate()
    slots.deallocate()
  }

  /// Starts a part: the lines added next came from it.
  public func begin(part: SilverPart) {
    if let i = parts.firstIndex(of: part) {
      currentPart = i
    } else {
      parts.append(part)
      currentPart = parts.count - 1
    }
  }

  /// Reads every line of `stream` (NDJSON, gzip-compressed when `gzip`) as records of `part`.
  ///
  /// - Throws: `PLError.malformed` for a line that is not a JSON object or a cut gzip stream;
  ///   `PLError.io` when reading fails.
  public func read(part: SilverPart, stream: any ByteStream, gzip: Bool) throws(PLError) {
    begin(part: part)
    var source: any ByteStream = stream
    if gzip {
      if let size = stream.size, size <= WholeGzip.maxCompressed {
        let compressed = try stream.readAll(limit: WholeGzip.maxCompressed)
        if let bytes = try WholeGzip.inflate(compressed, name: stream.name) {
          source = MemoryStream(bytes, name: stream.name)
        } else {
          // Inflates past the bound: streamed after all, from the bytes already read.
          source = try GzipInputStream(source: MemoryStream(compressed, name: stream.name))
        }
      } else {
        source = try GzipInputStream(source: stream)
      }
    }
    let lines = LineReader(source: source)
    while let line = try lines.nextLine() {
      if line.isEmpty { continue }
      try add(line: line, source: part.name, lineNumber: lines.lineNumber)
    }
  }

  /// Adds one record.
  ///
  /// Only the fields the spec reads are written out and scanned, so keys the scanner leaves to
  /// the parser (escapes in a key) elsewhere in the record do not matter.
  public func add(_ record: Record, source: String, lineNumber: Int) {
    let wanted = Record(record.fields.filter { field in names.contains { $0.elementsEqual(field.key.utf8) } })
    compact.removeAll()
    JSONWriter.writeLine(wanted, to: compact)
    let bytes = compact.bytes
    let line = UnsafeBufferPointer(rebasing: bytes[0..<(bytes.count - 1)])
    guard JSONScanner.scanCompact(line, members: &members) != nil else {
      recordsRead += 1
      refuseUnplaced(source, lineNumber, spec.period.field, "a field name the spec reads needs JSON escapes, which gold does not read")
      return
    }
    addScanned(line, source: source, lineNumber: lineNumber)
  }

  /// Adds one NDJSON line (without its newline).
  ///
  /// - Throws: `PLError.malformed` when the line is not a JSON object.
  public func add(line: UnsafeBufferPointer<UInt8>, source: String, lineNumber: Int) throws(PLError) {
    if JSONScanner.scanCompact(line, members: &members) != nil {
      addScanned(line, source: source, lineNumber: lineNumber)
      return
    }
    let record: Record
    do {
      record = try JSONParser.parseRecord(line)
    } catch {
      throw .malformed(source: source, location: .line(lineNumber), message: error.message)
    }
    add(record, source: source, lineNumber: lineNumber)
  }

  // MARK: The line path

  @inline(__always)
  func bytes(_ line: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: line[r])
  }

  /// Appends the JSON text of member `m`'s value, written as the writer writes it.
  func appendCanonical(_ line: UnsafeBufferPointer<UInt8>, _ m: Int, to out: inout [UInt8]) {
    guard m >= 0 else {
      out.append(contentsOf: "null".utf8)
      return
    }
    let member = members[m]
    let v = bytes(line, member.value)
    if member.kind == .string {
      if let base = v.baseAddress, memchr(base, Int32(UInt8(ascii: "\\")), v.count) != nil,
        let value = try? JSONParser.parseValue(bytes(line, (member.value.lowerBound - 1)..<(member.value.upperBound + 1)))
      {
        out.append(contentsOf: JSONWriter.string(value).utf8)
      } else {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: v)
        out.append(UInt8(ascii: "\""))
      }
    } else {
      out.append(contentsOf: v)
    }
  }

  func number(_ line: UnsafeBufferPointer<UInt8>, _ m: Int) -> Double? {
    guard m >= 0, members[m].kind == .number else { return nil }
    let b = bytes(line, members[m].value)
    if let x = GoldNumberText.simple(b) { return x }
    return Double(String(decoding: b, as: UTF8.self))
  }

  func equals(_ line: UnsafeBufferPointer<UInt8>, _ m: Int, _ canonical: [UInt8]) -> Bool {
    text.removeAll(keepingCapacity: true)
    appendCanonical(line, m, to: &text)
    return text == canonical
  }

  func addScanned(_ line: UnsafeBufferPointer<UInt8>, source: String, lineNumber: Int) {
    recordsRead += 1
    locate(line)
    // The period first: without one the record belongs to no group.
    key.removeAll(keepingCapacity: true)
    let pm = slots[periodName]
    let periodField = spec.period.field
    guard pm >= 0, members[pm].kind != .null else {
      refuseUnplaced(source, lineNumber, periodField, pm < 0 ? "\(periodField) is missing" : "\(periodField) is null")
      return
    }
    switch spec.period {
    case .day:
      guard members[pm].kind == .string, UTCDay.read(bytes(line, members[pm].value), into: &text) else {
        refuseUnplaced(source, lineNumber, periodField, "\(periodField) is not an ISO 8601 date or timestamp")
        return
      }
      key.append(UInt8(ascii: "\""))
      key.append(contentsOf: text)
      key.append(UInt8(ascii: "\""))
    case .value:
      appendCanonical(line, pm, to: &key)
    }
    for g in groupNames {
      key.append(0x01)
      appendCanonical(line, slots[g], to: &key)
    }
    let state: GroupState
    let found: Int? = key.withUnsafeBufferPointer { k in
      let h = GroupTable.hash(k)
      if let i = groups.find(k, hash: h, keyOf: { states[$0].key }) { return i }
      groups.insert(hash: h, index: states.count)
      return nil
    }
    if let found {
      state = states[found]
    } else {
      state = GroupState(key: key, checks: checks.count)
      states.append(state)
    }
    state.records += 1
    if state.parts.last != currentPart && currentPart >= 0 && !state.parts.contains(currentPart) { state.parts.append(currentPart) }

    // The value.
    let vm = slots[valueName]
    var value: Double?
    if vm >= 0, members[vm].kind == .number, let x = number(line, vm), x.isFinite {
      value = x
      state.values.append(x)
    } else {
      let field = spec.value
      let reason: String
      if vm < 0 {
        reason = "\(field) is missing"
      } else {
        switch members[vm].kind {
        case .null: reason = "\(field) is null"
        case .string: reason = "\(field) is a string, not a number"
        case .trueValue, .falseValue: reason = "\(field) is a boolean, not a number"
        case .object: reason = "\(field) is an object, not a number"
        case .array: reason = "\(field) is an array, not a number"
        case .number: reason = "\(field) is out of the range of a double"
        }
      }
      state.refused[reason, default: 0] += 1
      onRefuse(GoldRefusal(source: source, line: lineNumber, field: field, reason: reason))
    }

    // In or out of spec.
    var inSpec: Bool?
    if let value {
      let lo = minName >= 0 ? number(line, slots[minName]) : nil
      let hi = maxName >= 0 ? number(line, slots[maxName]) : nil
      if lo != nil || hi != nil {
        inSpec = !((lo.map { value < $0 } ?? false) || (hi.map { value > $0 } ?? false))
      } else if verdictName >= 0, slots[verdictName] >= 0, members[slots[verdictName]].kind != .null {
        text.removeAll(keepingCapacity: true)
        appendCanonical(line, slots[verdictName], to: &text)
        inSpec = !verdictFail.contains(text)
      } else {
        for entry in table where entry.when.allSatisfy({ equals(line, slots[$0.name], $0.text) }) {
          inSpec = !((entry.min.map { value < $0 } ?? false) || (entry.max.map { value > $0 } ?? false))
          break
        }
      }
      if let inSpec {
        state.judged += 1
        if !inSpec { state.outOfSpec += 1 }
      }
    }

    // Quality checks.
    for (ci, check) in checks.enumerated() {
      let passed: Bool?
      switch check {
      case .inSpec: passed = inSpec
      case .numeric: passed = value != nil
      case .present(let n):
        let m = slots[n]
        passed = m >= 0 && members[m].kind != .null && !(members[m].kind == .string && members[m].value.isEmpty)
      case .oneOf(let n, let set):
        text.removeAll(keepingCapacity: true)
        appendCanonical(line, slots[n], to: &text)
        passed = set.contains(text)
      case .range(let n, let lo, let hi):
        if let x = number(line, slots[n]) {
          passed = !((lo.map { x < $0 } ?? false) || (hi.map { x > $0 } ?? false))
        } else {
          passed = false
        }
      }
      if let passed {
        state.checkJudged[ci] += 1
        if passed { state.checkPassed[ci] += 1 }
      }
    }
  }

  /// Fills `slots`: for each name the spec reads, the index of its member in the line (-1: absent).
  @inline(__always)
  func locate(_ line: UnsafeBufferPointer<UInt8>) {
    let count = nameCount
    let slots = self.slots, lengths = nameLength, starts = nameStart, flat = nameBytes
    for i in 0..<count { slots[i] = -1 }
    let base = line.baseAddress!
    members.withUnsafeBufferPointer { members in
      for mi in 0..<members.count {
        let key = members[mi].key
        let length = key.count
        let first = base[key.lowerBound]
        for ni in 0..<count where lengths[ni] == length && flat[starts[ni]] == first && slots[ni] < 0 {
          if memcmp(flat + starts[ni], base + key.lowerBound, length) == 0 {
            slots[ni] = mi
            break
          }
        }
      }
    }
  }

  func refuseUnplaced(_ source: String, _ line: Int, _ field: String, _ reason: String) {
    unplaced += 1
    onRefuse(GoldRefusal(source: source, line: line, field: field, reason: reason))
  }
}

/// Plain decimals read from their bytes, exactly as `Double(_:)` reads them.
enum GoldNumberText {
  static let powers: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

  /// The value of `-12.5`-like text (an optional minus, digits, an optional fraction) of at most
  /// 15 digits: the digits as an integer below 2⁵³ divided by an exact power of ten, one
  /// correctly rounded operation. Nil for anything else (the caller asks `Double(_:)`).
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
