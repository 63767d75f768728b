import PLCore

extension CSVExtractor {
  /// Every decision about the text, as JSON members: the summary's details of a source, and
  /// what `--detect` prints (which `--dialect` reads back, see `DialectOverrides.init(report:)`).
  public var decisions: [Field] {
    var d: [Field] = []
    if let report { d.append(Field("line_ending", .string(report.lineEnding))) }
    if let layout = dialect.fixedWidth {
      d.append(Field("fixed_width", .object([Field("starts", .array(layout.starts.map { .integer($0) }))])))
    } else {
      d.append(Field("delimiter", .string(TextDialect.name(of: dialect.delimiter))))
      d.append(Field("quote", dialect.quote.map { .string(TextDialect.name(of: $0)) } ?? .null))
      d.append(Field("escape", .string(dialect.escape.rawValue)))
      d.append(Field("skip_initial_space", .bool(dialect.skipInitialSpace)))
      d.append(Field("trailing_delimiter", .bool(dialect.trailingDelimiter)))
    }
    d.append(Field("comment", dialect.comment.map { .string(TextDialect.name(of: $0)) } ?? .null))
    d.append(Field("preamble_lines", .integer(dialect.tableLine - 1)))
    d.append(Field("header_line", dialect.headerRows > 0 ? .integer(dialect.tableLine) : .null))
    d.append(Field("header_rows", .integer(dialect.headerRows)))
    d.append(Field("columns", .array((keys.isEmpty ? report?.columns ?? [] : keys).map { .string($0) })))
    if let report {
      d.append(Field("meta", .object(report.meta)))
      if !report.preamble.isEmpty { d.append(Field("preamble", .array(report.preamble.map { .string($0) }))) }
      d.append(Field("decimal", report.decimal.map { .string($0) } ?? .null))
    }
    d.append(Field("footer_lines", .integer(footerLines)))
    if !footer.fields.isEmpty { d.append(Field("footer", .object(footer.fields))) }
    if !footer.lines.isEmpty { d.append(Field("footer_text", .array(footer.lines.map { .string($0) }))) }
    d.append(Field("blank_rows", .integer(blankRows)))
    d.append(Field("comment_lines", .integer(reader.commentLines)))
    if metaLeftOutOfRecords { d.append(Field("meta_in_records", .bool(false))) }
    if let report {
      d.append(Field("confidence", .object(report.confidence)))
      if !report.runnerUp.isEmpty { d.append(Field("runner_up", .object(report.runnerUp))) }
    }
    return d
  }
}

extension DialectOverrides {
  /// The decisions of a saved `--detect` object (the summary's details of a source), so that
  /// reading again takes them as they were instead of detecting.
  ///
  /// - Throws: a message naming the member that is not as `--detect` writes it.
  public init(report: [Field]) throws(PLError) {
    self.init()
    func bad(_ key: String) -> PLError {
      PLError.usage("the dialect's \"\(key)\" is not as --detect writes it")
    }
    for field in report {
      switch (field.key, field.value) {
      case ("delimiter", .string(let name)):
        guard let b = TextDialect.delimiter(named: name) else { throw bad(field.key) }
        delimiter = b
      case ("quote", .null): quote = .some(nil)
      case ("quote", .string(let q)):
        guard q.utf8.count == 1 else { throw bad(field.key) }
        quote = q.utf8.first
      case ("escape", .string(let e)):
        guard let value = TextDialect.Escape(rawValue: e) else { throw bad(field.key) }
        escape = value
      case ("comment", .string(let c)):
        guard c.utf8.count == 1 else { throw bad(field.key) }
        comment = c.utf8.first
      case ("comment", .null): comment = .some(nil)
      case ("skip_initial_space", .bool(let b)): skipInitialSpace = b
      case ("trailing_delimiter", .bool(let b)): trailingDelimiter = b
      case ("preamble_lines", .number(let n)):
        guard let value = Int(n), value >= 0 else { throw bad(field.key) }
        skip = value
      case ("header_rows", .number(let n)):
        guard let value = Int(n), (0...3).contains(value) else { throw bad(field.key) }
        headerRows = value
      case ("fixed_width", .object(let members)):
        guard case .array(let items)? = members[key: "starts"] else { throw bad(field.key) }
        var starts: [Int] = []
        for item in items {
          guard case .number(let n) = item, let value = Int(n), value >= 0 else { throw bad(field.key) }
          starts.append(value)
        }
        guard starts.first == 0, starts == starts.sorted() else { throw bad(field.key) }
        fixedStarts = starts
      default: continue
      }
    }
  }
}
