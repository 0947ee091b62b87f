public import Foundation

/// The ciphertext blob of a key version whose AES-256 key lives in an HSM.
/// The key cannot be read, so no per-message key is derived from it as
/// `SymmetricEnvelope` does: the HSM runs AES-GCM with the key itself under
/// the blob's random 96-bit nonce, with the header and the encryption
/// context as AAD. The blob has the same layout, so Decrypt routes it the
/// same way; its salt is random, authenticated and otherwise unused.
public enum HSMEnvelope {
    /// What the HSM is given to seal one message, and how its output becomes a blob.
    public struct Sealing: Sendable {
        public let nonce: [UInt8]
        public let aad: [UInt8]

        public func blob(ciphertextAndTag: [UInt8]) -> Data {
            var blob = Data(capacity: CiphertextBlob.headerSize + ciphertextAndTag.count)
            blob.append(contentsOf: aad.prefix(CiphertextBlob.headerSize))
            blob.append(contentsOf: ciphertextAndTag)
            return blob
        }
    }

    public static func sealing(keyID: UUID, keyVersion: UInt32, context: [String: String]) -> Sealing {
        let random = secureRandomBytes(count: CiphertextBlob.saltSize + CiphertextBlob.nonceSize)
        let nonce = Array(random.suffix(CiphertextBlob.nonceSize))
        var aad = [UInt8]()
        CiphertextBlob.appendHeader(keyID: keyID, keyVersion: keyVersion, salt: Array(random.prefix(CiphertextBlob.saltSize)), nonce: nonce, to: &aad)
        EncryptionContext.appendCanonicalBytes(context, to: &aad)
        return Sealing(nonce: nonce, aad: aad)
    }

    /// The AAD a blob was sealed with, given the context the caller supplies now.
    public static func aad(of blob: CiphertextBlob, context: [String: String]) -> [UInt8] {
        var aad = blob.header
        EncryptionContext.appendCanonicalBytes(context, to: &aad)
        return aad
    }
}
