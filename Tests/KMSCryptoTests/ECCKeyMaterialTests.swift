import Crypto
import Foundation
import KMSCrypto
import KMSTestSupport
import Testing

@Suite("Elliptic-curve signing key material")
struct ECCKeyMaterialTests {
    static let specs: [KeySpec] = [.eccNistP256, .eccNistP384, .eccNistP521]
    static let message = Data("signed in a unit test".utf8)

    static func digest(_ spec: KeySpec) -> Data {
        switch spec {
        case .eccNistP256: Data(SHA256.hash(data: message))
        case .eccNistP384: Data(SHA384.hash(data: message))
        default: Data(SHA512.hash(data: message))
        }
    }

    @Test(arguments: specs)
    func signaturesOfMessagesAndOfTheirDigestsVerifyEitherWay(spec: KeySpec) throws {
        guard case .ecc(let key) = try KeyMaterial.generate(spec) else {
            Issue.record("\(spec) generated no ECC material")
            return
        }
        #expect(key.digestByteCount == Self.digest(spec).count)
        let raw = try key.sign(Self.message, isDigest: false)
        let prehashed = try key.sign(Self.digest(spec), isDigest: true)
        for signature in [raw, prehashed] {
            #expect(key.isValid(signature, for: Self.message, isDigest: false))
            #expect(key.isValid(signature, for: Self.digest(spec), isDigest: true))
            #expect(!key.isValid(signature, for: Self.message + Data([0]), isDigest: false))
        }
        var tampered = raw
        tampered[tampered.count - 1] ^= 1
        #expect(!key.isValid(tampered, for: Self.message, isDigest: false))
        #expect(!key.isValid(Data([0x30, 0x00]), for: Self.message, isDigest: false))
    }

    @Test(arguments: specs + [.eccNistEdwards25519])
    func theRootKeyWrapsThePrivateScalarAndTheSpecIsBound(spec: KeySpec) throws {
        let material = try KeyMaterial.generate(spec)
        guard case .ecc(let key) = material else {
            Issue.record("\(spec) generated no ECC material")
            return
        }
        let root = try RootKey(rawBytes: RootKey.generateRawBytes())
        let id = UUID()
        let wrapped = try root.wrap(material, keyID: id, version: 3)
        guard case .ecc(let unwrapped) = try root.unwrap(wrapped, format: .current, spec: spec, keyID: id, version: 3) else {
            Issue.record("unwrapped material is not ECC")
            return
        }
        #expect(unwrapped.publicKeyDER == key.publicKeyDER)
        #expect(unwrapped.isValid(try key.sign(Self.message, isDigest: false), for: Self.message, isDigest: false))
        let scalar = key.withRawBytes { Array($0) }
        #expect(!wrapped.contains(subsequence: scalar))
        let otherSpec: KeySpec = spec == .eccNistP256 ? .eccNistP384 : .eccNistP256
        #expect(throws: (any Error).self) { try root.unwrap(wrapped, format: .current, spec: otherSpec, keyID: id, version: 3) }
    }
}

extension ECCKeyMaterialTests {
    @Test func ed25519SignsWholeMessagesOnly() throws {
        guard case .ecc(let key) = try KeyMaterial.generate(.eccNistEdwards25519) else {
            Issue.record("no Ed25519 material")
            return
        }
        let signature = try key.sign(Self.message, isDigest: false)
        #expect(signature.count == 64)
        #expect(key.isValid(signature, for: Self.message, isDigest: false))
        #expect(!key.isValid(signature, for: Self.message + Data([0]), isDigest: false))
        #expect(!key.isValid(signature, for: Self.message, isDigest: true))
        #expect(throws: KMSCryptoError.primitiveFailure) { try key.sign(Data(count: 64), isDigest: true) }
        // RFC 8410's SubjectPublicKeyInfo: a 12-byte header, then the key.
        #expect(key.publicKeyDER.count == 44 && key.publicKeyDER.prefix(4) == Data([0x30, 0x2A, 0x30, 0x05]))
    }
}

extension ECCKeyMaterialTests {
    @Test func secp256k1SignsThroughLibsecp256k1AndSurvivesTheRootKey() throws {
        let material = try KeyMaterial.generate(.eccSecgP256k1)
        guard case .secp256k1(let key) = material else {
            Issue.record("no secp256k1 material")
            return
        }
        let digest = Data(SHA256.hash(data: Self.message))
        for signature in [try key.sign(Self.message, isDigest: false), try key.sign(digest, isDigest: true)] {
            #expect(key.isValid(signature, for: Self.message, isDigest: false))
            #expect(key.isValid(signature, for: digest, isDigest: true))
            #expect(!key.isValid(signature, for: Self.message + Data([0]), isDigest: false))
        }
        #expect(key.publicKeyDER.count == 88)
        let root = try RootKey(rawBytes: RootKey.generateRawBytes())
        let id = UUID()
        let wrapped = try root.wrap(material, keyID: id, version: 1)
        guard case .secp256k1(let unwrapped) = try root.unwrap(wrapped, format: .current, spec: .eccSecgP256k1, keyID: id, version: 1) else {
            Issue.record("unwrapped material is not secp256k1")
            return
        }
        #expect(unwrapped.publicKeyDER == key.publicKeyDER)
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try Secp256k1KeyMaterial(rawRepresentation: [UInt8](repeating: 0, count: 32)) }
    }
}
