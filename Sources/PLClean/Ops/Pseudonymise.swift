import PLCore
import PLDigest

/// Replaces identifying fields (a patient, a farm, a panelist) by a keyed HMAC-SHA-256 of
/// their value, so that records can still be joined on them without revealing them.
///
/// The pseudonym is the MAC's lowercase hexadecimal, cut to `length` digits when set, after
/// `prefix` (`P-3fa94c…`). The MAC is of the value's text: a string's UTF-8 bytes, a number's
/// text as it came (`12` and `12.0` differ). The same key and value give the same pseudonym on
/// every run and machine. Null and missing fields are left alone; booleans, arrays and objects
/// are rejected (`not-pseudonymisable`). The original is never kept in `_pl.raw`, and neither is
/// the key. Counted as `pseudonymised`. Streaming.
public struct Pseudonymise: RecordTransform {
  /// How the operation is set up.
  public struct Config: Equatable, Sendable {
    public var fields: [String]
    public var key: PseudonymKey
    /// Hexadecimal digits kept (1…64); nil keeps all 64.
    public var length: Int?
    /// Text put before the digits.
    public var prefix: String

    public init(fields: [String], key: PseudonymKey, length: Int? = nil, prefix: String = "") {
      self.fields = fields
      self.key = key
      self.length = length
      self.prefix = prefix
    }
  }

  public let config: Config
  public let counters: CleanCounters
  private let mac: HMACSHA256
  private let digits: Int
  private let prefix: [UInt8]

  /// - Throws: `PLError.config` when `length` is outside 1…64; `PLError.internalError` when
  ///   libcrypto cannot provide SHA-256.
  public init(_ config: Config, counters: CleanCounters = CleanCounters()) throws(PLError) {
    if let length = config.length, !(1...64).contains(length) {
      throw .config(source: "pseudonymise", message: "the pseudonym length must be 1 to 64 hexadecimal digits, not \(length)")
    }
    self.config = config
    self.counters = counters
    self.digits = config.length ?? 64
    self.prefix = Array(config.prefix.utf8)
    do {
      mac = try HMACSHA256(key: config.key.bytes)
    } catch {
      throw .internalError("pseudonymise: \(error)")
    }
  }

  public mutating func apply(_ record: Record) throws(PLError) -> Outcome {
    var out: Record?
    for i in record.fields.indices where config.fields.contains(record.fields[i].key) {
      var text: String
      switch record.fields[i].value {
      case .null: continue
      case .string(let s): text = s
      case .number(let n): text = n
      case let other:
        return .reject([RecordIssue(rule: "pseudonymise", field: record.fields[i].key, code: "not-pseudonymisable", message: "\(record.fields[i].key) is \(other.kindName); only text and numbers can be pseudonymised")])
      }
      if out == nil { out = record }
      out!.fields[i].value = .string(pseudonym(&text))
      counters.add("pseudonymised")
    }
    return out.map { .change($0) } ?? .pass
  }

  /// The pseudonym of `text`.
  public func pseudonym(of text: String) -> String {
    var text = text
    return pseudonym(&text)
  }

  private func pseudonym(_ text: inout String) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: HMACSHA256.byteCount) { digest in
      text.withUTF8 { mac.authenticate(UnsafeRawBufferPointer($0), into: digest.baseAddress!) }
      return String(unsafeUninitializedCapacity: prefix.count + digits) { out in
        _ = out.initialize(fromContentsOf: prefix)
        let hex: StaticString = "0123456789abcdef"
        for n in 0..<digits {
          let byte = digest[n / 2]
          let nibble = n % 2 == 0 ? byte >> 4 : byte & 0x0f
          out[prefix.count + n] = hex.utf8Start[Int(nibble)]
        }
        return prefix.count + digits
      }
    }
  }
}
