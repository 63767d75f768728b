/// Why a digest could not be computed.
///
/// A digest fails only when libcrypto itself cannot provide SHA-256 (no memory, or an OpenSSL
/// configuration that removed the algorithm); input data can never cause it.
public enum DigestError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The libcrypto call `function` failed.
  case library(function: String)

  public var description: String {
    switch self {
    case .library(let function):
      "sha256: libcrypto \(function) failed (out of memory, or SHA-256 disabled by the OpenSSL configuration)"
    }
  }
}
