import Foundation
import PLCore

// The converters of number, date, datetime and measurement fields: the value parsers
// (NumberText, ResultText, TimestampParser, UnitTable) behind `ValueConverter`, one converter
// per field, so that each column keeps its own decimal mark, date order and zone cache.

/// How one field's decimal mark is known: said by the spec or flags, decided from the field's
/// first values, or not decidable (then each value that reads two ways gets a note).
struct MarkChoice: Sendable {
  var mark: DecimalMark?
  /// Still to be decided from the window.
  var pending: Bool
  /// Why there is no mark, for the notes: the window showed both marks.
  var conflicting = false

  init(declared: DecimalMark?) {
    mark = declared
    pending = declared == nil
  }

  mutating func decide(from sample: [Substring]) {
    pending = false
    switch NumberColumnStyle.decide(values: sample) {
    case .decided(let m): mark = m
    case .ambiguous: mark = nil
    case .conflicting: conflicting = true
    }
  }

  /// The message of an `ambiguous-decimal` note for `text`.
  func ambiguity(_ text: String) -> String {
    let why = conflicting ? "the column's first values use both marks" : "no value of the column's first ones tells which mark it uses"
    return "\(SpecWords.quoted(text)) reads as a different number with a decimal point and with a decimal comma, and \(why); say decimal: or locale: in the spec, or --decimal"
  }

  /// `parse` with the mark, or with both when there is none: a value that reads one way only,
  /// or the same both ways, is read; one that reads two ways gives `.twoWays`.
  func read<T: Equatable>(_ parse: (DecimalMark) -> T?) -> Reading<T> {
    if let mark { return parse(mark).map { .one($0) } ?? .none }
    let a = parse(.point), b = parse(.comma)
    switch (a, b) {
    case (nil, nil): return .none
    case (let x?, nil), (nil, let x?): return .one(x)
    case (let x?, let y?): return x == y ? .one(x) : .twoWays
    }
  }

  enum Reading<T> {
    case one(T)
    case none
    case twoWays
  }
}

/// A unit conversion of a field: from the unit its values are in to `to_unit:`.
struct UnitStep: Sendable {
  /// The unit values are in when they carry none (`unit:`).
  var unit: LabUnit?
  var to: LabUnit?
  var density: Double?

  /// `n`, in `from`, converted to `to` (unchanged when there is no `to`).
  func convert(_ n: LabNumber, from: LabUnit?) -> Result<LabNumber, ConversionProblem> {
    guard let to else { return .success(n) }
    guard let from else {
      return .failure(ConversionProblem(code: "no-unit", message: "the value carries no unit and the field has no unit:, so it cannot be converted to \(to.code)"))
    }
    do {
      return .success(try UnitTable.convert(n, from: from, to: to, density: density))
    } catch let error as UnitConversionError {
      return .failure(ConversionProblem(code: error.code, message: error.description))
    } catch {
      return .failure(ConversionProblem(code: "not-converted", message: "\(from.code) could not be converted to \(to.code)"))
    }
  }
}

struct ConversionProblem: Error, Sendable {
  var code: String
  var message: String
}

/// Decimal numbers: JSON numbers stay (converted when the field has `to_unit:`); text is read
/// with the field's decimal mark, thousands separators and a percent sign allowed
/// (`1.133,5`, `12,5 %`), and written as exact number text.
public struct NumberConverter: ValueConverter {
  var choice: MarkChoice
  var units: UnitStep

  /// - Parameters:
  ///   - mark: the decimal mark said for the field; nil to decide it from the first values.
  public init(mark: DecimalMark?, unit: LabUnit? = nil, toUnit: LabUnit? = nil, density: Double? = nil) {
    choice = MarkChoice(declared: mark)
    units = UnitStep(unit: unit, to: toUnit, density: density)
  }

  public var wantsSample: Bool { choice.pending }

  public mutating func decide(from sample: [Substring]) { choice.decide(from: sample) }

  public func convert(_ value: JSONValue, field: String, in record: Record) -> Conversion {
    let number: LabNumber
    switch value {
    case .number(let text):
      guard units.to != nil, let n = LabNumber(json: text) else { return .unchanged }
      number = n
    case .string(let text):
      switch choice.read({ NumberText.parse(text, decimal: $0) }) {
      case .one(let n): number = n
      case .twoWays: return .refused(code: "ambiguous-decimal", message: choice.ambiguity(text))
      case .none: return .refused(code: "not-a-number", message: "\(SpecWords.quoted(text)) is not a number")
      }
    default:
      return .refused(code: "not-a-number", message: "\(value.kindName) is not a number")
    }
    switch units.convert(number, from: units.unit) {
    case .success(let n): return .converted(.number(n.text))
    case .failure(let problem): return .noted(.converted(.number(number.text)), code: problem.code, message: problem.message + "; the value is kept in \(units.unit?.code ?? "its unit")")
    }
  }
}

/// Dates and moments. Text is read by `TimestampParser` in the field's date order (said, or
/// decided from the first values) and zone; dates come out as `YYYY-MM-DD`, moments as ISO 8601
/// UTC. `format:` may name an Excel serial or a Unix time in seconds or milliseconds.
public struct DateTimeConverter: ValueConverter {
  public enum Format: Equatable, Sendable {
    case text
    case excel
    case epoch
    case epochMilliseconds
  }

  public var type: CleanSpec.FieldType
  var parser: TimestampParser
  var format: Format
  var pending: Bool
  var conflicting = false

  /// - Parameters:
  ///   - order: the date order said for the field; nil to decide it from the first values.
  ///   - zone: the zone of times written without an offset.
  public init(type: CleanSpec.FieldType, order: DateOrder? = nil, zone: TimeZone? = nil, format: Format = .text, decide: Bool = false) {
    self.type = type
    parser = TimestampParser(order: order, zone: zone)
    self.format = format
    pending = decide && order == nil && format == .text
  }

  public var wantsSample: Bool { pending }

  public mutating func decide(from sample: [Substring]) {
    pending = false
    switch DateOrderDecision.decide(values: sample) {
    case .decided(let order): parser.order = order
    case .ambiguous: break
    case .conflicting: conflicting = true
    }
  }

  /// The `format:` texts that name a date order, and the order they name.
  public static func order(ofFormat text: String) -> DateOrder? {
    let upper = text.uppercased()
    guard let d = upper.range(of: "DD")?.lowerBound ?? upper.range(of: "D")?.lowerBound,
      let m = upper.range(of: "MM")?.lowerBound, let y = upper.range(of: "YY")?.lowerBound
    else { return nil }
    if y < m && m < d { return .ymd }
    if d < m && m < y { return .dmy }
    if m < d && d < y { return .mdy }
    return nil
  }

  public mutating func convert(_ value: JSONValue, field: String, in record: Record) -> Conversion {
    let what = type == .date ? "date" : "date and time"
    let parsed: ParsedTime?
    let text: String
    switch value {
    case .string(let s), .number(let s): text = s
    default: return .refused(code: "not-a-\(type == .date ? "date" : "datetime")", message: "\(value.kindName) is not a \(what)")
    }
    switch format {
    case .text:
      guard case .string = value else { return .refused(code: "not-a-\(type == .date ? "date" : "datetime")", message: "the number \(text) is not a \(what); say format: excel, epoch or epoch_ms") }
      parsed = parser.parse(text[...])
    case .excel: parsed = parser.excelSerial(text[...], withTime: type == .datetime)
    case .epoch: parsed = TimestampParser.epoch(text[...], unit: .seconds)
    case .epochMilliseconds: parsed = TimestampParser.epoch(text[...], unit: .milliseconds)
    }
    guard let parsed else {
      if parser.order == nil, format == .text, TimestampText.parse(text, order: .dmy) != nil || TimestampText.parse(text, order: .mdy) != nil {
        let why = conflicting ? "the column's first values have both orders" : "no value of the column's first ones tells the order"
        return .refused(
          code: "ambiguous-date",
          message: "\(SpecWords.quoted(text)) may be day first or month first, and \(why); say date_order: or format: in the spec, or --date-order")
      }
      return .refused(code: type == .date ? "not-a-date" : "not-a-datetime", message: "\(SpecWords.quoted(text)) is not a \(what)")
    }
    switch (type, parsed.value) {
    case (.date, .date(let d)):
      return .converted(.string(d.iso))
    case (.date, _):
      return .refused(code: "not-a-date", message: "\(SpecWords.quoted(text)) is not a date alone; give the field type datetime")
    case (_, .instant(let i)):
      let out = Conversion.converted(.string(i.iso))
      guard let flag = parsed.flag else { return out }
      let zone = parser.zone?.identifier ?? "the zone"
      switch flag {
      case .repeatedHourFirst, .repeatedHourSecond:
        return .noted(out, code: flag.rawValue, message: "\(SpecWords.quoted(text)) happened twice in \(zone) (the clocks went back); \(flag == .repeatedHourFirst ? "the first" : "the second") occurrence was taken")
      case .skippedHour:
        return .noted(out, code: flag.rawValue, message: "\(SpecWords.quoted(text)) never happened in \(zone) (the clocks went forward); it was moved forward by the gap")
      }
    case (_, .local):
      return .refused(code: "no-time-zone", message: "\(SpecWords.quoted(text)) has no offset and no time zone is said; give timezone: in the spec, or --tz")
    case (_, .date):
      return .refused(code: "not-a-datetime", message: "\(SpecWords.quoted(text)) is a date without a time; give the field type date")
    case (_, .timeOfDay):
      return .refused(code: "not-a-datetime", message: "\(SpecWords.quoted(text)) is a time of day without a date")
    }
  }
}

/// A lab result cell (`12,3`, `<0,05 mg/kg`, `n.d.`, `12.3 ± 0.4`, `positive`) taken apart by
/// `ResultText` into fields beside it.
///
/// A field named `result_text` (the result shape's cell) keeps its text and gets the result
/// shape's fields: `value`, `qualifier`, `limit`, `uncertainty` (when printed), `unit` and
/// `unit_raw` (when a unit is known). Any other field `x` becomes its number, followed by
/// `x_qualifier`, `x_limit`, `x_uncertainty` (when printed) and `x_unit` (when a unit is known).
/// A censored result has no number unless `censored: substitute:` says which, and then a
/// `substituted` note; a word result (`positive`) has its word as qualifier.
public struct MeasurementConverter: ValueConverter {
  public let field: String
  var choice: MarkChoice
  var units: UnitStep
  var substitute: CleanSpec.Censored.Substitute?
  let names: Names

  struct Names: Sendable {
    var value, qualifier, limit, uncertainty, unit: String
    var unitRaw: String?
    /// The cell itself stays (result_text).
    var keepsCell: Bool
  }

  public init(
    field: String, mark: DecimalMark?, unit: LabUnit? = nil, toUnit: LabUnit? = nil, density: Double? = nil,
    substitute: CleanSpec.Censored.Substitute? = nil
  ) {
    self.field = field
    choice = MarkChoice(declared: mark)
    units = UnitStep(unit: unit, to: toUnit, density: density)
    self.substitute = substitute
    if field == "result_text" {
      names = Names(value: "value", qualifier: "qualifier", limit: "limit", uncertainty: "uncertainty", unit: "unit", unitRaw: "unit_raw", keepsCell: true)
    } else {
      names = Names(
        value: field, qualifier: field + "_qualifier", limit: field + "_limit", uncertainty: field + "_uncertainty", unit: field + "_unit",
        unitRaw: nil, keepsCell: false)
    }
  }

  public var wantsSample: Bool { choice.pending }

  public mutating func decide(from sample: [Substring]) { choice.decide(from: sample) }

  public func convert(_ value: JSONValue, field: String, in record: Record) -> Conversion {
    let text: String
    switch value {
    case .string(let s), .number(let s): text = s
    default: return .refused(code: "not-a-result", message: "\(value.kindName) is not a result")
    }
    let parsed: ParsedResult
    switch choice.read({ mark -> ParsedResult? in
      let r = ResultText.parse(text, decimal: mark)
      return r.kind == .unparsed ? nil : r
    }) {
    case .one(let p): parsed = p
    case .twoWays: return .refused(code: "ambiguous-decimal", message: choice.ambiguity(text))
    case .none: return .refused(code: "not-a-result", message: "\(SpecWords.quoted(text)) is not a number, a censored result or a word result")
    }
    var notes: [(String, String)] = []
    var number: LabNumber? = parsed.value
    switch parsed.kind {
    case .notAnalysed:
      notes.append(("not-analysed", "\(SpecWords.quoted(text)): the lab did not analyse this"))
    case .censored:
      if let substitute, substitute != .none, let policy = ParsedResult.Substitution(rawValue: substitute.rawValue) {
        if let n = parsed.substitute(policy) {
          number = n
          let how = switch policy {
          case .half: "half the limit"
          case .limit: "the limit"
          case .zero: "zero"
          }
          notes.append(("substituted", "\(SpecWords.quoted(text)) is censored; its value is \(how), as censored: substitute: \(substitute.rawValue) says"))
        }
      }
    default: break
    }
    // The unit: printed in the cell, else the record's unit column (result shape), else unit:.
    var rawUnit = parsed.unitText
    if rawUnit == nil, let raw = names.unitRaw, case .string(let u)? = record.fields[key: raw] ?? record.fields[key: names.unit] { rawUnit = u }
    var unit = rawUnit.flatMap { UnitTable.lookup($0) } ?? (rawUnit == nil ? units.unit : nil)
    if let rawUnit, unit == nil, units.to != nil {
      notes.append(("unknown-unit", "\(SpecWords.quoted(rawUnit)) is not a unit pl-clean knows, so the value is not converted to \(units.to!.code)"))
    }
    var limit = parsed.limit
    var uncertainty = parsed.uncertainty
    if units.to != nil, unit != nil || rawUnit == nil {
      var failed: ConversionProblem?
      func step(_ n: LabNumber?) -> LabNumber? {
        guard let n, failed == nil else { return n }
        switch units.convert(n, from: unit) {
        case .success(let c): return c
        case .failure(let problem):
          failed = problem
          return n
        }
      }
      let converted = (step(number), step(limit), step(uncertainty))
      if let failed {
        notes.append((failed.code, failed.message + "; the value is kept in \(unit?.code ?? "its unit")"))
      } else {
        (number, limit, uncertainty) = converted
        unit = units.to
      }
    }
    var fields: [Field] = []
    if names.keepsCell { fields.append(Field(field, value)) }
    fields.append(Field(names.value, number.map { .number($0.text) } ?? .null))
    fields.append(Field(names.qualifier, parsed.qualifier.map { .string($0) } ?? .null))
    fields.append(Field(names.limit, limit.map { .number($0.text) } ?? .null))
    if let uncertainty { fields.append(Field(names.uncertainty, .number(uncertainty.text))) }
    if let unit {
      fields.append(Field(names.unit, .string(unit.description)))
    } else if let rawUnit {
      fields.append(Field(names.unit, .string(rawUnit)))
    }
    if let raw = names.unitRaw, let rawUnit { fields.append(Field(raw, .string(rawUnit))) }
    var out = Conversion.split(fields)
    for (code, message) in notes { out = .noted(out, code: code, message: message) }
    return out
  }
}

// Byte-level forms of the converters for `LineCleaner`: the cases that convert without a note,
// read from a text value's UTF-8 bytes exactly as `convert` reads its `String`; nil for anything
// else, which then goes through `convert` on the record path.

extension NumberConverter {
  /// The number a text value converts to, when the decimal mark is said and it converts
  /// without a note.
  func number(bytes: UnsafeBufferPointer<UInt8>) -> LabNumber? {
    guard let mark = choice.mark, let n = NumberText.parse(bytes: bytes, decimal: mark),
      case .success(let converted) = units.convert(n, from: units.unit)
    else { return nil }
    return converted
  }
}

extension DateTimeConverter {
  /// The instant or date a text value converts to, when it converts without a note.
  mutating func time(bytes: UnsafeBufferPointer<UInt8>) -> ParsedTime.Value? {
    guard format == .text, let parsed = parser.parse(bytes: bytes), parsed.flag == nil else { return nil }
    switch parsed.value {
    case .instant where type != .date, .date where type == .date: return parsed.value
    default: return nil
    }
  }
}

extension MeasurementConverter {
  /// A plain or censored result without a unit or uncertainty in its cell, split as `convert`
  /// splits it: value, qualifier, limit and, when the field has a unit, unit.
  struct Split {
    var value: LabNumber?
    var qualifier: String?
    var limit: LabNumber?
    var unit: LabUnit?
  }

  /// The split of a text value, when the decimal mark is said, the field is not the result
  /// shape's cell, and it converts without a note.
  func split(bytes: UnsafeBufferPointer<UInt8>) -> Split? {
    guard let mark = choice.mark, !names.keepsCell, names.unitRaw == nil else { return nil }
    let parsed = ResultText.parse(bytes: bytes, decimal: mark, loq: nil, lod: nil)
    guard parsed.kind == .number || parsed.kind == .censored, parsed.unitText == nil, parsed.uncertainty == nil else { return nil }
    if parsed.kind == .censored, let substitute, substitute != .none { return nil }
    var out = Split(value: parsed.value, qualifier: parsed.qualifier, limit: parsed.limit, unit: units.unit)
    if units.to != nil {
      if let n = out.value {
        guard case .success(let c) = units.convert(n, from: out.unit) else { return nil }
        out.value = c
      }
      if let n = out.limit {
        guard case .success(let c) = units.convert(n, from: out.unit) else { return nil }
        out.limit = c
      }
      out.unit = units.to
    }
    return out
  }
}

/// How the line path writes a number field's text values: read with the field's mark, then
/// written as read or with the point moved (a unit conversion by a power of ten); nil when
/// the field's conversion needs more (a Double product, a unit it lacks), which `number(bytes:)`
/// does as `convert` does.
struct NumberWriting: Equatable {
  var mark: DecimalMark
  /// The power of ten the unit conversion multiplies by; nil when the number stays as read.
  var shift: Int?

  init(mark: DecimalMark, shift: Int? = nil) {
    self.mark = mark
    self.shift = shift
  }

  /// The writing of numbers in `units`, or nil.
  init?(mark: DecimalMark?, units: UnitStep) {
    guard let mark else { return nil }
    self.mark = mark
    guard let to = units.to else { shift = nil; return }
    guard let from = units.unit else { return nil }
    // The cases of `UnitTable.convert` that neither fail nor compute a Double.
    if let a = from.reference, let b = to.reference, a != b { return nil }
    if let a = from.basis, let b = to.basis, a != b { return nil }
    guard from.dimension == to.dimension else { return nil }
    if from.code == to.code { shift = nil; return }
    guard let p = from.factorPower, let q = to.factorPower, from.offset == 0, to.offset == 0 else { return nil }
    shift = p - q
  }

  @inline(__always)
  func write(_ n: ScannedNumber, to out: ByteBuffer) {
    if let shift { n.writeShifted(by: shift, to: out) } else { n.write(to: out) }
  }
}

/// How the line path writes a measurement field's plain and censored cells (`12,3`, `<0,05`):
/// for a field of its own name (not the result shape's cell) with the decimal mark said and no
/// unit; nil otherwise, and then `split(bytes:)` splits as `convert` does.
struct MeasurementWriting: Equatable {
  var mark: DecimalMark
  /// Whether a censored result is split without a substitute value (and so without a note).
  var censoredAsIs: Bool
}

extension MeasurementConverter {
  var lineWriting: MeasurementWriting? {
    guard let mark = choice.mark, !names.keepsCell, names.unitRaw == nil, units.unit == nil, units.to == nil else { return nil }
    return MeasurementWriting(mark: mark, censoredAsIs: substitute == nil || substitute == CleanSpec.Censored.Substitute.none)
  }
}

extension NumberConverter {
  var lineWriting: NumberWriting? { NumberWriting(mark: choice.mark, units: units) }
}
