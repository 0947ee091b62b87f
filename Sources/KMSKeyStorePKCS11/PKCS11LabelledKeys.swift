import CPKCS11
import Synchronization

/// AES keys in a token, named by label, used through a session pool. Object
/// handles are cached per label and found again when the token no longer
/// knows one (SoftHSMv2 forgets them when the application's last session
/// ends; a re-inserted token or a restarted HSM does too).
public final class PKCS11LabelledKeys: Sendable {
    public let pool: PKCS11SessionPool
    private let handles = Mutex<[String: PKCS11ObjectHandle]>([:])

    public init(pool: PKCS11SessionPool) {
        self.pool = pool
    }

    /// A new AES-256 key, sensitive and not extractable, labelled (and with CKA_ID) `label`.
    func generate(label: String) async throws(PKCS11Error) {
        let handle = try await pool.withSession { session throws(PKCS11Error) in try session.generateAESKey(label: label, id: Array(label.utf8)) }
        handles.withLock { $0[label] = handle }
    }

    public func exists(label: String) async throws(PKCS11Error) -> Bool {
        try await pool.withSession { session throws(PKCS11Error) in try session.findSecretKey(label: label) != nil }
    }

    /// AES-GCM in the token: ciphertext ‖ tag.
    public func seal(_ plaintext: [UInt8], key label: String, nonce: [UInt8], aad: [UInt8]) async throws(PKCS11Error) -> [UInt8] {
        try await withKey(label) { session, key throws(PKCS11Error) in try session.encryptAESGCM(key: key, iv: nonce, aad: aad, plaintext: plaintext) }
    }

    public func open(_ ciphertextAndTag: [UInt8], key label: String, nonce: [UInt8], aad: [UInt8]) async throws(PKCS11Error) -> [UInt8] {
        try await withKey(label) { session, key throws(PKCS11Error) in
            try session.decryptAESGCM(key: key, iv: nonce, aad: aad, ciphertextAndTag: ciphertextAndTag)
        }
    }

    /// Destroys the key if the token has it.
    func destroy(label: String) async throws(PKCS11Error) {
        handles.withLock { $0[label] = nil }
        try await pool.withSession { session throws(PKCS11Error) in
            if let key = try session.findSecretKey(label: label) { try session.destroyObject(key) }
        }
    }

    /// Runs `body` with the key's handle, found by label when it is not cached or no longer valid.
    private func withKey<T: Sendable>(
        _ label: String, _ body: @escaping @Sendable (PKCS11Session, PKCS11ObjectHandle) throws(PKCS11Error) -> T
    ) async throws(PKCS11Error) -> T {
        let cached = handles.withLock { $0[label] }
        let (result, handle) = try await pool.withSession { session throws(PKCS11Error) -> (T, PKCS11ObjectHandle) in
            if let cached {
                do throws(PKCS11Error) {
                    return (try body(session, cached), cached)
                } catch where error.isStaleHandle {
                    // Found again below.
                }
            }
            guard let found = try session.findSecretKey(label: label) else { throw .keyNotFound(label: label) }
            return (try body(session, found), found)
        }
        if handle != cached { handles.withLock { $0[label] = handle } }
        return result
    }
}

extension PKCS11Error {
    /// The object is gone from the token, or the handle is from before the token came back.
    var isStaleHandle: Bool {
        returnValue == CK_RV(CKR_KEY_HANDLE_INVALID) || returnValue == CK_RV(CKR_OBJECT_HANDLE_INVALID)
    }

    /// An AES-GCM tag that does not verify. SoftHSMv2 reports it as CKR_GENERAL_ERROR
    /// from C_Decrypt, not CKR_ENCRYPTED_DATA_INVALID.
    public var isTagMismatch: Bool {
        isCiphertextInvalid || self == .returned(CK_RV(CKR_GENERAL_ERROR), function: "C_Decrypt")
    }
}
