import Crypto
public import Foundation

/// Encrypts and decrypts with one customer master key version, producing the
/// bytes of a `CiphertextBlob` and opening parsed ones.
///
/// Each message gets its own AES-256 key, derived from the version's material
/// and a random 128-bit salt with HKDF-Expand (SHA-256), plus a random 96-bit
/// nonce. That keeps AES-GCM far from its random-nonce collision bound no
/// matter how many messages one key version encrypts. HKDF-Extract is
/// skipped because the material is already a uniformly random 256-bit key
/// (RFC 5869, section 3.3).
public enum SymmetricEnvelope {
    private static let derivationLabel = Array("trent/ciphertext/v1/aes-256-gcm".utf8)

    /// Seals a message into a new blob and returns its bytes.
    public static func seal(
        _ plaintext: some DataProtocol,
        keyID: UUID,
        keyVersion: UInt32,
        material: SymmetricKeyMaterial,
        context: [String: String]
    ) throws(KMSCryptoError) -> Data {
        // One draw from the CSPRNG for both: each draw is a system call.
        let random = secureRandomBytes(count: CiphertextBlob.saltSize + CiphertextBlob.nonceSize)
        return try seal(
            plaintext, keyID: keyID, keyVersion: keyVersion, material: material, context: context,
            salt: Array(random.prefix(CiphertextBlob.saltSize)), nonce: Array(random.suffix(CiphertextBlob.nonceSize))
        )
    }

    /// With the randomness supplied, so the format vectors can fix it. The blob is
    /// written straight into one buffer, its header doubling as the start of the AAD.
    static func seal(
        _ plaintext: some DataProtocol,
        keyID: UUID,
        keyVersion: UInt32,
        material: SymmetricKeyMaterial,
        context: [String: String],
        salt: [UInt8],
        nonce nonceBytes: [UInt8]
    ) throws(KMSCryptoError) -> Data {
        var aad = [UInt8]()
        aad.reserveCapacity(CiphertextBlob.headerSize + 4)
        CiphertextBlob.appendHeader(keyID: keyID, keyVersion: keyVersion, salt: salt, nonce: nonceBytes, to: &aad)
        EncryptionContext.appendCanonicalBytes(context, to: &aad)
        do {
            let sealed = try AES.GCM.seal(
                plaintext,
                using: messageKey(material: material, salt: salt),
                nonce: AES.GCM.Nonce(data: nonceBytes),
                authenticating: aad
            )
            var blob = Data(capacity: CiphertextBlob.overhead + sealed.ciphertext.count)
            blob.append(contentsOf: aad.prefix(CiphertextBlob.headerSize))
            blob.append(sealed.ciphertext)
            blob.append(sealed.tag)
            return blob
        } catch {
            throw .primitiveFailure
        }
    }

    public static func open(
        _ blob: CiphertextBlob,
        material: SymmetricKeyMaterial,
        context: [String: String]
    ) throws(KMSCryptoError) -> [UInt8] {
        var aad = blob.header
        EncryptionContext.appendCanonicalBytes(context, to: &aad)
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

    /// HKDF-Expand(PRK = material, info = label ‖ salt, L = 32), which for one
    /// SHA-256 block is HMAC(material, label ‖ salt ‖ 0x01).
    private static func messageKey(material: SymmetricKeyMaterial, salt: [UInt8]) -> SymmetricKey {
        var prf = material.messageKeyPRF
        prf.update(data: derivationLabel)
        prf.update(data: salt)
        prf.update(data: [1])
        return SymmetricKey(data: prf.finalize())
    }
}
