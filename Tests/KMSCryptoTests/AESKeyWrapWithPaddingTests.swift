import Foundation
import KMSCrypto
import Testing

/// RFC 5649 section 6's two examples (a 192-bit key-encryption key), unwrapped through libcrypto.
@Suite("AES key wrap with padding")
struct AESKeyWrapWithPaddingTests {
    static let kek = hex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8")

    @Test(arguments: [
        ("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a", "c37b7e6492584340bed12207808941155068f738"),
        ("afbeb0f07dfbf5419200f2ccb50bb24f", "466f7250617369"),
    ])
    func unwrapsRFC5649sExamples(wrapped: String, key: String) throws {
        #expect(try AESKeyWrapWithPadding.unwrap(Data(hex(wrapped)), key: Self.kek) == hex(key))
    }

    @Test func anyChangeIsRejected() {
        var tampered = hex("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a")
        tampered[5] ^= 1
        #expect(throws: KMSCryptoError.invalidCiphertext) { try AESKeyWrapWithPadding.unwrap(Data(tampered), key: Self.kek) }
        var otherKey = Self.kek
        otherKey[0] ^= 1
        #expect(throws: KMSCryptoError.invalidCiphertext) {
            try AESKeyWrapWithPadding.unwrap(Data(hex("afbeb0f07dfbf5419200f2ccb50bb24f")), key: otherKey)
        }
        #expect(throws: KMSCryptoError.invalidCiphertext) { try AESKeyWrapWithPadding.unwrap(Data(count: 12), key: Self.kek) }
    }
}
