import CPLCrypto

/// One-shot SHA-256 of many short byte strings, reusing one libcrypto context.
///
/// For fingerprints computed per record (deduplication keys), where `SHA256Digest`'s
/// allocation per digest and hexadecimal text would cost more than the hashing itself.
/// Not safe to use from two threads at once.
public final class SHA256Hasher {
  /// The EVP_MD_CTX; owned, freed in `deinit` only (a throwing init still runs `deinit`).
  private let context: OpaquePointer

  /// The length of a digest in bytes.
  public static let byteCount = 32

  /// - Throws: `DigestError.library` when libcrypto cannot allocate a context.
  public init() throws(DigestError) {
    guard let context = EVP_MD_CTX_new() else { throw .library(function: "EVP_MD_CTX_new") }
    self.context = context
    guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { throw .library(function: "EVP_DigestInit_ex") }
  }

  deinit { EVP_MD_CTX_free(context) }

  /// Writes the SHA-256 of `bytes` to `out` (which must hold `byteCount` bytes).
  public func hash(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
    // The context was initialised for SHA-256 in `init`; passing a nil type re-initialises it
    // for the same digest without a new lookup, and cannot fail.
    var ok = EVP_DigestInit_ex(context, nil, nil)
    if let base = bytes.baseAddress, bytes.count > 0 { ok &= EVP_DigestUpdate(context, base, bytes.count) }
    var length: UInt32 = 0
    ok &= EVP_DigestFinal_ex(context, out, &length)
    precondition(ok == 1 && length == UInt32(Self.byteCount), "SHA-256 failed on an initialised context")
  }
}
