public import Foundation
public import KMSCrypto

/// Holds the material of customer master keys and performs the cryptography
/// with it. Callers hand it operations, never ask it for raw bytes, so the
/// material can live in process memory (`SoftwareKeyStore`), in an HSM behind
/// PKCS#11 or in an external key store, behind the same requirements.
///
/// Each requirement has one shape: an operation, the stored version, the inputs.
public protocol KeyStore: Sendable {
    /// Creates the material of a new key version and returns what the
    /// metadata store keeps of it.
    func createKeyVersion(of keyID: KeyID, version: UInt32, spec: KeySpec, now: Date) async throws(KMSError) -> StoredKeyVersion

    /// Encrypts under one key version and returns the ciphertext blob. The
    /// encryption context is bound into it.
    func encrypt(_ plaintext: Data, under version: StoredKeyVersion, context: [String: String]) async throws(KMSError) -> Data

    /// Decrypts a blob that names this key version. Every failure is the same
    /// `InvalidCiphertextException`; a version the store cannot open at all is
    /// an internal failure.
    func decrypt(_ blob: CiphertextBlob, under version: StoredKeyVersion, context: [String: String]) async throws(KMSError) -> Data
    /// The HMAC of `message` under an HMAC key version.
    func generateMac(_ message: Data, under version: StoredKeyVersion) async throws(KMSError) -> Data
    /// Whether `mac` is the HMAC of `message` under an HMAC key version, compared in constant time.
    func verifyMac(_ mac: Data, for message: Data, under version: StoredKeyVersion) async throws(KMSError) -> Bool
    /// A signature of `message` (or of the digest `message`) with `algorithm` (an AWS signing algorithm the key's spec supports).
    func sign(_ message: Data, isDigest: Bool, algorithm: String, under version: StoredKeyVersion) async throws(KMSError) -> Data
    /// Whether `signature` is the version's signature of `message` (or of the digest `message`) with `algorithm`.
    func verify(
        _ signature: Data, for message: Data, isDigest: Bool, algorithm: String, under version: StoredKeyVersion
    ) async throws(KMSError) -> Bool
    /// RSAES-OAEP encryption under an RSA key version (`algorithm` RSAES_OAEP_SHA_1 or _256): the raw ciphertext.
    func encryptAsymmetric(_ plaintext: Data, algorithm: String, under version: StoredKeyVersion) async throws(KMSError) -> Data
    /// The plaintext of a raw RSAES-OAEP ciphertext; every failure is `InvalidCiphertextException`.
    func decryptAsymmetric(_ ciphertext: Data, algorithm: String, under version: StoredKeyVersion) async throws(KMSError) -> Data
    /// The raw ECDH secret with a peer's public key (DER SubjectPublicKeyInfo); nil if the peer key is not of the version's curve.
    func deriveSharedSecret(withPeer publicKey: Data, under version: StoredKeyVersion) async throws(KMSError) -> Data?
    /// The DER SubjectPublicKeyInfo of an asymmetric key version.
    func publicKey(of version: StoredKeyVersion) async throws(KMSError) -> Data

    /// Drops anything held in memory for a key that no longer exists.
    func forget(_ keyID: KeyID)
}
