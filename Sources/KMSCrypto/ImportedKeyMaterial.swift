import CLibCrypto
import Crypto
import CryptoExtras
public import Foundation

/// Key material a customer imports (Origin EXTERNAL), in the forms AWS KMS
/// documents: raw bytes for symmetric and HMAC keys, a PKCS #8 DER private
/// key for asymmetric ones (for ML-DSA, the seed-only form).
extension KeyMaterial {
    /// The material of `spec` that `bytes` hold; `invalidKeyMaterial` if they hold none of it.
    public static func imported(_ spec: KeySpec, bytes: [UInt8]) throws(KMSCryptoError) -> KeyMaterial {
        switch spec {
        case .symmetricDefault:
            return .symmetric(try SymmetricKeyMaterial(unsafeRawBytes: bytes))
        case .hmac224, .hmac256, .hmac384, .hmac512:
            return .hmac(try HMACKeyMaterial(spec: spec, unsafeRawBytes: bytes))
        case .rsa2048, .rsa3072, .rsa4096:
            return .rsa(try RSAKeyMaterial(spec: spec, derRepresentation: bytes))
        case .eccNistP256:
            return .ecc(ECCKeyMaterial(curve: .p256(try parse { try P256.Signing.PrivateKey(derRepresentation: bytes) })))
        case .eccNistP384:
            return .ecc(ECCKeyMaterial(curve: .p384(try parse { try P384.Signing.PrivateKey(derRepresentation: bytes) })))
        case .eccNistP521:
            return .ecc(ECCKeyMaterial(curve: .p521(try parse { try P521.Signing.PrivateKey(derRepresentation: bytes) })))
        case .eccNistEdwards25519:
            // RFC 8410's PKCS #8 form: a fixed 16-byte header, then the 32-byte seed.
            guard bytes.count == 48, bytes.prefix(16).elementsEqual(ed25519PKCS8Header) else { throw .invalidKeyMaterial }
            return .ecc(ECCKeyMaterial(curve: .ed25519(try parse { try Curve25519.Signing.PrivateKey(rawRepresentation: bytes.suffix(32)) })))
        case .eccSecgP256k1:
            return .secp256k1(try Secp256k1KeyMaterial(rawRepresentation: try secp256k1Scalar(pkcs8: bytes)))
        case .mlDsa65, .mlDsa87:
            // The seed-only PKCS #8 form (RFC 9881's `seed` choice), which is what Trent keeps of an ML-DSA key.
            let header = mlDsaSeedPKCS8Header(parameterSet: spec == .mlDsa65 ? 0x12 : 0x13)
            guard bytes.count == header.count + 32, bytes.prefix(header.count).elementsEqual(header) else { throw .invalidKeyMaterial }
            return .mlDsa(try MLDSAKeyMaterial(spec: spec, seed: Array(bytes.suffix(32))))
        }
    }

    /// PrivateKeyInfo, version 0, the id-ml-dsa-* algorithm (2.16.840.1.101.3.4.3.`parameterSet`), then [0] the 32-byte seed.
    private static func mlDsaSeedPKCS8Header(parameterSet: UInt8) -> [UInt8] {
        [0x30, 0x34, 0x02, 0x01, 0x00, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, parameterSet, 0x04, 0x22, 0x80, 0x20]
    }

    static let ed25519PKCS8Header: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]

    private static func parse<Key>(_ body: () throws -> Key) throws(KMSCryptoError) -> Key {
        do {
            return try body()
        } catch {
            throw .invalidKeyMaterial
        }
    }

    /// The private scalar of a PKCS #8 secp256k1 key, read by libcrypto (swift-crypto has no such curve).
    private static func secp256k1Scalar(pkcs8 bytes: [UInt8]) throws(KMSCryptoError) -> [UInt8] {
        let key: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let key else { throw .invalidKeyMaterial }
        defer { EVP_PKEY_free(key) }
        var group = [CChar](repeating: 0, count: 64)
        var groupLength = 0
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC,
              EVP_PKEY_get_utf8_string_param(key, "group", &group, group.count, &groupLength) == 1,
              String(decoding: group.prefix(groupLength).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "secp256k1"
        else { throw .invalidKeyMaterial }
        var scalar: OpaquePointer?
        guard EVP_PKEY_get_bn_param(key, "priv", &scalar) == 1, let scalar else { throw .invalidKeyMaterial }
        defer { BN_clear_free(scalar) }
        var output = [UInt8](repeating: 0, count: 32)
        guard BN_bn2binpad(scalar, &output, 32) == 32 else { throw .invalidKeyMaterial }
        return output
    }

    /// Identifies imported material without revealing it, so that a re-import
    /// can be checked against what was imported before, even after the
    /// material itself was deleted: SHA-256 over a label, the key and the material.
    public func importFingerprint(keyID: UUID) -> [UInt8] {
        var hash = SHA256()
        hash.update(data: Array("trent imported key material v1".utf8))
        withUnsafeBytes(of: keyID.uuid) { hash.update(bufferPointer: $0) }
        withEncodedBytes { hash.update(bufferPointer: $0) }
        return Array(hash.finalize())
    }
}
