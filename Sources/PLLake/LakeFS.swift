#if canImport(Glibc)
  import Glibc
#endif
import PLCore
import PLDigest

/// The POSIX file operations of the lake, each failing with a `PLError` that names the path.
///
/// Why not FileManager: the lake needs fsync of files and folders, exact modes and rename
/// within a folder, and the toolkit's commands start without Foundation.
enum LakeFS {
  /// The suffix of every temporary the lake writes; the next run of a dataset sweeps them.
  static let temporarySuffix = ".pl-tmp"

  /// The hidden temporary name of `path`: `dir/.NAME.pl-tmp`, in the same folder, so that the
  /// rename into place stays within one file system.
  static func stagedPath(of path: String) -> String {
    let (folder, name) = split(path)
    return folder + "/." + name + temporarySuffix
  }

  /// True for a name `stagedPath` made.
  static func isTemporary(_ name: String) -> Bool {
    name.hasPrefix(".") && name.hasSuffix(temporarySuffix)
  }

  /// The folder and the last component of `path`.
  static func split(_ path: String) -> (String, String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    return (String(path[..<slash]), String(path[path.index(after: slash)...]))
  }

  static func fileType(_ path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & S_IFMT
  }

  static func exists(_ path: String) -> Bool { fileType(path) != nil }
  static func isDirectory(_ path: String) -> Bool { fileType(path) == S_IFDIR }

  static func fileSize(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int(info.st_size)
  }

  /// Creates `path` and missing parents with `mode` (exactly, whatever the umask), fsyncing
  /// each parent that gained an entry so the new folders survive a crash.
  static func makeDirectories(_ path: String, mode: mode_t) throws(PLError) {
    if isDirectory(path) { return }
    let (parent, _) = split(path)
    if parent != path && !parent.isEmpty && parent != "." { try makeDirectories(parent, mode: mode) }
    if mkdir(path, mode) != 0 {
      if errno == EEXIST && isDirectory(path) { return }
      throw .cannotCreate(target: path, message: systemMessage(errno))
    }
    chmod(path, mode)
    try syncDirectory(parent.isEmpty ? "/" : parent)
  }

  /// fsync(2) of a folder, so that a rename or a new entry in it is durable.
  static func syncDirectory(_ path: String) throws(PLError) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw .io(target: path, message: systemMessage(errno)) }
    defer { close(fd) }
    if fsync(fd) != 0 && errno != EINVAL { throw .io(target: path, message: systemMessage(errno)) }
  }

  /// The names in a folder (without `.` and `..`), sorted; empty when it cannot be read.
  static func list(_ path: String) -> [String] {
    guard let handle = opendir(path) else { return [] }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// A small file (a manifest) read whole.
  static func readFile(_ path: String, limit: Int = 1 << 28) throws(PLError) -> [UInt8] {
    try FileStream(path: path).readAll(limit: limit)
  }

  /// Writes `bytes` to `path` whole or not at all: a temporary in the same folder, fsync,
  /// `mode`, rename, fsync of the folder.
  static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t) throws(PLError) {
    let temporary = stagedPath(of: path)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
    var ok = false
    defer {
      if !ok { unlink(temporary) }
    }
    do throws(PLError) {
      try writeAll(fd: fd, bytes, name: path)
      guard fchmod(fd, mode) == 0 else { throw .cannotCreate(target: path, message: systemMessage(errno)) }
      guard fsync(fd) == 0 || errno == EINVAL else { throw .io(target: path, message: systemMessage(errno)) }
    } catch {
      close(fd)
      throw error
    }
    close(fd)
    try rename(temporary, to: path)
    ok = true
    try syncDirectory(split(path).0)
  }

  /// write(2) until every byte is out.
  static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer, name: String) throws(PLError) {
    var offset = 0
    while offset < bytes.count {
      let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw .io(target: name, message: systemMessage(errno))
      }
      offset += n
    }
  }

  static func writeAll(fd: Int32, _ bytes: [UInt8], name: String) throws(PLError) {
    let failure: Int32 = bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += n
      }
      return 0
    }
    if failure != 0 { throw .io(target: name, message: systemMessage(failure)) }
  }

  static func rename(_ from: String, to: String) throws(PLError) {
    guard Glibc.rename(from, to) == 0 else { throw .cannotCreate(target: to, message: systemMessage(errno)) }
  }

  /// Removes a file; a missing one is not an error.
  static func remove(_ path: String) throws(PLError) {
    guard unlink(path) == 0 || errno == ENOENT else { throw .io(target: path, message: systemMessage(errno)) }
  }

  /// Removes an empty folder; one that is not empty or missing is left alone.
  static func removeEmptyDirectory(_ path: String) {
    rmdir(path)
  }

  /// The sha256 (hex) and size of a file, read in blocks.
  static func sha256(ofFile path: String) throws(PLError) -> (sha256: String, bytes: Int) {
    let stream = try FileStream(path: path)
    let digest = try LakeDigest.make()
    stream.observers = [digest]
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { block.deallocate() }
    while try stream.read(into: block) > 0 {}
    return (digest.finalize(), stream.bytesRead)
  }
}

/// SHA-256 digests with libcrypto's failure mapped to the toolkit's error.
enum LakeDigest {
  static func make() throws(PLError) -> SHA256Digest {
    do throws(DigestError) {
      return try SHA256Digest()
    } catch {
      throw .internalError(error.description)
    }
  }

  static func hex(_ bytes: [UInt8]) throws(PLError) -> String {
    let digest = try make()
    bytes.withUnsafeBytes { digest.observe($0) }
    return digest.finalize()
  }

  static func hex(_ text: String) throws(PLError) -> String { try hex(Array(text.utf8)) }
}
