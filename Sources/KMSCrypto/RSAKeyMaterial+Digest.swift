import CLibCrypto
import CryptoExtras
public import Foundation

/// RSA signatures of a digest the caller supplies (MessageType DIGEST), made
/// and checked by OpenSSL's libcrypto: swift-crypto signs only digests of its
/// own hash types, which cannot be built from bytes.
extension RSAKeyMaterial {
    /// The signature of the `hash`-sized `digest` under `scheme`.
    public func sign(digest: Data, hash: Hash, scheme: Scheme) throws(KMSCryptoError) -> Data {
        guard digest.count == hash.byteCount, let privateKey = Self.parse(key.derRepresentation, with: d2i_AutoPrivateKey) else {
            throw .primitiveFailure
        }
        defer { EVP_PKEY_free(privateKey) }
        guard let context = EVP_PKEY_CTX_new(privateKey, nil) else { throw .primitiveFailure }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_sign_init(context) == 1, Self.configure(context, hash: hash, scheme: scheme) else { throw .primitiveFailure }
        var signature = [UInt8](repeating: 0, count: key.keySizeInBits / 8)
        var length = signature.count
        let signed = digest.withUnsafeBytes { EVP_PKEY_sign(context, &signature, &length, $0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
        guard signed == 1 else { throw .primitiveFailure }
        return Data(signature.prefix(length))
    }

    /// Whether `signature` is this key's signature of the `hash`-sized `digest` under `scheme`.
    public func isValid(_ signature: Data, forDigest digest: Data, hash: Hash, scheme: Scheme) -> Bool {
        guard digest.count == hash.byteCount, let publicKey = Self.parse(publicKeyDER, with: d2i_PUBKEY) else { return false }
        defer { EVP_PKEY_free(publicKey) }
        guard let context = EVP_PKEY_CTX_new(publicKey, nil) else { return false }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_init(context) == 1, Self.configure(context, hash: hash, scheme: scheme) else { return false }
        return signature.withUnsafeBytes { signatureBytes in
            digest.withUnsafeBytes { digestBytes in
                EVP_PKEY_verify(
                    context, signatureBytes.bindMemory(to: UInt8.self).baseAddress, signatureBytes.count,
                    digestBytes.bindMemory(to: UInt8.self).baseAddress, digestBytes.count
                ) == 1
            }
        }
    }

    private typealias DERParser = (UnsafeMutablePointer<OpaquePointer?>?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, Int) -> OpaquePointer?

    private static func parse(_ der: Data, with parser: DERParser) -> OpaquePointer? {
        der.withUnsafeBytes { raw in
            var cursor = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer($0) }
            return parser(nil, &cursor, raw.count)
        }
    }

    /// PSS with MGF1 over the same hash and a salt as long as the digest, as AWS signs; or PKCS #1 v1.5.
    private static func configure(_ context: OpaquePointer, hash: Hash, scheme: Scheme) -> Bool {
        let digest = switch hash {
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
        guard EVP_PKEY_CTX_set_signature_md(context, digest) == 1 else { return false }
        switch scheme {
        case .pkcs1v15:
            return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
        case .pss:
            return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(context, digest) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) == 1
        }
    }
}
