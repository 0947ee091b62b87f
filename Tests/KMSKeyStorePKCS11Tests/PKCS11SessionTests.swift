import CPKCS11
@testable import KMSKeyStorePKCS11
import Testing

@Suite(
    "PKCS11Session against SoftHSMv2",
    .enabled(if: SoftHSMToken.isAvailable, "skipped: SoftHSMv2 is not installed (/usr/lib/softhsm/libsofthsm2.so, softhsm2-util)"),
    .timeLimit(.minutes(1))
)
struct PKCS11SessionTests {
    @Test func generatedKeyStaysInTheTokenAndIsFoundByLabel() async throws {
        let token = try SoftHSMToken.make()
        let pool = try await token.makePool()
        let key = try await pool.withSession { session throws(PKCS11Error) in
            try session.generateAESKey(label: "root", id: [1, 2, 3])
        }
        let attributes = try await pool.withSession { session throws(PKCS11Error) in
            try [CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_TOKEN, CKA_PRIVATE].map { (type) throws(PKCS11Error) in
                try session.booleanAttribute(CK_ATTRIBUTE_TYPE(type), of: key)
            }
        }
        #expect(attributes == [true, false, true, true])
        let found = try await pool.withSession { session throws(PKCS11Error) in try session.findSecretKey(label: "root") }
        #expect(found == key)
        let missing = try await pool.withSession { session throws(PKCS11Error) in try session.findSecretKey(label: "other") }
        #expect(missing == nil)
        await pool.close()
    }

    @Test func aLoggedInSessionPassesTheHealthCheck() async throws {
        let token = try SoftHSMToken.make()
        let pool = try await token.makePool()
        try await pool.withSession { session throws(PKCS11Error) in try session.checkLoggedIn() }
        await pool.close()
    }

    @Test func aesGCMRoundTripsAndRejectsTampering() async throws {
        let token = try SoftHSMToken.make()
        let pool = try await token.makePool()
        let key = try await pool.withSession { session throws(PKCS11Error) in
            try session.generateAESKey(label: "gcm", id: [])
        }
        let iv = [UInt8](repeating: 7, count: 12)
        let aad = Array("key-id:1".utf8)
        let plaintext = Array("attack at dawn".utf8)
        let sealed = try await pool.withSession { session throws(PKCS11Error) in
            try session.encryptAESGCM(key: key, iv: iv, aad: aad, plaintext: plaintext)
        }
        #expect(sealed.count == plaintext.count + 16)
        #expect(Array(sealed.prefix(plaintext.count)) != plaintext)
        let opened = try await pool.withSession { session throws(PKCS11Error) in
            try session.decryptAESGCM(key: key, iv: iv, aad: aad, ciphertextAndTag: sealed)
        }
        #expect(opened == plaintext)

        var flippedTag = sealed
        flippedTag[flippedTag.count - 1] ^= 1
        var otherIV = iv
        otherIV[0] ^= 1
        for (iv, aad, sealed) in [(iv, aad, flippedTag), (iv, Array("key-id:2".utf8), sealed), (otherIV, aad, sealed)] {
            let error = await failure { () throws(PKCS11Error) in
                _ = try await pool.withSession { session throws(PKCS11Error) in
                    try session.decryptAESGCM(key: key, iv: iv, aad: aad, ciphertextAndTag: sealed)
                }
            }
            // PKCS #11 says CKR_ENCRYPTED_DATA_INVALID (isCiphertextInvalid); SoftHSM 2.6 says
            // CKR_GENERAL_ERROR when the tag doesn't match, so a key store over it can't tell a
            // forged ciphertext from a fault by the return value alone.
            #expect(error == .returned(CK_RV(CKR_GENERAL_ERROR), function: "C_Decrypt"))
        }
        // A failed decryption ends the operation: the sessions still work.
        let again = try await pool.withSession { session throws(PKCS11Error) in
            try session.decryptAESGCM(key: key, iv: iv, aad: aad, ciphertextAndTag: sealed)
        }
        #expect(again == plaintext)
        await pool.close()
    }

    @Test func destroyedKeyIsGone() async throws {
        let token = try SoftHSMToken.make()
        let pool = try await token.makePool()
        let found = try await pool.withSession { session throws(PKCS11Error) in
            let key = try session.generateAESKey(label: "doomed", id: [9])
            try session.destroyObject(key)
            return try session.findSecretKey(label: "doomed")
        }
        #expect(found == nil)
        await pool.close()
    }
}

/// The PKCS #11 error `body` fails with, or nil if it succeeds.
func failure(_ body: () async throws(PKCS11Error) -> Void) async -> PKCS11Error? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}
