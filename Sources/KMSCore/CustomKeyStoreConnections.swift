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
    case xksProxyAccessDenied = "XKS_PROXY_ACCESS_DENIED"
    case xksProxyNotReachable = "XKS_PROXY_NOT_REACHABLE"
    case xksProxyInvalidResponse = "XKS_PROXY_INVALID_RESPONSE"
    case xksProxyInvalidConfiguration = "XKS_PROXY_INVALID_CONFIGURATION"
    case xksProxyTimedOut = "XKS_PROXY_TIMED_OUT"
    case xksProxyInvalidTLSConfiguration = "XKS_PROXY_INVALID_TLS_CONFIGURATION"
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

/// The live side of custom key stores: which are connected, and the token or
/// proxy client of each. What is stored about them is in the metadata store; this is per process.
public final class CustomKeyStoreConnections: Sendable {
    private enum Backend: Sendable {
        case hsm(any HSMToken)
        case xks(any XKSProxyClient)

        func close() async {
            switch self {
            case .hsm(let token): await token.close()
            case .xks(let client): await client.close()
            }
        }
    }

    private struct Connection {
        var state: CustomKeyStoreConnectionState
        var error: CustomKeyStoreConnectionError?
        var backend: Backend?
    }

    private let connector: (any HSMConnector)?
    private let xksConnector: (any XKSConnector)?
    private let connections = Mutex<[String: Connection]>([:])

    /// Without a connector, every connection of that kind fails with INTERNAL_ERROR.
    public init(connector: (any HSMConnector)?, xksConnector: (any XKSConnector)? = nil) {
        self.connector = connector
        self.xksConnector = xksConnector
    }

    public func state(of storeID: String) -> (state: CustomKeyStoreConnectionState, error: CustomKeyStoreConnectionError?) {
        connections.withLock { connections in
            guard let connection = connections[storeID] else { return (.disconnected, nil) }
            return (connection.state, connection.error)
        }
    }

    /// Connects a CloudHSM-style store unless it is connected or connecting; ends CONNECTED, or FAILED with the reason.
    public func connect(_ storeID: String, to cluster: HSMClusterRecord, password: [UInt8]) async {
        await connect(storeID) { [connector] () throws(CustomKeyStoreConnectionError) -> Backend in
            guard let connector else { throw .internalError }
            return .hsm(try await connector.connect(to: cluster, password: password))
        }
    }

    /// Connects an external key store: its proxy must pass a health check, as in AWS.
    public func connect(_ storeID: String, to endpoint: XKSProxyEndpoint, requestID: String) async {
        await connect(storeID) { [xksConnector] () throws(CustomKeyStoreConnectionError) -> Backend in
            guard let xksConnector else { throw .internalError }
            let client: any XKSProxyClient
            do throws(XKSProxyFailure) {
                client = try xksConnector.client(for: endpoint)
            } catch {
                throw error.connectionError
            }
            do throws(XKSProxyFailure) {
                try await client.health(XKSRequestMetadata(awsPrincipalArn: nil, kmsKeyArn: nil, kmsOperation: "ConnectCustomKeyStore", kmsRequestId: requestID))
            } catch {
                await client.close()
                throw error.connectionError
            }
            return .xks(client)
        }
    }

    /// A health check of a proxy no store is connected to yet.
    public func checkHealth(of endpoint: XKSProxyEndpoint, _ metadata: XKSRequestMetadata) async throws(XKSProxyFailure) {
        guard let xksConnector else { throw .unreachable("this server has no external key store client") }
        let client = try xksConnector.client(for: endpoint)
        do throws(XKSProxyFailure) {
            try await client.health(metadata)
            await client.close()
        } catch {
            await client.close()
            throw error
        }
    }

    private func connect(_ storeID: String, _ open: () async throws(CustomKeyStoreConnectionError) -> Backend) async {
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
            outcome = Connection(state: .connected, backend: try await open())
        } catch {
            outcome = Connection(state: .failed, error: error)
        }
        let superseded = connections.withLock { connections in
            // A disconnect while connecting wins: the connection is closed again.
            guard connections[storeID]?.state == .connecting else { return true }
            connections[storeID] = outcome
            return false
        }
        if superseded { await outcome.backend?.close() }
    }

    /// Records a connection that failed before it reached a token (its cluster is gone).
    public func fail(_ storeID: String, _ error: CustomKeyStoreConnectionError) {
        connections.withLock { connections in
            if connections[storeID]?.state != .connected { connections[storeID] = Connection(state: .failed, error: error) }
        }
    }

    public func disconnect(_ storeID: String) async {
        let backend = connections.withLock { connections in connections.removeValue(forKey: storeID)?.backend }
        await backend?.close()
    }

    /// The token of a connected CloudHSM-style store, or `KMSInvalidStateException` naming the key that needs it.
    public func token(of storeID: String, for keyARN: String) throws(KMSError) -> any HSMToken {
        guard case .hsm(let token) = try backend(of: storeID, for: keyARN) else { throw Self.notConnected(storeID, keyARN) }
        return token
    }

    /// The proxy client of a connected external key store, or `KMSInvalidStateException` naming the key that needs it.
    public func proxy(of storeID: String, for keyARN: String) throws(KMSError) -> any XKSProxyClient {
        guard case .xks(let client) = try backend(of: storeID, for: keyARN) else { throw Self.notConnected(storeID, keyARN) }
        return client
    }

    private func backend(of storeID: String, for keyARN: String) throws(KMSError) -> Backend {
        let backend = connections.withLock { connections in connections[storeID].flatMap { $0.state == .connected ? $0.backend : nil } }
        guard let backend else { throw Self.notConnected(storeID, keyARN) }
        return backend
    }

    private static func notConnected(_ storeID: String, _ keyARN: String) -> KMSError {
        KMSError(.invalidState, "\(keyARN) is unavailable because its custom key store \(storeID) is not connected.")
    }

    /// Whether keys in the store can be used now (DescribeKey's Unavailable state otherwise).
    public func isConnected(_ storeID: String) -> Bool {
        state(of: storeID).state == .connected
    }

    public func disconnectAll() async {
        let backends = connections.withLock { connections in
            defer { connections.removeAll() }
            return connections.values.compactMap(\.backend)
        }
        for backend in backends { await backend.close() }
    }
}
