import PLCore

/// How a delimited or fixed-width text table is written: everything a reader must know to
/// split its lines into rows and fields and to find the table among them.
///
/// Detected by `DialectSniffer` from the first 64 KiB of an input, or replayed from a saved
/// `--detect` report (`--dialect FILE`), with single decisions overridden by flags.
public struct TextDialect: Sendable, Equatable {
  /// How a quote character inside a quoted field is written.
  public enum Escape: String, Sendable {
    /// `""` (RFC 4180).
    case doubled
    /// `\"`, with `\\` for a backslash.
    case backslash
  }

  /// The field separator.
  public var delimiter: UInt8 = UInt8(ascii: ",")
  /// The quote character, or nil when fields are never quoted.
  public var quote: UInt8? = UInt8(ascii: "\"")
  public var escape = Escape.doubled
  /// Spaces after a delimiter are not part of the field (`a, b, "c"`).
  public var skipInitialSpace = false
  /// Every row ends with a delimiter: the empty last field is no column.
  public var trailingDelimiter = false
  /// Lines that start with this character are comments, wherever they are.
  public var comment: UInt8?
  /// The 1-based line where the table starts: its first header row, or its first data row when
  /// it has no header. Lines above it are the preamble.
  public var tableLine = 1
  /// How many rows the header has: 0 (none: keys are the column numbers), 1, 2 or 3.
  public var headerRows = 1
  /// The columns of a table aligned with spaces; nil for delimited text.
  public var fixedWidth: FixedWidthLayout?

  public init() {}

  /// The name of a delimiter or quote character as `--detect` writes it and `-d` reads it.
  public static func name(of byte: UInt8) -> String {
    switch byte {
    case 0x09: "tab"
    case 0x20: "space"
    default: String(Character(Unicode.Scalar(byte)))
    }
  }

  /// The byte a delimiter name stands for (`tab`, `comma`, `;`), or nil.
  public static func delimiter(named name: String) -> UInt8? {
    switch name.lowercased() {
    case "tab", "\\t", "\t": return 0x09
    case "space", " ": return 0x20
    case "comma": return UInt8(ascii: ",")
    case "semicolon": return UInt8(ascii: ";")
    case "pipe": return UInt8(ascii: "|")
    case "colon": return UInt8(ascii: ":")
    default:
      guard name.utf8.count == 1, let b = name.utf8.first, b >= 0x20, b < 0x7F, b != UInt8(ascii: "\"") else { return nil }
      return b
    }
  }
}

/// The overrides of single decisions given on the command line (`--delimiter`, `--quote`,
/// `--header-row`, …); nil leaves a decision to detection or to a replayed dialect.
public struct DialectOverrides: Sendable, Equatable {
  public var delimiter: UInt8?
  /// `.some(nil)` turns quoting off (`--quote none`).
  public var quote: UInt8??
  public var escape: TextDialect.Escape?
  /// `.some(nil)`: no comment lines.
  public var comment: UInt8??
  /// The 1-based line of the (first) header row (`--header-row N`).
  public var headerLine: Int?
  /// Header rows (`--header-rows N`; `--no-header` is 0).
  public var headerRows: Int?
  /// Lines to skip before the table (`--skip N`): the table starts on line N + 1.
  public var skip: Int?
  /// Column widths of a fixed-width table (`--widths`).
  public var widths: [Int]?
  /// Column starts of a fixed-width table (a replayed `--detect` report).
  public var fixedStarts: [Int]?
  public var skipInitialSpace: Bool?
  public var trailingDelimiter: Bool?

  /// The fixed-width layout given, if one is.
  public var layout: FixedWidthLayout? {
    if let widths { return FixedWidthLayout(widths: widths) }
    return fixedStarts.map { FixedWidthLayout(starts: $0) }
  }

  public init() {}

  public var isEmpty: Bool { self == DialectOverrides() }

  /// Takes every decision `other` makes over this one's.
  public mutating func merge(_ other: DialectOverrides) {
    if let v = other.delimiter {
      delimiter = v
      widths = nil
      fixedStarts = nil
    }
    if let v = other.quote { quote = v }
    if let v = other.escape { escape = v }
    if let v = other.comment { comment = v }
    if let v = other.headerLine {
      headerLine = v
      skip = nil
    }
    if let v = other.headerRows { headerRows = v }
    if let v = other.skip {
      skip = v
      headerLine = nil
    }
    if let v = other.widths { widths = v }
    if let v = other.skipInitialSpace { skipInitialSpace = v }
    if let v = other.trailingDelimiter { trailingDelimiter = v }
  }

  /// `dialect` with these decisions put in.
  public func apply(to dialect: TextDialect) -> TextDialect {
    var d = dialect
    if let delimiter {
      d.delimiter = delimiter
      d.fixedWidth = nil
    }
    if let quote { d.quote = quote }
    if let escape { d.escape = escape }
    if let comment { d.comment = comment }
    if let skip { d.tableLine = skip + 1 }
    if let headerLine { d.tableLine = headerLine }
    if let headerRows { d.headerRows = headerRows }
    if let layout { d.fixedWidth = layout }
    if let skipInitialSpace { d.skipInitialSpace = skipInitialSpace }
    if let trailingDelimiter { d.trailingDelimiter = trailingDelimiter }
    return d
  }
}
