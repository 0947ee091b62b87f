import Foundation
import KMSCrypto

/// Encryption and decryption under customer master keys, shared by the
/// data-plane operations. The key store does the cryptography; every failure
/// to decrypt is the same opaque InvalidCiphertextException.
extension ServiceEnvironment {
    /// Encrypts under the key's current version: our ciphertext blob for a
    /// symmetric key, the raw RSAES-OAEP ciphertext for an RSA key.
    func encrypt(_ plaintext: Data, under key: ResolvedKey, context: [String: String], algorithm: String?) async throws(KMSError) -> Data {
        let version = try await currentVersion(of: key)
        if key.record.xksKeyID != nil { return try await xksEncrypt(plaintext, under: version, key: key, context: context) }
        if version.wrappingFormat == .customKeyStore { return try await hsmEncrypt(plaintext, under: version, key: key, context: context) }
        guard key.record.keySpec.isRSA else { return try await keyStore.encrypt(plaintext, under: version, context: context) }
        try Self.noContext(context, key: key)
        return try await keyStore.encryptAsymmetric(plaintext, algorithm: algorithm ?? "", under: version)
    }

    /// As AWS KMS: only symmetric encryption binds an encryption context.
    private static func noContext(_ context: [String: String], key: ResolvedKey) throws(KMSError) {
        guard context.isEmpty else {
            throw KMSError.validation("\(key.arn) is an asymmetric key; an encryption context is supported only with symmetric encryption keys.")
        }
    }

    /// The HMAC of `message` under the key's current version.
    func generateMac(_ message: Data, under key: ResolvedKey) async throws(KMSError) -> Data {
        try await keyStore.generateMac(message, under: try await currentVersion(of: key))
    }

    /// Whether `mac` is the key's HMAC of `message`.
    func verifyMac(_ mac: Data, for message: Data, under key: ResolvedKey) async throws(KMSError) -> Bool {
        try await keyStore.verifyMac(mac, for: message, under: try await currentVersion(of: key))
    }

    /// A DER signature of `message` (or of the digest `message`) under the key's current version.
    func sign(_ message: Data, isDigest: Bool, algorithm: String, under key: ResolvedKey) async throws(KMSError) -> Data {
        try await keyStore.sign(message, isDigest: isDigest, algorithm: algorithm, under: try await currentVersion(of: key))
    }

    /// Whether `signature` is the key's signature of `message`.
    func verify(_ signature: Data, for message: Data, isDigest: Bool, algorithm: String, under key: ResolvedKey) async throws(KMSError) -> Bool {
        try await keyStore.verify(signature, for: message, isDigest: isDigest, algorithm: algorithm, under: try await currentVersion(of: key))
    }

    /// The raw ECDH secret of the key's current version with a peer's public key; nil if the peer key is not of its curve.
    func deriveSharedSecret(withPeer publicKey: Data, under key: ResolvedKey) async throws(KMSError) -> Data? {
        try await keyStore.deriveSharedSecret(withPeer: publicKey, under: try await currentVersion(of: key))
    }

    /// The DER public key of the key's current version.
    func publicKey(of key: ResolvedKey) async throws(KMSError) -> Data {
        try await keyStore.publicKey(of: try await currentVersion(of: key))
    }

    private func currentVersion(of key: ResolvedKey) async throws(KMSError) -> StoredKeyVersion {
        let record = key.record
        guard let version = try await storage({ try await $0.keyVersion(record.id, version: record.currentVersion) }) else {
            // The current version is written with the key; its absence is damage, not a client error.
            throw KMSError.internalFailure(MissingKeyVersion(keyID: record.id, version: record.currentVersion))
        }
        try Self.checkMaterialPresent(version, key: key)
        return version
    }

    /// Imported material that was deleted or expired cannot be used until it is imported again.
    private static func checkMaterialPresent(_ version: StoredKeyVersion, key: ResolvedKey) throws(KMSError) {
        guard version.imported?.isDeleted != true else {
            throw KMSError(.invalidState, "The key material of \(key.arn) this request needs was deleted or expired; import it again.")
        }
    }

    /// Decrypts the ciphertext through which `key` was found: a blob of ours,
    /// or, for an RSA key the request named, the raw OAEP ciphertext.
    func decrypt(_ ciphertext: Data, under key: ResolvedKey, context: [String: String], algorithm: String?) async throws(KMSError) -> Data {
        if key.record.keySpec.isRSA {
            try Self.noContext(context, key: key)
            return try await keyStore.decryptAsymmetric(ciphertext, algorithm: algorithm ?? "", under: try await currentVersion(of: key))
        }
        guard let blob = key.ciphertext else { preconditionFailure("the key was not found through a ciphertext") }
        // A version the key never had is a forged or corrupted blob.
        guard let version = try await storage({ try await $0.keyVersion(key.record.id, version: blob.keyVersion) }) else {
            throw KMSError.invalidCiphertext()
        }
        try Self.checkMaterialPresent(version, key: key)
        if key.record.xksKeyID != nil { return try await xksDecrypt(blob, under: version, key: key, context: context) }
        if version.wrappingFormat == .customKeyStore { return try await hsmDecrypt(blob, under: version, key: key, context: context) }
        return try await keyStore.decrypt(blob, under: version, context: context)
    }
}

struct MissingKeyVersion: Error, CustomStringConvertible {
    let keyID: KeyID
    let version: UInt32
    var description: String { "key \(keyID) has no stored version \(version)" }
}
