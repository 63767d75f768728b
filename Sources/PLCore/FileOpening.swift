#if canImport(Glibc)
  import Glibc
#endif

/// Why a file could not be opened for reading, in words for people.
public struct FileOpenError: Error, Equatable, Sendable {
  public var message: String
}

/// Opens `path` read-only and refuses a directory: the check every reader of files makes
/// before handing a descriptor to itself or to a C library.
///
/// - Returns: the descriptor, which the caller owns and closes; or why it could not be had
///   ("No such file or directory", "is a directory, not a file").
public func openFileForReading(_ path: String) -> Result<Int32, FileOpenError> {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { return .failure(FileOpenError(message: systemMessage(errno))) }
  var info = stat()
  if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
    close(fd)
    return .failure(FileOpenError(message: "is a directory, not a file"))
  }
  return .success(fd)
}
