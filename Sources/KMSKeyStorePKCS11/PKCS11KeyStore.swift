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
/// its KMS key ID, generated sensitive and not extractable. The cipher runs in the token.
final class PKCS11KeyStore: HSMToken {
    private let keys: PKCS11LabelledKeys

    init(pool: PKCS11SessionPool) {
        keys = PKCS11LabelledKeys(pool: pool)
    }

    func generateKey(label: String) async throws(KMSError) {
        do {
            try await keys.generate(label: label)
        } catch {
            throw Self.kmsError(error)
        }
    }

    func seal(_ plaintext: [UInt8], key label: String, nonce: [UInt8], aad: [UInt8]) async throws(KMSError) -> [UInt8] {
        do {
            return try await keys.seal(plaintext, key: label, nonce: nonce, aad: aad)
        } catch {
            throw Self.kmsError(error)
        }
    }

    func open(_ ciphertextAndTag: [UInt8], key label: String, nonce: [UInt8], aad: [UInt8]) async throws(KMSError) -> [UInt8] {
        do {
            return try await keys.open(ciphertextAndTag, key: label, nonce: nonce, aad: aad)
        } catch {
            throw Self.kmsError(error)
        }
    }

    func destroyKey(label: String) async throws(KMSError) {
        do {
            try await keys.destroy(label: label)
        } catch {
            throw Self.kmsError(error)
        }
    }

    func close() async {
        await keys.pool.close()
    }

    /// A token that is gone, or no longer holds the key, makes the key
    /// unusable, as a disconnected cluster does in AWS; a tag that does not
    /// verify is a bad ciphertext; anything else is an internal failure.
    static func kmsError(_ error: PKCS11Error) -> KMSError {
        if error.isTagMismatch { return KMSError.invalidCiphertext() }
        if error.isTokenMissing || error.isSessionLost {
            return KMSError(.invalidState, "The HSM of this custom key store cannot be reached.", underlying: error)
        }
        if case .keyNotFound = error {
            return KMSError(.invalidState, "The HSM of this custom key store does not hold this key's material.", underlying: error)
        }
        return KMSError.internalFailure(error)
    }
}
