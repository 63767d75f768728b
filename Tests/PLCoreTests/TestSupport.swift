import Foundation
import PLCore
@_exported import PLTestSupport

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
