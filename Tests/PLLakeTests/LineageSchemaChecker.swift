import PLCore

/// A JSON Schema checker for the subset the OpenLineage schema uses: `$ref` inside the file,
/// `allOf`, `type`, `required`, `properties`, `additionalProperties`, `items`, `enum` and the
/// formats `date-time`, `uuid` and `uri`. A keyword outside that subset is reported as a
/// problem, so the checker never passes an event by ignoring a constraint.
struct LineageSchemaChecker {
  let root: JSONValue

  static let annotations: Set<String> = ["$schema", "$id", "$comment", "$defs", "definitions", "description", "example", "examples", "title"]
  static let keywords: Set<String> = ["$ref", "allOf", "type", "required", "properties", "additionalProperties", "items", "enum", "format"]

  /// Problems found checking `value` against the root schema, each with its JSON path.
  func problems(_ value: JSONValue) -> [String] {
    check(value, root, "$")
  }

  func check(_ value: JSONValue, _ schema: JSONValue, _ path: String) -> [String] {
    guard let s = schema.objectValue else {
      if case .bool(true) = schema { return [] }
      return ["\(path): schema is not an object"]
    }
    var out: [String] = []
    for f in s where !Self.annotations.contains(f.key) && !Self.keywords.contains(f.key) {
      out.append("\(path): unsupported schema keyword \(f.key)")
    }
    if let ref = s[key: "$ref"]?.stringValue {
      if let target = resolve(ref) { out += check(value, target, path) } else { out.append("\(path): unresolved $ref \(ref)") }
    }
    if case .array(let parts)? = s[key: "allOf"] {
      for part in parts { out += check(value, part, path) }
    }
    if let type = s[key: "type"] {
      let types: [String]
      switch type {
      case .string(let t): types = [t]
      case .array(let ts): types = ts.compactMap(\.stringValue)
      default: types = []
      }
      if !types.contains(where: { Self.matches(value, $0) }) { out.append("\(path): expected \(types.joined(separator: " or ")), found \(value.kindName)") }
    }
    if case .array(let options)? = s[key: "enum"], !options.contains(value) {
      out.append("\(path): \(JSONWriter.string(value)) is not one of \(JSONWriter.string(.array(options)))")
    }
    if let format = s[key: "format"]?.stringValue, case .string(let text) = value, !Self.hasFormat(text, format) {
      out.append("\(path): \(text) is not a \(format)")
    }
    if case .object(let members) = value {
      if case .array(let required)? = s[key: "required"] {
        for name in required.compactMap(\.stringValue) where members[key: name] == nil { out.append("\(path): missing \(name)") }
      }
      let properties = s[key: "properties"]?.objectValue ?? []
      for member in members {
        if let p = properties[key: member.key] {
          out += check(member.value, p, path + "." + member.key)
        } else if let extra = s[key: "additionalProperties"] {
          if case .bool(false) = extra { out.append("\(path): unexpected member \(member.key)") } else { out += check(member.value, extra, path + "." + member.key) }
        }
      }
    }
    if case .array(let items) = value, let itemSchema = s[key: "items"] {
      for (i, item) in items.enumerated() { out += check(item, itemSchema, "\(path)[\(i)]") }
    }
    return out
  }

  /// `#/$defs/Name` or `#/definitions/Name`, or any JSON pointer into the file.
  func resolve(_ ref: String) -> JSONValue? {
    guard ref.hasPrefix("#") else { return nil }
    var node = root
    for token in ref.dropFirst().split(separator: "/") {
      let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
      guard let next = node.objectValue?[key: key] else { return nil }
      node = next
    }
    return node
  }

  static func matches(_ value: JSONValue, _ type: String) -> Bool {
    switch (type, value) {
    case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("number", .number): true
    case ("integer", .number(let text)): !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
    default: false
    }
  }

  static func hasFormat(_ text: String, _ format: String) -> Bool {
    let b = Array(text.utf8)
    func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && b[r].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    switch format {
    case "uuid":
      let groups = text.split(separator: "-", omittingEmptySubsequences: false)
      return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    case "date-time":
      // RFC 3339: 2026-11-30T10:11:17(.fraction)?(Z|±hh:mm)
      guard b.count >= 20, digits(0..<4), b[4] == 0x2D, digits(5..<7), b[7] == 0x2D, digits(8..<10), b[10] == 0x54 || b[10] == 0x74,
        digits(11..<13), b[13] == 0x3A, digits(14..<16), b[16] == 0x3A, digits(17..<19)
      else { return false }
      let month = Int(text.dropFirst(5).prefix(2))!, day = Int(text.dropFirst(8).prefix(2))!
      guard (1...12).contains(month), (1...31).contains(day), Int(text.dropFirst(11).prefix(2))! < 24,
        Int(text.dropFirst(14).prefix(2))! < 60, Int(text.dropFirst(17).prefix(2))! < 61 else { return false }
      var i = 19
      if i < b.count && b[i] == 0x2E {
        i += 1
        let start = i
        while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
        if i == start { return false }
      }
      if i < b.count && (b[i] == 0x5A || b[i] == 0x7A) { return i + 1 == b.count }
      return i + 6 == b.count && (b[i] == 0x2B || b[i] == 0x2D) && digits(i + 1..<i + 3) && b[i + 3] == 0x3A && digits(i + 4..<i + 6)
    case "uri":
      // scheme ":" rest, the scheme a letter then letters, digits, + - .
      guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex else { return false }
      let scheme = text[..<colon]
      return scheme.first!.isLetter && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
        && !text.contains(" ")
    default:
      return false
    }
  }
}
