import Foundation
import PLCore
@_exported import PLTestSupport

/// The block sizes every streaming reader is tried under.
///
/// `BlockBuffer` allocates at least 16 bytes, so sizes below 16 behave as 16; the sweep
/// 16…40 moves the block boundaries across every position of short test inputs.
let chunkings: [Int] = [1, 2, 3, 7] + Array(16...40) + [64, 4096]

/// Parses `bytes` as a record, keeping the typed error.
func parseRecord(_ bytes: [UInt8]) -> Result<Record, JSONSyntaxError> {
  bytes.withUnsafeBufferPointer { buffer in
    do throws(JSONSyntaxError) { return .success(try JSONParser.parseRecord(buffer)) } catch { return .failure(error) }
  }
}

func parseRecord(_ text: String) -> Result<Record, JSONSyntaxError> { parseRecord(Array(text.utf8)) }

/// Parses `text` as one JSON value.
func parseValue(_ text: String) -> Result<JSONValue, JSONSyntaxError> {
  Array(text.utf8).withUnsafeBufferPointer { buffer in
    do throws(JSONSyntaxError) { return .success(try JSONParser.parseValue(buffer)) } catch { return .failure(error) }
  }
}

/// The scanner's verdict on `bytes`.
func scanCompact(_ bytes: [UInt8]) -> JSONScanner.Compact? {
  bytes.withUnsafeBufferPointer { JSONScanner.scanCompact($0) }
}



extension Result {
  var failure: Failure? {
    if case .failure(let e) = self { return e }
    return nil
  }
  var success: Success? {
    if case .success(let v) = self { return v }
    return nil
  }
}





/// A `ByteStream` over a new temporary file holding `bytes`, named `name` in a fresh
/// directory. The directory is removed at once: the open descriptor keeps the data readable.
func temporarySource(_ bytes: [UInt8], name: String = "in.txt") throws -> FileStream {
  let dir = try TemporaryDirectory()
  return try withExtendedLifetime(dir) {
    let path = try dir.write(name, bytes)
    return try FileStream(path: path)
  }
}

/// Calls `body` with a fresh `ByteStream` for each block size of `chunkings`, all over one
/// temporary file holding `bytes` (named `name`, for messages).
func forEachChunking(_ bytes: [UInt8], name: String = "in.txt", _ body: (FileStream, Int) throws -> Void) throws {
  let dir = try TemporaryDirectory()
  let path = try dir.write(name, bytes)
  for blockSize in chunkings { try body(try FileStream(path: path), blockSize) }
}

