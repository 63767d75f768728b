import CPLCrypto

/// A keyed HMAC-SHA-256 (RFC 2104), set up once for its key and applied to many messages.
///
/// Pseudonyms are computed per record, so the key's inner and outer pad blocks are hashed
/// once, in `init`, and each message then costs two context copies and two short SHA-256
/// runs over libcrypto's EVP digest interface. The key is kept only inside those contexts.
///
/// Contract: `authenticate` gives the same 32 bytes for the same key and message on every
/// run and machine. An instance is not safe to use from two threads at once.
public final class HMACSHA256 {
  /// SHA-256 of key ⊕ ipad and of key ⊕ opad, so far; owned, freed in `deinit` only.
  private let inner: OpaquePointer
  private let outer: OpaquePointer
  /// The context each message is computed in.
  private let work: OpaquePointer
  private var innerDigest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))

  /// The length of a MAC in bytes.
  public static let byteCount = 32
  private static let blockSize = 64

  /// Sets up the MAC for `key` (any length; keys longer than a block are hashed first).
  ///
  /// - Throws: `DigestError.library` when libcrypto cannot allocate or set up SHA-256.
  public init(key: [UInt8]) throws(DigestError) {
    guard let inner = EVP_MD_CTX_new() else { throw .library(function: "EVP_MD_CTX_new") }
    self.inner = inner
    guard let outer = EVP_MD_CTX_new() else {
      EVP_MD_CTX_free(inner)
      throw .library(function: "EVP_MD_CTX_new")
    }
    self.outer = outer
    guard let work = EVP_MD_CTX_new() else {
      EVP_MD_CTX_free(inner)
      EVP_MD_CTX_free(outer)
      throw .library(function: "EVP_MD_CTX_new")
    }
    self.work = work
    var block = key
    if block.count > Self.blockSize { block = try Self.sha256(key) }
    block += [UInt8](repeating: 0, count: Self.blockSize - block.count)
    let innerPad = block.map { $0 ^ 0x36 }
    let outerPad = block.map { $0 ^ 0x5c }
    for (context, pad) in [(inner, innerPad), (outer, outerPad)] {
      guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { throw .library(function: "EVP_DigestInit_ex") }
      guard EVP_DigestUpdate(context, pad, pad.count) == 1 else { throw .library(function: "EVP_DigestUpdate") }
    }
  }

  deinit {
    EVP_MD_CTX_free(inner)
    EVP_MD_CTX_free(outer)
    EVP_MD_CTX_free(work)
  }

  /// The MAC of `message`, written to `out` (which must hold `byteCount` bytes).
  public func authenticate(_ message: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
    // With initialised SHA-256 contexts, copies, updates and finals cannot fail.
    var ok = EVP_MD_CTX_copy_ex(work, inner)
    if let base = message.baseAddress, message.count > 0 { ok &= EVP_DigestUpdate(work, base, message.count) }
    var length: UInt32 = 0
    innerDigest.withUnsafeMutableBufferPointer { digest in
      ok &= EVP_DigestFinal_ex(work, digest.baseAddress, &length)
      ok &= EVP_MD_CTX_copy_ex(work, outer)
      ok &= EVP_DigestUpdate(work, digest.baseAddress, Int(length))
    }
    ok &= EVP_DigestFinal_ex(work, out, &length)
    precondition(ok == 1 && length == UInt32(Self.byteCount), "HMAC-SHA-256 failed on initialised SHA-256 contexts")
  }

  /// The MAC of `message` as 32 bytes.
  public func authenticate(_ message: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Self.byteCount)
    message.withUnsafeBytes { bytes in out.withUnsafeMutableBufferPointer { authenticate(bytes, into: $0.baseAddress!) } }
    return out
  }

  /// The MAC of `message` as 64 lowercase hexadecimal digits.
  public func hex(_ message: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(Self.byteCount * 2)
    for byte in authenticate(message) {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func sha256(_ bytes: [UInt8]) throws(DigestError) -> [UInt8] {
    let hasher = try SHA256Hasher()
    var out = [UInt8](repeating: 0, count: SHA256Hasher.byteCount)
    bytes.withUnsafeBytes { b in out.withUnsafeMutableBufferPointer { hasher.hash(b, into: $0.baseAddress!) } }
    return out
  }
}
