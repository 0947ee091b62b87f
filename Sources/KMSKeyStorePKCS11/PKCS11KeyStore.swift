import CPKCS11
public import KMSCore
public import NIOPosix
import Synchronization

/// Connects CloudHSM-style custom key stores to their PKCS#11 tokens: loads
/// the cluster's module, finds its token and logs in as the crypto user.
public struct PKCS11Connector: HSMConnector {
    private let threadPool: NIOThreadPool

    public init(threadPool: NIOThreadPool = .singleton) {
        self.threadPool = threadPool
    }

    public func connect(to cluster: HSMClusterRecord, password: [UInt8]) async throws(CustomKeyStoreConnectionError) -> any HSMToken {
        let pool: PKCS11SessionPool
        do {
            let module = try PKCS11Module.load(path: cluster.modulePath)
            pool = try await PKCS11SessionPool(module: module, tokenLabel: cluster.tokenLabel, pin: password, threadPool: threadPool)
        } catch {
            throw Self.connectionError(error)
        }
        // Another token now wears the label: not the cluster that was registered.
        guard pool.token.serialNumber == cluster.tokenSerial else {
            await pool.close()
            throw .clusterNotFound
        }
        return PKCS11KeyStore(pool: pool)
    }

    /// DescribeCustomKeyStores' ConnectionErrorCode for a failure to open the token, as AWS reports the CloudHSM equivalents.
    static func connectionError(_ error: PKCS11Error) -> CustomKeyStoreConnectionError {
        if error.isIncorrectPIN { return .invalidCredentials }
        if error.isLockedOut { return .userLockedOut }
        if error.isUserNotInitialized { return .userNotFound }
        if error.isTokenMissing { return .insufficientCloudHSMHSMs }
        if case .moduleNotLoaded = error { return .clusterNotFound }
        return .internalError
    }
}

/// The AES-256 keys of one custom key store in its token, each labelled with
/// its KMS key ID, generated sensitive and not extractable. The cipher runs in
/// the token; object handles are cached per label and found again when the
/// token no longer knows one (a re-inserted token, a restarted HSM).
final class PKCS11KeyStore: HSMToken {
    private let pool: PKCS11SessionPool
    private let handles = Mutex<[String: PKCS11ObjectHandle]>([:])

    init(pool: PKCS11SessionPool) {
        self.pool = pool
    }

    func generateKey(label: String) async throws(KMSError) {
        let handle = try await run { session throws(PKCS11Error) in try session.generateAESKey(label: label, id: Array(label.utf8)) }
        handles.withLock { $0[label] = handle }
    }

    func seal(_ plaintext: [UInt8], key label: String, nonce: [UInt8], aad: [UInt8]) async throws(KMSError) -> [UInt8] {
        try await withKey(label) { session, key throws(PKCS11Error) in try session.encryptAESGCM(key: key, iv: nonce, aad: aad, plaintext: plaintext) }
    }

    func open(_ ciphertextAndTag: [UInt8], key label: String, nonce: [UInt8], aad: [UInt8]) async throws(KMSError) -> [UInt8] {
        try await withKey(label) { session, key throws(PKCS11Error) in
            try session.decryptAESGCM(key: key, iv: nonce, aad: aad, ciphertextAndTag: ciphertextAndTag)
        }
    }

    func destroyKey(label: String) async throws(KMSError) {
        handles.withLock { $0[label] = nil }
        try await run { session throws(PKCS11Error) in
            if let key = try session.findSecretKey(label: label) { try session.destroyObject(key) }
        }
    }

    func close() async {
        await pool.close()
    }

    /// Runs `body` with the key's handle, found by label when it is not cached or no longer valid.
    private func withKey<T: Sendable>(
        _ label: String, _ body: @escaping @Sendable (borrowing PKCS11Session, PKCS11ObjectHandle) throws(PKCS11Error) -> T
    ) async throws(KMSError) -> T {
        let cached = handles.withLock { $0[label] }
        let (result, handle) = try await run { session throws(PKCS11Error) -> (T, PKCS11ObjectHandle) in
            if let cached {
                do throws(PKCS11Error) {
                    return (try body(session, cached), cached)
                } catch where error.isStaleHandle {
                    // Found again below.
                }
            }
            guard let found = try session.findSecretKey(label: label) else {
                throw PKCS11Error.returned(CK_RV(CKR_KEY_HANDLE_INVALID), function: "C_FindObjects(\(label))")
            }
            return (try body(session, found), found)
        }
        if handle != cached { handles.withLock { $0[label] = handle } }
        return result
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (borrowing PKCS11Session) throws(PKCS11Error) -> T) async throws(KMSError) -> T {
        do {
            return try await pool.withSession(body)
        } catch {
            throw Self.kmsError(error)
        }
    }

    /// A token that is gone, or no longer holds the key, makes the key
    /// unusable, as a disconnected cluster does in AWS; a tag that does not
    /// verify is a bad ciphertext; anything else is an internal failure.
    static func kmsError(_ error: PKCS11Error) -> KMSError {
        // SoftHSMv2 answers a GCM tag that does not verify with CKR_GENERAL_ERROR from C_Decrypt, not CKR_ENCRYPTED_DATA_INVALID.
        if error.isCiphertextInvalid || error == .returned(CK_RV(CKR_GENERAL_ERROR), function: "C_Decrypt") { return KMSError.invalidCiphertext() }
        if error.isTokenMissing || error.isSessionLost {
            return KMSError(.invalidState, "The HSM of this custom key store cannot be reached.", underlying: error)
        }
        if error.isStaleHandle {
            return KMSError(.invalidState, "The HSM of this custom key store does not hold this key's material.", underlying: error)
        }
        return KMSError.internalFailure(error)
    }
}

extension PKCS11Error {
    /// The object is gone from the token, or the handle is from before the token came back.
    var isStaleHandle: Bool {
        returnValue == CK_RV(CKR_KEY_HANDLE_INVALID) || returnValue == CK_RV(CKR_OBJECT_HANDLE_INVALID)
    }
}
