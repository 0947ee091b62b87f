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
        try CustomKeyStores.validateConnectivity(request.XksProxyConnectivity)
        if let endpoint = request.XksProxyUriEndpoint { try CustomKeyStores.validateProxyEndpoint(endpoint) }
        if let path = request.XksProxyUriPath { try CustomKeyStores.validateProxyPath(path) }
        if let credential = request.XksProxyAuthenticationCredential { try CustomKeyStores.validateProxyCredential(credential) }
        guard request.XksProxyVpcEndpointServiceName == nil, request.XksProxyVpcEndpointServiceOwner == nil else {
            throw KMSError.validation("XksProxyVpcEndpointServiceName and XksProxyVpcEndpointServiceOwner are valid only with VPC_ENDPOINT_SERVICE connectivity.")
        }
    }

    public static func auditParameters(_ request: UpdateCustomKeyStoreRequest) -> AuditFields {
        [
            "customKeyStoreId": .string(request.CustomKeyStoreId),
            "newCustomKeyStoreName": request.NewCustomKeyStoreName.map(AuditValue.string),
            "cloudHsmClusterId": request.CloudHsmClusterId.map(AuditValue.string),
            "keyStorePassword": request.KeyStorePassword.map { _ in CustomKeyStores.hiddenPassword },
            "xksProxyUriEndpoint": request.XksProxyUriEndpoint.map(AuditValue.string),
            "xksProxyUriPath": request.XksProxyUriPath.map(AuditValue.string),
            "xksProxyConnectivity": request.XksProxyConnectivity.map(AuditValue.string),
            "xksProxyAuthenticationCredential": request.XksProxyAuthenticationCredential.map { _ in CustomKeyStores.hiddenPassword },
        ]
    }

    /// Only while the store is disconnected (AWS lets an external key store
    /// change some settings while connected; Trent asks for a disconnect
    /// first); a CloudHSM key store moves only to a related cluster (a
    /// registration of the same token), an external key store only to a proxy
    /// that passes a health check with the new settings.
    public static func perform(
        _ request: UpdateCustomKeyStoreRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<Empty> {
        let env = context.environment
        let store = try await CustomKeyStores.store(request.CustomKeyStoreId, in: env)
        let state = env.customKeyStores.state(of: store.id).state
        guard state == .disconnected else { throw CustomKeyStores.invalidState(store, state, operation: "UpdateCustomKeyStore") }
        var updated = store
        if let name = request.NewCustomKeyStoreName { updated.name = name }
        switch store.type {
        case .cloudHSM:
            try CustomKeyStores.rejectExternalKeyStoreParameters(
                endpoint: request.XksProxyUriEndpoint, path: request.XksProxyUriPath, vpcService: nil, vpcOwner: nil,
                credential: request.XksProxyAuthenticationCredential, connectivity: request.XksProxyConnectivity
            )
            try await updateCloudHSM(&updated, request, in: env)
        case .externalKeyStore:
            guard request.KeyStorePassword == nil, request.CloudHsmClusterId == nil else {
                throw KMSError.validation("KeyStorePassword and CloudHsmClusterId are valid only for an AWS_CLOUDHSM custom key store.")
            }
            try await updateExternal(&updated, request, in: context)
        }
        return Outcome(Empty(), writes: updated == store ? [] : [.updateCustomKeyStore(updated)])
    }

    private static func updateCloudHSM(_ updated: inout CustomKeyStoreRecord, _ request: UpdateCustomKeyStoreRequest, in env: ServiceEnvironment) async throws(KMSError) {
        if let password = request.KeyStorePassword {
            updated.sealedPassword = try await CustomKeyStores.sealPassword(password, storeID: updated.id, in: env)
        }
        guard let clusterID = request.CloudHsmClusterId, clusterID != updated.cloudHsmClusterID else { return }
        let clusters = try await env.storage { try await $0.hsmClusters() }
        let cluster = try CustomKeyStores.cluster(clusterID, among: clusters)
        let current = clusters.first { $0.id == updated.cloudHsmClusterID }
        guard let current, CustomKeyStores.related(current, cluster) else {
            throw KMSError(
                .cloudHsmClusterNotRelated,
                "The cluster \(clusterID) is not related to the cluster of custom key store \(updated.id): it does not hold the same token."
            )
        }
        updated.cloudHsmClusterID = clusterID
        updated.trustAnchorCertificate = cluster.trustAnchorCertificate
    }

    private static func updateExternal(_ updated: inout CustomKeyStoreRecord, _ request: UpdateCustomKeyStoreRequest, in context: OperationContext) async throws(KMSError) {
        let env = context.environment
        guard request.XksProxyUriEndpoint != nil || request.XksProxyUriPath != nil || request.XksProxyAuthenticationCredential != nil else { return }
        var endpoint = try await CustomKeyStores.proxyEndpoint(of: updated, in: env)
        if let uriEndpoint = request.XksProxyUriEndpoint, uriEndpoint != endpoint.uriEndpoint {
            let others = try await env.storage { try await $0.customKeyStores() }.filter { $0.id != updated.id }
            guard !others.contains(where: { $0.xksProxyURIEndpoint == uriEndpoint }) else {
                throw KMSError(.xksProxyUriEndpointInUse, "The proxy endpoint \(uriEndpoint) is already associated with an external key store.")
            }
            endpoint.uriEndpoint = uriEndpoint
        }
        if let path = request.XksProxyUriPath { endpoint.uriPath = path }
        if let credential = request.XksProxyAuthenticationCredential {
            endpoint.accessKeyID = credential.AccessKeyId
            endpoint.secretAccessKey = credential.RawSecretAccessKey
        }
        try await CustomKeyStores.checkHealth(endpoint, operation: "UpdateCustomKeyStore", in: context)
        updated.xksProxyURIEndpoint = endpoint.uriEndpoint
        updated.xksProxyURIPath = endpoint.uriPath
        updated.xksProxyAccessKeyID = endpoint.accessKeyID
        updated.sealedPassword = try await CustomKeyStores.sealPassword(endpoint.secretAccessKey, storeID: updated.id, in: env)
    }
}
