public import KMSProtocol

public enum ConnectCustomKeyStore: KMSOperation {
    public static let name = OperationName.ConnectCustomKeyStore
    public static let action = KMSAction("kms:ConnectCustomKeyStore")
    public static let readOnly = false
    public static let keys: [KeySlot<ConnectCustomKeyStoreRequest>] = []

    public static func validate(_ request: ConnectCustomKeyStoreRequest) throws(KMSError) {
        try CustomKeyStores.validateID(request.CustomKeyStoreId)
    }

    public static func auditParameters(_ request: ConnectCustomKeyStoreRequest) -> AuditFields {
        ["customKeyStoreId": .string(request.CustomKeyStoreId)]
    }

    /// Connects before it answers, so that DescribeCustomKeyStores then shows
    /// CONNECTED or FAILED with the reason. As in AWS, a connection that fails
    /// is not an error of this call.
    public static func perform(
        _ request: ConnectCustomKeyStoreRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<Empty> {
        let env = context.environment
        let store = try await CustomKeyStores.store(request.CustomKeyStoreId, in: env)
        let state = env.customKeyStores.state(of: store.id).state
        switch state {
        case .failed, .disconnecting:
            throw CustomKeyStores.invalidState(store, state, operation: "ConnectCustomKeyStore")
        case .connected, .connecting, .disconnected:
            break
        }
        switch store.type {
        case .cloudHSM:
            let clusters = try await env.storage { try await $0.hsmClusters() }
            if let cluster = clusters.first(where: { $0.id == store.cloudHsmClusterID }) {
                await env.customKeyStores.connect(store.id, to: cluster, password: try await CustomKeyStores.openPassword(of: store, in: env))
            } else {
                env.customKeyStores.fail(store.id, .clusterNotFound)
            }
        case .externalKeyStore:
            let endpoint = try await CustomKeyStores.proxyEndpoint(of: store, in: env)
            await env.customKeyStores.connect(store.id, to: endpoint, requestID: context.request.requestID)
        }
        var requested = store
        requested.connectRequested = true
        return Outcome(Empty(), writes: requested == store ? [] : [.updateCustomKeyStore(requested)])
    }
}
