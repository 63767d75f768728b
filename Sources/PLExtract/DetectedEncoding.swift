import CPLUchardet
import PLCore

#if canImport(Glibc)
  import Glibc
#endif

/// uchardet, the statistical charset detector: its answer for a head, and the checks that
/// answer must pass before pl-extract converts from it (`TextEncoding` lists the rules).
extension TextEncoding {
  /// What became of uchardet's answer.
  enum Verdict {
    /// Taken: the input is converted from it.
    case taken(EncodingDecision)
    /// An encoding of a non-Latin script (iconv's name) that the text does not bear out.
    case turnedDown(String, why: String)
    /// A Western answer (or one not known here): the Windows-1252 fallback reads it.
    case western
  }

  /// The scripts whose encodings are taken from uchardet.
  enum Script {
    case cjk, cyrillic, greek, hebrew, arabic, thai, centralEuropean

    /// True for a letter of this script (Central European letters are judged otherwise).
    func contains(_ scalar: Unicode.Scalar) -> Bool {
      let v = scalar.value
      switch self {
      case .cjk:
        return (0x1100...0x11FF).contains(v) || (0x2E80...0x2FDF).contains(v) || (0x3040...0x31FF).contains(v)
          || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA960...0xA97F).contains(v)
          || (0xAC00...0xD7FF).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFFEF).contains(v)
          || (0x20000...0x3FFFF).contains(v)
      case .cyrillic: return (0x0400...0x052F).contains(v)
      case .greek: return (0x0370...0x03FF).contains(v) || (0x1F00...0x1FFF).contains(v)
      case .hebrew: return (0x0590...0x05FF).contains(v) || (0xFB1D...0xFB4F).contains(v)
      case .arabic:
        return (0x0600...0x06FF).contains(v) || (0x0750...0x077F).contains(v) || (0xFB50...0xFDFF).contains(v)
          || (0xFE70...0xFEFF).contains(v)
      case .thai: return (0x0E00...0x0E7F).contains(v)
      case .centralEuropean: return false
      }
    }
  }

  /// uchardet's answers (upper case) that may be taken: iconv's name to convert with, and the
  /// script. Supersets stand for their subsets: CP932 reads Shift_JIS and the NEC and IBM
  /// characters Windows adds (`①`, `㎎`), GB18030 reads GBK and GB2312, CP950 reads Big5 and
  /// CP949 EUC-KR.
  static let candidates: [String: (name: String, script: Script)] = [
    "SHIFT_JIS": ("CP932", .cjk), "CP932": ("CP932", .cjk), "EUC-JP": ("EUC-JP", .cjk),
    "ISO-2022-JP": ("ISO-2022-JP", .cjk), "GB18030": ("GB18030", .cjk), "GBK": ("GB18030", .cjk),
    "GB2312": ("GB18030", .cjk), "BIG5": ("CP950", .cjk), "EUC-KR": ("CP949", .cjk), "UHC": ("CP949", .cjk),
    "CP949": ("CP949", .cjk), "EUC-TW": ("EUC-TW", .cjk), "ISO-2022-KR": ("ISO-2022-KR", .cjk),
    "ISO-2022-CN": ("ISO-2022-CN", .cjk),
    "WINDOWS-1251": ("WINDOWS-1251", .cyrillic), "KOI8-R": ("KOI8-R", .cyrillic),
    "ISO-8859-5": ("ISO-8859-5", .cyrillic), "IBM866": ("IBM866", .cyrillic), "IBM855": ("IBM855", .cyrillic),
    "MAC-CYRILLIC": ("MAC-CYRILLIC", .cyrillic),
    "ISO-8859-7": ("ISO-8859-7", .greek), "WINDOWS-1253": ("WINDOWS-1253", .greek),
    "ISO-8859-8": ("ISO-8859-8", .hebrew), "WINDOWS-1255": ("WINDOWS-1255", .hebrew),
    "WINDOWS-1256": ("WINDOWS-1256", .arabic), "ISO-8859-6": ("ISO-8859-6", .arabic),
    "TIS-620": ("TIS-620", .thai),
    "WINDOWS-1250": ("WINDOWS-1250", .centralEuropean), "ISO-8859-2": ("ISO-8859-2", .centralEuropean),
  ]

  /// ISO-8859 encodings and the Windows code page that is the same but for 0x80–0x9F.
  static let windowsSiblings = [
    "ISO-8859-2": "WINDOWS-1250", "ISO-8859-7": "WINDOWS-1253", "ISO-8859-8": "WINDOWS-1255", "TIS-620": "CP874",
  ]

  /// What Windows-1252 reads as unit signs and the Central European code pages as letters:
  /// `µg` and `m³` in a Western file are no evidence of Polish.
  static let unitSigns: Set<Unicode.Scalar> = ["µ", "²", "³", "¹", "¼", "½", "¾"]

  /// Whether uchardet's `answer` for `head` is borne out by the text it reads.
  /// `by` names the answer's source in the reason.
  static func judge(_ answer: String, _ head: UnsafeBufferPointer<UInt8>, fallback: String?, by: String = "uchardet") -> Verdict {
    guard let candidate = candidates[answer] else { return .western }
    var name = candidate.name
    let script = candidate.script
    if let windows = windowsSiblings[name], head.contains(where: { $0 >= 0x80 && $0 <= 0x9F }) { name = windows }
    let confidence: Double
    if script == .centralEuropean {
      name = centralEuropeanCodePage(head, answer: name)
      guard let evidence = centralEuropeanEvidence(head, name) else {
        return .turnedDown(name, why: "bytes that are no character of it")
      }
      guard evidence >= 2 else { return .turnedDown(name, why: "the text reads as Western European") }
      confidence = Double(evidence) / Double(evidence + 2)
    } else {
      // A multi-byte encoding borne out by plenty of text up to a byte that is no character of
      // it is taken all the same: the converter then names that byte's line, where the
      // Windows-1252 fallback would turn the whole file into mojibake.
      var cutShort = false
      var read = scalars(of: head, in: name)
      if read == nil && script == .cjk, let prefix = scalars(of: head, in: name, upToFailure: true) {
        read = prefix
        cutShort = true
      }
      guard let text = read else { return .turnedDown(name, why: "bytes that are no character of it") }
      if cutShort && text.filter({ script.contains($0) }).count < 20 {
        return .turnedDown(name, why: "bytes that are no character of it")
      }
      if text.contains(where: { $0.value >= 0x80 && $0.value <= 0x9F }) {
        return .turnedDown(name, why: "it reads control characters")
      }
      var letters = 0  // non-ASCII letters
      var ofScript = 0
      var touchingLatin = 0
      for (i, scalar) in text.enumerated()
      where scalar.value >= 0x80 && scalar != "µ" && scalar != "μ" && scalar.properties.isAlphabetic {
        letters += 1
        guard script.contains(scalar) else { continue }
        ofScript += 1
        if (i > 0 && isASCIILetter(text[i - 1])) || (i + 1 < text.count && isASCIILetter(text[i + 1])) {
          touchingLatin += 1
        }
      }
      let share = letters == 0 ? 0 : Double(ofScript) / Double(letters)
      confidence = share * Double(letters) / Double(letters + 2)
      guard share >= 0.8 else { return .turnedDown(name, why: "its letters are not of one script") }
      guard confidence >= 0.5 else { return .turnedDown(name, why: "too few letters") }
      if touchingLatin * (script == .cjk ? 4 : 10) > ofScript {
        return .turnedDown(name, why: "its letters touch Latin ones")
      }
    }
    return .taken(
      EncodingDecision(
        name: name, confidence: rounded(confidence), runnerUp: fallback,
        reason: "\(by): \(answer) (\(formatted(confidence)))"))
  }

  /// How many bytes of `head` the Central European `encoding` reads as letters that
  /// Windows-1252 has not, next to another letter, leaving out the unit signs. Nil when it
  /// reads a byte as no character or as a control.
  static func centralEuropeanEvidence(_ head: UnsafeBufferPointer<UInt8>, _ encoding: String) -> Int? {
    let candidate = byteTable(encoding)
    let western = byteTable("WINDOWS-1252")
    let westernLetters = Set(western.compactMap { $0 })
    func isLetter(_ i: Int) -> Bool {
      guard i >= 0 && i < head.count else { return false }
      let b = head[i]
      if b < 0x80 { return isASCIILetter(Unicode.Scalar(b)) }
      return candidate[Int(b)]?.properties.isAlphabetic ?? false
    }
    var evidence = 0
    for i in 0..<head.count where head[i] >= 0x80 {
      let b = Int(head[i])
      guard let scalar = candidate[b], scalar.value > 0x9F else { return nil }
      guard scalar.properties.isAlphabetic, !westernLetters.contains(scalar) else { continue }
      if let read = western[b], unitSigns.contains(read) { continue }
      if isLetter(i - 1) || isLetter(i + 1) { evidence += 1 }
    }
    return evidence
  }

  /// Windows-1250 or ISO-8859-2, which uchardet confuses: the one that reads fewer signs
  /// inside words (`M±ka` is ISO-8859-2's `Mąka` read as Windows-1250), else `answer`. A head
  /// with bytes 0x80–0x9F is Windows-1250 already.
  static func centralEuropeanCodePage(_ head: UnsafeBufferPointer<UInt8>, answer: String) -> String {
    guard !head.contains(where: { $0 >= 0x80 && $0 <= 0x9F }) else { return answer }
    let windows = signsInsideWords(head, byteTable("WINDOWS-1250"))
    let iso = signsInsideWords(head, byteTable("ISO-8859-2"))
    if windows < iso { return "WINDOWS-1250" }
    if iso < windows { return "ISO-8859-2" }
    return answer
  }

  /// How many bytes `table` reads as a sign (no letter, no unit sign) between two letters.
  static func signsInsideWords(_ head: UnsafeBufferPointer<UInt8>, _ table: [Unicode.Scalar?]) -> Int {
    func isLetter(_ i: Int) -> Bool {
      guard i >= 0 && i < head.count else { return false }
      let b = head[i]
      if b < 0x80 { return isASCIILetter(Unicode.Scalar(b)) }
      return table[Int(b)]?.properties.isAlphabetic ?? false
    }
    var signs = 0
    for i in 0..<head.count where head[i] >= 0x80 {
      guard let scalar = table[Int(head[i])] else { continue }
      if !scalar.properties.isAlphabetic && !unitSigns.contains(scalar) && isLetter(i - 1) && isLetter(i + 1) { signs += 1 }
    }
    return signs
  }

  static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
    (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
  }

  /// What the single-byte `encoding` reads each byte value as (nil: no character), from iconv.
  static func byteTable(_ encoding: String) -> [Unicode.Scalar?] {
    (0...255).map { (value: Int) in
      withUnsafeBytes(of: UInt8(value)) { byte in
        scalars(of: byte.bindMemory(to: UInt8.self), in: encoding).flatMap { $0.count == 1 ? $0[0] : nil }
      }
    }
  }

  /// The text of `bytes` in `encoding`, converted by iconv, or nil when iconv does not know the
  /// encoding or a byte sequence is no character of it. A character cut by the end of `bytes`
  /// is left out.
  ///
  /// - Parameter upToFailure: return the text before a byte that is no character of the
  ///   encoding instead of nil.
  static func scalars(of bytes: UnsafeBufferPointer<UInt8>, in encoding: String, upToFailure: Bool = false) -> [Unicode.Scalar]? {
    let converter = iconv_open("UTF-32LE", encoding)
    guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
    defer { iconv_close(converter) }
    guard let base = bytes.baseAddress else { return [] }
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 4)
    defer { chunk.deallocate() }
    var text: [Unicode.Scalar] = []
    text.reserveCapacity(bytes.count)
    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base).assumingMemoryBound(to: CChar.self)
    var inLeft = bytes.count
    while true {
      var outPointer: UnsafeMutablePointer<CChar>? = chunk.baseAddress!.assumingMemoryBound(to: CChar.self)
      var outLeft = chunk.count
      let failure = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) == -1 ? errno : 0
      for offset in stride(from: 0, to: chunk.count - outLeft, by: 4) {
        let value = UInt32(littleEndian: chunk.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        guard let scalar = Unicode.Scalar(value) else { return nil }
        text.append(scalar)
      }
      switch failure {
      case 0, EINVAL: return text
      case E2BIG: continue
      default: return upToFailure ? text : nil
      }
    }
  }
}

/// uchardet's name for the encoding of some bytes.
enum Uchardet {
  /// The answer in upper case (`SHIFT_JIS`, `WINDOWS-1251`), or nil when uchardet has none.
  static func answer(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard let detector = uchardet_new() else { return nil }
    defer { uchardet_delete(detector) }
    let status = bytes.withMemoryRebound(to: CChar.self) { uchardet_handle_data(detector, $0.baseAddress, $0.count) }
    guard status == 0 else { return nil }
    uchardet_data_end(detector)
    guard let name = uchardet_get_charset(detector) else { return nil }
    let answer = String(cString: name).uppercased()
    return answer.isEmpty ? nil : answer
  }

  /// The CJK answer most of the first 64 lines with non-ASCII bytes get on their own (the
  /// first to get the most, on a tie); nil when none does.
  static func answerByLine(_ head: UnsafeBufferPointer<UInt8>) -> String? {
    var votes: [String: Int] = [:]
    var order: [String] = []
    var asked = 0
    var start = 0
    while start < head.count && asked < 64 {
      var end = start
      var nonASCII = false
      while end < head.count && head[end] != 0x0A {
        if head[end] >= 0x80 { nonASCII = true }
        end += 1
      }
      if nonASCII {
        asked += 1
        if let answer = answer(UnsafeBufferPointer(rebasing: head[start..<end])),
          TextEncoding.candidates[answer]?.script == .cjk
        {
          if votes[answer] == nil { order.append(answer) }
          votes[answer, default: 0] += 1
        }
      }
      start = end + 1
    }
    return order.max { votes[$0]! < votes[$1]! || (votes[$0]! == votes[$1]! && order.firstIndex(of: $0)! > order.firstIndex(of: $1)!) }
  }
}
