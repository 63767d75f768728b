/// Writes small, valid PDF files by hand, so that PDF tests need no tool to make them.
///
/// Each page is US Letter (612 × 792 pt) with Helvetica text at given positions. Positions
/// are PDF user space: x from the left, y (the baseline) from the bottom.
struct MinimalPDF {
  struct Text {
    var x: Double
    var y: Double
    var text: String
    var size: Double = 12
  }

  var pages: [[Text]]
  /// Adds a standard-security /Encrypt dictionary whose passwords match nothing, so that
  /// the document cannot be opened without a password.
  var encrypted = false

  func bytes() -> [UInt8] {
    var objects: [String] = []  // object n is objects[n - 1]
    let pageCount = pages.count
    let firstPage = 4
    objects.append("<< /Type /Catalog /Pages 2 0 R >>")
    let kids = (0..<pageCount).map { "\(firstPage + 2 * $0) 0 R" }.joined(separator: " ")
    objects.append("<< /Type /Pages /Kids [\(kids)] /Count \(pageCount) >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for (index, texts) in pages.enumerated() {
      let content = texts.map { t in
        "BT /F1 \(t.size) Tf \(t.x) \(t.y) Td (\(Self.escape(t.text))) Tj ET"
      }.joined(separator: "\n")
      objects.append(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
          + "/Resources << /Font << /F1 3 0 R >> >> /Contents \(firstPage + 2 * index + 1) 0 R >>")
      objects.append("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream")
    }
    if encrypted {
      let o = String(repeating: "4f", count: 32)
      let u = String(repeating: "55", count: 32)
      objects.append("<< /Filter /Standard /V 1 /R 2 /O <\(o)> /U <\(u)> /P -4 >>")
    }

    var out = Array("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
    var offsets: [Int] = []
    for (index, body) in objects.enumerated() {
      offsets.append(out.count)
      out += Array("\(index + 1) 0 obj\n\(body)\nendobj\n".utf8)
    }
    let xref = out.count
    var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
    for offset in offsets {
      let digits = String(offset)
      table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
    }
    var trailer = "/Size \(objects.count + 1) /Root 1 0 R"
    if encrypted {
      let id = String(repeating: "ab", count: 16)
      trailer += " /Encrypt \(objects.count) 0 R /ID [<\(id)> <\(id)>]"
    }
    table += "trailer\n<< \(trailer) >>\nstartxref\n\(xref)\n%%EOF\n"
    out += Array(table.utf8)
    return out
  }

  private static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      if c == "(" || c == ")" || c == "\\" { out.append("\\") }
      out.append(c)
    }
    return out
  }
}
