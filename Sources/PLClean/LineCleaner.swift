import PLCore

/// The fast path of the usual plan — renames, field types, the choice and order of fields and
/// nothing else: records go from the input line to the output line as bytes, without a
/// `Record` in between.
///
/// Each list of keys gets a plan once (from `RenameFields.decide`, the typer's rules and
/// `SelectFields.choose`, the same decisions the record path makes): which member each output
/// field comes from, under which name, and which values go through a converter. Values are
/// converted by the typer's own converters, so a value reads exactly as on the record path.
/// A record the plan does not fit — a value that gets a note, is refused or takes a default, a
/// measurement that splits into other fields than the plan's, escaped text, metadata of its
/// own, a line that is not compact — goes the record path (the transforms themselves), and
/// comes out the same as it would have.
final class LineCleaner {
  var rename: RenameFields?
  var typer: FieldTyper?
  var select: SelectFields?
  let counts: CleanCounts
  let keepRaw: Bool
  /// The typer's rules, with converters of their own (the converters keep caches).
  var rules: [FieldTyper.Rule]
  var plans: [LinePlan] = []
  var last = -1
  /// Per rule, whether its converter changed the current record's value (raw memory, so the
  /// line loop writes it without uniqueness checks).
  let changed: UnsafeMutableBufferPointer<Bool>
  /// The JSON text of the converted values of the current record, and where each is: the
  /// value of rule r, or the k-th field of its split, at `spans[r * LineCleaner.maxSplit + k]`.
  let values = ByteBuffer(capacity: 256)
  let spans: UnsafeMutableBufferPointer<Range<Int>>
  /// The most fields a split may have on this path (value, qualifier, limit, uncertainty, unit).
  static let maxSplit = 5
  let empty = Record()

  /// Per rule: its field, whether it has a default, and its converter (held apart, so that
  /// a call reaches the converter in place).
  var fields: [String]
  var hasDefault: [Bool]
  var converters: [(any ValueConverter)?]
  /// Per rule, its converter again when it is one that reads text values from their bytes
  /// here (the common cases of its `convert`).
  var numbers: [NumberConverter?]
  var times: [DateTimeConverter?]
  var measurements: [MeasurementConverter?]
  /// Per rule, how its number or measurement values are written from their digits, when they can be.
  var numberWritings: [NumberWriting?]
  var measurementWritings: [MeasurementWriting?]

  /// Nil when the transforms are not only renames, non-waiting field types and the choice of fields.
  init?(transforms: [any RecordTransform], counts: CleanCounts) {
    var rest = transforms[...]
    if let r = rest.first as? RenameFields {
      rename = r
      rest = rest.dropFirst()
    }
    if let t = rest.first as? FieldTyper {
      typer = t
      rest = rest.dropFirst()
    }
    if let s = rest.first as? SelectFields {
      select = s
      rest = rest.dropFirst()
    }
    guard rest.isEmpty, rename != nil || typer != nil || select != nil else { return nil }
    rules = typer?.rules ?? []
    keepRaw = typer?.keepRaw ?? false
    // Converters that wait for a sample, or read other fields of the record, stay on the record path.
    for rule in rules {
      if rule.converter?.wantsSample == true { return nil }
      if let m = rule.converter as? MeasurementConverter, m.names.unitRaw != nil || m.names.keepsCell { return nil }
    }
    if Set(rules.map(\.field)).count != rules.count { return nil }
    self.counts = counts
    changed = .allocate(capacity: rules.count)
    changed.initialize(repeating: false)
    spans = .allocate(capacity: rules.count * Self.maxSplit)
    spans.initialize(repeating: 0..<0)
    fields = rules.map(\.field)
    hasDefault = rules.map { $0.defaultValue != nil }
    converters = rules.map(\.converter)
    numbers = rules.map { $0.converter as? NumberConverter }
    times = rules.map { $0.converter as? DateTimeConverter }
    measurements = rules.map { $0.converter as? MeasurementConverter }
    numberWritings = numbers.map { $0?.lineWriting }
    measurementWritings = measurements.map { $0?.lineWriting }
  }

  deinit {
    changed.deallocate()
    spans.deallocate()
  }

  /// The record path: the transforms in order, as the pipeline runs them.
  func clean(_ record: Record) throws(PLError) -> Record {
    var current = record
    if rename != nil, case .change(let next) = try rename!.apply(current) { current = next }
    if typer != nil, case .change(let next) = try typer!.apply(current) { current = next }
    if select != nil, case .change(let next) = try select!.apply(current) { current = next }
    return current
  }

  /// Writes the cleaned `line` at the end of `out`; false (with `out` as it was) when the line
  /// must take the record path.
  func write(_ line: CompactLine, to out: ByteBuffer) -> (ok: Bool, meta: Range<Int>?) {
    guard line.metaMember == nil else { return (false, nil) }
    let p = line.bytes, members = line.members
    guard let index = plan(for: p, members) else { return (false, nil) }
    // Convert.
    var typed = 0
    let plan = plans[index]
    values.removeAll()
    for a in plan.actions {
      let m = members[a.member]
      let value: JSONValue
      switch m.kind {
      case .null:
        // A null measurement is not split: the plan's fields are not this record's.
        if hasDefault[a.rule] || plan.splitCounts[a.rule] >= 0 { return (false, nil) }
        changed[a.rule] = false
        continue
      case .string:
        let bytes = UnsafeBufferPointer(rebasing: p[m.value])
        if bytes.contains(UInt8(ascii: "\\")) { return (false, nil) }
        if let w = numberWritings[a.rule] {
          let start = Bytes.skipSpaces(bytes, 0, bytes.count)
          guard let n = Self.whole(bytes, start, Bytes.trimSpacesBack(bytes, start, bytes.count), w.mark, percentSign: true) else {
            return (false, nil)
          }
          let from = values.count
          w.write(n, to: values)
          spans[a.rule * Self.maxSplit] = from..<values.count
          changed[a.rule] = true
          typed += 1
          continue
        }
        if let w = measurementWritings[a.rule], plan.splitCounts[a.rule] == 3,
          let cell = Self.plainOrCensored(bytes, w)
        {
          let base = a.rule * Self.maxSplit
          var from = values.count
          if cell.qualifier == nil {
            NumberWriting(mark: w.mark).write(cell.number, to: values)
            spans[base] = from..<values.count
            from = values.count
            values.append("null" as StaticString)
            spans[base + 1] = from..<values.count
            spans[base + 2] = from..<values.count
          } else {
            values.append("null" as StaticString)
            spans[base] = from..<values.count
            from = values.count
            values.append(UInt8(ascii: "\""))
            values.append(cell.qualifier!)
            values.append(UInt8(ascii: "\""))
            spans[base + 1] = from..<values.count
            from = values.count
            NumberWriting(mark: w.mark).write(cell.number, to: values)
            spans[base + 2] = from..<values.count
          }
          changed[a.rule] = true
          typed += 1
          continue
        }
        if numbers[a.rule] != nil {
          guard let n = numbers[a.rule]!.number(bytes: bytes) else { return (false, nil) }
          let from = values.count
          values.append(n.text)
          spans[a.rule * Self.maxSplit] = from..<values.count
          changed[a.rule] = true
          typed += 1
          continue
        }
        if times[a.rule] != nil {
          let from = values.count
          switch times[a.rule]!.time(bytes: bytes) {
          case .instant(let i)?: ISOText.append(to: values, quoted: true) { i.write(into: &$0) }
          case .date(let d)?: ISOText.append(to: values, quoted: true) { ISOText.date(d, into: &$0) }
          default: return (false, nil)
          }
          spans[a.rule * Self.maxSplit] = from..<values.count
          changed[a.rule] = true
          typed += 1
          continue
        }
        if measurements[a.rule] != nil {
          guard let split = measurements[a.rule]!.split(bytes: bytes), let keys = plan.splitKeys[a.rule],
            keys.count == (split.unit == nil ? 3 : 4)
          else { return (false, nil) }
          let base = a.rule * Self.maxSplit
          var from = values.count
          if let n = split.value { values.append(n.text) } else { values.append("null" as StaticString) }
          spans[base] = from..<values.count
          from = values.count
          if let q = split.qualifier { JSONWriter.writeString(q, to: values) } else { values.append("null" as StaticString) }
          spans[base + 1] = from..<values.count
          from = values.count
          if let n = split.limit { values.append(n.text) } else { values.append("null" as StaticString) }
          spans[base + 2] = from..<values.count
          if let unit = split.unit {
            from = values.count
            JSONWriter.writeString(unit.description, to: values)
            spans[base + 3] = from..<values.count
          }
          changed[a.rule] = true
          typed += 1
          continue
        }
        value = .string(String(decoding: bytes, as: UTF8.self))
      case .number: value = .number(String(decoding: UnsafeBufferPointer(rebasing: p[m.value]), as: UTF8.self))
      case .trueValue: value = .bool(true)
      case .falseValue: value = .bool(false)
      case .object, .array: return (false, nil)
      }
      guard converters[a.rule] != nil else {
        guard plan.splitKeys[a.rule] == nil else { return (false, nil) }
        changed[a.rule] = false
        continue
      }
      switch converters[a.rule]!.convert(value, field: fields[a.rule], in: empty) {
      case .unchanged where plan.splitKeys[a.rule] == nil:
        changed[a.rule] = false
      case .converted(let next) where plan.splitKeys[a.rule] == nil:
        let from = values.count
        JSONWriter.writeValue(next, to: values)
        spans[a.rule * Self.maxSplit] = from..<values.count
        changed[a.rule] = true
        typed += 1
      case .split(let fields):
        guard let keys = plan.splitKeys[a.rule], fields.count == keys.count else { return (false, nil) }
        guard fields.count <= Self.maxSplit else { return (false, nil) }
        for k in fields.indices where fields[k].key != keys[k] { return (false, nil) }
        for k in fields.indices {
          let from = values.count
          JSONWriter.writeValue(fields[k].value, to: values)
          spans[a.rule * Self.maxSplit + k] = from..<values.count
        }
        changed[a.rule] = true
        typed += 1
      default:
        return (false, nil)
      }
    }
    // Write.
    let start = out.count
    out.append(UInt8(ascii: "{"))
    var first = true
    plan.keyBytes.withUnsafeBufferPointer { keyBytes in
      let converted = values.bytes
      for cell in plan.cells {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.appendShort(UnsafeBufferPointer(rebasing: keyBytes[cell.key]))
        if cell.rule >= 0 && changed[cell.rule] {
          out.appendShort(UnsafeBufferPointer(rebasing: converted[spans[cell.rule * Self.maxSplit + max(cell.split, 0)]]))
        } else {
          writeMember(members[cell.member], p, to: out)
        }
      }
    }
    var meta: Range<Int>? = nil
    if keepRaw && typed > 0 {
      if !first { out.append(UInt8(ascii: ",")) }
      let metaStart = out.count - start
      out.append("\"_pl\":{\"raw\":{" as StaticString)
      var firstRaw = true
      for a in plan.actions {
        if !changed[a.rule] { continue }
        if !firstRaw { out.append(UInt8(ascii: ",")) }
        firstRaw = false
        JSONWriter.writeString(fields[a.rule], to: out)
        out.append(UInt8(ascii: ":"))
        writeMember(members[a.member], p, to: out)
      }
      out.append("}}" as StaticString)
      meta = metaStart..<(out.count - start)
    }
    out.append(UInt8(ascii: "}"))
    counts.renamed += plan.renamed
    counts.snakeCased += plan.snakeCased
    counts.typed += typed
    counts.dropped += plan.dropped
    return (true, meta)
  }

  /// The number that is all of `p[start..<end]`.
  @inline(__always)
  static func whole(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ mark: DecimalMark, percentSign: Bool) -> ScannedNumber? {
    guard start < end, let n = NumberText.scanDigits(p, start, end, decimal: mark, percentSign: percentSign), n.end == end else { return nil }
    return n
  }

  /// A measurement cell that is a plain number, or a comparison and a number (`<0,05`), as
  /// `ResultText.parse` reads them: the number, and the qualifier of a censored one. Nil for
  /// any other cell (and for a censored one that gets a substitute value).
  @inline(__always)
  static func plainOrCensored(_ p: UnsafeBufferPointer<UInt8>, _ w: MeasurementWriting) -> (number: ScannedNumber, qualifier: StaticString?)? {
    let start = Bytes.skipSpaces(p, 0, p.count)
    let end = Bytes.trimSpacesBack(p, start, p.count)
    if let n = whole(p, start, end, w.mark, percentSign: false) { return (n, nil) }
    // A cell ending in a digit has no footnote marker, so `<` and a number is all there is.
    guard w.censoredAsIs, start < end, Bytes.isDigit(p[end - 1]) else { return nil }
    let qualifier: StaticString
    var i = start
    switch p[i] {
    case UInt8(ascii: "<"), UInt8(ascii: ">"):
      let less = p[i] == UInt8(ascii: "<")
      if i + 1 < end && p[i + 1] == UInt8(ascii: "=") {
        qualifier = less ? "<=" : ">="
        i += 2
      } else {
        qualifier = less ? "<" : ">"
        i += 1
      }
    case 0xE2 where i + 2 < end && p[i + 1] == 0x89 && (p[i + 2] == 0xA4 || p[i + 2] == 0xA5):
      qualifier = p[i + 2] == 0xA4 ? "<=" : ">="
      i += 3
    default:
      return nil
    }
    guard let n = whole(p, Bytes.skipSpaces(p, i, end), end, w.mark, percentSign: false) else { return nil }
    return (n, qualifier)
  }

  /// Writes a member's value as the line has it (a string with its quotes, which the line
  /// holds around `m.value`).
  @inline(__always)
  func writeMember(_ m: RawMember, _ p: UnsafeBufferPointer<UInt8>, to out: ByteBuffer) {
    if m.kind == .string {
      out.appendShort(UnsafeBufferPointer(rebasing: p[(m.value.lowerBound - 1)..<(m.value.upperBound + 1)]))
    } else {
      out.appendShort(UnsafeBufferPointer(rebasing: p[m.value]))
    }
  }

  /// The plan of the line's keys, made on the first line that has them; nil when lines with
  /// these keys take the record path (or this line cannot tell the plan yet).
  func plan(for p: UnsafeBufferPointer<UInt8>, _ members: UnsafeBufferPointer<RawMember>) -> Int? {
    if last >= 0, plans[last].matches(p, members) { return plans[last].ready ? last : complete(last, p, members) }
    for i in plans.indices where i != last && plans[i].matches(p, members) {
      last = i
      return plans[i].ready ? i : complete(i, p, members)
    }
    // A stream of ever new keys is not what plans are for.
    if plans.count >= 64 { return nil }
    var keys: [[UInt8]] = []
    keys.reserveCapacity(members.count)
    for m in members { keys.append(Array(p[m.key])) }
    let plan = LinePlan(keys: keys)
    prepare(plan)
    plans.append(plan)
    last = plans.count - 1
    return plan.ready ? last : complete(last, p, members)
  }

  /// Names and converter actions of a new plan (all that the keys alone decide).
  func prepare(_ plan: LinePlan) {
    guard !plan.keys.contains(where: { $0.contains(UInt8(ascii: "\\")) }) else { plan.never = true; return }
    let keys = plan.keys.map { String(decoding: $0, as: UTF8.self) }
    guard Set(keys).count == keys.count else { plan.never = true; return }
    var names = keys
    if let rename {
      let decision = RenameFields.decide(keys, renames: rename.renames, snakeCase: rename.snakeCase)
      guard decision.notes.isEmpty else { plan.never = true; return }
      names = decision.names
      plan.renamed = decision.renamed
      plan.snakeCased = decision.snakeCased
    }
    plan.names = names
    for (r, rule) in rules.enumerated() {
      guard let member = names.firstIndex(of: rule.field) else {
        if rule.defaultValue != nil { plan.never = true; return }
        continue
      }
      plan.actions.append(.init(rule: r, member: member))
    }
  }

  /// Finishes plan `i` from how this line's values convert: a measurement's split fields
  /// decide the fields written.
  func complete(_ i: Int, _ p: UnsafeBufferPointer<UInt8>, _ members: UnsafeBufferPointer<RawMember>) -> Int? {
    guard !plans[i].never else { return nil }
    var splits: [[String]?] = Array(repeating: nil, count: rules.count)
    for a in plans[i].actions where rules[a.rule].converter is MeasurementConverter {
      let m = members[a.member]
      let value: JSONValue
      switch m.kind {
      case .string: value = .string(String(decoding: UnsafeBufferPointer(rebasing: p[m.value]), as: UTF8.self))
      case .number: value = .number(String(decoding: UnsafeBufferPointer(rebasing: p[m.value]), as: UTF8.self))
      default: return nil
      }
      var converter = rules[a.rule].converter!
      guard case .split(let fields) = converter.convert(value, field: rules[a.rule].field, in: empty) else { return nil }
      splits[a.rule] = fields.map(\.key)
    }
    // The fields as the typer leaves them: (name, member, rule, split index).
    var cells: [(name: String, member: Int, rule: Int, split: Int)] = plans[i].names.indices.map { (plans[i].names[$0], $0, -1, -1) }
    for a in plans[i].actions { cells[a.member].rule = a.rule }
    for a in plans[i].actions {
      guard let keys = splits[a.rule] else { continue }
      let field = rules[a.rule].field
      guard let place = cells.firstIndex(where: { $0.member == a.member && $0.split < 0 }) else { plans[i].never = true; return nil }
      // A split field whose name another field has: the record path moves things; leave it to it.
      for key in keys where key != field && cells.contains(where: { $0.name == key }) {
        plans[i].never = true
        return nil
      }
      cells.replaceSubrange(place...place, with: keys.enumerated().map { (k, key) in (key, a.member, a.rule, k) })
    }
    // A rule must find the member it converts, and no rule a field a split made: the record
    // path would type that one.
    for (r, rule) in rules.enumerated() {
      let found = cells.first { $0.name == rule.field }
      let action = plans[i].actions.first { $0.rule == r }
      let fits = action.map { a in found.map { $0.member == a.member && $0.split <= 0 } ?? false } ?? (found == nil)
      if !fits {
        plans[i].never = true
        return nil
      }
    }
    let names = cells.map(\.name)
    let chosen = select?.choose(names) ?? Array(names.indices)
    plans[i].dropped = names.count - chosen.count
    let keyText = ByteBuffer(capacity: 256)
    plans[i].cells = chosen.map { c in
      let cell = cells[c]
      let from = keyText.count
      JSONWriter.writeString(cell.name, to: keyText)
      keyText.append(UInt8(ascii: ":"))
      return LinePlan.Cell(key: from..<keyText.count, member: cell.member, rule: cell.rule, split: cell.split)
    }
    plans[i].keyBytes = Array(keyText.bytes)
    plans[i].splitKeys = splits
    plans[i].splitCounts = splits.map { $0.map(\.count) ?? -1 }
    plans[i].ready = true
    return i
  }
}

/// How lines with one list of keys are cleaned. A class, so that the line loop holds it by one
/// reference; what the loop reads per line is plain data.
final class LinePlan {
  /// The keys as they are in the line (inside their quotes).
  var keys: [[UInt8]]
  var names: [String] = []
  /// Lines with these keys always take the record path.
  var never = false
  var ready = false
  var actions: [Action] = []
  /// Per rule, the keys of a measurement's split.
  var splitKeys: [[String]?] = []
  /// Per rule, how many fields its split has (-1: it does not split).
  var splitCounts: [Int] = []
  var cells: [Cell] = []
  /// The `"key":` texts of the cells, one after the other.
  var keyBytes: [UInt8] = []
  var renamed = 0
  var snakeCased = 0
  var dropped = 0

  /// A rule's converter applies to a member.
  struct Action {
    var rule: Int
    var member: Int
  }

  /// The keys one after the other, and where each ends, for `matches`.
  let keyText: [UInt8]
  let keyEnds: [Int]

  init(keys: [[UInt8]]) {
    self.keys = keys
    keyText = Array(keys.joined())
    var end = 0
    keyEnds = keys.map { end += $0.count; return end }
  }

  /// One field written: its `"key":` (at `keyBytes[key]`) and where its value comes from.
  struct Cell {
    var key: Range<Int>
    var member: Int
    /// The rule typing the member, or -1.
    var rule: Int
    /// The index in the rule's split, or -1.
    var split: Int
  }

  func matches(_ p: UnsafeBufferPointer<UInt8>, _ members: UnsafeBufferPointer<RawMember>) -> Bool {
    guard members.count == keyEnds.count else { return false }
    return keyText.withUnsafeBufferPointer { text in
      keyEnds.withUnsafeBufferPointer { ends in
        var start = 0
        for i in 0..<ends.count {
          let m = members[i], end = ends[i]
          guard m.key.count == end - start else { return false }
          var k = m.key.lowerBound
          for j in start..<end {
            if p[k] != text[j] { return false }
            k += 1
          }
          start = end
        }
        return true
      }
    }
  }
}

/// A source that hands out the input's records cleaned: lines through a `LineCleaner` where
/// they fit its plans, else parsed and run through the transforms.
final class CleanedLineSource: CompactLineSource, ResumableSource {
  let reader: NDJSONReader
  let cleaner: LineCleaner
  var lineTarget: ByteBuffer?
  let scratch = ByteBuffer(capacity: 1 << 12)
  var parsed = Record()

  init(reader: NDJSONReader, cleaner: LineCleaner) {
    self.reader = reader
    self.cleaner = cleaner
  }

  var sourceName: String { reader.sourceName }

  func next() throws(PLError) -> Record? {
    guard let record = try reader.next() else { return nil }
    return try cleaner.clean(record)
  }

  func nextItem(members: Bool) throws(PLError) -> StreamItem? {
    guard let item = try reader.nextItem(members: true) else { return nil }
    switch item {
    case .line(let line):
      let out = lineTarget ?? scratch
      if lineTarget == nil { scratch.removeAll() }
      let start = out.count
      let (ok, meta) = cleaner.write(line, to: out)
      if ok {
        return .line(CompactLine(bytes: UnsafeBufferPointer(rebasing: out.bytes[start...]), metaMember: meta))
      }
      parsed = try cleaner.clean(try line.record(source: sourceName))
    case .record:
      parsed = try cleaner.clean(reader.takeRecord())
    }
    return .record
  }

  func takeRecord() -> Record {
    defer { parsed = Record() }
    return parsed
  }
}
