import PLCore
// INTERIM (replaced by the load branch).
extension SQLiteSink: CompactLineSink {
  public var wantsMembers: Bool { true }
  public func write(line: CompactLine) throws(PLError) -> Bool {
    try write(compactLine: line.bytes, members: line.members, metaMember: line.metaMember)
  }
}
