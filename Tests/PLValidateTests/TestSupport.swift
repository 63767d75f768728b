import PLCore
@testable import PLValidate

/// A schema from YAML text; a test that passes a bad one fails with the message.
func schema(_ yaml: String) throws -> ValidationSchema {
  try SchemaLoader.parse(text: yaml, source: "test.yml", baseDirectory: ".")
}

/// The config error a schema text raises, as its message.
func schemaError(_ yaml: String) -> String? {
  do throws(PLError) {
    _ = try SchemaLoader.parse(text: yaml, source: "test.yml", baseDirectory: ".")
    return nil
  } catch {
    return error.exitStatus == .config ? error.description : "not a config error: \(error)"
  }
}

/// A record from one JSON line.
func rec(_ json: String) -> Record {
  (try? JSONParser.parseRecord(json)) ?? Record()
}

/// 2024-06-01T12:00:00Z
let fixedNow = TimeText.seconds("2024-06-01T12:00:00Z")!

/// What a validator made of each record, in order: "pass", "warn:<rules>", "reject:<rules>"
/// (records a group held come out at the end of their group, so order follows output).
func outcomes(_ schema: ValidationSchema, _ lines: [String], keyMemoryLimit: Int = 1000) throws -> (results: [String], validator: Validator) {
  let v = Validator(schema: schema, now: fixedNow, keyMemoryLimit: keyMemoryLimit)
  var out: [String] = []
  func describe(_ r: Record) -> String {
    if case .array(let notes)? = r.meta[key: MetaKey.notes] {
      let rules = notes.compactMap { $0.objectValue?[key: "rule"]?.stringValue }
      if !rules.isEmpty { return "warn:" + rules.joined(separator: ",") }
    }
    return "pass"
  }
  for line in lines {
    let r = rec(line)
    switch try v.apply(r) {
    case .pass: out.append("pass")
    case .change(let c): out.append(describe(c))
    case .emit(let rs): out += rs.map(describe)
    case .reject(let issues): out.append("reject:" + issues.map(\.rule).joined(separator: ","))
    case .drop: out.append("drop")
    }
  }
  out += try v.finish().map(describe)
  return (out, v)
}
