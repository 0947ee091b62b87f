import Foundation
import KMSCrypto

/// Encryption and decryption under customer master keys, shared by the
/// data-plane operations. Every failure to decrypt is the same opaque
/// InvalidCiphertextException.
extension ServiceEnvironment {
    func encrypt(_ plaintext: Data, under record: KeyRecord, context: [String: String]) async throws(KMSError) -> Data {
        try KeyLifecycle.check(.cryptographic, record, arn: keyARN(record.id))
        guard let material = try await material(of: record.id, version: record.currentVersion) else {
            // The current version is written with the key; its absence is damage, not a client error.
            throw KMSError.internalFailure(MissingKeyVersion(keyID: record.id, version: record.currentVersion))
        }
        do {
            let blob = try SymmetricEnvelope.seal(plaintext, keyID: record.id.uuid, keyVersion: record.currentVersion, material: material, context: context)
            return Data(blob.bytes)
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    /// Decrypts a blob. When the caller named a key, the blob must belong to it
    /// (IncorrectKeyException otherwise), as in AWS.
    func decrypt(_ ciphertext: Data, context: [String: String], expectedKey: String?) async throws(KMSError) -> (KeyRecord, Data) {
        try Validate.byteCount(ciphertext, field: "ciphertextBlob", in: 1...6144)
        let expected = try await expectedKey.asyncMap { (raw) async throws(KMSError) in try await resolveKey(raw) }
        let blob: CiphertextBlob
        do {
            blob = try CiphertextBlob(parsing: ciphertext)
        } catch {
            throw KMSError.invalidCiphertext()
        }
        let keyID = KeyID(uuid: blob.keyID)
        if let expected, expected.id != keyID {
            throw KMSError(.incorrectKey, "The key ID in the request does not identify a CMK that can perform this operation.")
        }
        guard let record = try await storage({ try await $0.key(keyID) }) else {
            // A blob naming an unknown key is indistinguishable from garbage.
            throw KMSError.invalidCiphertext()
        }
        try KeyLifecycle.check(.cryptographic, record, arn: keyARN(record.id))
        // A version the key never had is a forged or corrupted blob.
        guard let material = try await material(of: record.id, version: blob.keyVersion) else {
            throw KMSError.invalidCiphertext()
        }
        do {
            return (record, Data(try SymmetricEnvelope.open(blob, material: material, context: context)))
        } catch {
            throw KMSError.invalidCiphertext()
        }
    }
}

struct MissingKeyVersion: Error, CustomStringConvertible {
    let keyID: KeyID
    let version: UInt32
    var description: String { "key \(keyID) has no stored version \(version)" }
}
