import PLCore

/// Turns a header row into unique record keys.
///
/// Empty names become the column number (`"3"`), as Miller does for implicit headers;
/// repeated names get `_2`, `_3` as csvkit does; `_pl` is reserved for metadata and is
/// renamed the same way. Keys are UTF-8 validated text.
public enum CSVHeader {
  public static func keys(from names: [String]) -> [String] {
    var seen: Set<String> = [Record.metaKey]
    var keys: [String] = []
    keys.reserveCapacity(names.count)
    for (i, raw) in names.enumerated() {
      let base = raw.isEmpty ? String(i + 1) : raw
      var key = base
      var n = 2
      while seen.contains(key) {
        key = "\(base)_\(n)"
        n += 1
      }
      seen.insert(key)
      keys.append(key)
    }
    return keys
  }

  /// Keys for a file without a header row: the column numbers, from 1.
  public static func numbered(_ count: Int) -> [String] {
    (1...max(count, 1)).map(String.init)
  }
}
