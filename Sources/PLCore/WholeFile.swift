extension FileStream {
  /// The whole content of the file at `path` (`-`: standard input), for small files read at
  /// once (input lists, specs, schemas, metrics), never for record data.
  ///
  /// - Parameters:
  ///   - limit: the most bytes taken; past it `tooLarge()` is thrown.
  /// - Throws: what opening and reading the file throws (66, 74), or `tooLarge()`.
  public static func readAll(path: String, limit: Int = .max, tooLarge: () -> PLError = { .internalError("file too large") }) throws(PLError) -> [UInt8] {
    let stream = try FileStream(path: path)
    var bytes: [UInt8] = []
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    defer { block.deallocate() }
    while true {
      let n = try stream.read(into: block)
      if n == 0 { break }
      bytes += block[0..<n]
      if bytes.count > limit { throw tooLarge() }
    }
    return bytes
  }
}
