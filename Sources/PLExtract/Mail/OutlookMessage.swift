import PLCore

/// An Outlook `.msg` file: an OLE compound file (the container of old Office documents), not
/// MIME text. No library on the system reads it soundly, so it is recognised and refused with a
/// message that says what to do instead.
public enum OutlookMessage {
  /// The OLE compound file signature.
  static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

  /// True when `head` (the first bytes of an input called `name`) is an Outlook message: an
  /// OLE compound file named `.msg`, or one whose head holds the stream names only Outlook
  /// messages have (`__substg1.0_`, `__properties_version1.0`, in UTF-16). An old Excel
  /// workbook is an OLE compound file too, and is not one.
  public static func recognise(name: String, head: UnsafeBufferPointer<UInt8>) -> Bool {
    guard head.count >= signature.count, zip(head, signature).allSatisfy({ $0 == $1 }) else { return false }
    if name.lowercased().hasSuffix(".msg") { return true }
    return contains(head, utf16: "__substg1.0_") || contains(head, utf16: "__properties_version1.0")
  }

  /// The error that refuses the Outlook message `name`.
  public static func refusal(name: String) -> PLError {
    .malformed(
      source: name, location: nil,
      message: "this is an Outlook message (.msg), which pl-extract cannot read: save it from Outlook as .eml (or forward it as an attachment) and extract that")
  }

  static func contains(_ head: UnsafeBufferPointer<UInt8>, utf16 text: String) -> Bool {
    let needle = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    guard head.count >= needle.count else { return false }
    var i = 0
    while i + needle.count <= head.count {
      if head[i] == needle[0] && head[i..<(i + needle.count)].elementsEqual(needle) { return true }
      i += 1
    }
    return false
  }
}
