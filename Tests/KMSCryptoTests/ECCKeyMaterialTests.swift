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
    func theRootKeyWrapsThePrivateScalarAndTheSpecIsBound(spec: KeySpec) async throws {
        let material = try KeyMaterial.generate(spec)
        guard case .ecc(let key) = material else {
            Issue.record("\(spec) generated no ECC material")
            return
        }
        let root = try RootKey(rawBytes: RootKey.generateRawBytes())
        let id = UUID()
        let wrapped = try await root.wrap(material, keyID: id, version: 3)
        guard case .ecc(let unwrapped) = try await root.unwrap(wrapped, format: .current, spec: spec, keyID: id, version: 3) else {
            Issue.record("unwrapped material is not ECC")
            return
        }
        #expect(unwrapped.publicKeyDER == key.publicKeyDER)
        #expect(unwrapped.isValid(try key.sign(Self.message, isDigest: false), for: Self.message, isDigest: false))
        let scalar = key.withRawBytes { Array($0) }
        #expect(!wrapped.contains(subsequence: scalar))
        let otherSpec: KeySpec = spec == .eccNistP256 ? .eccNistP384 : .eccNistP256
        await #expect(throws: (any Error).self) { try await root.unwrap(wrapped, format: .current, spec: otherSpec, keyID: id, version: 3) }
    }
}

extension ECCKeyMaterialTests {
    @Test func ed25519SignsWholeMessagesAndPrehashedOnes() throws {
        guard case .ecc(let key) = try KeyMaterial.generate(.eccNistEdwards25519) else {
            Issue.record("no Ed25519 material")
            return
        }
        let signature = try key.sign(Self.message, isDigest: false)
        #expect(signature.count == 64)
        #expect(key.isValid(signature, for: Self.message, isDigest: false))
        #expect(!key.isValid(signature, for: Self.message + Data([0]), isDigest: false))
        // Ed25519 and Ed25519ph signatures of the same bytes differ (RFC 8032's dom2 prefix).
        #expect(!key.isValid(signature, for: Self.message, isDigest: true))
        let prehashed = try key.sign(Self.message, isDigest: true)
        #expect(prehashed != signature && key.isValid(prehashed, for: Self.message, isDigest: true))
        #expect(!key.isValid(prehashed, for: Self.message, isDigest: false))
        // RFC 8410's SubjectPublicKeyInfo: a 12-byte header, then the key.
        #expect(key.publicKeyDER.count == 44 && key.publicKeyDER.prefix(4) == Data([0x30, 0x2A, 0x30, 0x05]))
    }
}

extension ECCKeyMaterialTests {
    /// RFC 8032 section 7.3, the Ed25519ph test vector ("abc"), as libsodium prehashes its input.
    @Test func ed25519phMatchesRFC8032() throws {
        let key = try ECCKeyMaterial(spec: .eccNistEdwards25519, rawRepresentation: hex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"))
        #expect(key.publicKeyDER.suffix(32) == Data(hex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf")))
        let signature = try key.sign(Data("abc".utf8), isDigest: true)
        let expected = "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
            + "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406"
        #expect(signature == Data(hex(expected)))
        #expect(key.isValid(signature, for: Data("abc".utf8), isDigest: true))
        #expect(!key.isValid(signature, for: Data("abd".utf8), isDigest: true))
    }
}

extension ECCKeyMaterialTests {
    @Test func secp256k1SignsThroughLibsecp256k1AndSurvivesTheRootKey() async throws {
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
        let wrapped = try await root.wrap(material, keyID: id, version: 1)
        guard case .secp256k1(let unwrapped) = try await root.unwrap(wrapped, format: .current, spec: .eccSecgP256k1, keyID: id, version: 1) else {
            Issue.record("unwrapped material is not secp256k1")
            return
        }
        #expect(unwrapped.publicKeyDER == key.publicKeyDER)
        #expect(throws: KMSCryptoError.invalidKeyMaterial) { try Secp256k1KeyMaterial(rawRepresentation: [UInt8](repeating: 0, count: 32)) }
    }
}
