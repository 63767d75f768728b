import PLCore

/// How the encoding of a text input was decided, for the summary and for `--detect`.
public struct EncodingDecision: Sendable, Equatable {
  /// The iconv name of the encoding, or nil for UTF-8 (and for bytes that are no text, which
  /// the readers report).
  public var name: String?
  /// How sure the decision is, from 0 to 1 (see `TextEncoding` for what it measures).
  public var confidence: Double
  /// The encoding that came next: the fallback when a detected one was taken, the detected
  /// one when it was turned down. Nil when there was no contest.
  public var runnerUp: String?
  /// A few words on why: `byte-order mark`, `valid UTF-8`, `uchardet: SHIFT_JIS (0.99)`, …
  public var reason: String

  public init(name: String?, confidence: Double, runnerUp: String? = nil, reason: String) {
    self.name = name
    self.confidence = confidence
    self.runnerUp = runnerUp
    self.reason = reason
  }
}

/// The character encoding of a text input, decided from its first bytes (pl-extract reads up
/// to 64 KiB).
///
/// In this order:
///
/// 1. A UTF-16 byte-order mark declares UTF-16, and a UTF-8 one UTF-8 (a file that starts with
///    it is held to it: bytes that are not UTF-8 after it are damage the readers report).
/// 2. UTF-16 without a mark is recognised by the zero bytes that ASCII characters leave in
///    every other position.
/// 3. Valid UTF-8 is UTF-8 (a sequence cut by the end of an incomplete head does not count
///    against it). ASCII with escape sequences may be ISO-2022-JP, -KR or -CN: rule 5 decides.
/// 4. Bytes that hold a NUL are no text: the readers report them.
/// 5. Otherwise uchardet (a library of statistical models of languages and encodings) is asked,
///    and its answer taken, under iconv's name for it, when:
///    - it is a CJK multi-byte encoding (Shift_JIS is read as its Windows superset CP932,
///      EUC-JP, ISO-2022-JP, GB18030 for GB2312 and GBK too, Big5 as CP950, EUC-KR and UHC as
///      CP949, EUC-TW) or a single-byte encoding of a non-Latin script (Cyrillic: Windows-1251,
///      KOI8-R, ISO-8859-5, IBM866, IBM855, Mac Cyrillic; Greek: ISO-8859-7, Windows-1253;
///      Hebrew: ISO-8859-8, Windows-1255; Arabic: Windows-1256, ISO-8859-6; Thai: TIS-620), and
///    - iconv converts the whole head (a character cut by its end aside; one that ends the
///      input is left for the converter to report), with no C1 control character, and
///    - at least 4 in 5 of the non-ASCII letters it reads are of that script (micro signs do
///      not count), with a confidence of at least 0.5, and, for a single-byte encoding, no more
///      than 1 in 10 of them touching a Latin letter (Latin-1 text read as Cyrillic gives
///      `Mьller`; real Cyrillic text keeps its scripts apart).
///
///    An ISO-8859 answer for a head with bytes 0x80–0x9F (controls in ISO-8859, punctuation in
///    the Windows code pages) is read as its Windows sibling: ISO-8859-2 as Windows-1250,
///    ISO-8859-7 as Windows-1253, ISO-8859-8 as Windows-1255, TIS-620 as CP874.
///
///    Windows-1250 and ISO-8859-2 (Central European) read the letters of German, French and
///    the other Western languages exactly as Windows-1252 does, and differ on `µ ² ³ ¹ ¼ ½ ¾`
///    and a few accented letters. They are taken only when at least 2 letters that
///    Windows-1252 has not (`ą ł ż č ř ě ů ő`…) stand next to another letter, not counting
///    bytes that Windows-1252 reads as those unit signs (`µg`, `m³` stay Western).
/// 6. Anything else (a Western answer, no answer, an answer turned down, a short head with too
///    few letters) is Windows-1252, or ISO-8859-1 when a byte Windows-1252 leaves undefined
///    appears: today's Latin-1 exports, `°`, `µ`, umlauts, `€`.
///
/// The confidence is 1 for a byte-order mark and for valid UTF-8, the share of zero-byte
/// pairs for UTF-16 without a mark, `share × n / (n + 2)` for a detected encoding of a script
/// (n non-ASCII letters read, share of them in the script), `e / (e + 2)` for Central European
/// (e letters of evidence), 0.8 for the fallback when uchardet also names Windows-1252,
/// ISO-8859-1 or ISO-8859-15, and 0.5 for any other fallback.
///
/// Everything but UTF-8 is converted by `TranscodingStream` (iconv) before any reader sees it;
/// a byte further on that does not convert is an error naming its line.
public enum TextEncoding {
  /// The iconv name of the encoding of `head`, or nil for UTF-8 (and for bytes that are no
  /// text, which the readers report). `complete` says the head is the whole input.
  public static func detect(_ head: UnsafeBufferPointer<UInt8>, complete: Bool) -> String? {
    decide(head, complete: complete).name
  }

  /// The encoding of `head` and why (see the rules above). `complete` says the head is the
  /// whole input: when it is not, a character cut by its end is no fault of the text.
  public static func decide(_ head: UnsafeBufferPointer<UInt8>, complete: Bool) -> EncodingDecision {
    if head.count >= 2 {
      if head[0] == 0xFF && head[1] == 0xFE { return EncodingDecision(name: "UTF-16LE", confidence: 1, reason: "byte-order mark") }
      if head[0] == 0xFE && head[1] == 0xFF { return EncodingDecision(name: "UTF-16BE", confidence: 1, reason: "byte-order mark") }
    }
    // A UTF-8 byte-order mark declares UTF-8: bytes that are not are damage to report, not a
    // hint of another encoding.
    if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF {
      return EncodingDecision(name: nil, confidence: 1, reason: "UTF-8 byte-order mark")
    }
    if let (utf16, share) = utf16Evidence(head) {
      return EncodingDecision(name: utf16, confidence: rounded(share), reason: "zero bytes of \(utf16)")
    }
    let utf8 = EncodingDecision(name: nil, confidence: 1, reason: "valid UTF-8")
    guard let invalid = firstInvalidUTF8(head) else {
      // Seven-bit CJK encodings are ASCII with escape sequences.
      guard head.contains(0x1B), let answer = Uchardet.answer(head), answer.hasPrefix("ISO-2022-") else { return utf8 }
      if case .taken(let decision) = judge(answer, head, fallback: nil) { return decision }
      return utf8
    }
    // A sequence cut by the end of the head is not a fault of the text.
    if !complete && head.count - invalid < 4 && head[invalid] >= 0xC2 {
      let rest = UnsafeBufferPointer(rebasing: head[(invalid + 1)...])
      if rest.allSatisfy({ $0 & 0xC0 == 0x80 }) { return utf8 }
    }
    if head.contains(0) { return EncodingDecision(name: nil, confidence: 0, reason: "NUL bytes: not text") }

    // Bytes that Windows-1252 leaves undefined: only ISO-8859-1 reads them (as C1 controls).
    let undefined = head.contains { $0 == 0x81 || $0 == 0x8D || $0 == 0x8F || $0 == 0x90 || $0 == 0x9D }
    let fallback = undefined ? "ISO-8859-1" : "WINDOWS-1252"
    let fallbackReason = undefined ? "not UTF-8: ISO-8859-1 fallback (bytes Windows-1252 leaves undefined)" : "not UTF-8: Windows-1252 fallback"
    guard let answer = Uchardet.answer(head), answer != "ASCII", answer != "UTF-8" else {
      return EncodingDecision(name: fallback, confidence: 0.5, reason: fallbackReason)
    }
    let verdict = judge(answer, head, fallback: fallback)
    if case .taken(let decision) = verdict { return decision }
    // uchardet 0.0.7 can lose a CJK text to a Latin model on some characters (Shift_JIS with
    // `μ`): when its answer is turned down, the CJK answer most lines get is judged in turn.
    if case .turnedDown = verdict, let byLine = Uchardet.answerByLine(head), byLine != answer,
      case .taken(let decision) = judge(byLine, head, fallback: fallback, by: "uchardet line by line")
    {
      return decision
    }
    switch verdict {
    case .taken(let decision):
      return decision
    case .turnedDown(let name, let why):
      return EncodingDecision(
        name: fallback, confidence: 0.5, runnerUp: name, reason: "\(fallbackReason); uchardet: \(answer) turned down (\(why))")
    case .western:
      let agrees = ["WINDOWS-1252", "ISO-8859-1", "ISO-8859-15"].contains(answer)
      return EncodingDecision(
        name: fallback, confidence: agrees ? 0.8 : 0.5, runnerUp: answer == fallback ? nil : answer,
        reason: "\(fallbackReason) (uchardet: \(answer))")
    }
  }

  /// True for the names of UTF-8 (`utf-8`, `UTF8`): no conversion.
  public static func isUTF8(_ name: String) -> Bool {
    name.lowercased().filter { $0 != "-" && $0 != "_" } == "utf8"
  }

  /// UTF-16 without a byte-order mark: most of the first pairs have one zero byte, on the same
  /// side (ASCII text in UTF-16 is every other byte zero).
  static func utf16WithoutMark(_ head: UnsafeBufferPointer<UInt8>) -> String? {
    utf16Evidence(head)?.name
  }

  /// The UTF-16 byte order of `head` and the share of its first pairs that have the zero byte.
  static func utf16Evidence(_ head: UnsafeBufferPointer<UInt8>) -> (name: String, share: Double)? {
    let pairs = min(head.count / 2, 2048)
    guard pairs >= 4 else { return nil }
    var zeroFirst = 0
    var zeroSecond = 0
    for i in 0..<pairs {
      let a = head[2 * i]
      let b = head[2 * i + 1]
      if a == 0 && b != 0 { zeroFirst += 1 }
      if b == 0 && a != 0 { zeroSecond += 1 }
    }
    if zeroSecond * 10 >= pairs * 7 && zeroFirst == 0 { return ("UTF-16LE", Double(zeroSecond) / Double(pairs)) }
    if zeroFirst * 10 >= pairs * 7 && zeroSecond == 0 { return ("UTF-16BE", Double(zeroFirst) / Double(pairs)) }
    return nil
  }

  /// `value` to two decimals, as it is shown.
  static func rounded(_ value: Double) -> Double {
    (value * 100).rounded() / 100
  }

  /// `value` (0…1) with two decimals: `0.97`.
  static func formatted(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
  }
}
