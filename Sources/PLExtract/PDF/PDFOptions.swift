import PLCore

/// What pl-extract is told about reading PDFs (the PDF flags of the command line).
public struct PDFOptions: Sendable {
  /// The pages to read (`--pages`); every page by default.
  public var pages = PageSelection.all
  /// The password of encrypted PDFs (`--password`, `--password-file`).
  public var password: String?
  /// Tables scoring under this (0…1) are not data: they are reported and set aside
  /// (`--min-quality`).
  public var minQuality = PDFOptions.defaultMinQuality
  /// A lab's layout, pinned (`--template`).
  public var template: PDFTemplate?
  /// Where tables under `minQuality` are written, as records (`--rejects`).
  public var rejectsPath: String?
  /// How many tables may be set aside before the run fails its quality gate
  /// (`--max-rejects`); nil takes the default: none without a rejects file, any with one.
  public var maxRejects: TableRejectLimit?

  /// The default of `--min-quality`: a table with under 70 % of its words in one cell each,
  /// or columns this inconsistent, is more likely a misread than a table.
  public static let defaultMinQuality = 0.7

  public init() {}
}

/// How many low-quality tables may be set aside before pl-extract fails its quality gate
/// (`--max-rejects N` or `P%` of the tables found), as pl-validate and pl-load count records.
public enum TableRejectLimit: Equatable, Sendable, CustomStringConvertible {
  case count(Int)
  case percent(Double)

  /// `N` or `P%`; nil for anything else.
  public init?(_ text: String) {
    if text.hasSuffix("%") {
      guard let value = Double(text.dropLast()), value.isFinite, value >= 0, value <= 100 else { return nil }
      self = .percent(value)
    } else {
      guard let value = Int(text), value >= 0 else { return nil }
      self = .count(value)
    }
  }

  public var description: String {
    switch self {
    case .count(let n): String(n)
    case .percent(let p): (p == p.rounded() ? String(Int(p)) : String(p)) + "%"
    }
  }

  /// True when `rejected` tables of `total` stay within the limit.
  func allows(_ rejected: Int, of total: Int) -> Bool {
    switch self {
    case .count(let n): rejected <= n
    case .percent(let p): total == 0 || Double(rejected) * 100 <= p * Double(total)
    }
  }
}

extension PDFOptions {
  /// The password in the first line of the file at `path` (`--password-file`), without its
  /// line end.
  ///
  /// - Throws: `PLError.inputMissing` (66) when the file cannot be read; `PLError.usage` (64)
  ///   when its first line is empty.
  public static func readPassword(path: String) throws(PLError) -> String {
    let stream = try FileStream(path: path)
    let bytes = try stream.readAll(limit: 1 << 16)
    let line = bytes.prefix { $0 != 0x0A && $0 != 0x0D }
    guard !line.isEmpty else { throw .usage("--password-file \(path): the first line is empty (it holds the password)") }
    return String(decoding: line, as: UTF8.self)
  }
}
