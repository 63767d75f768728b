/// Writes a cpio archive in the "newc" format by hand (Python cannot, and no cpio tool is
/// assumed), so that the cpio reader is tested on bytes made outside libarchive.
struct CPIOWriter {
  struct Member {
    var name: String
    var isDirectory = false
    var data: [UInt8] = []
  }

  var members: [Member]

  func bytes() -> [UInt8] {
    var out: [UInt8] = []
    for (index, member) in members.enumerated() {
      let mode = member.isDirectory ? 0o040755 : 0o100644
      let links = member.isDirectory ? 2 : 1
      append(&out, name: member.name, ino: index + 1, mode: mode, nlink: links, data: member.data)
    }
    append(&out, name: "TRAILER!!!", ino: 0, mode: 0, nlink: 1, data: [])
    return out
  }

  private func append(_ out: inout [UInt8], name: String, ino: Int, mode: Int, nlink: Int, data: [UInt8]) {
    let nameBytes = Array(name.utf8) + [0]
    let fields = [ino, mode, 0, 0, nlink, 0, data.count, 0, 0, 0, 0, nameBytes.count, 0]
    var header = "070701"
    for field in fields {
      let hex = String(field, radix: 16, uppercase: true)
      header += String(repeating: "0", count: 8 - hex.count) + hex
    }
    out += Array(header.utf8) + nameBytes
    pad(&out)
    out += data
    pad(&out)
  }

  private func pad(_ out: inout [UInt8]) {
    while out.count % 4 != 0 { out.append(0) }
  }
}
