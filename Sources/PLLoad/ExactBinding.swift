/// How a value must be handed to the database so that it is stored exactly as it came.
///
/// A dialect decides it from the value and the column's type (`SQLDialect`); the sink binds
/// accordingly, or refuses the load.
public enum ExactBinding: Equatable, Sendable {
  /// Bind the value's text as it is.
  case text
  /// Bind this integer.
  case integer(Int64)
  /// Bind this double.
  case real(Double)
  /// No binding stores the value unchanged in this column: the load must be refused.
  case refused
}
