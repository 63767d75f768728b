#if canImport(Glibc)
  import Glibc
#endif
import ArgumentParser
import PLCore

/// The paths of a `--files-from` list: one a line, or NUL-separated (`-0`), as `tar -T`,
/// `xargs` and `rsync --files-from` read them.
///
/// In line mode a line ends at `\n`; a `\r` before it and a byte-order mark at the start are
/// dropped (a list written on Windows),
/// and a blank line (empty, or only spaces and tabs) is passed over; any other line is a path
/// exactly as written, spaces included. In NUL mode every byte between two NULs is the path,
/// newlines included, and an empty entry (the NUL that ends the last path) is passed over.
/// Paths are taken as given: a relative one is relative to the current directory. A line `-`
/// is standard input, as a FILE argument `-` is.
///
/// The list is read whole before any path is used: the commands that take it need every path
/// before they start (a count for progress, a bronze batch that is all or nothing). A path is
/// tens of bytes, so a list of a million files is tens of megabytes.
public struct FileList: Sendable, Equatable {
  /// One path of the list, with the line (or, in NUL mode, the entry) it was on, from 1.
  public struct Entry: Sendable, Equatable {
    public var path: String
    public var line: Int
    public init(path: String, line: Int) {
      self.path = path
      self.line = line
    }
  }

  /// The list's name in messages: the path given to `--files-from`, or `-` for standard input.
  public let source: String
  /// True when the entries were separated by NUL bytes.
  public let nulSeparated: Bool
  public let entries: [Entry]

  public var paths: [String] { entries.map(\.path) }
  /// True when the list itself is standard input, which then cannot hold data as well.
  public var isStandardInput: Bool { source == FileStream.standardInputName }

  public init(source: String, nulSeparated: Bool, entries: [Entry]) {
    self.source = source
    self.nulSeparated = nulSeparated
    self.entries = entries
  }

  /// Splits the bytes of a list.
  ///
  /// - Throws: `.malformed` (65) for a path that is not UTF-8, or a NUL byte in line mode
  ///   (a list from `find -print0` read without `-0`).
  public init(bytes: [UInt8], source: String, nulSeparated: Bool) throws(PLError) {
    self.source = source
    self.nulSeparated = nulSeparated
    let separator: UInt8 = nulSeparated ? 0 : UInt8(ascii: "\n")
    var entries: [Entry] = []
    var number = 0
    // A list saved by a Windows editor may start with a byte-order mark: it is not part of a path.
    var start = !nulSeparated && bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while start < bytes.count {
      number += 1
      var end = start
      while end < bytes.count && bytes[end] != separator { end += 1 }
      var slice = bytes[start..<end]
      start = end + 1
      if !nulSeparated {
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        if slice.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == 0x09 }) { continue }
        if slice.contains(0) {
          throw .malformed(
            source: source, location: .line(number),
            message: "a NUL byte in a line: a NUL-separated list (find -print0, pending -0) needs -0")
        }
      } else if slice.isEmpty {
        continue
      }
      guard let path = String(validating: slice, as: UTF8.self) else {
        if nulSeparated { throw .malformed(source: source, location: nil, message: "entry \(number): the path is not UTF-8 text") }
        throw .malformed(source: source, location: .line(number), message: "the path is not UTF-8 text")
      }
      entries.append(Entry(path: path, line: number))
    }
    self.entries = entries
  }

  /// Reads the list at `path` (`-`: standard input).
  ///
  /// - Throws: `.inputMissing` (66) when the list cannot be opened; `.io` (74) when reading it
  ///   fails; `.malformed` (65) as `init(bytes:source:nulSeparated:)`.
  public static func read(from path: String, nulSeparated: Bool) throws(PLError) -> FileList {
    try FileList(bytes: try FileStream.readAll(path: path), source: path, nulSeparated: nulSeparated)
  }

  /// "line 3", or "entry 3" in a NUL-separated list.
  static func place(_ number: Int, _ nulSeparated: Bool) -> String {
    nulSeparated ? "entry \(number)" : "line \(number)"
  }

  /// The error for a listed path that cannot be found: it names the list and the line, since
  /// that is where the path has to be fixed.
  public func missing(_ entry: Entry, message: String) -> PLError {
    .inputMissing(source: source, message: "\(Self.place(entry.line, nulSeparated)): \(entry.path): \(message)")
  }

  /// The listed paths that do not exist (a dangling symbolic link does not), each with its
  /// error (66), in list order. Standard input (`-`) always exists.
  public func missingEntries() -> [(entry: Entry, error: PLError)] {
    var result: [(entry: Entry, error: PLError)] = []
    for entry in entries where entry.path != FileStream.standardInputName {
      var info = stat()
      if stat(entry.path, &info) != 0 {
        result.append((entry, missing(entry, message: systemMessage(errno))))
      }
    }
    return result
  }

  /// The error for a list read from standard input that also names standard input as data,
  /// among the FILE arguments (`line` nil) or on a line of its own.
  public static func standardInputTwice(line: Int?, nulSeparated: Bool) -> PLError {
    if let line {
      return .usage("--files-from -: \(Self.place(line, nulSeparated)): - would read standard input, which holds this list: give the data as a file")
    }
    return .usage("- names standard input, which already holds the list of files (--files-from -): give the data as a file")
  }

  /// The first `-` of the list when the list itself is standard input: it cannot be data too.
  public func checkStandardInputOnce() throws(PLError) {
    guard isStandardInput, let entry = entries.first(where: { $0.path == FileStream.standardInputName }) else { return }
    throw Self.standardInputTwice(line: entry.line, nulSeparated: nulSeparated)
  }
}

/// `--files-from FILE|-` and `-0`/`--null`: the input paths of a command read from a list, so
/// that a cluster stage (Spark's `RDD.pipe()`, Hadoop Streaming) or `find … -print0` can hand a
/// share of files to one process.
public struct FileListOptions: ParsableArguments {
  @Option(
    name: .customLong("files-from"),
    help: ArgumentHelp(
      "Read the input paths from FILE (- for standard input), one a line: blank lines are passed over, relative paths are relative to the current directory, and they come after the FILE arguments. A listed path that does not exist is an error naming the list and its line (exit 66).",
      valueName: "FILE"))
  public var filesFrom: String?

  @Flag(name: [.customShort("0"), .customLong("null")], help: "The --files-from list is separated by NUL bytes (find -print0, pl-promote pending --format paths -0), not by lines.")
  public var nulSeparated = false

  public init() {}

  public func validate() throws {
    if nulSeparated && filesFrom == nil { throw ValidationError("-0 (--null) goes with --files-from.") }
    if let filesFrom, filesFrom.isEmpty { throw ValidationError("--files-from takes a file, or - for standard input.") }
  }

  /// True when the list is read from standard input (which then cannot be data too).
  public var readsStandardInput: Bool { filesFrom == FileStream.standardInputName }

  /// The list, or nil without `--files-from`. A `-` among the listed paths is refused (64)
  /// when the list is standard input.
  public func read() throws(PLError) -> FileList? {
    guard let filesFrom else { return nil }
    let list = try FileList.read(from: filesFrom, nulSeparated: nulSeparated)
    try list.checkStandardInputOnce()
    return list
  }
}
