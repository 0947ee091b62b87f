import Foundation
@testable import KMSCrypto
import Testing

@Suite("Ciphertext blob format v1")
struct CiphertextBlobTests {
    static let material = try! SymmetricKeyMaterial(unsafeRawBytes: [UInt8](repeating: 7, count: 32))
    static let keyID = UUID()

    static func sealHello(context: [String: String] = ["purpose": "test", "tenant": "a"]) throws -> [UInt8] {
        Array(try SymmetricEnvelope.seal(Array("hello, trent".utf8), keyID: keyID, keyVersion: 3, material: material, context: context))
    }

    @Test func roundTripCarriesKeyIDAndVersion() throws {
        let bytes = try Self.sealHello()
        let blob = try CiphertextBlob(parsing: bytes)
        #expect(blob.keyID == Self.keyID)
        #expect(blob.keyVersion == 3)
        #expect(bytes.count == CiphertextBlob.overhead + 12)
        let plaintext = try SymmetricEnvelope.open(blob, material: Self.material, context: ["tenant": "a", "purpose": "test"])
        #expect(plaintext == Array("hello, trent".utf8))
    }

    @Test func everyFlippedByteIsRejected() throws {
        let bytes = try Self.sealHello()
        for index in bytes.indices {
            for mask: UInt8 in [0x01, 0x80] {
                var tampered = bytes
                tampered[index] ^= mask
                #expect(throws: KMSCryptoError.invalidCiphertext, "byte \(index) mask \(mask)") {
                    try SymmetricEnvelope.open(CiphertextBlob(parsing: tampered), material: Self.material, context: ["purpose": "test", "tenant": "a"])
                }
            }
        }
    }

    @Test func everyTruncationIsRejected() throws {
        let bytes = try Self.sealHello()
        for length in 0..<bytes.count {
            #expect(throws: KMSCryptoError.invalidCiphertext, "length \(length)") {
                try SymmetricEnvelope.open(CiphertextBlob(parsing: bytes.prefix(length)), material: Self.material, context: ["purpose": "test", "tenant": "a"])
            }
        }
    }

    @Test(arguments: [
        [:],
        ["purpose": "test"],
        ["purpose": "test", "tenant": "b"],
        ["purpose": "test", "tenant": "a", "extra": ""],
        ["purpose": "testtenant", "": "a"],
    ])
    func wrongContextIsRejected(context: [String: String]) throws {
        let blob = try CiphertextBlob(parsing: try Self.sealHello())
        #expect(throws: KMSCryptoError.invalidCiphertext) {
            try SymmetricEnvelope.open(blob, material: Self.material, context: context)
        }
    }

    @Test func wrongKeyMaterialIsRejected() throws {
        let blob = try CiphertextBlob(parsing: try Self.sealHello())
        #expect(throws: KMSCryptoError.invalidCiphertext) {
            try SymmetricEnvelope.open(blob, material: SymmetricKeyMaterial.generate(), context: ["purpose": "test", "tenant": "a"])
        }
    }

    @Test func unknownFormatVersionIsRejected() throws {
        var bytes = try Self.sealHello()
        bytes[0] = 2
        #expect(throws: KMSCryptoError.invalidCiphertext) { try CiphertextBlob(parsing: bytes) }
    }

    @Test func freshSaltAndNonceEveryTime() throws {
        let first = try CiphertextBlob(parsing: try Self.sealHello())
        let second = try CiphertextBlob(parsing: try Self.sealHello())
        #expect(first.salt != second.salt)
        #expect(first.nonce != second.nonce)
        #expect(first.ciphertext != second.ciphertext)
    }
}

@Suite("Encryption context canonicalisation")
struct EncryptionContextTests {
    @Test func orderDoesNotMatter() {
        let pairs = (0..<20).map { ("key\($0)", "value\($0)") }
        let forward = Dictionary(uniqueKeysWithValues: pairs)
        let backward = Dictionary(uniqueKeysWithValues: pairs.reversed())
        #expect(EncryptionContext.canonicalBytes(forward) == EncryptionContext.canonicalBytes(backward))
    }

    @Test func boundariesAreUnambiguous() {
        #expect(EncryptionContext.canonicalBytes(["a": "bc"]) != EncryptionContext.canonicalBytes(["ab": "c"]))
        #expect(EncryptionContext.canonicalBytes([:]) != EncryptionContext.canonicalBytes(["": ""]))
    }
}
