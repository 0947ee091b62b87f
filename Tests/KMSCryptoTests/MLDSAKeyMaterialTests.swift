import Foundation
import KMSCrypto
import Testing

@Suite("ML-DSA key material")
struct MLDSAKeyMaterialTests {
    @Test(arguments: [KeySpec.mlDsa65, .mlDsa87])
    func theSeedSurvivesTheRootKeyAndSignaturesVerify(spec: KeySpec) async throws {
        let material = try KeyMaterial.generate(spec)
        guard case .mlDsa(let key) = material else {
            Issue.record("\(spec) generated no ML-DSA material")
            return
        }
        #expect(key.withSeedBytes { $0.count } == 32)
        let message = Data("post-quantum".utf8)
        let signature = try key.sign(message)
        #expect(key.isValid(signature, for: message))
        #expect(!key.isValid(signature, for: message + Data([0])))
        let root = try RootKey(rawBytes: RootKey.generateRawBytes())
        let id = UUID()
        guard case .mlDsa(let unwrapped) = try await root.unwrap(try await root.wrap(material, keyID: id, version: 1), format: .current, spec: spec, keyID: id, version: 1)
        else {
            Issue.record("unwrapped material is not ML-DSA")
            return
        }
        // The seed determines the key: the unwrapped copy has the same public key and verifies the signature.
        #expect(unwrapped.publicKeyDER == key.publicKeyDER)
        #expect(unwrapped.isValid(signature, for: message))
    }
}
