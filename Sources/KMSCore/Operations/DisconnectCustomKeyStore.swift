public import KMSProtocol

public enum DisconnectCustomKeyStore: KMSOperation {
    public static let name = OperationName.DisconnectCustomKeyStore
    public static let action = KMSAction("kms:DisconnectCustomKeyStore")
    public static let readOnly = false
    public static let keys: [KeySlot<DisconnectCustomKeyStoreRequest>] = []

    public static func validate(_ request: DisconnectCustomKeyStoreRequest) throws(KMSError) {
        try CustomKeyStores.validateID(request.CustomKeyStoreId)
    }

    public static func auditParameters(_ request: DisconnectCustomKeyStoreRequest) -> AuditFields {
        ["customKeyStoreId": .string(request.CustomKeyStoreId)]
    }

    public static func perform(
        _ request: DisconnectCustomKeyStoreRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<Empty> {
        let env = context.environment
        let store = try await CustomKeyStores.store(request.CustomKeyStoreId, in: env)
        let state = env.customKeyStores.state(of: store.id).state
        switch state {
        case .disconnected, .disconnecting:
            throw CustomKeyStores.invalidState(store, state, operation: "DisconnectCustomKeyStore")
        case .connected, .connecting, .failed:
            break
        }
        await env.customKeyStores.disconnect(store.id)
        var released = store
        released.connectRequested = false
        return Outcome(Empty(), writes: released == store ? [] : [.updateCustomKeyStore(released)])
    }
}
