import Foundation
import PLCore
@_exported import PLTestSupport
import PLExtract
import Testing

/// A record with string values and `_pl` {source, line}, as the extractors write them.
func row(_ line: Int, _ pairs: KeyValuePairs<String, String>, source: String = "t.csv") -> Record {
  var record = Record(pairs.map { ($0.key, JSONValue.string($0.value)) })
  record.setProvenance(source: source, line: line)
  return record
}

