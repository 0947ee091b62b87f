public import KMSProtocol

public enum DeleteCustomKeyStore: KMSOperation {
    public static let name = OperationName.DeleteCustomKeyStore
    public static let action = KMSAction("kms:DeleteCustomKeyStore")
    public static let readOnly = false
    public static let keys: [KeySlot<DeleteCustomKeyStoreRequest>] = []

    public static func validate(_ request: DeleteCustomKeyStoreRequest) throws(KMSError) {
        try CustomKeyStores.validateID(request.CustomKeyStoreId)
    }

    public static func auditParameters(_ request: DeleteCustomKeyStoreRequest) -> AuditFields {
        ["customKeyStoreId": .string(request.CustomKeyStoreId)]
    }

    /// The store must be disconnected and hold no keys; the keys' material in the token is not touched.
    public static func perform(
        _ request: DeleteCustomKeyStoreRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<Empty> {
        let env = context.environment
        let store = try await CustomKeyStores.store(request.CustomKeyStoreId, in: env)
        let state = env.customKeyStores.state(of: store.id).state
        guard state == .disconnected else { throw CustomKeyStores.invalidState(store, state, operation: "DeleteCustomKeyStore") }
        return Outcome(Empty(), writes: [.deleteCustomKeyStore(id: store.id)])
    }
}
