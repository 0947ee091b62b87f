import Foundation
import KMSCrypto
import Testing

@Suite("HMAC key material")
struct HMACKeyMaterialTests {
    static let message = Data("Trent HMAC vector: the quick brown fox".utf8)

    /// Expected MACs from Python's hmac and hashlib, with the key bytes 1, 2, 3, ….
    static let vectors: [(KeySpec, Int, String)] = [
        (.hmac224, 28, "7f6121508f254cbde6b8452f47a599c2b53a0d837a937f70d6f5e068"),
        (.hmac256, 32, "0cab31755aabce1eb2ee02800ead9bc2384eb08e628e567ad53eed22490df8fe"),
        (.hmac384, 48, "666ff72d5b585feae17cbd724c34255871ddae12014c7a5ce00902a679d43e70a775fa5885128e0eae63443246f6c856"),
        (.hmac512, 64, "4a5326677b489f2ea753cce30a6072b0671026aa0022d9e74ef775e3a9cc8153c9367267d9b2e111893256c216351ca90a76f0c64b1d286a5651ab27c206f90f"),
    ]

    static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    @Test(arguments: vectors)
    func macsMatchAnIndependentImplementation(spec: KeySpec, length: Int, expected: String) throws {
        let material = try HMACKeyMaterial(spec: spec, unsafeRawBytes: (1...length).map { UInt8($0) })
        let mac = material.mac(Self.message)
        #expect(Self.hex(mac) == expected)
        #expect(material.isValid(mac, for: Self.message))
        var tampered = mac
        tampered[0] ^= 1
        #expect(!material.isValid(tampered, for: Self.message))
        #expect(!material.isValid(mac, for: Self.message + Data([0])))
        #expect(!material.isValid(mac.prefix(mac.count - 1), for: Self.message))
    }

    @Test(arguments: vectors)
    func generatedMaterialHasTheSpecsLengthAndSurvivesTheRootKey(spec: KeySpec, length: Int, expected: String) async throws {
        let material = try KeyMaterial.generate(spec)
        guard case .hmac(let hmac) = material else {
            Issue.record("\(spec) generated \(material)")
            return
        }
        #expect(hmac.withUnsafeBytes { $0.count } == length)
        let root = try RootKey(rawBytes: RootKey.generateRawBytes())
        let id = UUID()
        let wrapped = try await root.wrap(material, keyID: id, version: 1)
        guard case .hmac(let unwrapped) = try await root.unwrap(wrapped, format: .current, spec: spec, keyID: id, version: 1) else {
            Issue.record("unwrapped material is not HMAC")
            return
        }
        #expect(unwrapped.mac(Self.message) == hmac.mac(Self.message))
        // The spec is bound into the wrapping: the same bytes cannot come back as another kind of key.
        await #expect(throws: (any Error).self) { try await root.unwrap(wrapped, format: .current, spec: .symmetricDefault, keyID: id, version: 1) }
    }

    @Test func materialOfTheWrongLengthIsRefused() {
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try HMACKeyMaterial(spec: .hmac256, unsafeRawBytes: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try HMACKeyMaterial(spec: .symmetricDefault, unsafeRawBytes: [UInt8](repeating: 1, count: 32)) }
    }
}
