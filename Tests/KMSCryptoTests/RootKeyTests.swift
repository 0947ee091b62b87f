import Foundation
import KMSCrypto
import KMSTestSupport
import Testing

@Suite("Root key wrapping")
struct RootKeyTests {
    let rootKey = try! RootKey(rawBytes: RootKey.generateRawBytes())

    func rawBytes(_ material: KeyMaterial) -> [UInt8] {
        switch material {
        case .symmetric(let symmetric): symmetric.withUnsafeBytes { Array($0) }
        case .hmac(let hmac): hmac.withUnsafeBytes { Array($0) }
        case .ecc(let ecc): ecc.withRawBytes { Array($0) }
        case .rsa(let rsa): rsa.withDERBytes { Array($0) }
        case .secp256k1(let key): key.withRawBytes { Array($0) }
        case .mlDsa(let key): key.withSeedBytes { Array($0) }
        }
    }

    func unwrap(_ wrapped: [UInt8], with root: RootKey? = nil, keyID: UUID, version: UInt32) async throws -> KeyMaterial {
        try await (root ?? rootKey).unwrap(wrapped, format: .current, spec: .symmetricDefault, keyID: keyID, version: version)
    }

    @Test func wrapsAndUnwrapsKeyVersions() async throws {
        let material = try KeyMaterial.generate(.symmetricDefault)
        let id = UUID()
        let wrapped = try await rootKey.wrap(material, keyID: id, version: 1)
        let unwrapped = try await unwrap(wrapped, keyID: id, version: 1)
        #expect(unwrapped.spec == .symmetricDefault)
        #expect(rawBytes(unwrapped) == rawBytes(material))
        #expect(!wrapped.contains(subsequence: rawBytes(material)))
    }

    @Test func wrappedMaterialIsBoundToKeyAndVersion() async throws {
        let id = UUID()
        let wrapped = try await rootKey.wrap(KeyMaterial.generate(.symmetricDefault), keyID: id, version: 1)
        await #expect(throws: KMSCryptoError.invalidKeyMaterial) { try await unwrap(wrapped, keyID: id, version: 2) }
        await #expect(throws: KMSCryptoError.invalidKeyMaterial) { try await unwrap(wrapped, keyID: UUID(), version: 1) }
        let otherRoot = try RootKey(rawBytes: RootKey.generateRawBytes())
        await #expect(throws: KMSCryptoError.invalidKeyMaterial) { try await unwrap(wrapped, with: otherRoot, keyID: id, version: 1) }
    }

    @Test func sealedSecretsAreBoundToPurpose() async throws {
        let sealed = try await rootKey.seal(secret: Array("s3cret".utf8), purpose: "access-key/A")
        #expect(try await rootKey.open(sealedSecret: sealed, purpose: "access-key/A") == Array("s3cret".utf8))
        await #expect(throws: KMSCryptoError.invalidKeyMaterial) { try await rootKey.open(sealedSecret: sealed, purpose: "access-key/B") }
    }

    @Test func rejectsWrongRootKeySize() {
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try RootKey(rawBytes: [UInt8](repeating: 0, count: 16)) }
    }

    @Test func keyMaterialNeverPrintsItsBytes() {
        let material = SymmetricKeyMaterial.generate()
        #expect(String(describing: material) == "KeyMaterial(redacted)")
        #expect(String(reflecting: material) == "KeyMaterial(redacted)")
        let typed = KeyMaterial.symmetric(material)
        #expect(String(describing: typed) == "KeyMaterial(SYMMETRIC_DEFAULT, redacted)")
        #expect(String(reflecting: typed) == "KeyMaterial(SYMMETRIC_DEFAULT, redacted)")
    }
}
