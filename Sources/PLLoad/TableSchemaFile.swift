import PLCore
import Yams

/// The columns a table should have, as a Frictionless Table Schema (JSON or YAML) declares
/// them: `pl-load --schema-file lab.schema.json`.
///
/// Only what a loader needs is read: `fields` (each with `name`, `type`, `constraints.required`
/// and the number hint `decimal`) and `primaryKey`. Other members (`title`, `format`,
/// `missingValues`, …) are allowed and ignored. A field without a `type` is a `string`, as the
/// specification says.
///
/// Why `decimal`: Table Schema's `number` says nothing about exactness, and a lab's results
/// (`12.30`) are decimals that binary floating point cannot keep. `"decimal": true` (or
/// `"format": "decimal"`) on a `number` field asks for an exact column instead: NUMERIC in
/// PostgreSQL, TEXT holding the number's text in SQLite (which has no exact decimal type).
public struct TableSchema: Equatable, Sendable {
  /// The Table Schema field types.
  public enum FieldType: String, CaseIterable, Sendable {
    case string, number, integer, boolean, object, array, date, time, datetime, year, yearmonth, duration, geopoint
    case geojson, any
  }

  public struct Field: Equatable, Sendable {
    public var name: String
    public var type: FieldType
    /// `constraints.required`: the column is NOT NULL.
    public var required: Bool
    /// A `number` to be kept exactly (`"decimal": true` or `"format": "decimal"`).
    public var decimal: Bool

    public init(name: String, type: FieldType, required: Bool = false, decimal: Bool = false) {
      self.name = name
      self.type = type
      self.required = required
      self.decimal = decimal
    }
  }

  public var fields: [Field]
  /// The primary key's fields, in order; empty when the schema has none.
  public var primaryKey: [String]

  public init(fields: [Field], primaryKey: [String] = []) {
    self.fields = fields
    self.primaryKey = primaryKey
  }

  /// Reads and checks a schema file: JSON when its name ends in `.json` or its text starts
  /// with `{`, YAML otherwise.
  ///
  /// - Throws: `PLError.inputMissing` (66) when the file cannot be read; `.config` (78) when it
  ///   is not a valid schema, naming the file, the line when the JSON or YAML does not parse,
  ///   and the reason.
  public static func load(path: String) throws(PLError) -> TableSchema {
    let bytes = try FileStream.readAll(path: path, limit: 16 << 20) {
      .config(source: path, message: "the schema file is larger than 16 MiB; is it the right file?")
    }
    return try parse(bytes, source: path)
  }

  /// Parses schema text; `source` names it in messages.
  public static func parse(_ bytes: [UInt8], source: String) throws(PLError) -> TableSchema {
    var start = 0
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
    let firstSignificant = bytes[start...].first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    let node: SchemaNode
    if source.lowercased().hasSuffix(".json") || firstSignificant == UInt8(ascii: "{") {
      let value: JSONValue
      do throws(JSONSyntaxError) {
        value = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
          try JSONParser.parseValue(UnsafeBufferPointer(rebasing: buffer[start...]))
        }
      } catch {
        let line = 1 + bytes[start..<min(bytes.count, start + error.offset)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        throw .config(source: source, message: "line \(line): not valid JSON: \(error.message)")
      }
      node = SchemaNode(value)
    } else {
      guard let text = String(validating: bytes[start...], as: UTF8.self) else {
        throw .config(source: source, message: "the schema file is not UTF-8 text")
      }
      do {
        guard let composed = try Yams.compose(yaml: text) else {
          throw PLError.config(source: source, message: "the schema file is empty")
        }
        node = SchemaNode(composed)
      } catch let error as PLError {
        throw error
      } catch let error as YamlError {
        throw .config(source: source, message: Self.describe(error))
      } catch {
        throw .config(source: source, message: "not valid YAML: \(error)")
      }
    }
    return try TableSchema(node, source: source)
  }

  private static func describe(_ error: YamlError) -> String {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
      return "line \(mark.line): not valid YAML: \(problem)"
    case .composer(_, let problem, let mark, _):
      return "line \(mark.line): not valid YAML: \(problem)"
    default:
      return "not valid YAML: \(error)"
    }
  }

  private init(_ root: SchemaNode, source: String) throws(PLError) {
    func fail(_ node: SchemaNode?, _ message: String) -> PLError {
      .config(source: source, message: (node?.line.map { "line \($0): " } ?? "") + message)
    }
    guard case .object(let members, _) = root else { throw fail(root, "a Table Schema is an object with a \"fields\" list") }
    guard let fieldsNode = members.first(where: { $0.0 == "fields" })?.1 else {
      throw fail(root, "a Table Schema needs a \"fields\" list")
    }
    guard case .array(let list, _) = fieldsNode, !list.isEmpty else {
      throw fail(fieldsNode, "\"fields\" must be a non-empty list of fields")
    }
    var fields: [Field] = []
    var names = Set<String>()
    for (index, item) in list.enumerated() {
      guard case .object(let field, _) = item else { throw fail(item, "field \(index + 1) is not an object") }
      func member(_ name: String) -> SchemaNode? { field.first { $0.0 == name }?.1 }
      guard let nameNode = member("name"), case .string(let name, _) = nameNode, !name.isEmpty else {
        throw fail(item, "field \(index + 1) has no \"name\" (a non-empty string)")
      }
      if name.utf8.contains(0) { throw fail(nameNode, "field \(JSONWriter.string(.string(name))): the name contains a NUL character") }
      guard names.insert(name).inserted else { throw fail(nameNode, "the field \(JSONWriter.string(.string(name))) is declared twice") }
      var type = FieldType.string
      if let typeNode = member("type") {
        guard case .string(let text, _) = typeNode, let known = FieldType(rawValue: text) else {
          throw fail(
            typeNode,
            "field \(JSONWriter.string(.string(name))): the type \(typeNode.shown) is not a Table Schema type (\(FieldType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        type = known
      }
      var required = false
      if let constraints = member("constraints") {
        guard case .object(let list, _) = constraints else {
          throw fail(constraints, "field \(JSONWriter.string(.string(name))): \"constraints\" must be an object")
        }
        if let node = list.first(where: { $0.0 == "required" })?.1 {
          guard case .bool(let flag, _) = node else {
            throw fail(node, "field \(JSONWriter.string(.string(name))): constraints.required must be true or false")
          }
          required = flag
        }
      }
      var decimal = false
      if let node = member("decimal") {
        guard case .bool(let flag, _) = node else {
          throw fail(node, "field \(JSONWriter.string(.string(name))): \"decimal\" must be true or false")
        }
        decimal = flag
      }
      if case .string("decimal", _)? = member("format") { decimal = true }
      if decimal && type != .number {
        throw fail(item, "field \(JSONWriter.string(.string(name))): \"decimal\" is for number fields, not \(type.rawValue)")
      }
      fields.append(Field(name: name, type: type, required: required, decimal: decimal))
    }
    var primaryKey: [String] = []
    if let keyNode = members.first(where: { $0.0 == "primaryKey" })?.1 {
      switch keyNode {
      case .string(let name, _): primaryKey = [name]
      case .array(let items, _):
        for item in items {
          guard case .string(let name, _) = item else { throw fail(item, "\"primaryKey\" must be a field name or a list of them") }
          primaryKey.append(name)
        }
      default: throw fail(keyNode, "\"primaryKey\" must be a field name or a list of them")
      }
      if primaryKey.isEmpty { throw fail(keyNode, "\"primaryKey\" is an empty list") }
      for name in primaryKey where !names.contains(name) {
        throw fail(keyNode, "the primaryKey field \(JSONWriter.string(.string(name))) is not one of the fields")
      }
      if Set(primaryKey).count != primaryKey.count { throw fail(keyNode, "\"primaryKey\" names a field twice") }
    }
    self.init(fields: fields, primaryKey: primaryKey)
  }
}

/// A schema file's tree, from JSON or YAML, with the line of YAML nodes for messages.
private indirect enum SchemaNode {
  case object([(String, SchemaNode)], line: Int?)
  case array([SchemaNode], line: Int?)
  case string(String, line: Int?)
  case bool(Bool, line: Int?)
  /// Numbers and nulls: never valid where the loader looks, so kept only to be shown.
  case other(String, line: Int?)

  init(_ value: JSONValue) {
    switch value {
    case .object(let fields): self = .object(fields.map { ($0.key, SchemaNode($0.value)) }, line: nil)
    case .array(let items): self = .array(items.map(SchemaNode.init), line: nil)
    case .string(let text): self = .string(text, line: nil)
    case .bool(let flag): self = .bool(flag, line: nil)
    case .number(let text): self = .other(text, line: nil)
    case .null: self = .other("null", line: nil)
    }
  }

  init(_ node: Node) {
    let line = node.mark?.line
    switch node {
    case .mapping(let mapping):
      self = .object(mapping.map { (key, value) in (key.string ?? "", SchemaNode(value)) }, line: line)
    case .sequence(let sequence):
      self = .array(sequence.map(SchemaNode.init), line: line)
    case .scalar(let scalar):
      if let flag = node.bool {
        self = .bool(flag, line: line)
      } else if node.null != nil || node.int != nil || node.float != nil, scalar.style == .plain {
        self = .other(scalar.string, line: line)
      } else {
        self = .string(scalar.string, line: line)
      }
    case .alias:
      self = .other("an alias", line: line)
    }
  }

  var line: Int? {
    switch self {
    case .object(_, let line), .array(_, let line), .string(_, let line), .bool(_, let line), .other(_, let line): line
    }
  }

  /// The node as a message shows it.
  var shown: String {
    switch self {
    case .string(let text, _): JSONWriter.string(.string(text))
    case .bool(let flag, _): flag ? "true" : "false"
    case .other(let text, _): text
    case .object: "an object"
    case .array: "a list"
    }
  }
}

extension SQLiteDialect {
  /// The declared type of a column for a Table Schema field. SQLite has no date, time or
  /// exact decimal type: those are TEXT (ISO 8601 text sorts and compares correctly), and
  /// `any` has no declared type, so the column keeps every value as it comes.
  public func typeName(of field: TableSchema.Field) -> String {
    switch field.type {
    case .integer, .boolean, .year: "INTEGER"
    case .number: field.decimal ? "TEXT" : "REAL"
    case .any: ""
    case .string, .object, .array, .date, .time, .datetime, .yearmonth, .duration, .geopoint, .geojson: "TEXT"
    }
  }
}

extension PostgresDialect {
  /// The declared type of a column for a Table Schema field.
  public func typeName(of field: TableSchema.Field) -> String {
    switch field.type {
    case .integer, .year: "BIGINT"
    case .number: field.decimal ? "NUMERIC" : "DOUBLE PRECISION"
    case .boolean: "BOOLEAN"
    case .object, .array, .geojson: "JSONB"
    case .date: "DATE"
    case .time: "TIME"
    case .datetime: "TIMESTAMPTZ"
    case .string, .yearmonth, .duration, .geopoint, .any: "TEXT"
    }
  }
}
