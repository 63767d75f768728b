import Foundation
import PLCommandLine
import PLCore
import PLTestSupport
import Testing

/// `--files-from` lists: how lines and NUL-separated entries become paths, and the errors that
/// name the list and the line.
@Suite struct FileListTests {
  func parse(_ text: String, nul: Bool = false) throws(PLError) -> FileList {
    try FileList(bytes: Array(text.utf8), source: "list.txt", nulSeparated: nul)
  }

  @Test func linesBecomePathsWithTheirLineNumbers() throws {
    let list = try parse("a.csv\nsub dir/b c.csv\n../up.csv\n")
    #expect(list.paths == ["a.csv", "sub dir/b c.csv", "../up.csv"])
    #expect(list.entries.map(\.line) == [1, 2, 3])
  }

  @Test func blankLinesArePassedOverButCounted() throws {
    let list = try parse("\na.csv\n   \n\t\nb.csv\n\n")
    #expect(list.paths == ["a.csv", "b.csv"])
    #expect(list.entries.map(\.line) == [2, 5])
  }

  @Test func spacesInsideAPathAreKept() throws {
    #expect(try parse(" lead.csv\ntrail.csv \n").paths == [" lead.csv", "trail.csv "])
  }

  @Test func crlfAndByteOrderMarkAreNotPartOfPaths() throws {
    let list = try FileList(bytes: [0xEF, 0xBB, 0xBF] + Array("a.csv\r\nb.csv\r\n".utf8), source: "l", nulSeparated: false)
    #expect(list.paths == ["a.csv", "b.csv"])
  }

  @Test func lastLineWithoutNewline() throws {
    #expect(try parse("a.csv\nb.csv").paths == ["a.csv", "b.csv"])
  }

  @Test func emptyListHasNoEntries() throws {
    #expect(try parse("").entries.isEmpty)
    #expect(try parse("\n\n").entries.isEmpty)
    #expect(try parse("", nul: true).entries.isEmpty)
  }

  @Test func nulSeparatedKeepsNewlinesAndSpacesInPaths() throws {
    let list = try parse("a.csv\0odd\nname.csv\0  \0last.csv\0", nul: true)
    #expect(list.paths == ["a.csv", "odd\nname.csv", "  ", "last.csv"])
    #expect(list.entries.map(\.line) == [1, 2, 3, 4])
  }

  @Test func emptyNulEntriesArePassedOver() throws {
    let list = try parse("a\0\0b", nul: true)
    #expect(list.paths == ["a", "b"])
    #expect(list.entries.map(\.line) == [1, 3])
  }

  @Test func nulByteInLineModeIsAnErrorThatSaysUseDashZero() {
    let error = plError { _ = try parse("a.csv\nb.csv\0c.csv\0") }
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.hasPrefix("list.txt: line 2: a NUL byte") == true)
    #expect(error?.description.contains("-0") == true)
  }

  @Test func pathThatIsNotUTF8() {
    let line = plError { _ = try FileList(bytes: Array("ok\n".utf8) + [0x66, 0xFF, 0x0A], source: "l", nulSeparated: false) }
    #expect(line?.description == "l: line 2: the path is not UTF-8 text")
    let entry = plError { _ = try FileList(bytes: [0x61, 0, 0xC3], source: "l", nulSeparated: true) }
    #expect(entry?.description == "l: entry 2: the path is not UTF-8 text")
    #expect(entry?.exitStatus == .dataError)
  }

  @Test func missingEntriesNameTheListAndLine() throws {
    let dir = try TemporaryDirectory()
    let here = try dir.write("here.csv", "a\n1\n")
    try FileManager.default.createDirectory(atPath: dir.file("folder"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: dir.file("dangling.csv"), withDestinationPath: dir.file("gone"))
    let text = "\(here)\n\n\(dir.file("nope.csv"))\n\(dir.file("folder"))\n-\n\(dir.file("dangling.csv"))\n"
    let list = try parse(text)
    let missing = list.missingEntries()
    #expect(missing.map(\.entry.line) == [3, 6])
    #expect(missing.first?.error == .inputMissing(source: "list.txt", message: "line 3: \(dir.file("nope.csv")): No such file or directory"))
    #expect(missing.first?.error.exitStatus == .noInput)
    let nul = try parse("\(dir.file("nope.csv"))\0", nul: true)
    #expect(nul.missingEntries().first?.error.description == "list.txt: entry 1: \(dir.file("nope.csv")): No such file or directory")
  }

  @Test func readsAFileAndRefusesAMissingList() throws {
    let dir = try TemporaryDirectory()
    // Larger than one read block, so that the list is put together from several.
    let paths = (1...20_000).map { "bronze/inbox/ingest_date=2026-01-01/\($0).csv" }
    let path = try dir.write("list.txt", paths.joined(separator: "\n") + "\n")
    let list = try FileList.read(from: path, nulSeparated: false)
    #expect(list.paths == paths)
    #expect(list.source == path)
    #expect(!list.isStandardInput)
    let error = plError { _ = try FileList.read(from: dir.file("absent.txt"), nulSeparated: false) }
    #expect(error == .inputMissing(source: dir.file("absent.txt"), message: "No such file or directory"))
  }

  @Test func dashInAListFromStandardInputIsRefused() throws {
    let fromFile = try parse("a.csv\n-\n")
    try fromFile.checkStandardInputOnce()
    let fromStdin = try FileList(bytes: Array("a.csv\n\n-\n".utf8), source: "-", nulSeparated: false)
    #expect(fromStdin.isStandardInput)
    let error = plError { try fromStdin.checkStandardInputOnce() }
    #expect(error?.exitStatus == .usage)
    #expect(error?.description == "--files-from -: line 3: - would read standard input, which holds this list: give the data as a file")
  }
}
