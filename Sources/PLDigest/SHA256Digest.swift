import CPLCrypto
import PLCore

/// A SHA-256 digest fed incrementally, as the bytes of a source stream past.
///
/// A source's sha256 names it in bronze and in manifests, and is computed while the source is
/// read rather than in a second pass: attach a digest to a `ByteStream`'s observers, read, and
/// ask for `finalize()` at the end. Backed by libcrypto's EVP interface.
///
/// Contract: `observe` may be called any number of times with any chunking; `finalize()` ends
/// the digest and returns its lowercase hex form, and returns the same string if called again.
/// Observing bytes after `finalize()` is a programming error and traps.
public final class SHA256Digest: ByteObserver {
  /// The EVP_MD_CTX; owned, freed in `deinit` only (a throwing init still runs `deinit`).
  private let context: OpaquePointer
  private var result: String?

  /// Starts an empty digest.
  ///
  /// - Throws: `DigestError.library` when libcrypto cannot allocate or set up SHA-256.
  public init() throws(DigestError) {
    guard let context = EVP_MD_CTX_new() else { throw .library(function: "EVP_MD_CTX_new") }
    self.context = context
    guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
      throw .library(function: "EVP_DigestInit_ex")
    }
  }

  deinit {
    EVP_MD_CTX_free(context)
  }

  /// Adds `bytes` to the digest.
  public func observe(_ bytes: UnsafeRawBufferPointer) {
    precondition(result == nil, "SHA256Digest.observe called after finalize()")
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    // With an initialised SHA-256 context, EVP_DigestUpdate cannot fail.
    let ok = EVP_DigestUpdate(context, base, bytes.count)
    precondition(ok == 1, "EVP_DigestUpdate failed on an initialised SHA-256 context")
  }

  /// Ends the digest and returns it as 64 lowercase hexadecimal digits.
  ///
  /// Idempotent: later calls return the same string without touching libcrypto.
  public func finalize() -> String {
    if let result { return result }
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let ok = EVP_DigestFinal_ex(context, &digest, &length)
    precondition(ok == 1, "EVP_DigestFinal_ex failed on an initialised SHA-256 context")
    let hex = SHA256Digest.hexString(digest.prefix(Int(length)))
    result = hex
    return hex
  }

  /// The SHA-256 of `bytes` as 64 lowercase hexadecimal digits.
  ///
  /// - Throws: `DigestError.library` when libcrypto cannot provide SHA-256.
  public static func hex(of bytes: [UInt8]) throws(DigestError) -> String {
    let digest = try SHA256Digest()
    bytes.withUnsafeBytes { digest.observe($0) }
    return digest.finalize()
  }

  private static func hexString(_ bytes: ArraySlice<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
