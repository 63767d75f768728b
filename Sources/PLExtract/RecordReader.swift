import PLCore

/// How sure a reader is that a head of bytes is its format.
public enum Confidence: Int, Comparable, Sendable {
  /// Certainly not this format.
  case no = 0
  /// Could be (plain text is always possibly one-column CSV).
  case low = 1
  /// Looks like it.
  case medium = 2
  /// The bytes say so (a magic number, a whole JSON object on the first line).
  case high = 3

  public static func < (a: Confidence, b: Confidence) -> Bool { a.rawValue < b.rawValue }
}

/// What every reader is told: the options of the command line that concern reading.
public struct ReaderOptions: Sendable {
  public var csv: CSVOptions
  /// Attach `_pl.source` and `_pl.line` (or `row`, `page`) to each record.
  public var includeMeta: Bool
  /// The repeating element of an XML export, or the array of records in a JSON object
  /// (`--record-path`); nil detects it.
  public var recordPath: String?
  /// The sheets of a workbook to read, by name or 1-based number (`--sheet`); empty reads all
  /// visible sheets.
  public var sheets: [String] = []
  /// Read hidden sheets too.
  public var includeHiddenSheets = false
  /// Members of `_pl.meta` every record of this input carries (an e-mail's From, Date,
  /// Subject and Message-ID for its attachments), before the input's own.
  public var inheritedMeta: [Field] = []

  public init(csv: CSVOptions = CSVOptions(), includeMeta: Bool = true) {
    self.csv = csv
    self.includeMeta = includeMeta
  }
}

/// One input format: recognises its bytes and turns them into records.
///
/// Adding a format is one file with one of these and one line in `ReaderRegistry.readers`.
/// A reader attaches provenance (`_pl.source`, and `line`, `row` or `page`) to each record
/// when `ReaderOptions.includeMeta` is set, keeping a `_pl.source` a record already has.
public protocol RecordReader: RecordSource {
  /// The name of the format, for `--format` and summaries (`csv`).
  static var format: String { get }
  /// File name extensions (lower case, without the dot) that suggest the format: they only
  /// break ties between readers equally sure of the content.
  static var extensions: [String] { get }
  /// How sure the reader is that `head` (the first bytes of the input, up to 64 KiB, with a
  /// UTF-8 byte-order mark already skipped) is its format; `name` is the input's name.
  static func sniff(name: String, head: UnsafeBufferPointer<UInt8>) -> Confidence
  /// A reader over `input`, some of which may have been read already for sniffing.
  init(input: BlockBuffer, options: ReaderOptions) throws(PLError)
  /// Records handed out so far.
  var recordCount: Int { get }
  /// What the reader decided (format, delimiter, header line), as members of the summary.
  var details: [Field] { get }
}
