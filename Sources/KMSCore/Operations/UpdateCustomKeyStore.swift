public import KMSProtocol

public enum UpdateCustomKeyStore: KMSOperation {
    public static let name = OperationName.UpdateCustomKeyStore
    public static let action = KMSAction("kms:UpdateCustomKeyStore")
    public static let readOnly = false
    public static let keys: [KeySlot<UpdateCustomKeyStoreRequest>] = []

    public static func validate(_ request: UpdateCustomKeyStoreRequest) throws(KMSError) {
        try CustomKeyStores.validateID(request.CustomKeyStoreId)
        if let name = request.NewCustomKeyStoreName { try CustomKeyStores.validateName(name, field: "newCustomKeyStoreName") }
        if let password = request.KeyStorePassword { try CustomKeyStores.validatePassword(password) }
        if let cluster = request.CloudHsmClusterId { try CustomKeyStores.validateClusterID(cluster) }
        try CustomKeyStores.rejectExternalKeyStoreParameters(
            endpoint: request.XksProxyUriEndpoint, path: request.XksProxyUriPath, vpcService: request.XksProxyVpcEndpointServiceName,
            vpcOwner: request.XksProxyVpcEndpointServiceOwner, credential: request.XksProxyAuthenticationCredential,
            connectivity: request.XksProxyConnectivity
        )
    }

    public static func auditParameters(_ request: UpdateCustomKeyStoreRequest) -> AuditFields {
        [
            "customKeyStoreId": .string(request.CustomKeyStoreId),
            "newCustomKeyStoreName": request.NewCustomKeyStoreName.map(AuditValue.string),
            "cloudHsmClusterId": request.CloudHsmClusterId.map(AuditValue.string),
            "keyStorePassword": request.KeyStorePassword.map { _ in CustomKeyStores.hiddenPassword },
        ]
    }

    /// As AWS for a CloudHSM key store: only while it is disconnected, and only
    /// to a related cluster (a registration of the same token).
    public static func perform(
        _ request: UpdateCustomKeyStoreRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<Empty> {
        let env = context.environment
        let store = try await CustomKeyStores.store(request.CustomKeyStoreId, in: env)
        let state = env.customKeyStores.state(of: store.id).state
        guard state == .disconnected else { throw CustomKeyStores.invalidState(store, state, operation: "UpdateCustomKeyStore") }
        var updated = store
        if let name = request.NewCustomKeyStoreName { updated.name = name }
        if let password = request.KeyStorePassword {
            updated.sealedPassword = try await CustomKeyStores.sealPassword(password, storeID: store.id, in: env)
        }
        if let clusterID = request.CloudHsmClusterId, clusterID != store.cloudHsmClusterID {
            let cluster = try await CustomKeyStores.cluster(clusterID, in: env)
            let current = try await env.storage { try await $0.hsmClusters() }.first { $0.id == store.cloudHsmClusterID }
            guard let current, CustomKeyStores.related(current, cluster) else {
                throw KMSError(
                    .cloudHsmClusterNotRelated,
                    "The cluster \(clusterID) is not related to the cluster of custom key store \(store.id): it does not hold the same token."
                )
            }
            updated.cloudHsmClusterID = clusterID
            updated.trustAnchorCertificate = cluster.trustAnchorCertificate
        }
        return Outcome(Empty(), writes: updated == store ? [] : [.updateCustomKeyStore(updated)])
    }
}
