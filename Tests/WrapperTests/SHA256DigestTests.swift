import PLDigest
import Testing

@Suite struct SHA256DigestTests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func knownVectors(input: String, expected: String) throws {
    #expect(try SHA256Digest.hex(of: Array(input.utf8)) == expected)
  }

  /// 1 MiB of a repeating pattern; the expected value is Python's hashlib.sha256.
  static let mebibyte = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
  static let mebibyteDigest = "06b7bbfb7824aa03382051691630eb26de85102d1b08a81e907ec0744cd8a286"

  @Test(arguments: [1, 3, 7, 4093, 65_537, 1 << 20])
  func chunkingDoesNotChangeTheDigest(chunkSize: Int) throws {
    let digest = try SHA256Digest()
    Self.mebibyte.withUnsafeBytes { all in
      for start in stride(from: 0, to: all.count, by: chunkSize) {
        digest.observe(UnsafeRawBufferPointer(rebasing: all[start..<min(start + chunkSize, all.count)]))
      }
    }
    #expect(digest.finalize() == Self.mebibyteDigest)
  }

  @Test func finalizeIsIdempotent() throws {
    let digest = try SHA256Digest()
    Array("abc".utf8).withUnsafeBytes { digest.observe($0) }
    let first = digest.finalize()
    #expect(digest.finalize() == first)
    #expect(first == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func emptyChunksChangeNothing() throws {
    let digest = try SHA256Digest()
    digest.observe(UnsafeRawBufferPointer(start: nil, count: 0))
    Array("abc".utf8).withUnsafeBytes { digest.observe($0) }
    [UInt8]().withUnsafeBytes { digest.observe($0) }
    #expect(digest.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }
}
