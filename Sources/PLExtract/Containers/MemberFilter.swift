/// Which members of an archive (and files of a folder) are not data: passed over by name.
///
/// Archives made on a Mac carry `__MACOSX/` resource forks and `.DS_Store` files; Windows adds
/// `Thumbs.db`; an open Office file leaves a `~$` lock file beside it. None holds records, and
/// reading them would only make nonsense records or errors. A README or other documentation
/// is text the CSV reader would turn into a one-column table of prose: it is reported and
/// passed over too. A file named on the command line is never filtered: it was asked for.
enum MemberFilter {
  /// Why `path` (a member's path, or a file's name in a folder) is junk, or nil.
  static func junk(_ path: String) -> String? {
    let components = path.split { $0 == "/" || $0 == "\\" }
    guard let base = components.last else { return nil }
    if components.contains(where: { $0 == "__MACOSX" }) { return "macOS resource fork" }
    switch base.lowercased() {
    case ".ds_store": return "macOS folder settings"
    case "thumbs.db", "desktop.ini", "ehthumbs.db": return "Windows folder settings"
    default: break
    }
    if base.hasPrefix("~$") { return "Office lock file" }
    if components.contains(where: { $0.hasPrefix(".") && $0 != "." && $0 != ".." }) { return "hidden file" }
    return nil
  }

  /// Why `path` is documentation rather than data (README files, Markdown), or nil.
  static func documentation(_ path: String) -> String? {
    guard let base = path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last?.lowercased() else { return nil }
    if base.hasPrefix("readme") || base.hasPrefix("read_me") || base.hasPrefix("read me") || base.hasSuffix(".md") {
      return "documentation, not data"
    }
    return nil
  }
}
