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

    /// Parameters for importing material into a key of origin EXTERNAL: a
    /// fresh RSA wrapping key's public half (DER SubjectPublicKeyInfo), and a
    /// token that binds its private half to the key, the algorithm and `validTo`.
    func importParameters(
        for keyID: KeyID, wrappingKeySpec: KeySpec, algorithm: ImportWrappingAlgorithm, validTo: Date
    ) async throws(KMSError) -> ImportParameters
    /// Opens the token, unwraps the material and returns it as a version of
    /// `spec` to store, with the material's fingerprint; what else is kept of the import is the caller's.
    /// `InvalidImportTokenException`, `ExpiredImportTokenException`,
    /// `InvalidCiphertextException` or `IncorrectKeyMaterialException` as AWS names each failure.
    func importKeyVersion(
        of keyID: KeyID, version: UInt32, spec: KeySpec, token: [UInt8], encryptedMaterial: Data, now: Date
    ) async throws(KMSError) -> UnwrappedImport

    /// Drops anything held in memory for a key that no longer exists, or whose imported material was deleted.
    func forget(_ keyID: KeyID)
}

public struct ImportParameters: Sendable {
    public var token: [UInt8]
    public var publicKey: Data
}

/// Imported material as the key store keeps it, and its fingerprint (`ImportedMaterial.fingerprint`).
public struct UnwrappedImport: Sendable {
    public var version: StoredKeyVersion
    public var fingerprint: [UInt8]
}

/// GetParametersForImport's WrappingAlgorithm values this release accepts.
public enum ImportWrappingAlgorithm: String, Sendable, CaseIterable {
    case rsaesOAEPSHA1 = "RSAES_OAEP_SHA_1"
    case rsaesOAEPSHA256 = "RSAES_OAEP_SHA_256"
    case rsaAESKeyWrapSHA1 = "RSA_AES_KEY_WRAP_SHA_1"
    case rsaAESKeyWrapSHA256 = "RSA_AES_KEY_WRAP_SHA_256"
}
