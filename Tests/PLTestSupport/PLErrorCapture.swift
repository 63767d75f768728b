import PLCore
import Testing

/// The error `body` throws, when it is a `PLError`.
public func plError(_ body: () throws -> Void) -> PLError? {
  do {
    try body()
    return nil
  } catch let error as PLError {
    return error
  } catch {
    Issue.record("unexpected error \(error)")
    return nil
  }
}
