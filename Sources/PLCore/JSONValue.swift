// PLCore: the spine of every pl command.
//
//   bytes ──▶ ByteStream ──▶ RecordSource ──▶ RecordTransform… ──▶ RecordSink
//             (FileStream,    (NDJSONReader;   (pass, change,       (NDJSONSink; SQLite, lake
//              MemoryStream,   readers of       emit, drop,          and rejects sinks in their
//              Transcoding-    other formats    reject; finish)      modules; finish or abort)
//              Stream)         in PLExtract)
//
// `Pipeline` is the one loop that joins them (Stage.swift has the protocols). Fast paths are
// capabilities: a `CompactLineSource` hands out lines already in the writer's form and a
// `CompactLineSink` takes them as bytes; the loop uses them when no transform changes a record.
// `StreamAbort` is the line a failing command ends its output with, so the next one does not
// take a cut stream for a complete one. `JSONValue` and `Record` are the values every stage
// passes along; `JSONParser`, `JSONScanner` and `JSONWriter` are the byte-level codec
// (order-preserving, numbers kept as their exact text). `PLError` carries the place of a
// failure and its sysexits status.

/// A JSON value whose object keys keep their order and whose numbers keep their text.
///
/// Numbers are stored as the exact text that was read (`12.30` stays `12.30`), so that a
/// round trip through the toolkit never rewrites a measurement.
public enum JSONValue: Equatable, Hashable, Sendable {
  case null
  case bool(Bool)
  /// The number's text, already validated as a JSON number.
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([Field])

  /// A number value from an integer.
  public static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

  /// The string, when this is a string.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The fields, when this is an object.
  public var objectValue: [Field]? {
    if case .object(let fields) = self { return fields }
    return nil
  }

  /// A short name of the kind of value, for messages.
  public var kindName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// One key and its value, in an object or a record.
public struct Field: Equatable, Hashable, Sendable {
  public var key: String
  public var value: JSONValue

  @inlinable
  public init(_ key: String, _ value: JSONValue) {
    self.key = key
    self.value = value
  }
}

extension Array where Element == Field {
  /// The value of the first field named `key`.
  public subscript(key key: String) -> JSONValue? {
    get { first(where: { $0.key == key })?.value }
    set {
      if let i = firstIndex(where: { $0.key == key }) {
        if let newValue { self[i].value = newValue } else { remove(at: i) }
      } else if let newValue {
        append(Field(key, newValue))
      }
    }
  }
}
