import CSecp256k1
import Crypto
public import Foundation

/// The private key of an ECC_SECG_P256K1 signing key version, through Debian's
/// libsecp256k1: ECDSA with SHA-256, DER signatures, low-S as the library
/// always signs. Verification accepts high-S signatures too (normalized
/// first), since other signers may make them.
public struct Secp256k1KeyMaterial: Sendable {
    private let secret: [UInt8]

    /// One context for the process: after creation libsecp256k1 only reads it,
    /// so threads may share it. Randomized once against side channels.
    nonisolated(unsafe) private static let context: OpaquePointer = {
        let context = secp256k1_context_create(trent_secp256k1_context_none())!
        var seed = [UInt8](repeating: 0, count: 32)
        SymmetricKey(size: .bits256).withUnsafeBytes { seed = Array($0) }
        _ = secp256k1_context_randomize(context, seed)
        return context
    }()

    static func generate() -> Secp256k1KeyMaterial {
        while true {
            let candidate = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            if secp256k1_ec_seckey_verify(context, candidate) == 1 { return Secp256k1KeyMaterial(secret: candidate) }
        }
    }

    private init(secret: [UInt8]) {
        self.secret = secret
    }

    /// Only for tests and key import paths that already hold the raw scalar.
    public init(rawRepresentation bytes: [UInt8]) throws(KMSCryptoError) {
        guard bytes.count == 32, secp256k1_ec_seckey_verify(Self.context, bytes) == 1 else { throw .invalidKeyMaterial }
        secret = bytes
    }

    /// The private scalar, which the root key wraps; for tests that prove it never reaches storage.
    public func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try secret.withUnsafeBytes(body)
    }

    /// The uncompressed public point (0x04 ‖ x ‖ y).
    var publicPoint: [UInt8] {
        var key = secp256k1_pubkey()
        precondition(secp256k1_ec_pubkey_create(Self.context, &key, secret) == 1, "a verified secret key has a public key")
        var output = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(Self.context, &output, &length, &key, trent_secp256k1_ec_uncompressed())
        return output
    }

    /// The public key as DER SubjectPublicKeyInfo (id-ecPublicKey, secp256k1).
    public var publicKeyDER: Data {
        Data([0x30, 0x56, 0x30, 0x10, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A, 0x03, 0x42, 0x00])
            + publicPoint
    }

    /// The private key as PKCS#8 DER (an RFC 5915 ECPrivateKey with its public point), as GenerateDataKeyPair returns it.
    var pkcs8DER: Data {
        var der: [UInt8] = [0x30, 0x81, 0x84, 0x02, 0x01, 0x00]
        der += [0x30, 0x10, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A]
        der += [0x04, 0x6D, 0x30, 0x6B, 0x02, 0x01, 0x01, 0x04, 0x20] + secret
        der += [0xA1, 0x44, 0x03, 0x42, 0x00] + publicPoint
        return Data(der)
    }

    private static func digest(_ message: Data, isDigest: Bool) -> [UInt8] {
        isDigest ? Array(message) : Array(SHA256.hash(data: message))
    }

    /// A DER ECDSA signature of `message` hashed with SHA-256, or of the 32-byte digest `message`.
    public func sign(_ message: Data, isDigest: Bool) throws(KMSCryptoError) -> Data {
        let hash = Self.digest(message, isDigest: isDigest)
        guard hash.count == 32 else { throw .primitiveFailure }
        var signature = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_sign(Self.context, &signature, hash, secret, nil, nil) == 1 else { throw .primitiveFailure }
        var output = [UInt8](repeating: 0, count: 72)
        var length = 72
        guard secp256k1_ecdsa_signature_serialize_der(Self.context, &output, &length, &signature) == 1 else { throw .primitiveFailure }
        return Data(output.prefix(length))
    }

    /// Whether `signature` (DER) is this key's signature of `message` (or of the digest `message`).
    public func isValid(_ signature: Data, for message: Data, isDigest: Bool) -> Bool {
        let hash = Self.digest(message, isDigest: isDigest)
        guard hash.count == 32 else { return false }
        var parsed = secp256k1_ecdsa_signature()
        let der = Array(signature)
        guard secp256k1_ecdsa_signature_parse_der(Self.context, &parsed, der, der.count) == 1 else { return false }
        var normalized = secp256k1_ecdsa_signature()
        _ = secp256k1_ecdsa_signature_normalize(Self.context, &normalized, &parsed)
        var key = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(Self.context, &key, secret) == 1 else { return false }
        return secp256k1_ecdsa_verify(Self.context, &normalized, hash, &key) == 1
    }
}

extension Secp256k1KeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "KeyMaterial(ECC_SECG_P256K1, redacted)" }
    public var debugDescription: String { description }
}
