import Foundation
import KMSCrypto
import KMSTestSupport
import Testing

@Suite("Root key wrapping")
struct RootKeyTests {
    let rootKey = try! RootKey(rawBytes: RootKey.generateRawBytes())

    @Test func wrapsAndUnwrapsKeyVersions() throws {
        let material = KeyMaterial.generate()
        let id = UUID()
        let wrapped = try rootKey.wrap(material, keyID: id, version: 1)
        let unwrapped = try rootKey.unwrap(wrapped, keyID: id, version: 1)
        #expect(unwrapped.withUnsafeBytes { Array($0) } == material.withUnsafeBytes { Array($0) })
        let raw = material.withUnsafeBytes { Array($0) }
        #expect(!wrapped.contains(subsequence: raw))
    }

    @Test func wrappedMaterialIsBoundToKeyAndVersion() throws {
        let id = UUID()
        let wrapped = try rootKey.wrap(KeyMaterial.generate(), keyID: id, version: 1)
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try rootKey.unwrap(wrapped, keyID: id, version: 2) }
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try rootKey.unwrap(wrapped, keyID: UUID(), version: 1) }
        let otherRoot = try RootKey(rawBytes: RootKey.generateRawBytes())
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try otherRoot.unwrap(wrapped, keyID: id, version: 1) }
    }

    @Test func sealedSecretsAreBoundToPurpose() throws {
        let sealed = try rootKey.seal(secret: Array("s3cret".utf8), purpose: "access-key/A")
        #expect(try rootKey.open(sealedSecret: sealed, purpose: "access-key/A") == Array("s3cret".utf8))
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try rootKey.open(sealedSecret: sealed, purpose: "access-key/B") }
    }

    @Test func rejectsWrongRootKeySize() {
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try RootKey(rawBytes: [UInt8](repeating: 0, count: 16)) }
    }

    @Test func keyMaterialNeverPrintsItsBytes() {
        let material = KeyMaterial.generate()
        #expect(String(describing: material) == "KeyMaterial(redacted)")
        #expect(String(reflecting: material) == "KeyMaterial(redacted)")
    }
}
