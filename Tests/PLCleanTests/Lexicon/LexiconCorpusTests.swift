import Foundation
import PLClean
import Testing

/// Measures the lexicon against the ground truth of the shared test corpus: every distinct analyte
/// name printed in it (`analyte_raw`, and the `column` of a wide file) must map to the truth's
/// canonical code and unit, and every logger channel to its quantity. Prints the figures.
///
/// The corpus lives where `PL_CORPUS` points or, without it, beside the repository
/// (`<repo>/../shared/corpus`); when there is none the test is skipped.
@Suite struct LexiconCorpusTests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static var corpus: URL? {
    let url = ProcessInfo.processInfo.environment["PL_CORPUS"].map { URL(fileURLWithPath: $0) }
      ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    guard FileManager.default.fileExists(atPath: url.appendingPathComponent("truth").path) else { return nil }
    return url
  }

  struct Name: Hashable {
    var printed: String
    var code: String
    var unit: String?
  }

  struct Channel: Hashable {
    var name: String
    var unit: String?
    var quantity: String
  }

  /// The distinct analyte names and channels of every truth file, members included.
  static func facts(_ corpus: URL) throws -> (names: Set<Name>, channels: Set<Channel>) {
    var names = Set<Name>()
    var channels = Set<Channel>()
    func walk(_ truth: [String: Any]) {
      for case let observation as [String: Any] in truth["observations"] as? [Any] ?? [] {
        guard let code = observation["analyte"] as? String else { continue }
        let unit = observation["canonical_unit"] as? String
        if let raw = observation["analyte_raw"] as? String { names.insert(Name(printed: raw, code: code, unit: unit)) }
        // A column of a wide file names the analyte; the result column of a long one does not.
        if let column = observation["column"] as? String, ColumnRole.classify(header: column) == nil {
          names.insert(Name(printed: column, code: code, unit: unit))
        }
      }
      for case let reading as [String: Any] in truth["readings"] as? [Any] ?? [] {
        guard let name = reading["channel"] as? String, let quantity = reading["quantity"] as? String else { continue }
        channels.insert(Channel(name: name, unit: reading["unit"] as? String, quantity: quantity))
      }
      for case let member as [String: Any] in truth["members"] as? [Any] ?? [] {
        if let inner = member["truth"] as? [String: Any] { walk(inner) }
      }
    }
    let truthFolder = corpus.appendingPathComponent("truth")
    for file in try FileManager.default.contentsOfDirectory(atPath: truthFolder.path).sorted() where file.hasSuffix(".json") {
      let data = try Data(contentsOf: truthFolder.appendingPathComponent(file))
      if let truth = try JSONSerialization.jsonObject(with: data) as? [String: Any] { walk(truth) }
    }
    return (names, channels)
  }

  /// Units compared as the corpus README says: ignoring case, spaces and the micro sign's spelling.
  static func sameUnit(_ a: String?, _ b: String?) -> Bool {
    func norm(_ s: String?) -> String {
      (s ?? "").replacingOccurrences(of: "µ", with: "u").replacingOccurrences(of: "μ", with: "u")
        .replacingOccurrences(of: " ", with: "").lowercased()
    }
    return norm(a) == norm(b)
  }

  @Test(.enabled(if: corpus != nil, "no corpus (truth/) where PL_CORPUS points, or at ../shared/corpus beside the repository"))
  func everyPrintedNameAndChannelOfTheTruthIsRecognised() throws {
    guard let corpus = Self.corpus else { return }
    let (names, channels) = try Self.facts(corpus)
    var problems: [String] = []
    var codeRight = 0
    var unitRight = 0
    for name in names.sorted(by: { $0.printed < $1.printed }) {
      guard let match = AnalyteDictionary.shared.match(name.printed) else {
        problems.append("\"\(name.printed)\": not recognised (truth \(name.code))")
        continue
      }
      guard match.code == name.code else {
        problems.append("\"\(name.printed)\": \(match.code), truth \(name.code)")
        continue
      }
      codeRight += 1
      if Self.sameUnit(match.canonicalUnit, name.unit) {
        unitRight += 1
      } else {
        problems.append("\"\(name.printed)\": unit \(match.canonicalUnit ?? "none"), truth \(name.unit ?? "none")")
      }
    }
    var channelsRight = 0
    for channel in channels.sorted(by: { $0.name < $1.name }) {
      let quantity = ChannelLexicon.shared.quantity(for: channel.name, unit: channel.unit)
      if quantity == channel.quantity {
        channelsRight += 1
      } else {
        problems.append("channel \(channel.name) [\(channel.unit ?? "")]: \(quantity ?? "nothing"), truth \(channel.quantity)")
      }
    }
    let report = """
      lexicon vs corpus truth: \(names.count) distinct printed names, \(codeRight) to the right code, \
      \(unitRight) with the right canonical unit; \(channels.count) channels, \(channelsRight) to the right quantity

      """
    FileHandle.standardOutput.write(Data(report.utf8))
    for problem in problems { Issue.record(Comment(rawValue: problem)) }
  }
}
