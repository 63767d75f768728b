// The cleaning spec: what a `--spec clean.yml` file, the built-in profile and the command's
// flags say about a run, as plain values. `SpecReader` builds one from YAML or JSON, checking
// every key and value against the file's lines; `CleanProfile` holds the built-in ones;
// `CleanSpec.extending(_:)` lays a spec over a profile and `CleanPlan` turns the result into
// transforms. The other parts of cleaning (value parsers, lexicon, record operations) take
// their configuration from the nested values here.

import PLCore

/// Everything a cleaning run is told to do, from a spec file, a profile or flags.
///
/// Optional members are "not said": a spec laid over a profile keeps the profile's value
/// where the spec says nothing. Lists and maps that name fields keep their written order.
public struct CleanSpec: Equatable, Sendable {
  /// The spec format's version; only 1 exists.
  public var version = 1
  /// The shape the records are cleaned into; nil for detection.
  public var shape: Shape?
  /// The profile the spec extends; nil means the default (`lab`).
  public var profile: String?
  /// A locale such as `de-DE`, for the value parsers.
  public var locale: String?
  public var decimal: DecimalMark?
  /// An IANA time-zone name for times written without an offset.
  public var timezone: String?
  public var dateOrder: DateOrder?
  /// Rules for single output fields, in written order.
  public var fields: [FieldRule] = []
  /// Renames: each output name with the source names it is taken from.
  public var rename: [Rename] = []
  public var snakeCase: Bool?
  public var drop: [String] = []
  /// Only these fields are written (nil: all).
  public var keep: [String]?
  /// These fields first, in this order; the rest after them as they came.
  public var order: [String]?
  /// Texts that stand for "no value" in every field (`n/a`, `-`).
  public var sentinels: [String]?
  public var trim: Bool?
  public var emptyToNull: Bool?
  /// Derived fields: name and expression text, in written order.
  public var derive: [Derivation] = []
  /// Fields set to the same value in every record.
  public var constants: [Field] = []
  /// Fields taken from `_pl.meta` (the preamble of the source file).
  public var fromMeta: [MetaCopy] = []
  public var dedupe: Dedupe?
  public var fill: Fill?
  public var reshape: Reshape?
  public var pseudonymise: Pseudonymise?
  /// Extra analyte synonyms: canonical code and the names it is printed as.
  public var analytes: [AnalyteSynonyms] = []
  /// Source columns given a role explicitly.
  public var columns: [ColumnAssignment] = []
  public var censored: Censored?
  /// Where each top-level key was written (`dedupe`, `fields.protein`), for messages at run time.
  public var places: [String: SpecPlace] = [:]

  public init() {}

  /// The shapes records are cleaned into.
  public enum Shape: String, CaseIterable, Sendable {
    case result, reading, score
    /// No shape: fields are renamed and typed, nothing more.
    case none

    /// The fields of the shape, in their canonical order.
    public var fields: [String] {
      switch self {
      case .result:
        ["sample_id", "lab_sample_id", "lot", "product", "analyte", "analyte_raw", "result_text", "value", "qualifier",
          "limit", "unit", "unit_raw", "loq", "method", "measured_at", "lab", "report_no"]
      case .reading: ["ts", "channel", "quantity", "value", "unit", "run"]
      case .score: ["panelist", "sample", "attribute", "score", "session", "scale"]
      case .none: []
      }
    }
  }

  public enum DecimalMark: String, CaseIterable, Sendable {
    case comma, point
  }

  public enum DateOrder: String, CaseIterable, Sendable {
    case dmy, mdy, ymd
  }

  /// The types a field can be given.
  public enum FieldType: String, CaseIterable, Sendable {
    case integer, number, boolean, string, date, datetime, measurement
  }

  /// The rule for one output field.
  public struct FieldRule: Equatable, Sendable {
    /// The output name.
    public var name: String
    /// The source names it is taken from, first found wins; empty: the output name itself.
    public var from: [String] = []
    public var type: FieldType?
    /// The unit the values are in when they carry none.
    public var unit: String?
    /// The unit values are converted to.
    public var toUnit: String?
    /// Density in g/mL, for conversions between mass and volume.
    public var density: String?
    /// How dates are written (`DD.MM.YYYY`).
    public var format: String?
    /// Texts that stand for "no value" in this field, beside the global ones.
    public var sentinels: [String]?
    /// The value of the field when the record has none or null.
    public var defaultValue: JSONValue?
    /// The field is left out of the output.
    public var drop = false

    public init(name: String) {
      self.name = name
    }
  }

  /// An output name and the source names that become it.
  public struct Rename: Equatable, Sendable {
    public var to: String
    public var from: [String]

    public init(to: String, from: [String]) {
      self.to = to
      self.from = from
    }
  }

  public struct Derivation: Equatable, Sendable {
    public var name: String
    public var expression: String

    public init(name: String, expression: String) {
      self.name = name
      self.expression = expression
    }
  }

  /// An output field taken from a `_pl.meta` key.
  public struct MetaCopy: Equatable, Sendable {
    public var name: String
    public var key: String

    public init(name: String, key: String) {
      self.name = name
      self.key = key
    }
  }

  public struct Dedupe: Equatable, Sendable {
    public enum Keep: String, CaseIterable, Sendable { case first, last }
    /// The fields that make two records duplicates.
    public var keys: [String]
    public var keep: Keep = .first
    /// The memory the seen keys may take before they spill to disk, in bytes.
    public var memory: Int?

    public init(keys: [String]) {
      self.keys = keys
    }
  }

  public struct Fill: Equatable, Sendable {
    /// Fields whose empty values take the last value seen.
    public var forward: [String] = []
    /// The fields whose values make a group for forward filling (empty: the whole stream).
    public var forwardBy: [String] = []
    /// The timestamp field whose gaps are filled.
    public var timestamps: String?
    public var timestampsBy: [String] = []

    public init() {}
  }

  public enum Reshape: Equatable, Sendable {
    case wideToLong(WideToLong)
    case longToWide(LongToWide)
  }

  public struct WideToLong: Equatable, Sendable {
    /// The fields copied into every long record.
    public var id: [String]
    /// The columns that become records: names, or one regular expression.
    public var columns: ColumnSelection
    /// The field that gets the column's name.
    public var name: String
    /// The field that gets the column's value.
    public var value: String

    public init(id: [String], columns: ColumnSelection, name: String, value: String) {
      self.id = id
      self.columns = columns
      self.name = name
      self.value = value
    }
  }

  public enum ColumnSelection: Equatable, Sendable {
    case names([String])
    /// A regular expression matched against whole column names.
    case pattern(String)
  }

  public struct LongToWide: Equatable, Sendable {
    /// The fields that identify one wide record.
    public var key: [String]
    /// The field whose values become column names.
    public var name: String
    /// The field whose values fill them.
    public var value: String

    public init(key: [String], name: String, value: String) {
      self.key = key
      self.name = name
      self.value = value
    }
  }

  public struct Pseudonymise: Equatable, Sendable {
    public enum Key: Equatable, Sendable {
      /// A file whose bytes are the HMAC key.
      case file(String)
      /// An environment variable holding the key.
      case environment(String)
    }
    public var fields: [String]
    public var key: Key
    /// Hex digits of the HMAC kept.
    public var length: Int?
    public var prefix: String?

    public init(fields: [String], key: Key) {
      self.fields = fields
      self.key = key
    }
  }

  public struct AnalyteSynonyms: Equatable, Sendable {
    public var code: String
    public var synonyms: [String]

    public init(code: String, synonyms: [String]) {
      self.code = code
      self.synonyms = synonyms
    }
  }

  /// What a source column holds.
  public enum ColumnRole: String, CaseIterable, Sendable {
    case sampleID = "sample_id"
    case analyte, result, unit, loq, method, timestamp, channel, panelist, sample, attribute, score

    /// The shapes the role belongs to.
    public var shapes: [Shape] {
      switch self {
      case .sampleID, .analyte, .loq, .method: [.result]
      case .result, .unit, .timestamp: [.result, .reading]
      case .channel: [.reading]
      case .panelist, .sample, .attribute, .score: [.score]
      }
    }

    /// The field of `shape` that receives the column as it was written: the raw text where
    /// the shape keeps a canonical value beside it (`analyte_raw`, `unit_raw`, `result_text`).
    public func field(in shape: Shape) -> String? {
      switch (shape, self) {
      case (.result, .sampleID): "sample_id"
      case (.result, .analyte): "analyte_raw"
      case (.result, .result): "result_text"
      case (.result, .unit): "unit_raw"
      case (.result, .loq): "loq"
      case (.result, .method): "method"
      case (.result, .timestamp): "measured_at"
      case (.reading, .timestamp): "ts"
      case (.reading, .result): "value"
      case (.reading, .unit): "unit"
      case (.reading, .channel): "channel"
      case (.score, .panelist): "panelist"
      case (.score, .sample): "sample"
      case (.score, .attribute): "attribute"
      case (.score, .score): "score"
      default: nil
      }
    }
  }

  public struct ColumnAssignment: Equatable, Sendable {
    public var column: String
    public var role: ColumnRole

    public init(column: String, role: ColumnRole) {
      self.column = column
      self.role = role
    }
  }

  public struct Censored: Equatable, Sendable {
    /// What a censored result (`<0.05`, `n.d.`) gets as its value.
    public enum Substitute: String, CaseIterable, Sendable {
      /// No value: the qualifier and limit say it all.
      case none
      /// Half the limit.
      case half
      /// The limit itself.
      case limit
      case zero
    }
    public var substitute: Substitute

    public init(substitute: Substitute) {
      self.substitute = substitute
    }
  }
}
