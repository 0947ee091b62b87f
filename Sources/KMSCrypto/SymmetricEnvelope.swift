import Crypto
public import Foundation

/// Encrypts and decrypts with one customer master key version, producing and
/// consuming `CiphertextBlob`s.
///
/// Each message gets its own AES-256 key, derived with HKDF-SHA256 from the
/// version's material and a random 128-bit salt, plus a random 96-bit nonce.
/// That keeps AES-GCM far from its random-nonce collision bound no matter how
/// many messages one key version encrypts.
public enum SymmetricEnvelope {
    private static let derivationInfo = Array("trent/ciphertext/v1/aes-256-gcm".utf8)

    public static func seal(
        _ plaintext: some DataProtocol,
        keyID: UUID,
        keyVersion: UInt32,
        material: KeyMaterial,
        context: [String: String]
    ) throws(KMSCryptoError) -> CiphertextBlob {
        try seal(
            plaintext, keyID: keyID, keyVersion: keyVersion, material: material, context: context,
            salt: secureRandomBytes(count: CiphertextBlob.saltSize), nonce: secureRandomBytes(count: CiphertextBlob.nonceSize)
        )
    }

    /// With the randomness supplied: for the format vectors only.
    static func seal(
        _ plaintext: some DataProtocol,
        keyID: UUID,
        keyVersion: UInt32,
        material: KeyMaterial,
        context: [String: String],
        salt: [UInt8],
        nonce nonceBytes: [UInt8]
    ) throws(KMSCryptoError) -> CiphertextBlob {
        var blob = CiphertextBlob(keyID: keyID, keyVersion: keyVersion, salt: salt, nonce: nonceBytes, ciphertext: [], tag: [])
        let aad = blob.header + EncryptionContext.canonicalBytes(context)
        do {
            let sealed = try AES.GCM.seal(
                plaintext,
                using: messageKey(material: material, salt: salt),
                nonce: AES.GCM.Nonce(data: nonceBytes),
                authenticating: aad
            )
            blob.ciphertext = Array(sealed.ciphertext)
            blob.tag = Array(sealed.tag)
        } catch {
            throw .primitiveFailure
        }
        return blob
    }

    public static func open(
        _ blob: CiphertextBlob,
        material: KeyMaterial,
        context: [String: String]
    ) throws(KMSCryptoError) -> [UInt8] {
        let aad = blob.header + EncryptionContext.canonicalBytes(context)
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: blob.nonce),
                ciphertext: blob.ciphertext,
                tag: blob.tag
            )
            let plaintext = try AES.GCM.open(box, using: messageKey(material: material, salt: blob.salt), authenticating: aad)
            return Array(plaintext)
        } catch {
            throw .invalidCiphertext
        }
    }

    private static func messageKey(material: KeyMaterial, salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: material.key, salt: salt, info: derivationInfo, outputByteCount: 32)
    }
}
