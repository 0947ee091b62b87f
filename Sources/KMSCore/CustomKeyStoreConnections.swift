import Synchronization

/// DescribeCustomKeyStores' ConnectionState.
public enum CustomKeyStoreConnectionState: String, Sendable, Hashable {
    case connected = "CONNECTED"
    case connecting = "CONNECTING"
    case failed = "FAILED"
    case disconnected = "DISCONNECTED"
    case disconnecting = "DISCONNECTING"
}

/// DescribeCustomKeyStores' ConnectionErrorCode: why a connection FAILED.
public enum CustomKeyStoreConnectionError: String, Error, Sendable, Hashable {
    case invalidCredentials = "INVALID_CREDENTIALS"
    case clusterNotFound = "CLUSTER_NOT_FOUND"
    case networkErrors = "NETWORK_ERRORS"
    case internalError = "INTERNAL_ERROR"
    case insufficientCloudHSMHSMs = "INSUFFICIENT_CLOUDHSM_HSMS"
    case userLockedOut = "USER_LOCKED_OUT"
    case userNotFound = "USER_NOT_FOUND"
}

/// Opens an HSM cluster's token as its crypto user. Implemented over
/// PKCS#11 (`KMSKeyStorePKCS11`); the core knows only this.
public protocol HSMConnector: Sendable {
    func connect(to cluster: HSMClusterRecord, password: [UInt8]) async throws(CustomKeyStoreConnectionError) -> any HSMToken
}

/// A logged-in token holding the AES-256 keys of a custom key store's KMS
/// keys, each labelled with its key ID. The keys never leave it: it runs the
/// cipher. Failures are `KMSError`s as AWS names them: a token that is gone is
/// `KMSInvalidStateException`, a ciphertext that does not open `InvalidCiphertextException`.
public protocol HSMToken: Sendable {
    /// A new non-extractable, sensitive AES-256 key.
    func generateKey(label: String) async throws(KMSError)
    /// AES-GCM: ciphertext ‖ 16-byte tag.
    func seal(_ plaintext: [UInt8], key label: String, nonce: [UInt8], aad: [UInt8]) async throws(KMSError) -> [UInt8]
    func open(_ ciphertextAndTag: [UInt8], key label: String, nonce: [UInt8], aad: [UInt8]) async throws(KMSError) -> [UInt8]
    /// Destroys the key if the token has it.
    func destroyKey(label: String) async throws(KMSError)
    /// Ends every session; the token is not used again.
    func close() async
}

/// The live side of custom key stores: which are connected, and the token of
/// each. What is stored about them is in the metadata store; this is per process.
public final class CustomKeyStoreConnections: Sendable {
    private struct Connection {
        var state: CustomKeyStoreConnectionState
        var error: CustomKeyStoreConnectionError?
        var token: (any HSMToken)?
    }

    private let connector: (any HSMConnector)?
    private let connections = Mutex<[String: Connection]>([:])

    /// Without a connector, every connection fails with INTERNAL_ERROR.
    public init(connector: (any HSMConnector)?) {
        self.connector = connector
    }

    public func state(of storeID: String) -> (state: CustomKeyStoreConnectionState, error: CustomKeyStoreConnectionError?) {
        connections.withLock { connections in
            guard let connection = connections[storeID] else { return (.disconnected, nil) }
            return (connection.state, connection.error)
        }
    }

    /// Connects a store unless it is connected or connecting; ends CONNECTED, or
    /// FAILED with the reason.
    public func connect(_ storeID: String, to cluster: HSMClusterRecord, password: [UInt8]) async {
        let starts = connections.withLock { connections in
            switch connections[storeID]?.state {
            case .connected, .connecting: return false
            default:
                connections[storeID] = Connection(state: .connecting)
                return true
            }
        }
        guard starts else { return }
        let outcome: Connection
        do throws(CustomKeyStoreConnectionError) {
            guard let connector else { throw .internalError }
            outcome = Connection(state: .connected, token: try await connector.connect(to: cluster, password: password))
        } catch {
            outcome = Connection(state: .failed, error: error)
        }
        let superseded = connections.withLock { connections in
            // A disconnect while connecting wins: the token is closed again.
            guard connections[storeID]?.state == .connecting else { return true }
            connections[storeID] = outcome
            return false
        }
        if superseded { await outcome.token?.close() }
    }

    /// Records a connection that failed before it reached a token (its cluster is gone).
    public func fail(_ storeID: String, _ error: CustomKeyStoreConnectionError) {
        connections.withLock { connections in
            if connections[storeID]?.state != .connected { connections[storeID] = Connection(state: .failed, error: error) }
        }
    }

    public func disconnect(_ storeID: String) async {
        let token = connections.withLock { connections in connections.removeValue(forKey: storeID)?.token }
        await token?.close()
    }

    /// The token of a connected store, or `KMSInvalidStateException` naming the key that needs it.
    public func token(of storeID: String, for keyARN: String) throws(KMSError) -> any HSMToken {
        let token = connections.withLock { connections in connections[storeID].flatMap { $0.state == .connected ? $0.token : nil } }
        guard let token else {
            throw KMSError(.invalidState, "\(keyARN) is unavailable because its custom key store \(storeID) is not connected.")
        }
        return token
    }

    /// Whether keys in the store can be used now (DescribeKey's Unavailable state otherwise).
    public func isConnected(_ storeID: String) -> Bool {
        state(of: storeID).state == .connected
    }

    public func disconnectAll() async {
        let tokens = connections.withLock { connections in
            defer { connections.removeAll() }
            return connections.values.compactMap(\.token)
        }
        for token in tokens { await token.close() }
    }
}
