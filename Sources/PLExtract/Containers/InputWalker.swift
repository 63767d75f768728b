#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import PLArchive
import PLCore

/// Where an input came from, which decides how much is asked of it.
enum InputOrigin {
  /// Named on the command line (or standard input): read whatever it is, or refused.
  case argument
  /// Found by walking a folder: junk and documentation are passed over, like members.
  case folder
  /// A member of an archive: junk, documentation and kinds no reader reads are reported
  /// and passed over, never fatal.
  case member
}

/// One input that holds records (no container), replayed from its first byte.
struct LeafInput {
  /// The bytes, named as the source (`_pl.source`).
  let stream: ReplayStream
  /// The name a reader is chosen by (`results.csv` for `results.csv.gz`).
  let formatName: String
  /// `_pl.meta` members its records inherit from what held it (an e-mail's headers).
  var meta: [Field] = []
  /// Named on the command line, found in a folder, or a member.
  var origin = InputOrigin.argument
}

/// What reading one input gave.
struct ReadResult {
  var records = 0
  /// For the summary's source entry (and `--detect`).
  var details: [Field] = []
  /// The fields of the `--detect` object after `source` (a leaf's decisions, its records,
  /// its first error), without the sha256, which is known only once the input is drained.
  var detectFields: [Field]?
}

/// Turns each path of the command line into the inputs that hold records: folders walked,
/// compressed files decompressed, archives opened member by member, recursively.
///
/// What an input is comes from its content (`ContainerKind`), not its name. Nothing is
/// written to disk: members are streamed from libarchive, so a member named `../evil.csv` or
/// `/etc/passwd` is only a name. Every file and member is a source of its own in the summary,
/// with the sha256 of its bytes as stored (a compressed file's compressed bytes, a member's
/// bytes as unpacked), computed by the observer while the input is read, never read twice.
///
/// Error policy: an input that fails (missing, damaged, bad data) stops the run under
/// `ErrorPolicy.fail`; under `.skip` it is reported, listed in the summary with its sha256
/// and passed over, and the walk goes on with the next file or member. A damaged archive
/// ends at the damage: its members after it cannot be reached.
///
/// Folders are walked in byte-wise order of their entries' names, so runs are repeatable.
/// Hidden entries (`.name`) are passed over and counted; sub-folders are read only with
/// `ExtractPlan.recursive` (else reported); symbolic links to files are read, to folders not
/// followed (no loops).
final class InputWalker {
  let plan: ExtractPlan
  let pipeline: Pipeline
  weak var observer: ExtractObserver?
  /// Reads a leaf's records into the pipeline.
  let readLeaf: (LeafInput) throws(PLError) -> ReadResult
  /// The kind of a leaf no reader reads (`a PDF document`), or nil.
  let unreadableKind: (String, UnsafeBufferPointer<UInt8>) -> String?
  /// The file or standard input being read, whose bytes the progress meter shows.
  private(set) var top: (any ByteStream)?
  /// `_pl.meta` members the records of the input being read inherit (an e-mail's headers).
  var inheritedMeta: [Field] = []
  /// The failure a reader already reported under `--on-error skip` (passed over as a bad
  /// record), so that it is not reported again for its input.
  private var reported: PLError?

  /// The size of the head that containers, encodings and formats are decided from.
  static let headSize = 1 << 16

  init(
    plan: ExtractPlan, pipeline: Pipeline, observer: ExtractObserver?,
    readLeaf: @escaping (LeafInput) throws(PLError) -> ReadResult,
    unreadableKind: @escaping (String, UnsafeBufferPointer<UInt8>) -> String?
  ) {
    self.plan = plan
    self.pipeline = pipeline
    self.observer = observer
    self.readLeaf = readLeaf
    self.unreadableKind = unreadableKind
  }

  /// Reads everything `path` holds: a file, standard input (`-`) or a folder.
  ///
  /// - Throws: `PLError.inputMissing` when it cannot be opened; under `ErrorPolicy.fail`,
  ///   the first failure of anything in it.
  func walk(_ path: String) throws(PLError) {
    if path != FileStream.standardInputName, Self.fileType(path, following: true) == S_IFDIR {
      try walkFolder(path)
      return
    }
    try readFile(path, origin: .argument)
  }

  func readFile(_ path: String, origin: InputOrigin) throws(PLError) {
    let stream = try FileStream(path: path)
    top = stream
    try readItem(stream, source: stream.name, formatName: path, origin: origin, depth: 0, budget: plan.limits.archive.maxTotalBytes)
    observer?.inputFinished(stream)
  }

  // MARK: - Folders

  func walkFolder(_ path: String) throws(PLError) {
    let names = try Self.entries(of: path)
    var hidden = 0
    var junk = 0
    var folders: [String] = []
    var files = 0
    for name in names {
      if name.hasPrefix(".") {
        hidden += 1
        continue
      }
      let full = path.hasSuffix("/") ? path + name : path + "/" + name
      let linkType = Self.fileType(full, following: false)
      let type = Self.fileType(full, following: true)
      if type == S_IFDIR {
        if linkType == S_IFLNK {
          observer?.warning("\(full): skipped: a symbolic link to a folder, never followed")
        } else if plan.recursive {
          try walkFolder(full)
        } else {
          folders.append(name)
        }
        continue
      }
      guard type == S_IFREG else {
        observer?.warning("\(full): skipped: \(type == nil ? "a broken symbolic link" : "not a regular file")")
        continue
      }
      if MemberFilter.junk(name) != nil {
        junk += 1
        continue
      }
      files += 1
      do throws(PLError) {
        try readFile(full, origin: .folder)
      } catch {
        // Opening failed (a file removed meanwhile, no permission): as for a missing file.
        guard plan.errorPolicy == .skip, error.isInputProblem, error != reported else { throw error }
        pipeline.skipped(error)
        observer?.sourceFailed(name: full, source: nil, records: 0, error: error, complete: false)
      }
    }
    if hidden + junk > 0 {
      observer?.note("\(path): passed over \(hidden + junk) hidden or system file\(hidden + junk == 1 ? "" : "s")")
    }
    if files == 0 && folders.isEmpty {
      observer?.warning("\(path): a folder with no file to read")
    }
    if !folders.isEmpty {
      let list = folders.map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }.joined(separator: ", ")
      observer?.warning("skipped sub-folder\(folders.count == 1 ? "" : "s") (-r reads them): \(list)")
    }
  }

  /// The names in folder `path`, in byte-wise order, without `.` and `..`.
  static func entries(of path: String) throws(PLError) -> [String] {
    guard let dir = opendir(path) else { throw .inputMissing(source: path, message: systemMessage(errno)) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// The file type bits of `path` (`S_IFDIR`, `S_IFREG`, `S_IFLNK`), nil when it cannot be
  /// examined (missing, a broken link when following).
  static func fileType(_ path: String, following: Bool) -> mode_t? {
    var info = stat()
    let status = following ? stat(path, &info) : lstat(path, &info)
    return status == 0 ? info.st_mode & S_IFMT : nil
  }

  // MARK: - Files and members

  /// Reads one file or member as stored (`stored` is what its sha256 is of), whatever it
  /// holds, and reports it as a source. Under `--on-error skip` its failure is reported and
  /// passed over here.
  ///
  /// - Returns: the records it gave.
  @discardableResult
  func readItem(
    _ stored: any ByteStream, source: String, formatName: String, origin: InputOrigin, depth: Int, budget: Int,
    convert: @escaping (PLError) -> PLError = { $0 }
  ) throws(PLError) -> Int {
    observer?.sourceOpened(stored)
    let replay = ReplayStream(name: source, rest: stored, convert: convert)
    var result: ReadResult
    do throws(PLError) {
      result = try readContent(replay, formatName: formatName, origin: origin, depth: depth, budget: budget)
      if let failure = replay.failure {
        // A reader passed over the failure as a bad record and ended.
        if plan.errorPolicy == .skip && plan.mode == .records { reported = failure }
        throw failure
      }
      try replay.drain()
    } catch {
      var failure = error
      if let first = replay.failure {
        if replay.refusedAfterFailure && plan.errorPolicy == .skip && plan.mode == .records { reported = first }
        failure = first
      }
      guard plan.errorPolicy == .skip, failure.isInputProblem else { throw failure }
      if failure != reported { pipeline.skipped(failure) }
      reported = failure
      var complete = replay.failure == nil
      if complete {
        do throws(PLError) { try replay.drain() } catch { complete = false }
      }
      observer?.sourceFailed(name: source, source: stored, records: 0, error: failure, complete: complete)
      if plan.mode == .detect {
        var fields = [Field("source", .string(source)), Field("error", .string(failure.description))]
        if complete, let sha = observer?.sha256(of: stored) { fields.append(Field("sha256", .string(sha))) }
        try emit(fields, source: source)
      }
      // A member whose archive failed ends the archive: the caller must not read on.
      if replay.failure != nil { throw failure }
      return 0
    }
    observer?.sourceFinished(stored, records: result.records, details: result.details)
    if plan.mode == .detect, let fields = result.detectFields {
      var object = [Field("source", .string(source))] + fields
      if let sha = observer?.sha256(of: stored) { object.append(Field("sha256", .string(sha))) }
      try emit(object, source: source)
    }
    return result.records
  }

  /// Writes one object of `--detect` for `source`.
  func emit(_ fields: [Field], source: String) throws(PLError) {
    var record = Record()
    record.fields = fields
    if plan.includeMeta { record.meta = [Field(MetaKey.source, .string(source))] }
    try pipeline.run(RecordList([record], sourceName: source))
  }

  /// Reads what `stream` holds: a container is opened, anything else goes to a reader.
  func readContent(_ stream: ReplayStream, formatName: String, origin: InputOrigin, depth: Int, budget: Int) throws(PLError) -> ReadResult {
    let head = try stream.peekHead(Self.headSize)
    let kind = head.withUnsafeBufferPointer { ContainerKind.detect(name: formatName, head: $0) }
    if let kind {
      guard depth < plan.limits.maxDepth else {
        throw .malformed(
          source: stream.name, location: nil,
          message: "refused: containers nested more than \(plan.limits.maxDepth) deep (an archive in an archive in an archive …); --max-depth raises the limit")
      }
      switch kind {
      case .compressed(let compression):
        return try readCompressed(stream, compression: compression, formatName: formatName, origin: origin, depth: depth, budget: budget)
      case .archive(let format):
        return try readArchive(stream, format: format, depth: depth, budget: budget)
      case .mail:
        return try readMail(stream, depth: depth, budget: budget)
      }
    }
    if head.withUnsafeBufferPointer({ OutlookMessage.recognise(name: formatName, head: $0) }) {
      throw OutlookMessage.refusal(name: stream.name)
    }
    if origin != .argument && plan.format == .auto {
      let reason = MemberFilter.documentation(formatName)
        ?? head.withUnsafeBufferPointer { unreadableKind(formatName, $0) }.map { "\($0), which this version of pl-extract does not read" }
      if let reason { return try passOver(stream, reason: reason) }
    }
    return try readLeaf(LeafInput(stream: stream, formatName: formatName, meta: inheritedMeta, origin: origin))
  }

  /// Reports an input that is not read and reads it through (its sha256 is still wanted).
  func passOver(_ stream: ReplayStream, reason: String) throws(PLError) -> ReadResult {
    observer?.warning("skipped \(stream.name): \(reason)")
    try stream.drain()
    let details = [Field("skipped", .string(reason))]
    return ReadResult(records: 0, details: details, detectFields: details)
  }

  func limits(_ budget: Int) -> ArchiveLimits {
    var limits = plan.limits.archive
    limits.maxTotalBytes = max(0, min(limits.maxTotalBytes, budget))
    return limits
  }

  /// A compressed file: its decompressed bytes are read as the same source, under the name
  /// without the compression suffix (which may choose the reader).
  func readCompressed(
    _ stream: ReplayStream, compression: String, formatName: String, origin: InputOrigin, depth: Int, budget: Int
  ) throws(PLError) -> ReadResult {
    let reader: ArchiveReader
    do {
      reader = try ArchiveReader(stream: stream, kind: .compressedFile, limits: limits(budget), unsafeNames: .keep)
    } catch {
      throw Self.failure(error, container: stream.name, format: compression, member: nil)
    }
    let convert: (PLError) -> PLError = { [unowned reader] error in
      reader.failure.map { Self.failure($0, container: stream.name, format: compression, member: nil) } ?? error
    }
    var result = ReadResult()
    do throws(ArchiveError) {
      if try reader.next() != nil, let member = reader.memberStream() {
        let inner = ReplayStream(name: stream.name, rest: member, convert: convert)
        do throws(PLError) {
          result = try readContent(
            inner, formatName: MemberPath.decompressedName(of: formatName), origin: origin, depth: depth + 1,
            budget: reader.limits.maxTotalBytes)
          if let failure = inner.failure { throw failure }
          try inner.drain()
        } catch {
          // The decompressed bytes failed, or what read them (the first failure wins: a
          // reader told to skip may have passed it over).
          if inner.refusedAfterFailure && plan.errorPolicy == .skip && plan.mode == .records { reported = inner.failure }
          throw .stream(inner.failure ?? error)
        }
      }
      while try reader.next() != nil {}
    } catch {
      throw Self.failure(error, container: stream.name, format: compression, member: nil)
    }
    let field = Field("compression", .string(compression))
    result.details.insert(field, at: min(1, result.details.count))
    if var fields = result.detectFields {
      fields.insert(field, at: min(1, fields.count))
      result.detectFields = fields
    }
    return result
  }

  /// An archive: each regular member is read as if it were a file named `archive!member`.
  func readArchive(_ stream: ReplayStream, format: String, depth: Int, budget: Int) throws(PLError) -> ReadResult {
    let reader: ArchiveReader
    do {
      reader = try ArchiveReader(stream: stream, kind: .archive, limits: limits(budget), unsafeNames: .keep)
    } catch {
      throw Self.failure(error, container: stream.name, format: format, member: nil)
    }
    var entries = 0
    var read = 0
    var passedOver = 0
    var records = 0
    var current: (number: Int, name: String)?
    let archiveName = stream.name
    do throws(ArchiveError) {
      while let entry = try reader.next() {
        entries += 1
        current = (entries, entry.pathname)
        guard entries <= plan.limits.maxMembers else {
          throw .stream(.malformed(
            source: archiveName, location: nil,
            message: "refused: more than \(plan.limits.maxMembers) members; --max-members raises the limit"))
        }
        let name = MemberPath.display(archive: archiveName, member: entry.pathname)
        switch entry.kind {
        case .directory:
          continue
        case .symbolicLink, .hardLink, .special:
          observer?.warning("skipped \(name): a \(entry.kind.rawValue), never followed")
          passedOver += 1
          continue
        case .regularFile:
          break
        }
        if MemberFilter.junk(entry.pathname) != nil {
          passedOver += 1
          continue
        }
        if let problem = entry.nameProblem {
          observer?.warning("\(name): \(problem); read in memory under that name, never written anywhere")
        }
        guard let member = reader.memberStream() else { continue }
        let number = entries
        let convert: (PLError) -> PLError = { [unowned reader] error in
          reader.failure.map { Self.failure($0, container: archiveName, format: format, member: (number, entry.pathname, read)) } ?? error
        }
        do throws(PLError) {
          records += try readItem(
            member, source: name, formatName: entry.pathname, origin: .member, depth: depth + 1,
            budget: max(0, reader.limits.maxTotalBytes - reader.expandedBytes), convert: convert)
        } catch {
          throw .stream(error)
        }
        read += 1
      }
    } catch {
      if case .stream(let inner) = error { throw inner }
      throw Self.failure(error, container: archiveName, format: format, member: current.map { ($0.number, $0.name, read) })
    }
    var details = [Field("format", .string(format)), Field("members", .integer(read))]
    if passedOver > 0 { details.append(Field("members_passed_over", .integer(passedOver))) }
    return ReadResult(records: records, details: details, detectFields: details)
  }

  /// An e-mail: each attachment is read as if it were a file named `message.eml!attachment`,
  /// its records carrying the message's sender, date, subject and id in `_pl.meta`. A message
  /// without an attachment is a failure of its input, not an empty success.
  func readMail(_ stream: ReplayStream, depth: Int, budget: Int) throws(PLError) -> ReadResult {
    let limits = MailLimits(maxDecodedBytes: min(MailLimits().maxDecodedBytes, max(budget, 1)))
    var bytes: [UInt8] = []
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    defer { chunk.deallocate() }
    while true {
      let n = try stream.read(into: chunk)
      if n == 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
      guard bytes.count <= limits.maxDecodedBytes else {
        throw .malformed(
          source: stream.name, location: nil,
          message: "refused: an e-mail larger than \(Self.size(limits.maxDecodedBytes)); --max-total-size raises the limit")
      }
    }
    let message = try MailMessage.parse(bytes, name: stream.name, limits: limits)
    for note in message.notes { observer?.warning("\(stream.name): \(note)") }
    guard !message.attachments.isEmpty else {
      throw .malformed(
        source: stream.name, location: nil,
        message: "an e-mail without an attachment to read (\(message.skippedParts) text part\(message.skippedParts == 1 ? "" : "s") passed over)")
    }
    var records = 0
    var used = Set<String>()
    let outer = inheritedMeta
    defer { inheritedMeta = outer }
    for attachment in message.attachments {
      // Two attachments of one name are told apart by their MIME section.
      var member = attachment.filename
      if !used.insert(member).inserted { member = "\(attachment.section)/\(attachment.filename)" }
      let name = MemberPath.display(archive: stream.name, member: member)
      inheritedMeta = outer + Self.mailMeta(attachment.message)
      records += try readItem(
        MemoryStream(attachment.bytes, name: name), source: name, formatName: attachment.filename, origin: .member,
        depth: depth + 1, budget: budget)
    }
    var details: [Field] = [
      Field("format", .string("e-mail")), Field("attachments", .integer(message.attachments.count)),
      Field("parts_passed_over", .integer(message.skippedParts)),
    ]
    details += Self.mailMeta(message.headers)
    return ReadResult(records: records, details: details, detectFields: details)
  }

  /// What a message says of itself, as `_pl.meta` members of its attachments' records.
  static func mailMeta(_ headers: MailHeaders) -> [Field] {
    var fields: [Field] = []
    if let from = headers.from { fields.append(Field("mail_from", .string(from))) }
    if let date = headers.utcDate ?? headers.date { fields.append(Field("mail_date", .string(date))) }
    if let subject = headers.subject { fields.append(Field("mail_subject", .string(subject))) }
    if let id = headers.messageID { fields.append(Field("mail_message_id", .string(id))) }
    return fields
  }

  /// The walker's message for an archive reader's error: the limit passed and the flag that
  /// raises it, or what is damaged and how far the reading got.
  static func failure(_ error: ArchiveError, container: String, format: String, member: (number: Int, name: String, read: Int)?) -> PLError {
    switch error {
    case .stream(let error):
      return error
    case .cannotOpen(let archive, let message):
      return .inputMissing(source: archive, message: message)
    case .tooLarge(let archive, let name, let limit):
      return .malformed(
        source: MemberPath.display(archive: archive, member: name), location: nil,
        message: "refused: expands to more than \(Self.size(limit)) (a decompression bomb?); --max-total-size raises the limit for a trusted file")
    case .compressionRatioTooHigh(let archive, let name, let limit):
      let ratio = limit == limit.rounded() && limit < 1e15 ? String(Int(limit)) : String(limit)
      return .malformed(
        source: MemberPath.display(archive: archive, member: name), location: nil,
        message: "refused: expands more than \(ratio) times its compressed size (a decompression bomb?); --max-expansion raises the limit for a trusted file")
    case .unsafeMemberPath(let archive, let name, let reason):
      return .malformed(source: MemberPath.display(archive: archive, member: name), location: nil, message: "refused: \(reason)")
    case .unreadable(_, _, let message):
      var text = "damaged or truncated \(format) \(format == "zip" || format == "tar" || format == "7z" ? "archive" : "data"): \(message)"
      if let member {
        text += ", in member \(member.number) (\(member.name)); \(member.read) member\(member.read == 1 ? "" : "s") read before it"
      }
      return .malformed(source: container, location: nil, message: text)
    }
  }

  /// `8 GiB`, `512 MiB`, `100 KiB`, `37 bytes`.
  static func size(_ bytes: Int) -> String {
    for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
      return "\(bytes >> shift) \(unit)"
    }
    return "\(bytes) bytes"
  }
}
