import Foundation
import KMSCrypto
import Testing

/// Key versions wrapped by Python `cryptography` (Vectors/make_key_wrapping.py)
/// in each wrapping format: format 1 as the first release wrote it, format 2
/// with the key spec bound into the AAD.
@Suite("Key wrapping vectors")
struct KeyWrappingVectorTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        var name: String
        var rootKey: String
        var keyId: String
        var version: UInt32
        var wrapped: String
        var format: Int
        var spec: String
        var material: String?
        var testDescription: String { name }
    }

    static let vectors: [Vector] = loadVectors("key-wrapping.json")

    @Test(arguments: vectors)
    func unwrapsExactlyAsWrapped(_ vector: Vector) async throws {
        let root = try RootKey(rawBytes: hex(vector.rootKey))
        let format = try #require(WrappingFormat(rawValue: vector.format))
        let spec = try #require(KeySpec(rawValue: vector.spec))
        let keyID = try #require(UUID(uuidString: vector.keyId))
        if let expected = vector.material {
            let material = try await root.unwrap(hex(vector.wrapped), format: format, spec: spec, keyID: keyID, version: vector.version)
            guard case .symmetric(let symmetric) = material else { Issue.record("not symmetric material"); return }
            #expect(symmetric.withUnsafeBytes { Array($0) } == hex(expected))
        } else {
            await #expect(throws: KMSCryptoError.invalidKeyMaterial) {
                try await root.unwrap(hex(vector.wrapped), format: format, spec: spec, keyID: keyID, version: vector.version)
            }
        }
    }

    /// What Trent writes today opens as the current format and names its spec.
    @Test func currentWrappingIsFormat2() async throws {
        let root = try RootKey(rawBytes: hex(Self.vectors[0].rootKey))
        let keyID = UUID()
        let wrapped = try await root.wrap(.generate(.symmetricDefault), keyID: keyID, version: 3)
        #expect(WrappingFormat.current == .v2)
        _ = try await root.unwrap(wrapped, format: .v2, spec: .symmetricDefault, keyID: keyID, version: 3)
        await #expect(throws: KMSCryptoError.invalidKeyMaterial) {
            try await root.unwrap(wrapped, format: .v1, spec: .symmetricDefault, keyID: keyID, version: 3)
        }
    }
}
